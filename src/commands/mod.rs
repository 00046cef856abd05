//! One handler per verb. `run` resolves the paths and global settings once and
//! dispatches; handlers word their results and return typed errors, which
//! `crate::error` turns into exit codes at the edge.

mod agent;
mod batch;
mod completions;
mod history;
mod paths;
mod persona;
mod provider;
mod stats;
mod task;

use std::time::Duration;

use crate::cli::{Cli, Command};
use crate::config::Config;
use crate::manager::Manager;
use crate::output::Printer;
use crate::paths::Paths;
use crate::persona::PersonaLibrary;
use crate::provider::Client;
use crate::settings::{Env, GlobalSettings};
use crate::state::{FileState, Store};

/// What every handler gets: the printer, the paths in use and the global settings.
pub struct Ctx {
    pub printer: Printer,
    pub paths: Paths,
    pub env: Env,
    pub settings: GlobalSettings,
}

impl Ctx {
    pub fn config(&self) -> anyhow::Result<Config> {
        let config = Config::load(&self.paths.providers_file)?;
        for warning in &config.warnings {
            self.printer.warn(warning);
        }
        Ok(config)
    }

    pub fn personas(&self) -> PersonaLibrary {
        PersonaLibrary::new(self.paths.personas_dir.clone())
    }

    pub fn store(&self) -> Store {
        Store::File(FileState::new(
            self.paths.state_dir.path.clone(),
            self.settings.lock_timeout.value,
            self.printer.wait_reporter(),
        ))
    }

    pub fn lock_timeout(&self) -> Duration {
        self.settings.lock_timeout.value
    }

    pub fn client(&self) -> Client {
        Client::new(self.settings.max_body.value, self.printer.trace())
    }

    pub fn manager(&self) -> anyhow::Result<Manager> {
        let config = self.config()?;
        let Store::File(files) = self.store();
        Ok(Manager {
            run_budget: None,
            printer: self.printer,
            store: Store::File(files.with_retention(config.settings.history)),
            config,
            personas: self.personas(),
            env: self.env.clone(),
            lock_timeout: self.lock_timeout(),
        })
    }
}

pub async fn run(cli: Cli, printer: Printer, env: Env) -> anyhow::Result<()> {
    if let Command::Completions { shell } = cli.command {
        return completions::run(shell, printer);
    }
    let ctx = Ctx { printer, paths: Paths::resolve(&cli.global, &env)?, settings: GlobalSettings::resolve(&env)?, env };
    match cli.command {
        Command::Provider(command) => provider::run(&ctx, command).await,
        Command::Persona(command) => persona::run(&ctx, command),
        Command::Agent(command) => agent::run(&ctx, command).await,
        Command::Task(crate::cli::TaskCommand::Run(args)) => task::run(&ctx, *args).await,
        Command::Task(crate::cli::TaskCommand::List(args)) => history::list(&ctx, args).await,
        Command::Task(crate::cli::TaskCommand::Show { id }) => history::show(&ctx, &id).await,
        Command::Stats(args) => stats::stats(&ctx, args).await,
        Command::Stop(args) => stats::stop(&ctx, args).await,
        Command::Cache(command) => stats::cache(&ctx, command).await,
        Command::Paths => paths::run(&ctx),
        Command::Completions { .. } => Ok(()),
    }
}
