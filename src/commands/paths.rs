//! `agentry paths`: every file and folder in use and where each choice came from.

use std::path::Path;

use serde::Serialize;

use super::Ctx;
use crate::paths::Source;

#[derive(Serialize)]
struct Entry {
    path: String,
    source: Source,
    exists: bool,
    source_description: String,
}

fn entry(path: &Path, source: Source, flag: &str, env: &str) -> Entry {
    Entry {
        path: path.display().to_string(),
        source,
        exists: path.exists(),
        source_description: source.describe(flag, env),
    }
}

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let paths = &ctx.paths;
    let state = |path: &Path| Some(entry(path, paths.state_dir.source, "home", "AGENTRY_HOME"));
    let rows: Vec<(&str, Option<Entry>)> = vec![
        ("home", paths.home.as_ref().map(|h| entry(&h.path, h.source, "home", "AGENTRY_HOME"))),
        (
            "providers_file",
            Some(entry(&paths.providers_file.path, paths.providers_file.source, "providers", "AGENTRY_PROVIDERS")),
        ),
        ("personas_dir", paths.personas_dir.as_ref().map(|p| entry(&p.path, p.source, "personas", "AGENTRY_PERSONAS"))),
        ("state_dir", state(&paths.state_dir.path)),
        ("state_file", state(&paths.state_file())),
        ("history_file", state(&paths.history_file())),
        ("locks_dir", state(&paths.locks_dir())),
    ];
    if ctx.printer.json {
        let object: serde_json::Map<String, serde_json::Value> = rows
            .iter()
            .map(|(key, entry)| Ok(((*key).to_string(), serde_json::to_value(entry)?)))
            .collect::<serde_json::Result<_>>()?;
        return ctx.printer.json(&object);
    }
    let table_rows = rows
        .into_iter()
        .map(|(key, entry)| match entry {
            Some(entry) => {
                let missing = if entry.exists { "" } else { " (not created yet)" };
                vec![key.to_string(), entry.path, format!("{}{missing}", entry.source_description)]
            }
            None => {
                let note = if key == "personas_dir" { "none found: built-ins only" } else { "not set" };
                vec![key.to_string(), "-".into(), note.into()]
            }
        })
        .collect();
    Ok(ctx.printer.out(&ctx.printer.table(&["WHAT", "PATH", "FROM"], table_rows, &[]))?)
}
