//! Every environment variable agentry reads, declared once, and [`Env`], the one read of
//! them that settings and paths work from. The tests remove all of them from every
//! child process, so a variable set on a developer's machine cannot leak into a test.

use std::collections::BTreeMap;

use crate::config_error::ConfigError;

pub struct EnvVars;

impl EnvVars {
    /// The agentry home: state, and a providers file and personas folder looked up there.
    pub const AGENTRY_HOME: &'static str = "AGENTRY_HOME";
    /// The providers file.
    pub const AGENTRY_PROVIDERS: &'static str = "AGENTRY_PROVIDERS";
    /// The personas folder.
    pub const AGENTRY_PERSONAS: &'static str = "AGENTRY_PERSONAS";
    /// The agent maximum, over `max_agents` in providers.toml.
    pub const AGENTRY_MAX_AGENTS: &'static str = "AGENTRY_MAX_AGENTS";
    /// How long to wait for the state lock or the providers-file lock (a DURATION).
    pub const AGENTRY_LOCK_TIMEOUT: &'static str = "AGENTRY_LOCK_TIMEOUT";
    /// The largest provider response body read (a SIZE such as `32MiB`).
    pub const AGENTRY_MAX_BODY: &'static str = "AGENTRY_MAX_BODY";
    /// Retries per provider for a call (over `retries` in providers.toml).
    pub const AGENTRY_RETRIES: &'static str = "AGENTRY_RETRIES";
    /// The whole-task limit (a DURATION; over `timeout` in providers.toml).
    pub const AGENTRY_TIMEOUT: &'static str = "AGENTRY_TIMEOUT";
    /// How long an attempt may go without a byte (a DURATION).
    pub const AGENTRY_IDLE_TIMEOUT: &'static str = "AGENTRY_IDLE_TIMEOUT";
    /// How long a connect may take (a DURATION).
    pub const AGENTRY_CONNECT_TIMEOUT: &'static str = "AGENTRY_CONNECT_TIMEOUT";
    /// Scales computed backoff and cooldowns (a float; default 1), so test suites stay fast.
    pub const AGENTRY_BACKOFF_SCALE: &'static str = "AGENTRY_BACKOFF_SCALE";
    /// Where the state lives: `file` (default) or a `redis://`, `rediss://` or
    /// `redis+unix://` URL (over `[state] url`; under `--state`).
    pub const AGENTRY_STATE: &'static str = "AGENTRY_STATE";
    /// The key prefix on a shared Redis server (over `[state] namespace`).
    pub const AGENTRY_STATE_NAMESPACE: &'static str = "AGENTRY_STATE_NAMESPACE";
    /// The Redis password, kept out of the URL.
    pub const AGENTRY_REDIS_PASSWORD: &'static str = "AGENTRY_REDIS_PASSWORD";
    /// The bearer token `mcp serve --http` requires of every request.
    pub const AGENTRY_MCP_TOKEN: &'static str = "AGENTRY_MCP_TOKEN";
    /// Any non-empty value turns colour off under `--color auto`.
    pub const NO_COLOR: &'static str = "NO_COLOR";

    pub const ALL: &'static [&'static str] = &[
        Self::AGENTRY_HOME,
        Self::AGENTRY_PROVIDERS,
        Self::AGENTRY_PERSONAS,
        Self::AGENTRY_MAX_AGENTS,
        Self::AGENTRY_LOCK_TIMEOUT,
        Self::AGENTRY_MAX_BODY,
        Self::AGENTRY_RETRIES,
        Self::AGENTRY_TIMEOUT,
        Self::AGENTRY_IDLE_TIMEOUT,
        Self::AGENTRY_CONNECT_TIMEOUT,
        Self::AGENTRY_BACKOFF_SCALE,
        Self::AGENTRY_STATE,
        Self::AGENTRY_STATE_NAMESPACE,
        Self::AGENTRY_REDIS_PASSWORD,
        Self::AGENTRY_MCP_TOKEN,
        Self::NO_COLOR,
    ];
}

/// The environment as agentry sees it: only the declared variables, read once.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: BTreeMap<&'static str, String>,
    /// Declared variables set to bytes that are not UTF-8.
    not_text: Vec<&'static str>,
}

impl Env {
    pub fn from_process() -> Self {
        let mut not_text = Vec::new();
        let vars = EnvVars::ALL
            .iter()
            .filter_map(|name| match std::env::var(name) {
                Ok(value) => (!value.is_empty()).then_some((*name, value)),
                Err(std::env::VarError::NotUnicode(_)) => {
                    not_text.push(*name);
                    None
                }
                Err(std::env::VarError::NotPresent) => None,
            })
            .collect();
        Self { vars, not_text }
    }

    /// A variable agentry reads that holds bytes that are not UTF-8: an error naming
    /// it, never a silent fallback (`AGENTRY_STATE` would quietly mean files).
    pub fn check(&self) -> Result<(), ConfigError> {
        match self.not_text.first() {
            Some(name) => Err(ConfigError::Setting(format!("{name} holds bytes that are not UTF-8 text"))),
            None => Ok(()),
        }
    }

    /// For tests: exactly these variables.
    pub fn from_pairs(pairs: &[(&'static str, &str)]) -> Self {
        Self { vars: pairs.iter().map(|(k, v)| (*k, (*v).to_string())).collect(), not_text: Vec::new() }
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str)
    }
}
