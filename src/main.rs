//! agentry: run AI agents as workers from the command line.
//!
//! `main` stays thin: parse, run, and turn the outcome into an exit code (the one
//! place that does so; a closed stdout counts as success).

mod cli;
mod commands;
mod error;
mod manager;
mod output;
mod paths;
mod persona;
mod provider;
mod state;
mod worker;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let printer = output::Printer::new(&cli.global);
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            printer.error(&format!("cannot start the async runtime: {err}"), &[]);
            return ExitCode::from(error::Exit::Internal.code());
        }
    };
    let outcome = runtime.block_on(commands::run(cli, &printer));
    // A lock wait may still sit on a blocking thread after a signal: do not join it.
    runtime.shutdown_background();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if error::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            let (exit, message, hints) = error::classify(&err);
            printer.error(&message, &hints);
            ExitCode::from(exit.code())
        }
    }
}
