//! The `agentry` binary: parse the command line and hand it to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    match agentry::cli::Cli::try_parse() {
        Ok(cli) => agentry::run(cli),
        Err(err) => agentry::refused_arguments(&err),
    }
}
