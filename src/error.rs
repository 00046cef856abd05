//! The command edge: the one place that turns causes into exit codes, messages and
//! hints. Below it, errors stay typed ([`ProviderError`], [`StateError`], `ManagerError`, `PersonaError`,
//! `ConfigError`, [`TaskError`]); a [`Failure`] is a message already worded for
//! the user. Anything else is an internal error (exit 1).

use std::fmt;

use crate::config_error::ConfigError;
use crate::files::LockError;
use crate::manager::ManagerError;
use crate::mcp::McpError;
use crate::persona::PersonaError;
use crate::provider::ProviderError;
use crate::shutdown::Signal;
use crate::state::StateError;
use crate::units::one_line;
use crate::worker::TaskError;

/// The documented exit codes. Later features reuse these numbers; do not renumber.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    Success = 0,
    Internal = 1,
    Usage = 2,
    NotFound = 3,
    Provider = 4,
    Deadline = 5,
    Partial = 6,
    Budget = 7,
    BatchFailed = 8,
    Cancelled = 9,
    Schema = 10,
    MaxSteps = 11,
    Interrupted = 130,
    Terminated = 143,
}

impl ExitCode {
    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn all() -> [ExitCode; 14] {
        use ExitCode::{
            BatchFailed, Budget, Cancelled, Deadline, Internal, Interrupted, MaxSteps, NotFound, Partial, Provider,
            Schema, Success, Terminated, Usage,
        };
        [
            Success,
            Internal,
            Usage,
            NotFound,
            Provider,
            Deadline,
            Partial,
            Budget,
            BatchFailed,
            Cancelled,
            Schema,
            MaxSteps,
            Interrupted,
            Terminated,
        ]
    }
}

impl From<Signal> for ExitCode {
    fn from(signal: Signal) -> Self {
        match signal {
            Signal::Interrupt => ExitCode::Interrupted,
            Signal::Terminate => ExitCode::Terminated,
        }
    }
}

/// An error the user can act on: one message line, optional hints, an exit code.
#[derive(Debug, thiserror::Error)]
pub struct Failure {
    pub exit: ExitCode,
    pub message: String,
    pub hints: Vec<String>,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl Failure {
    pub fn new(exit: ExitCode, message: impl Into<String>) -> Self {
        Self { exit, message: one_line(&message.into()), hints: Vec::new() }
    }
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(ExitCode::Usage, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ExitCode::NotFound, message)
    }
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(one_line(&hint.into()));
        self
    }
}

impl From<&ProviderError> for Failure {
    fn from(err: &ProviderError) -> Self {
        let provider = err.provider().to_string();
        let failure = Failure::new(ExitCode::Provider, err.to_string());
        match err {
            ProviderError::Key { hint, .. } => {
                let failure = Failure::usage(err.to_string());
                match hint {
                    Some(hint) => failure.hint(hint.clone()),
                    None => failure,
                }
            }
            ProviderError::Connect { .. } | ProviderError::ConnectTimeout { .. } => failure
                .hint(format!("is the server running and the endpoint right? see `agentry provider show {provider}`")),
            ProviderError::Status { status: 401 | 403, .. } => failure.hint(format!(
                "check the API key provider `{provider}` is configured with (`agentry provider show {provider}`)"
            )),
            ProviderError::Status { status: 404, .. } => {
                failure.hint("check the endpoint includes the version prefix (e.g. /v1) and the model name")
            }
            ProviderError::Status { status: 429, .. } => {
                failure.hint("the provider is rate limiting; wait and try again")
            }
            ProviderError::Garbage { api, .. } => {
                failure.hint(format!("is the endpoint {api}? try `agentry task run --dry-run`"))
            }
            ProviderError::TooLarge { .. } => failure.hint("raise AGENTRY_MAX_BODY if such answers are expected"),
            ProviderError::Redirect { .. } => failure.hint("set the provider's endpoint to the URL it redirects to"),
            ProviderError::ReplayMiss { .. } => failure.hint(
                "record the request again with a real key (`--record FILE`), or change it back to what was recorded",
            ),
            ProviderError::Cassette { .. } => Failure::usage(err.to_string())
                .hint("a cassette is the JSON lines `--record FILE` writes; see `agentry cassette show FILE`"),
            _ => failure,
        }
    }
}

fn lock_failure(what: &str, source: &LockError, dir: Option<&std::path::Path>) -> Failure {
    match source {
        LockError::Timeout { path, holder, after } => {
            let held = holder.map(|pid| format!(", held by process {pid}")).unwrap_or_default();
            let failure = Failure::usage(format!(
                "timed out after {} waiting for {what} ({}{held})",
                crate::units::duration_words(*after),
                path.display()
            ));
            match holder {
                Some(pid) => failure.hint(format!(
                    "wait for process {pid} or end it if it is stuck; AGENTRY_LOCK_TIMEOUT sets how long to wait"
                )),
                None => failure.hint("AGENTRY_LOCK_TIMEOUT sets how long to wait"),
            }
        }
        LockError::Unsupported { .. } => Failure::usage(format!("{what}: {source}"))
            .hint("put agentry's state on a local file system (--home DIR or AGENTRY_HOME)"),
        LockError::Io(io) => folder_failure(&io.to_string(), dir),
    }
}

