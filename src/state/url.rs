//! The state's own URL rules: which `--state` values name a backend (`file`, the Redis
//! and Valkey schemes) and which namespaces are allowed. Here, beside the backends,
//! so that the settings layer and providers.toml's `[state]` table ask the state
//! instead of each knowing its schemes.

/// Whether `url` names a state backend: `file`, or a Redis URL of a known scheme.
/// The message never repeats the URL (it may hold a password).
pub fn check_state_url(url: &str) -> Result<(), String> {
    if url == "file" {
        return Ok(());
    }
    match url.trim().split_once("://") {
        Some((scheme, rest)) if super::redis::SCHEMES.contains(&scheme.to_ascii_lowercase().as_str()) => {
            if rest.is_empty() {
                let example = if scheme.contains("unix") {
                    "redis+unix:///run/redis/redis.sock"
                } else {
                    "redis://127.0.0.1:6379/0"
                };
                Err(format!("needs a server after `{scheme}://`, such as `{example}`"))
            } else {
                Ok(())
            }
        }
        Some((scheme, _)) => Err(format!(
            "has the unknown scheme `{scheme}`: use `file`, `redis://`, `rediss://` (TLS), `redis+unix://` or their `valkey` forms"
        )),
        None => Err("must be `file` or a URL such as `redis://host:6379/0`".into()),
    }
}

/// A namespace: 1 to 64 of letters, digits, `-`, `_`, `.` and `:`.
pub fn namespace_ok(namespace: &str) -> bool {
    (1..=64).contains(&namespace.len())
        && namespace.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}
