//! `agentry persona list|show`.

use super::Invocation;
use crate::cli::PersonaCommand;

pub(super) fn run(ctx: &Invocation, command: PersonaCommand) -> anyhow::Result<()> {
    let library = ctx.personas();
    match command {
        PersonaCommand::List => {
            let entries = library.list()?;
            if ctx.printer.json {
                let items: Vec<serde_json::Value> = entries
                    .iter()
                    .map(|e| {
                        serde_json::json!({
                            "name": e.name,
                            "source": e.source.describe(),
                            "builtin": matches!(e.source, crate::persona::PersonaSource::Builtin),
                        })
                    })
                    .collect();
                return ctx.printer.json(&items);
            }
            let rows = entries.into_iter().map(|e| vec![e.name, e.source.describe()]).collect();
            Ok(ctx.printer.out(&ctx.printer.table(&["NAME", "SOURCE"], rows, &[]))?)
        }
        PersonaCommand::Show { name } => {
            let (persona, source) = library.load(&name)?;
            let prompt = persona.system_prompt();
            if ctx.printer.json {
                return ctx.printer.json(&serde_json::json!({
                    "name": name,
                    "source": source.describe(),
                    "builtin": matches!(source, crate::persona::PersonaSource::Builtin),
                    "system_prompt": prompt,
                    // Its schema.json: the default --schema of its tasks.
                    "schema": persona.schema.as_ref().map(|s| &s.0),
                }));
            }
            Ok(ctx.printer.out(&format!("{prompt}\n"))?)
        }
    }
}
