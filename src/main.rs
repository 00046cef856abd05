//! The `agentry` binary: parse the command line and hand it to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    agentry::run(agentry::cli::Cli::parse())
}
