//! `agentry paths`: every file and folder in use, the settings that are not per
//! command, and where each choice came from.

use std::path::Path;

use serde::Serialize;

use super::Invocation;
use crate::paths::Source;
use crate::settings::{self, Origin, Setting};

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

#[derive(Serialize)]
struct SettingEntry {
    value: serde_json::Value,
    source: &'static str,
    source_description: String,
}

fn setting<T>(setting: Setting<T>, shown: impl Into<serde_json::Value>) -> SettingEntry {
    let (source, source_description) = match setting.origin {
        Origin::Flag(flag) => ("flag", flag.to_string()),
        Origin::Env(var) => ("env", var.to_string()),
        Origin::File => ("file", "providers file".to_string()),
        Origin::Default => ("default", "default".to_string()),
    };
    SettingEntry { value: shown.into(), source, source_description }
}

fn settings_entries(ctx: &Invocation) -> anyhow::Result<Vec<(&'static str, SettingEntry)>> {
    // A broken providers file must not hide where everything else is: fall back to
    // the environment and the default for max_agents, with the error as a warning.
    let file = match crate::config::Config::load(&ctx.paths.providers_file) {
        Ok(config) => config.settings,
        Err(err) => {
            ctx.printer.warn(&format!("{err}; max_agents below ignores the file"));
            crate::config::FileSettings::default()
        }
    };
    let max_agents = settings::max_agents(&ctx.env, &file)?;
    let lock = ctx.settings.lock_timeout;
    let body = ctx.settings.max_body;
    let state = settings::state_choice(ctx.state_flag.as_deref(), &ctx.env, &file.state)?;
    let (backend, namespace) = match &state.value {
        settings::StateChoice::File => ("file".to_string(), None),
        settings::StateChoice::Redis(target) => (target.shown(), Some(target.namespace.clone())),
    };
    let mut entries = vec![("state", setting(state.clone(), backend))];
    if let Some(namespace) = namespace {
        let origin = if ctx.env.get(crate::env_vars::EnvVars::AGENTRY_STATE_NAMESPACE).is_some() {
            Origin::Env(crate::env_vars::EnvVars::AGENTRY_STATE_NAMESPACE)
        } else if file.state.namespace.is_some() {
            Origin::File
        } else {
            Origin::Default
        };
        entries.push(("state_namespace", setting(Setting { value: (), origin }, namespace)));
    }
    entries.extend(vec![
        ("max_agents", setting(max_agents, max_agents.value)),
        ("lock_timeout_ms", setting(lock, u64::try_from(lock.value.as_millis()).unwrap_or(u64::MAX))),
        ("max_body_bytes", setting(body, body.value)),
    ]);
    Ok(entries)
}

pub(super) fn run(ctx: &Invocation) -> anyhow::Result<()> {
    let paths = &ctx.paths;
    let settings = settings_entries(ctx)?;
    let state = |path: &Path| Some(entry(path, paths.state_dir.source, "home", "AGENTRY_HOME"));
    let mut rows: Vec<(&str, Option<Entry>)> = vec![
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
    rows.extend(paths.state_entries().iter().map(|(key, path)| (*key, state(path))));
    if ctx.printer.json {
        let object: serde_json::Map<String, serde_json::Value> = rows
            .iter()
            .map(|(key, entry)| Ok(((*key).to_string(), serde_json::to_value(entry)?)))
            .collect::<serde_json::Result<_>>()?;
        let mut object = object;
        let settings: serde_json::Map<String, serde_json::Value> = settings
            .iter()
            .map(|(key, entry)| Ok(((*key).to_string(), serde_json::to_value(entry)?)))
            .collect::<serde_json::Result<_>>()?;
        object.insert("settings".into(), settings.into());
        return ctx.printer.json(&object);
    }
    let mut table_rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|(key, entry)| {
            if let Some(entry) = entry {
                let missing = if entry.exists { "" } else { " (not created yet)" };
                vec![key.to_string(), entry.path, format!("{}{missing}", entry.source_description)]
            } else {
                let note = if key == "personas_dir" { "none found: built-ins only" } else { "not set" };
                vec![key.to_string(), "-".into(), note.into()]
            }
        })
        .collect();
    for (key, entry) in settings {
        let shown = match &entry.value {
            serde_json::Value::String(text) => text.clone(),
            other => other.to_string(),
        };
        table_rows.push(vec![key.to_string(), shown, entry.source_description]);
    }
    Ok(ctx.printer.out(&ctx.printer.table(&["WHAT", "PATH OR VALUE", "FROM"], table_rows, &[]))?)
}
