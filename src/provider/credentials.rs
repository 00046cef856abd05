//! Where a provider's key comes from, and resolving it at most once per invocation,
//! only when a request is about to go out (never for `--dry-run`, never for the mock).

use std::collections::HashMap;
use std::time::Duration;

use super::Provider;
use super::error::ProviderError;
use super::redact::SecretString;

const KEY_CMD_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub enum KeySource {
    None,
    Env(String),
    Cmd(String),
    Literal(SecretString),
}

impl KeySource {
    /// How `provider list` describes it: never the key itself.
    pub fn label(&self) -> String {
        match self {
            KeySource::None => "none".into(),
            KeySource::Env(var) => format!("env:{var}"),
            KeySource::Cmd(_) => "cmd".into(),
            KeySource::Literal(_) => "file".into(),
        }
    }
}

fn key_error(provider: &Provider, message: String, hint: Option<String>) -> ProviderError {
    ProviderError::Key { provider: provider.id.clone(), message, hint }
}

/// Fails early, before any request, when a key variable is unset.
pub fn check_key_available(provider: &Provider) -> Result<(), ProviderError> {
    if let KeySource::Env(var) = &provider.key {
        match std::env::var(var) {
            Ok(value) if !value.trim().is_empty() => {}
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(key_error(
                    provider,
                    format!(
                        "environment variable {var} holds bytes that are not UTF-8 text; provider `{}` reads its API key from it",
                        provider.id
                    ),
                    Some(format!("set {var} to the key as text")),
                ));
            }
            _ => {
                return Err(key_error(
                    provider,
                    format!(
                        "environment variable {var} is not set; provider `{}` reads its API key from it",
                        provider.id
                    ),
                    Some(format!("export {var}=… or change api_key_env for [providers.{}]", provider.id)),
                ));
            }
        }
    }
    Ok(())
}

/// Keys resolved so far in this invocation, by provider id.
#[derive(Default)]
pub struct KeyCache {
    keys: HashMap<String, Option<SecretString>>,
}

impl KeyCache {
    pub async fn get(&mut self, provider: &Provider) -> Result<Option<SecretString>, ProviderError> {
        if let Some(key) = self.keys.get(&provider.id) {
            return Ok(key.clone());
        }
        let key = match &provider.key {
            KeySource::None => None,
            KeySource::Literal(key) => Some(key.clone()),
            KeySource::Env(var) => {
                check_key_available(provider)?;
                std::env::var(var).ok().map(|v| SecretString::new(v.trim().to_string()))
            }
            KeySource::Cmd(cmd) => Some(run_key_command(provider, cmd).await?),
        };
        self.keys.insert(provider.id.clone(), key.clone());
        Ok(key)
    }
}

async fn run_key_command(provider: &Provider, cmd: &str) -> Result<SecretString, ProviderError> {
    let id = &provider.id;
    let mut command = if cfg!(windows) {
        let mut c = tokio::process::Command::new("cmd");
        c.arg("/C").arg(cmd);
        c
    } else {
        let mut c = tokio::process::Command::new("sh");
        c.arg("-c").arg(cmd);
        c
    };
    command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true);
    // Its own process group, so a timeout can end the command's children too
    // (`sh -c 'sleep 60; echo key'` would otherwise leave `sleep` running).
    #[cfg(unix)]
    command.process_group(0);
    let child = command
        .spawn()
        .map_err(|err| key_error(provider, format!("api_key_cmd for provider `{id}` could not start: {err}"), None))?;
    let pid = child.id();
    let output = match tokio::time::timeout(KEY_CMD_TIMEOUT, child.wait_with_output()).await {
        Ok(Ok(output)) => output,
        Ok(Err(err)) => {
            return Err(key_error(provider, format!("api_key_cmd for provider `{id}` failed: {err}"), None));
        }
        Err(_) => {
            kill_group(pid);
            return Err(key_error(
                provider,
                format!("api_key_cmd for provider `{id}` took more than {} s", KEY_CMD_TIMEOUT.as_secs()),
                Some("run the command yourself to see where it hangs".into()),
            ));
        }
    };
    if !output.status.success() {
        let status = output.status.code().map_or_else(|| "a signal".to_string(), |c| format!("status {c}"));
        return Err(key_error(
            provider,
            format!("api_key_cmd for provider `{id}` exited with {status}"),
            Some("run the command yourself to see what it says".into()),
        ));
    }
    let key = String::from_utf8_lossy(&output.stdout).trim().to_string();
    if key.is_empty() {
        return Err(key_error(provider, format!("api_key_cmd for provider `{id}` printed nothing"), None));
    }
    Ok(SecretString::new(key))
}

/// Kill a whole process group. `kill(1)` does it without unsafe code; a missing
/// `kill` leaves only the group leader killed (by `kill_on_drop`).
fn kill_group(pid: Option<u32>) {
    #[cfg(unix)]
    if let Some(pid) = pid {
        let _ = std::process::Command::new("kill")
            .args(["-KILL", "--", &format!("-{pid}")])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
    }
    #[cfg(not(unix))]
    let _ = pid;
}
