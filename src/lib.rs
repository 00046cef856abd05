//! agentry: run AI agents as workers from the command line.
//!
//! Data flows one way: [`cli`] (what can be typed) → `settings` (flag, environment,
//! file, default) → `commands` (one handler per verb, the edge where [`error`]
//! picks exit codes) → `manager` (agents, claims, recording) → [`worker`] (one
//! task under its deadline) → `call` (retries, failover, cache, budgets) →
//! [`provider`] (one `Client::attempt` for every [`provider::Protocol`] over one
//! HTTP transport) → [`state`] (named operations over the file or Redis backend).
//! [`mcp`] (tool servers the worker's loop calls) sits beside `provider`.
//! [`request`] is what a task asks in no protocol's words, used by every layer.
//! [`config`] reads and edits providers.toml; `files` holds the file primitives
//! (atomic writes, lock files, capped reads); `output` is the only writer to stdout
//! and stderr. Only what `main.rs` and the tests use is public; STYLE.md has the
//! module map.

pub(crate) mod call;
pub mod cli;
pub(crate) mod clock;
pub(crate) mod commands;
pub mod config;
pub(crate) mod config_error;
pub mod env_vars;
pub mod error;
pub(crate) mod files;
pub(crate) mod histogram;
pub(crate) mod ids;
pub mod limits;
pub(crate) mod manager;
pub mod mcp;
pub(crate) mod metrics;
pub(crate) mod output;
pub(crate) mod paths;
pub mod persona;
pub(crate) mod pricing;
pub mod provider;
pub mod request;
pub(crate) mod safe_url;
pub(crate) mod settings;
pub mod shutdown;
pub mod state;
pub(crate) mod units;
pub mod worker;

use std::process::ExitCode as ProcessExit;

/// A command line clap refused: a value one of agentry's value types refused is worded
/// as agentry words it (`--temperature takes a number from 0 to 2 …`, exit 2); the
/// rest (help, version, unknown flags) as clap words it.
pub fn refused_arguments(err: &clap::Error) -> ProcessExit {
    use std::error::Error as _;
    let invalid = (err.kind() == clap::error::ErrorKind::ValueValidation)
        .then(|| err.source().and_then(|source| source.downcast_ref::<request::Invalid>()))
        .flatten();
    let Some(invalid) = invalid else { err.exit() };
    let flag = match err.get(clap::error::ContextKind::InvalidArg) {
        Some(clap::error::ContextValue::String(arg)) => arg.split(' ').next().unwrap_or(arg).to_string(),
        _ => "a flag".to_string(),
    };
    let printer = output::Printer::new(&cli::GlobalArgs::default(), &env_vars::Env::from_process());
    let hints: Vec<String> = invalid.hint.iter().map(|h| (*h).to_string()).collect();
    printer.error(&format!("{flag} {}", invalid.rule), &hints);
    ProcessExit::from(error::ExitCode::Usage.code())
}

/// Run a parsed command line to its exit code: the whole program but argument parsing.
pub fn run(cli: cli::Cli) -> ProcessExit {
    let env = env_vars::Env::from_process();
    let printer = output::Printer::new(&cli.global, &env);
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            printer.error(&format!("cannot start the async runtime: {err}"), &[]);
            return ProcessExit::from(error::ExitCode::Internal.code());
        }
    };
    let outcome = runtime.block_on(commands::run(cli, printer, env));
    // A lock wait may still sit on a blocking thread after a signal: do not join it.
    runtime.shutdown_background();
    match outcome {
        Ok(()) => ProcessExit::SUCCESS,
        Err(err) if error::is_broken_pipe(&err) => ProcessExit::SUCCESS,
        Err(err) => {
            let (exit, message, hints) = error::classify(&err);
            printer.error(&message, &hints);
            ProcessExit::from(exit.code())
        }
    }
}