fn folder_failure(message: &str, dir: Option<&std::path::Path>) -> Failure {
    let failure = Failure::usage(message);
    match dir {
        Some(dir) => failure.hint(format!(
            "check that {} is writable and has free space, or use another folder with --home DIR",
            dir.display()
        )),
        None => failure,
    }
}

impl From<&StateError> for Failure {
    fn from(err: &StateError) -> Self {
        match err {
            StateError::Torn { path, .. } => Failure::usage(err.to_string()).hint(format!(
                "agentry never leaves a torn file; if it was edited by hand, fix it, or move it aside (mv {0} {0}.broken) to start with no agents",
                path.display()
            )),
            StateError::Newer { .. } => {
                Failure::usage(err.to_string()).hint("upgrade agentry, or use a different --home")
            }
            StateError::Io { dir, source } => folder_failure(&source.to_string(), Some(dir)),
            StateError::Lock { what, dir, source } => lock_failure(what, source, Some(dir)),
            StateError::Unavailable { .. } => Failure::usage(err.to_string()).hint(
                "start the server or fix the URL (--state, AGENTRY_STATE or [state] url); a password can come from AGENTRY_REDIS_PASSWORD",
            ),
            StateError::Lost { .. } => Failure::new(ExitCode::Provider, err.to_string()).hint(
                "limits and budgets fail closed while Redis is away; retry when it is back, or set [state] on_unavailable = \"open\"",
            ),
            StateError::Foreign { .. } => {
                Failure::usage(err.to_string()).hint("give agentry its own [state] namespace on this server")
            }
            StateError::Encode { .. } => Failure::new(ExitCode::Internal, err.to_string()),
        }
    }
}

impl From<&ConfigError> for Failure {
    fn from(err: &ConfigError) -> Self {
        let message = err.to_string();
        match err {
            ConfigError::Missing { .. } => {
                Failure::usage(message).hint("check the path, or create it with `agentry provider add`")
            }
            ConfigError::NotRegular { .. } => {
                Failure::usage(message).hint("point --providers or AGENTRY_PROVIDERS at a regular file")
            }
            ConfigError::UnknownProvider { .. } => {
                Failure::not_found(message).hint("see `agentry provider list`, or add it with `agentry provider add`")
            }
            ConfigError::Exists { id, .. } => {
                Failure::usage(message).hint(format!("remove it first with `agentry provider remove {id}`"))
            }
            ConfigError::ToolServerExists { name, .. } => {
                Failure::usage(message).hint(format!("remove it first with `agentry mcp remove {name}`"))
            }
            ConfigError::UnknownToolServer { .. } => {
                Failure::not_found(message).hint("see `agentry mcp list`, or add it with `agentry mcp add`")
            }
            ConfigError::Lock(source) => lock_failure("the providers-file lock", source, None),
            ConfigError::Io(io) => folder_failure(&io.to_string(), io.path.parent()),
            ConfigError::Invalid { .. } | ConfigError::Setting(_) => Failure::usage(message),
        }
    }
}

impl From<&TaskError> for Failure {
    fn from(err: &TaskError) -> Self {
        match err {
            TaskError::Provider(err) => err.into(),
            TaskError::Deadline { limit, .. } => Failure::new(ExitCode::Deadline, err.to_string()).hint(format!(
                "the whole task may take {}; raise --timeout, or check the server",
                crate::units::duration_words(*limit)
            )),
            TaskError::Interrupted { signal, .. } => Failure::new(ExitCode::from(*signal), err.to_string()),
            TaskError::State(err) => err.into(),
            TaskError::Partial { .. } => Failure::new(ExitCode::Partial, err.to_string()),
            TaskError::Cancelled => Failure::new(ExitCode::Cancelled, err.to_string()),
            TaskError::Schema { cut: true, .. } => Failure::new(ExitCode::Schema, err.to_string())
                .hint("raise --max-tokens so that the whole JSON value fits"),
            TaskError::Schema { .. } => Failure::new(ExitCode::Schema, err.to_string()).hint(
                "the raw answer is in `agentry task show ID` and the --json object's `response`; simplify the schema or raise --schema-retries",
            ),
            TaskError::MaxSteps { steps, .. } => Failure::new(ExitCode::MaxSteps, err.to_string()).hint(format!(
                "the model's last text is above; raise --max-steps (it was {steps}), or narrow the task or its tools"
            )),
            TaskError::Budget(_) => Failure::new(ExitCode::Budget, err.to_string())
                .hint("raise the budget, wait for the next UTC day, or run with a cheaper model"),
        }
    }
}

