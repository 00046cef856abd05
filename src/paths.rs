//! Where agentry's files live and why: the home folder, the providers file, the
//! personas folder and the state folder, each with the rule that chose it
//! (flag, environment, then the first place that exists, then the default).

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::cli::GlobalArgs;
use crate::config_error::ConfigError;
use crate::env_vars::Env;
use crate::env_vars::EnvVars;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Flag,
    Env,
    WorkingDir,
    Home,
    ConfigDir,
    StateDir,
    DataLocalDir,
    /// Nothing on disk: built-ins only, and where `provider add` would create the file.
    Default,
}

impl Source {
    pub fn describe(self, flag: &str, env: &str) -> String {
        match self {
            Source::Flag => format!("--{flag}"),
            Source::Env => env.to_string(),
            Source::WorkingDir => "working directory".into(),
            Source::Home => "agentry home".into(),
            Source::ConfigDir => "config dir".into(),
            Source::StateDir => "state dir".into(),
            Source::DataLocalDir => "local data dir".into(),
            Source::Default => "not found; default location".into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Located {
    pub path: PathBuf,
    pub source: Source,
}

#[derive(Debug, Clone)]
pub(crate) struct Paths {
    pub home: Option<Located>,
    /// The providers file in use, or where `provider add` would create one (`Source::Default`).
    pub providers_file: Located,
    /// The personas folder in use; `None` means only the built-ins.
    pub personas_dir: Option<Located>,
    pub state_dir: Located,
}

fn flag_or_env(flag: Option<&PathBuf>, env: &Env, name: &str) -> Option<Located> {
    if let Some(path) = flag {
        return Some(Located { path: path.clone(), source: Source::Flag });
    }
    env.get(name).map(|value| Located { path: PathBuf::from(value), source: Source::Env })
}

impl Paths {
    pub(crate) fn resolve(global: &GlobalArgs, env: &Env) -> Result<Self, ConfigError> {
        let home = flag_or_env(global.home.as_ref(), env, EnvVars::AGENTRY_HOME);
        let config_dir = dirs::config_dir().map(|dir| dir.join("agentry"));

        // ./NAME, then HOME/NAME, then <config dir>/agentry/NAME: the first that exists.
        let lookup = |name: &str, exists: fn(&Path) -> bool| -> Option<Located> {
            let mut candidates = vec![(PathBuf::from(name), Source::WorkingDir)];
            if let Some(home) = &home {
                candidates.push((home.path.join(name), Source::Home));
            }
            if let Some(dir) = &config_dir {
                candidates.push((dir.join(name), Source::ConfigDir));
            }
            candidates.into_iter().find(|(path, _)| exists(path)).map(|(path, source)| Located { path, source })
        };

        let providers_file = match flag_or_env(global.providers.as_ref(), env, EnvVars::AGENTRY_PROVIDERS) {
            Some(found) => found,
            None => match lookup("providers.toml", Path::is_file) {
                Some(found) => found,
                None => Located {
                    path: default_create_location(home.as_ref(), config_dir.as_ref(), "providers.toml"),
                    source: Source::Default,
                },
            },
        };
        let personas_dir = flag_or_env(global.personas.as_ref(), env, EnvVars::AGENTRY_PERSONAS)
            .or_else(|| lookup("personas", Path::is_dir));

        let state_dir = if let Some(home) = &home {
            Located { path: home.path.clone(), source: home.source }
        } else if let Some(dir) = dirs::state_dir() {
            Located { path: dir.join("agentry"), source: Source::StateDir }
        } else if let Some(dir) = dirs::data_local_dir() {
            Located { path: dir.join("agentry"), source: Source::DataLocalDir }
        } else {
            return Err(ConfigError::Setting(
                "no folder for agentry's state: neither a state dir nor a local data dir is known on this system; set AGENTRY_HOME or pass --home DIR".into(),
            ));
        };

        Ok(Self { home, providers_file, personas_dir, state_dir })
    }

    pub(crate) fn state_file(&self) -> PathBuf {
        self.state_dir.path.join("state.json")
    }
    pub(crate) fn history_file(&self) -> PathBuf {
        self.state_dir.path.join("history.jsonl")
    }
    pub(crate) fn locks_dir(&self) -> PathBuf {
        self.state_dir.path.join("locks")
    }
    /// The rest of what the file backend keeps, for `agentry paths`; `state/file.rs`
    /// writes these names and a test checks the two agree.
    pub(crate) fn state_entries(&self) -> [(&'static str, PathBuf); 6] {
        let dir = &self.state_dir.path;
        [
            ("bodies_dir", dir.join("bodies")),
            ("prompts_dir", dir.join("prompts")),
            ("cache_dir", dir.join("cache")),
            ("limits_file", dir.join("limits.json")),
            ("budgets_file", dir.join("budgets.json")),
            // Results kept while a Redis state was unreachable, until replayed.
            ("spool_dir", dir.join("spool")),
        ]
    }
}

/// Where `provider add` creates the file when there is none: HOME, else the config dir.
fn default_create_location(home: Option<&Located>, config_dir: Option<&PathBuf>, file: &str) -> PathBuf {
    match (home, config_dir) {
        (Some(home), _) => home.path.join(file),
        (None, Some(dir)) => dir.join(file),
        (None, None) => PathBuf::from(file),
    }
}
