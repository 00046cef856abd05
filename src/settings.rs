//! One settings layer: each setting is resolved in one function, from the command's
//! arguments, the environment and providers.toml, in the documented order flag,
//! environment, file, default, and remembers where its value came from. The
//! environment is read once, into [`Env`], from the names in [`EnvVars::ALL`].

use std::time::Duration;

use serde::Serialize;

use crate::config::FileSettings;
use crate::config_error::ConfigError;
use crate::env_vars::Env;
use crate::env_vars::EnvVars;
use crate::request::TaskOptions;
use crate::units::{parse_duration, parse_size};

pub(crate) const DEFAULT_MAX_AGENTS: u32 = 10;
pub(crate) const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(60);
pub(crate) const DEFAULT_MAX_BODY: u64 = 32 * 1024 * 1024;
pub(crate) const DEFAULT_TEMPERATURE: f64 = 0.7;
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(600);
pub(crate) const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
pub(crate) const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(120);
pub(crate) const DEFAULT_RETRIES: u32 = 2;
pub(crate) const DEFAULT_COOLDOWN: Duration = Duration::from_secs(5);
/// `provider models` keeps its own, shorter whole limit.
pub(crate) const MODELS_TIMEOUT: Duration = Duration::from_secs(30);

/// Where a setting's value came from, for `agentry paths` and for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "name")]
pub enum Origin {
    Flag(&'static str),
    Env(&'static str),
    File,
    Default,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Setting<T> {
    pub value: T,
    pub origin: Origin,
}

/// Flag, then environment, then file, then default.
fn pick<T>(flag: Option<(T, &'static str)>, env: Option<(T, &'static str)>, file: Option<T>, default: T) -> Setting<T> {
    if let Some((value, name)) = flag {
        return Setting { value, origin: Origin::Flag(name) };
    }
    if let Some((value, name)) = env {
        return Setting { value, origin: Origin::Env(name) };
    }
    match file {
        Some(value) => Setting { value, origin: Origin::File },
        None => Setting { value: default, origin: Origin::Default },
    }
}

/// An environment variable parsed by `parse`; a bad value is an error naming it.
fn env_value<T>(
    env: &Env,
    name: &'static str,
    what: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<Option<(T, &'static str)>, ConfigError> {
    match env.get(name) {
        None => Ok(None),
        Some(raw) => match parse(raw.trim()) {
            Some(value) => Ok(Some((value, name))),
            None => Err(ConfigError::Setting(format!("{name} must be {what}, not `{raw}`"))),
        },
    }
}

/// Settings every command shares that are not paths (paths are `paths.rs`'s).
#[derive(Debug, Clone, Copy)]
pub(crate) struct GlobalSettings {
    pub lock_timeout: Setting<Duration>,
    pub max_body: Setting<u64>,
}

impl GlobalSettings {
    pub(crate) fn resolve(env: &Env) -> Result<Self, ConfigError> {
        let lock_timeout =
            env_value(env, EnvVars::AGENTRY_LOCK_TIMEOUT, "a duration such as `60s` or `500ms`", |raw| {
                parse_duration(raw).filter(|d| !d.is_zero())
            })?;
        let max_body = env_value(env, EnvVars::AGENTRY_MAX_BODY, "a size such as `32MiB`", |raw| {
            parse_size(raw).filter(|n| *n > 0)
        })?;
        Ok(Self {
            lock_timeout: pick(None, lock_timeout, None, DEFAULT_LOCK_TIMEOUT),
            max_body: pick(None, max_body, None, DEFAULT_MAX_BODY),
        })
    }
}

/// Where the state lives: the local files, or a Redis server.
#[derive(Debug, Clone)]
pub(crate) enum StateChoice {
    File,
    Redis(crate::state::RedisTarget),
}

/// `--state`, then `AGENTRY_STATE`, then `[state] url`, then `file`. The password may
/// come from `AGENTRY_REDIS_PASSWORD`; the namespace from `AGENTRY_STATE_NAMESPACE`,
/// then `[state] namespace`, then `agentry`.
pub(crate) fn state_choice(
    flag: Option<&str>,
    env: &Env,
    file: &crate::state::options::StateOptions,
) -> Result<Setting<StateChoice>, ConfigError> {
    // Schemes are case-insensitive; the rest (a password) is kept as given.
    let normal = |url: &str| match url.trim().split_once("://") {
        Some((scheme, rest)) => format!("{}://{rest}", scheme.to_ascii_lowercase()),
        None => url.trim().to_string(),
    };
    let from_flag = flag.map(|url| (normal(url), "--state"));
    let from_env = env.get(EnvVars::AGENTRY_STATE).map(|url| (normal(url), EnvVars::AGENTRY_STATE));
    let url = pick(from_flag, from_env, file.url.as_deref().map(normal), "file".to_string());
    let source = match url.origin {
        Origin::Flag(name) | Origin::Env(name) => name.to_string(),
        Origin::File => "[state] url".into(),
        Origin::Default => "default".into(),
    };
    crate::state::url::check_state_url(&url.value)
        .map_err(|message| ConfigError::Setting(format!("{source} {message}")))?;
    let namespace = match env.get(EnvVars::AGENTRY_STATE_NAMESPACE) {
        Some(raw) if crate::state::url::namespace_ok(raw.trim()) => Some(raw.trim().to_string()),
        Some(raw) => {
            return Err(ConfigError::Setting(format!(
                "{} must be 1 to 64 letters, digits, `-`, `_`, `.` or `:`, not `{raw}`",
                EnvVars::AGENTRY_STATE_NAMESPACE
            )));
        }
        None => None,
    };
    let value = if url.value == "file" {
        StateChoice::File
    } else {
        StateChoice::Redis(crate::state::RedisTarget {
            url: url.value,
            password: env.get(EnvVars::AGENTRY_REDIS_PASSWORD).map(str::to_string).filter(|p| !p.is_empty()),
            namespace: namespace.or_else(|| file.namespace.clone()).unwrap_or_else(|| "agentry".into()),
            ca_cert: file.ca_cert.clone(),
            on_unavailable: file.on_unavailable,
        })
    };
    Ok(Setting { value, origin: url.origin })
}

/// The pool maximum: `AGENTRY_MAX_AGENTS`, then `max_agents`, then 10.
pub(crate) fn max_agents(env: &Env, file: &FileSettings) -> Result<Setting<u32>, ConfigError> {
    let from_env = env_value(env, EnvVars::AGENTRY_MAX_AGENTS, "a whole number of at least 1", |raw| {
        raw.parse::<u32>().ok().filter(|n| *n >= 1)
    })?;
    Ok(pick(None, from_env, file.max_agents, DEFAULT_MAX_AGENTS))
}

/// The request settings for one provider: flag, then the provider's table, then the
/// default (there is no environment level for these).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RequestSettings {
    pub model: Setting<String>,
    pub temperature: Setting<Option<f64>>,
    pub max_tokens: Setting<Option<u32>>,
}

impl RequestSettings {
    pub(crate) fn resolve(options: &TaskOptions, provider: &crate::provider::Provider) -> Self {
        Self {
            model: pick(
                options.model.as_ref().map(|m| (m.as_str().to_string(), "--model")),
                None,
                None,
                provider.model.clone(),
            ),
            temperature: pick(
                options.temperature.map(|t| (t.value(), "--temperature")),
                None,
                provider.temperature.map(Some),
                Some(DEFAULT_TEMPERATURE),
            ),
            max_tokens: pick(
                options.max_tokens.map(|n| (Some(n.get()), "--max-tokens")),
                None,
                provider.max_tokens.map(Some),
                None,
            ),
        }
    }
}

/// What a run's flags say about its calls (every provider of a failover chain).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CallFlags {
    pub retries: Option<u32>,
    pub timeout: Option<Duration>,
    pub idle_timeout: Option<Duration>,
    pub connect_timeout: Option<Duration>,
    /// `--cache` (true) or `--no-cache` (false), over the provider's and agent's `cache`.
    pub cache: Option<bool>,
    /// `--refresh`: skip the cache lookup, store the new answer.
    pub refresh: bool,
    /// `--schema-retries`: repair rounds for an answer that does not match its schema.
    pub schema_retries: Option<u32>,
    /// `--max-steps`: model calls a task with tools may make.
    pub max_steps: Option<u32>,
    /// `--tool-timeout`: each tool call's limit.
    pub tool_timeout: Option<Duration>,
}

/// Repair rounds for an answer that does not match its schema, unless `--schema-retries`.
pub(crate) const DEFAULT_SCHEMA_RETRIES: u32 = 1;
/// Model calls a task with tools may make, unless `--max-steps`.
pub(crate) const DEFAULT_MAX_STEPS: u32 = 10;
/// Each tool call's limit, unless `--tool-timeout`.
pub(crate) const DEFAULT_TOOL_TIMEOUT: Duration = Duration::from_secs(60);

/// The environment's call settings, parsed once; a bad value is an error naming it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CallEnv {
    retries: Option<(u32, &'static str)>,
    timeout: Option<(Duration, &'static str)>,
    idle_timeout: Option<(Duration, &'static str)>,
    connect_timeout: Option<(Duration, &'static str)>,
    pub backoff_scale: f64,
}

impl CallEnv {
    pub fn resolve(env: &Env) -> Result<Self, ConfigError> {
        let duration = |name| {
            env_value(env, name, "a duration such as `30s`, `500ms` or a number of seconds", |raw| {
                parse_duration(raw).filter(|d| !d.is_zero())
            })
        };
        Ok(Self {
            retries: env_value(env, EnvVars::AGENTRY_RETRIES, "a whole number of 0 or more", |raw| raw.parse().ok())?,
            timeout: duration(EnvVars::AGENTRY_TIMEOUT)?,
            idle_timeout: duration(EnvVars::AGENTRY_IDLE_TIMEOUT)?,
            connect_timeout: duration(EnvVars::AGENTRY_CONNECT_TIMEOUT)?,
            backoff_scale: env_value(
                env,
                EnvVars::AGENTRY_BACKOFF_SCALE,
                "a number of 0 or more, such as 0.01",
                |raw| raw.parse::<f64>().ok().filter(|s| s.is_finite() && *s >= 0.0),
            )?
            .map_or(1.0, |(scale, _)| scale),
        })
    }
}

/// The whole-task limit: `--timeout`, `AGENTRY_TIMEOUT`, the primary provider's
/// `timeout`, then `default` (600 s; 30 s for `provider models`).
pub(crate) fn task_limit(
    flags: &CallFlags,
    env: &CallEnv,
    primary: &crate::provider::Provider,
    default: Duration,
) -> Setting<Duration> {
    pick(flags.timeout.map(|t| (t, "--timeout")), env.timeout, primary.timeout, default)
}

/// The whole limit of `provider models`: `AGENTRY_TIMEOUT`, else 30 s (a provider's
/// `timeout` is for tasks).
pub(crate) fn models_limit(env: &CallEnv) -> Setting<Duration> {
    pick(None, env.timeout, None, MODELS_TIMEOUT)
}

/// The settings of one provider in a call: flag, environment, its own table, default.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkSettings {
    pub retries: Setting<u32>,
    pub idle_timeout: Setting<Duration>,
    pub connect_timeout: Setting<Duration>,
    pub cooldown: Setting<Duration>,
}

impl LinkSettings {
    pub fn resolve(flags: &CallFlags, env: &CallEnv, provider: &crate::provider::Provider, limit: Duration) -> Self {
        let mut connect_timeout = pick(
            flags.connect_timeout.map(|t| (t, "--connect-timeout")),
            env.connect_timeout,
            provider.connect_timeout,
            DEFAULT_CONNECT_TIMEOUT,
        );
        // A connect never waits longer than the whole task may take.
        connect_timeout.value = connect_timeout.value.min(limit);
        Self {
            retries: pick(flags.retries.map(|r| (r, "--retries")), env.retries, provider.retries, DEFAULT_RETRIES),
            idle_timeout: pick(
                flags.idle_timeout.map(|t| (t, "--idle-timeout")),
                env.idle_timeout,
                provider.idle_timeout,
                DEFAULT_IDLE_TIMEOUT,
            ),
            connect_timeout,
            cooldown: pick(None, None, provider.cooldown, DEFAULT_COOLDOWN),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::registry::builtin_mock;

    #[test]
    fn the_state_comes_from_flag_env_file_then_files() {
        let file = crate::state::options::StateOptions {
            url: Some("redis://file-host/0".into()),
            namespace: Some("team".into()),
            ..Default::default()
        };
        let env = Env::from_pairs(&[
            (EnvVars::AGENTRY_STATE, " REDISS://env-host:6380/1 "),
            (EnvVars::AGENTRY_REDIS_PASSWORD, "pw"),
        ]);
        let target = |choice: Setting<StateChoice>| match choice.value {
            StateChoice::Redis(target) => (target.url, target.namespace, target.password, choice.origin),
            StateChoice::File => panic!("files"),
        };
        assert_eq!(
            target(state_choice(Some("redis://flag-host"), &env, &file).expect("flag")),
            ("redis://flag-host".into(), "team".into(), Some("pw".into()), Origin::Flag("--state"))
        );
        assert_eq!(target(state_choice(None, &env, &file).expect("env")).0, "rediss://env-host:6380/1");
        let from_file = target(state_choice(None, &Env::default(), &file).expect("file"));
        assert_eq!((from_file.0.as_str(), from_file.3), ("redis://file-host/0", Origin::File));
        let default =
            state_choice(None, &Env::default(), &crate::state::options::StateOptions::default()).expect("default");
        assert!(matches!(default.value, StateChoice::File) && default.origin == Origin::Default);
        assert!(matches!(state_choice(Some("file"), &env, &file).expect("file flag").value, StateChoice::File));
        let namespaced = Env::from_pairs(&[(EnvVars::AGENTRY_STATE_NAMESPACE, "ci-7")]);
        assert_eq!(target(state_choice(None, &namespaced, &file).expect("ns")).1, "ci-7");
        let bad = Env::from_pairs(&[(EnvVars::AGENTRY_STATE_NAMESPACE, "a b")]);
        assert!(state_choice(None, &bad, &file).is_err());
        for (url, message) in [
            ("mysql://u:secret@db", "--state has the unknown scheme `mysql`"),
            ("redis://", "--state needs a server after `redis://`"),
            ("localhost:6379", "--state must be `file` or a URL"),
            ("valkey+unix://", "--state needs a server after `valkey+unix://`"),
        ] {
            let err = state_choice(Some(url), &Env::default(), &file).expect_err(url).to_string();
            assert!(err.starts_with(message) && !err.contains("secret"), "{err}");
        }
    }

    #[test]
    fn max_agents_env_file_default() {
        let file = FileSettings { max_agents: Some(4), ..FileSettings::default() };
        let env = Env::from_pairs(&[(EnvVars::AGENTRY_MAX_AGENTS, "7")]);
        assert_eq!(
            max_agents(&env, &file).expect("env"),
            Setting { value: 7, origin: Origin::Env("AGENTRY_MAX_AGENTS") }
        );
        assert_eq!(max_agents(&Env::default(), &file).expect("file"), Setting { value: 4, origin: Origin::File });
        assert_eq!(
            max_agents(&Env::default(), &FileSettings::default()).expect("default"),
            Setting { value: 10, origin: Origin::Default }
        );
        let bad = Env::from_pairs(&[(EnvVars::AGENTRY_MAX_AGENTS, "0")]);
        let err = max_agents(&bad, &file).expect_err("zero").to_string();
        assert!(err.contains("AGENTRY_MAX_AGENTS") && err.contains("`0`"), "{err}");
    }

    #[test]
    fn lock_timeout_and_max_body_env_default() {
        let env = Env::from_pairs(&[(EnvVars::AGENTRY_LOCK_TIMEOUT, "1s"), (EnvVars::AGENTRY_MAX_BODY, "1KiB")]);
        let settings = GlobalSettings::resolve(&env).expect("env");
        assert_eq!(settings.lock_timeout.value, Duration::from_secs(1));
        assert_eq!(settings.lock_timeout.origin, Origin::Env("AGENTRY_LOCK_TIMEOUT"));
        assert_eq!(settings.max_body.value, 1024);
        let settings = GlobalSettings::resolve(&Env::default()).expect("default");
        assert_eq!(settings.lock_timeout, Setting { value: DEFAULT_LOCK_TIMEOUT, origin: Origin::Default });
        assert_eq!(settings.max_body, Setting { value: DEFAULT_MAX_BODY, origin: Origin::Default });
        let err = GlobalSettings::resolve(&Env::from_pairs(&[(EnvVars::AGENTRY_LOCK_TIMEOUT, "soon")]))
            .expect_err("bad")
            .to_string();
        assert!(err.contains("AGENTRY_LOCK_TIMEOUT"), "{err}");
    }

    #[test]
    fn request_settings_flag_file_default() {
        let mut provider = builtin_mock();
        let none = TaskOptions::default();
        let resolved = RequestSettings::resolve(&none, &provider);
        assert_eq!(resolved.temperature, Setting { value: Some(0.7), origin: Origin::Default });
        assert_eq!(resolved.max_tokens, Setting { value: None, origin: Origin::Default });
        assert_eq!(resolved.model, Setting { value: "mock".to_string(), origin: Origin::Default });
        provider.temperature = Some(0.2);
        provider.max_tokens = Some(50);
        let resolved = RequestSettings::resolve(&none, &provider);
        assert_eq!(resolved.temperature, Setting { value: Some(0.2), origin: Origin::File });
        assert_eq!(resolved.max_tokens, Setting { value: Some(50), origin: Origin::File });
        let flags = TaskOptions {
            model: "x".parse().ok(),
            temperature: Some(crate::request::Temperature::Unset),
            max_tokens: "9".parse().ok(),
            ..TaskOptions::default()
        };
        let resolved = RequestSettings::resolve(&flags, &provider);
        assert_eq!(resolved.temperature, Setting { value: None, origin: Origin::Flag("--temperature") });
        assert_eq!(resolved.max_tokens, Setting { value: Some(9), origin: Origin::Flag("--max-tokens") });
        assert_eq!(resolved.model, Setting { value: "x".to_string(), origin: Origin::Flag("--model") });
    }

    #[test]
    fn call_settings_at_every_level() {
        let mut provider = builtin_mock();
        let none = CallFlags::default();
        let env = CallEnv::resolve(&Env::default()).expect("empty env");
        assert!((env.backoff_scale - 1.0).abs() < f64::EPSILON);
        let limit = task_limit(&none, &env, &provider, DEFAULT_TIMEOUT);
        assert_eq!(limit, Setting { value: DEFAULT_TIMEOUT, origin: Origin::Default });
        let link = LinkSettings::resolve(&none, &env, &provider, limit.value);
        assert_eq!(link.retries, Setting { value: 2, origin: Origin::Default });
        assert_eq!(link.idle_timeout.value, Duration::from_secs(120));
        assert_eq!(link.connect_timeout.value, Duration::from_secs(10));
        assert_eq!(link.cooldown.value, Duration::from_secs(5));
        provider.retries = Some(5);
        provider.timeout = Some(Duration::from_secs(90));
        provider.idle_timeout = Some(Duration::from_secs(7));
        provider.connect_timeout = Some(Duration::from_secs(3));
        let limit = task_limit(&none, &env, &provider, DEFAULT_TIMEOUT);
        assert_eq!(limit, Setting { value: Duration::from_secs(90), origin: Origin::File });
        let link = LinkSettings::resolve(&none, &env, &provider, limit.value);
        assert_eq!(link.retries, Setting { value: 5, origin: Origin::File });
        assert_eq!(link.idle_timeout, Setting { value: Duration::from_secs(7), origin: Origin::File });
        let env = CallEnv::resolve(&Env::from_pairs(&[
            (EnvVars::AGENTRY_RETRIES, "1"),
            (EnvVars::AGENTRY_TIMEOUT, "45s"),
            (EnvVars::AGENTRY_IDLE_TIMEOUT, "2s"),
            (EnvVars::AGENTRY_CONNECT_TIMEOUT, "500ms"),
            (EnvVars::AGENTRY_BACKOFF_SCALE, "0.01"),
        ]))
        .expect("env");
        assert!((env.backoff_scale - 0.01).abs() < f64::EPSILON);
        let limit = task_limit(&none, &env, &provider, DEFAULT_TIMEOUT);
        assert_eq!(limit, Setting { value: Duration::from_secs(45), origin: Origin::Env("AGENTRY_TIMEOUT") });
        let link = LinkSettings::resolve(&none, &env, &provider, limit.value);
        assert_eq!(link.retries, Setting { value: 1, origin: Origin::Env("AGENTRY_RETRIES") });
        assert_eq!(link.connect_timeout.value, Duration::from_millis(500));
        let flags = CallFlags {
            retries: Some(0),
            timeout: Some(Duration::from_secs(3)),
            idle_timeout: Some(Duration::from_secs(1)),
            connect_timeout: Some(Duration::from_secs(9)),
            ..CallFlags::default()
        };
        let limit = task_limit(&flags, &env, &provider, DEFAULT_TIMEOUT);
        assert_eq!(limit, Setting { value: Duration::from_secs(3), origin: Origin::Flag("--timeout") });
        let link = LinkSettings::resolve(&flags, &env, &provider, limit.value);
        assert_eq!(link.retries, Setting { value: 0, origin: Origin::Flag("--retries") });
        assert_eq!(
            link.idle_timeout,
            Setting { value: Duration::from_secs(1), origin: Origin::Flag("--idle-timeout") }
        );
        assert_eq!(link.connect_timeout.value, Duration::from_secs(3), "never more than the whole task");
        for (name, bad) in [
            (EnvVars::AGENTRY_RETRIES, "-1"),
            (EnvVars::AGENTRY_TIMEOUT, "soon"),
            (EnvVars::AGENTRY_BACKOFF_SCALE, "x"),
        ] {
            let err = CallEnv::resolve(&Env::from_pairs(&[(name, bad)])).expect_err("bad").to_string();
            assert!(err.contains(name) && err.contains(&format!("`{bad}`")), "{err}");
        }
    }
}
