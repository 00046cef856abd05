//! `agentry completions SHELL`: the scripts committed under `completions/`.

use crate::output::Printer;

pub(super) fn run(shell: clap_complete::Shell, printer: Printer) -> anyhow::Result<()> {
    let mut buffer = Vec::new();
    clap_complete::generate(shell, &mut crate::cli::whole_command(), "agentry", &mut buffer);
    Ok(printer.out(&String::from_utf8_lossy(&buffer))?)
}
