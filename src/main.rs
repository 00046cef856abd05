//! The `agentry` binary: parse the command line and hand it to the library.

use clap::{CommandFactory, FromArgMatches};

fn main() -> std::process::ExitCode {
    // The command tree clap builds to parse, and the matches it gives, cost as much to
    // free as a task's own bookkeeping: both live until the process ends instead.
    let command = Box::leak(Box::new(agentry::cli::Cli::command()));
    let parsed = command.try_get_matches_from_mut(std::env::args_os()).and_then(|matches| {
        let matches = Box::leak(Box::new(matches));
        agentry::cli::Cli::from_arg_matches_mut(matches)
    });
    match parsed {
        Ok(cli) => agentry::run(cli),
        Err(err) => agentry::refused_arguments(&err),
    }
}
