//! `agentry paths`: every file and folder in use and where each choice came from.

use serde::Serialize;

use super::Ctx;
use crate::paths::Source;

#[derive(Serialize)]
struct Entry {
    path: String,
    source: Source,
    exists: bool,
}

pub fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let paths = &ctx.paths;
    let state_source = paths.state_dir.source;
    let entry = |path: &std::path::Path, source: Source| Entry {
        path: path.display().to_string(),
        source,
        exists: path.exists(),
    };
    let mut rows: Vec<(&str, Option<Entry>, String)> = vec![
        ("home", paths.home.as_ref().map(|h| entry(&h.path, h.source)), String::new()),
        ("providers_file", Some(entry(&paths.providers_file.path, paths.providers_file.source)), String::new()),
        ("personas_dir", paths.personas_dir.as_ref().map(|p| entry(&p.path, p.source)), String::new()),
        ("state_dir", Some(entry(&paths.state_dir.path, state_source)), String::new()),
        ("state_file", Some(entry(&paths.state_file(), state_source)), String::new()),
        ("history_file", Some(entry(&paths.history_file(), state_source)), String::new()),
        ("locks_dir", Some(entry(&paths.locks_dir(), state_source)), String::new()),
    ];
    let describe = |key: &str, source: Source| -> String {
        match key {
            "home" => source.describe("home", "AGENTRY_HOME"),
            "providers_file" => source.describe("providers", "AGENTRY_PROVIDERS"),
            "personas_dir" => source.describe("personas", "AGENTRY_PERSONAS"),
            _ => source.describe("home", "AGENTRY_HOME"),
        }
    };
    for (key, entry, label) in rows.iter_mut() {
        if let Some(entry) = entry {
            *label = describe(key, entry.source);
        }
    }
    if ctx.printer.json {
        let mut object = serde_json::Map::new();
        for (key, entry, label) in &rows {
            let value = match entry {
                Some(entry) => {
                    let mut v = serde_json::to_value(entry)?;
                    v["source_description"] = label.clone().into();
                    v
                }
                None => serde_json::Value::Null,
            };
            object.insert((*key).to_string(), value);
        }
        return ctx.printer.json(&object);
    }
    let table_rows = rows
        .into_iter()
        .map(|(key, entry, label)| match entry {
            Some(entry) => {
                let missing = if entry.exists { "" } else { " (not created yet)" };
                vec![key.to_string(), entry.path, format!("{label}{missing}")]
            }
            None => {
                let note = if key == "personas_dir" { "none found: built-ins only" } else { "not set" };
                vec![key.to_string(), "-".into(), note.into()]
            }
        })
        .collect();
    Ok(ctx.printer.out(&ctx.printer.table(&["WHAT", "PATH", "FROM"], table_rows, &[]))?)
}
