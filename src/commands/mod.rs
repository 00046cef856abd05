//! One handler per verb. `run` resolves the paths and global settings once and
//! dispatches; handlers word their results and return typed errors, which
//! `crate::error` turns into exit codes at the edge.

mod agent;
pub(crate) mod batch;
mod cassette;
mod completions;
mod flags;
mod history;
mod mcp;
mod paths;
mod persona;
mod provider;
mod provider_batch;
mod serve;
mod state;
mod stats;
mod task;

use std::time::Duration;

use crate::cli::{Cli, Command};
use crate::config::{Config, FileSettings};
use crate::env_vars::Env;
use crate::env_vars::EnvVars;
use crate::manager::Manager;
use crate::output::Printer;
use crate::paths::Paths;
use crate::persona::PersonaLibrary;
use crate::provider::Client;
use crate::settings::{GlobalSettings, StateChoice, state_choice};
use crate::state::{FileState, RedisState, Store};

/// What every handler gets: the printer, the paths in use and the global settings.
#[derive(Clone)]
pub(crate) struct Invocation {
    pub printer: Printer,
    pub paths: Paths,
    pub env: Env,
    pub settings: GlobalSettings,
    /// `--state`, if given.
    pub state_flag: Option<String>,
}

impl Invocation {
    pub(crate) fn config(&self) -> anyhow::Result<Config> {
        let config = Config::load(&self.paths.providers_file)?;
        for warning in &config.warnings {
            self.printer.warn(warning);
        }
        Ok(config)
    }

    pub(crate) fn personas(&self) -> PersonaLibrary {
        PersonaLibrary::new(self.paths.personas_dir.clone())
    }

    /// The state backend in use, connected (a Redis server that cannot be reached is
    /// an error here, before anything is sent).
    pub(crate) async fn store(&self) -> anyhow::Result<Store> {
        let settings = if self.state_flag.is_some() || self.env.get(EnvVars::AGENTRY_STATE).is_some() {
            // The file's other settings still matter when it loads; a broken one does
            // not hide a backend named on the command line.
            Config::load(&self.paths.providers_file).map(|c| c.settings).unwrap_or_default()
        } else {
            Config::load(&self.paths.providers_file)?.settings
        };
        self.store_for(&settings).await
    }

    pub(crate) async fn store_for(&self, file: &FileSettings) -> anyhow::Result<Store> {
        Ok(match state_choice(self.state_flag.as_deref(), &self.env, &file.state)?.value {
            StateChoice::File => Store::File(Box::new(
                FileState::new(
                    self.paths.state_dir.path.clone(),
                    self.settings.lock_timeout.value,
                    self.printer.wait_reporter(),
                )
                .with_retention(file.history),
            )),
            StateChoice::Redis(target) => {
                let printer = self.printer;
                let warn: crate::state::redis::Warn = std::sync::Arc::new(move |message: &str| printer.warn(message));
                let redis = RedisState::connect(target, self.paths.state_dir.path.clone(), warn).await?;
                Store::Redis(Box::new(redis.with_retention(file.history)))
            }
        })
    }

    pub(crate) fn lock_timeout(&self) -> Duration {
        self.settings.lock_timeout.value
    }

    pub(crate) fn client(&self) -> Client {
        Client::new(self.settings.max_body.value, self.printer.trace())
    }

    pub(crate) async fn manager(&self) -> anyhow::Result<Manager> {
        let config = self.config()?;
        let store = self.store_for(&config.settings).await?;
        Ok(Manager {
            run_budget: None,
            printer: self.printer,
            store,
            config,
            personas: self.personas(),
            env: self.env.clone(),
            lock_timeout: self.lock_timeout(),
        })
    }
}

/// The next line of a file read by lines (a batch, an export, `--output` read back),
/// with the one wording for a line over the cap or a failing read: both name the
/// file (`shown`) and the line, exit 2.
pub(crate) fn next_line<R: std::io::BufRead>(
    lines: &mut crate::files::CappedLines<R>,
    shown: &str,
) -> anyhow::Result<Option<crate::files::RawLine>> {
    use crate::error::Failure;
    match lines.next_line() {
        Ok(line) => Ok(line),
        Err(crate::files::LineError::TooLong { number, max }) => Err(Failure::usage(format!(
            "{shown}:{number}: the line is longer than {}; not read further",
            crate::units::size_words(max as u64)
        ))
        .into()),
        Err(crate::files::LineError::Io { number, source }) => {
            Err(Failure::usage(format!("cannot read {shown} at line {number}: {source}")).into())
        }
    }
}

pub(crate) async fn run(cli: Cli, printer: Printer, env: Env) -> anyhow::Result<()> {
    if let Command::Completions { shell } = cli.command {
        return completions::run(shell, printer);
    }
    env.check()?;
    let ctx = Invocation {
        printer,
        paths: Paths::resolve(&cli.global, &env)?,
        settings: GlobalSettings::resolve(&env)?,
        state_flag: cli.global.state.clone(),
        env,
    };
    let outcome = dispatch(&ctx, cli.command).await;
    crate::state::redis::flush_pending().await;
    outcome
}

/// `agentry schema show SPEC [--multi]`: the schema as it is sent, indented.
fn schema_show(ctx: &Invocation, spec: &str, multi: bool) -> anyhow::Result<()> {
    let schema = crate::request::Schema::parse(spec).map_err(|err| {
        let failure = crate::error::Failure::usage(format!("schema `{}` {}", crate::units::one_line(spec), err.rule));
        match err.hint {
            Some(hint) => failure.hint(hint),
            None => failure,
        }
    })?;
    let mut text = serde_json::to_string_pretty(&schema.wire(multi))?;
    text.push('\n');
    Ok(ctx.printer.out(&text)?)
}

async fn dispatch(ctx: &Invocation, command: Command) -> anyhow::Result<()> {
    match command {
        Command::Provider(command) => provider::run(ctx, command).await,
        Command::Persona(command) => persona::run(ctx, command),
        Command::Agent(command) => agent::run(ctx, command).await,
        // Boxed: a task's future (its client, call loop and tool servers) is large.
        Command::Task(crate::cli::TaskCommand::Run(args)) => Box::pin(task::run(ctx, *args)).await,
        Command::Task(crate::cli::TaskCommand::List(args)) => history::list(ctx, args).await,
        Command::Task(crate::cli::TaskCommand::Show { id }) => history::show(ctx, &id).await,
        Command::Stats(args) => stats::stats(ctx, args).await,
        Command::Stop(args) => stats::stop(ctx, args).await,
        Command::Cache(command) => stats::cache(ctx, command).await,
        Command::State(command) => state::run(ctx, command).await,
        Command::Paths => paths::run(ctx),
        Command::Schema(crate::cli::SchemaCommand::Show { spec, multi }) => schema_show(ctx, &spec, multi),
        Command::Mcp(command) => mcp::run(ctx, command).await,
        Command::Cassette(command) => cassette::run(ctx, command).await,
        Command::Batch(command) => provider_batch::command(ctx, command).await,
        Command::Completions { .. } => Ok(()),
    }
}