impl From<&McpError> for Failure {
    fn from(err: &McpError) -> Self {
        let message = err.to_string();
        match err {
            McpError::Unknown { .. } => {
                Failure::not_found(message).hint("see `agentry mcp list`, or add it with `agentry mcp add`")
            }
            McpError::Start { server, .. } | McpError::Failed { server, .. } => Failure::usage(message).hint(format!(
                "check [mcp.{server}] in providers.toml; its stderr is in the state folder's logs/mcp/{server}.log (or run with -v)"
            )),
            McpError::Tools(_) => Failure::usage(message),
        }
    }
}

impl From<&PersonaError> for Failure {
    fn from(err: &PersonaError) -> Self {
        let message = err.to_string();
        match err {
            PersonaError::NotFound { .. } => Failure::not_found(message).hint("see `agentry persona list`"),
            PersonaError::HalfMissing(_) => {
                Failure::usage(message).hint("a two-file persona needs both PERSONA.md and AI_START_HERE.md")
            }
            _ => Failure::usage(message),
        }
    }
}

impl From<&ManagerError> for Failure {
    fn from(err: &ManagerError) -> Self {
        let message = err.to_string();
        match err {
            ManagerError::NoAgent(_) => {
                Failure::not_found(message).hint("see `agentry agent list`, or spawn it with `agentry agent spawn`")
            }
            ManagerError::NoAgents(_) => Failure::not_found(message).hint("see `agentry agent list`"),
            ManagerError::BadName(_) => Failure::usage(message),
            ManagerError::Taken { hint, .. } => Failure::usage(message).hint(hint.clone()),
            ManagerError::PoolFull { .. } => Failure::usage(message).hint(
                "stop an agent with `agentry stop NAME`, or raise max_agents in providers.toml or AGENTRY_MAX_AGENTS",
            ),
            ManagerError::Stopped(_) => Failure::not_found(message).hint("spawn it again with `agentry agent spawn`"),
            ManagerError::ProviderGone { agent, .. } => Failure::not_found(message)
                .hint(format!("add the provider back, or stop the agent and spawn it again: `agentry stop {agent}`")),
            ManagerError::PersonaGone { agent, .. } => Failure::not_found(message).hint(format!(
                "restore the persona folder, or stop the agent and spawn it again: `agentry stop {agent}`"
            )),
            ManagerError::Interrupted { signal, .. } => Failure::new(ExitCode::from(*signal), message),
            ManagerError::Temperature { max, .. } => {
                Failure::usage(message).hint(format!("pass --temperature {max} or less, or `none`"))
            }
            ManagerError::StillRunning { .. } => Failure::new(ExitCode::Deadline, message)
                .hint("raise `agentry stop --timeout`, or end the process running its task"),
            ManagerError::Persona(err) => err.into(),
        }
    }
}

/// The exit code and the lines to print for any error that reaches the edge.
pub fn classify(err: &anyhow::Error) -> (ExitCode, String, Vec<String>) {
    if let Some(f) = err.downcast_ref::<Failure>() {
        return (f.exit, f.message.clone(), f.hints.clone());
    }
    let failure: Option<Failure> = err
        .downcast_ref::<ProviderError>()
        .map(Failure::from)
        .or_else(|| err.downcast_ref::<StateError>().map(Failure::from))
        .or_else(|| err.downcast_ref::<ConfigError>().map(Failure::from))
        .or_else(|| err.downcast_ref::<TaskError>().map(Failure::from))
        .or_else(|| err.downcast_ref::<ManagerError>().map(Failure::from))
        .or_else(|| err.downcast_ref::<PersonaError>().map(Failure::from))
        .or_else(|| err.downcast_ref::<McpError>().map(Failure::from));
    if let Some(f) = failure {
        (f.exit, one_line(&f.message), f.hints)
    } else {
        let message = err.chain().map(|c| one_line(&c.to_string())).collect::<Vec<_>>().join(": ");
        (ExitCode::Internal, message, Vec::new())
    }
}

/// True when the error is a write to a closed stdout (`agentry … | head`), which is success.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_the_documented_numbers() {
        let codes: Vec<u8> = ExitCode::all().iter().map(|e| e.code()).collect();
        assert_eq!(codes, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 130, 143]);
    }

    #[test]
    fn home_folder_io_is_exit_2_naming_the_folder() {
        let err = StateError::Io {
            dir: "/srv/agentry".into(),
            source: crate::files::FsError {
                action: "write",
                path: "/srv/agentry/state.json".into(),
                source: std::io::Error::from_raw_os_error(28),
            },
        };
        let (exit, message, hints) = classify(&anyhow::Error::new(err));
        assert_eq!(exit, ExitCode::Usage);
        assert!(message.contains("/srv/agentry/state.json"), "{message}");
        assert!(hints[0].contains("/srv/agentry is writable"), "{hints:?}");
    }
}
