//! One handler per verb. `run` resolves the global settings once and dispatches.

mod agent;
mod completions;
mod paths;
mod persona;
mod provider;
mod stats;
mod task;

use crate::cli::{Cli, Command};
use crate::manager::Manager;
use crate::output::Printer;
use crate::paths::Paths;
use crate::persona::PersonaLibrary;
use crate::provider::registry::Registry;
use crate::state::Store;

/// Settings resolved from the command line and the environment.
pub struct Ctx<'a> {
    pub printer: &'a Printer,
    pub paths: Paths,
}

impl<'a> Ctx<'a> {
    pub fn registry(&self) -> anyhow::Result<Registry> {
        let registry = Registry::load(&self.paths)?;
        for warning in &registry.warnings {
            self.printer.warn(warning);
        }
        Ok(registry)
    }

    pub fn personas(&self) -> PersonaLibrary {
        PersonaLibrary::new(self.paths.personas_dir.clone())
    }

    pub fn store(&self) -> Store {
        Store::new(&self.paths)
    }

    pub fn manager(&self) -> anyhow::Result<Manager<'a>> {
        Ok(Manager {
            printer: self.printer,
            store: self.store(),
            registry: self.registry()?,
            personas: self.personas(),
        })
    }
}

pub async fn run(cli: Cli, printer: &Printer) -> anyhow::Result<()> {
    if let Command::Completions { shell } = cli.command {
        return completions::run(shell, printer);
    }
    let ctx = Ctx { printer, paths: Paths::resolve(&cli.global)? };
    match cli.command {
        Command::Provider(command) => provider::run(&ctx, command).await,
        Command::Persona(command) => persona::run(&ctx, command),
        Command::Agent(command) => agent::run(&ctx, command),
        Command::Task(crate::cli::TaskCommand::Run(args)) => task::run(&ctx, args).await,
        Command::Stats => stats::stats(&ctx),
        Command::Stop(args) => stats::stop(&ctx, args).await,
        Command::Paths => paths::run(&ctx),
        Command::Completions { .. } => Ok(()),
    }
}
