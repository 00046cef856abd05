//! `agentry state export|import`: the whole state as JSON lines, to move between the
//! file and Redis backends (or between Redis servers). One object a line, each with
//! a `kind`; the order is fixed (agents by creation, totals by key, the history
//! oldest first), so the same state always exports to the same lines.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Invocation;
use crate::cli::StateCommand;
use crate::error::Failure;
use crate::state::{AgentRecord, Exchange, StateExport, TaskRecord, Totals, series_key, split_series};

#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum Line {
    Agent {
        agent: Box<AgentRecord>,
    },
    ProviderTotals {
        provider: String,
        totals: Box<Totals>,
    },
    SeriesTotals {
        provider: String,
        agent: String,
        totals: Box<Totals>,
    },
    FallbackPair {
        from: String,
        to: String,
        count: u64,
    },
    BudgetSpend {
        day: String,
        key: String,
        usd: f64,
    },
    History {
        record: Box<TaskRecord>,
    },
    /// One exchange an agent remembers, oldest first.
    Memory {
        agent_id: String,
        exchange: Box<Exchange>,
    },
}

fn lines(dump: StateExport) -> Vec<Line> {
    let mut out: Vec<Line> = dump.agents.into_iter().map(|a| Line::Agent { agent: Box::new(a) }).collect();
    out.extend(
        dump.providers
            .into_iter()
            .map(|(provider, totals)| Line::ProviderTotals { provider, totals: Box::new(totals) }),
    );
    out.extend(dump.series.into_iter().map(|(key, totals)| {
        let (provider, agent) = split_series(&key);
        Line::SeriesTotals { provider: provider.into(), agent: agent.into(), totals: Box::new(totals) }
    }));
    out.extend(dump.fallback_pairs.into_iter().map(|(key, count)| {
        let (from, to) = split_series(&key);
        Line::FallbackPair { from: from.into(), to: to.into(), count }
    }));
    if let Some((day, spend)) = dump.spend {
        out.extend(spend.into_iter().map(|(key, usd)| Line::BudgetSpend { day: day.clone(), key, usd }));
    }
    out.extend(dump.history.into_iter().map(|record| Line::History { record: Box::new(record) }));
    for (agent_id, exchanges) in dump.memory {
        out.extend(
            exchanges
                .into_iter()
                .map(|exchange| Line::Memory { agent_id: agent_id.clone(), exchange: Box::new(exchange) }),
        );
    }
    out
}

/// Why an imported line is refused: a field that is not of the form agentry makes.
/// Ids and names become paths and keys, so nothing else may get in.
fn check_line(line: &Line) -> Result<(), String> {
    use crate::ids::is_generated_id;
    use crate::provider::is_valid_id;
    let id = |field: &str, value: &str, prefix: &str| -> Result<(), String> {
        if is_generated_id(value, prefix) {
            Ok(())
        } else {
            Err(format!("{field} `{}` is not an id agentry makes ({prefix}_ and 16 hex digits)", escape(value)))
        }
    };
    let name = |field: &str, value: &str| -> Result<(), String> {
        if is_valid_id(value) {
            Ok(())
        } else {
            Err(format!("{field} `{}` is not a valid name (letters, digits, `.`, `_`, `-`, at most 64)", escape(value)))
        }
    };
    let persona = |value: Option<&str>| -> Result<(), String> {
        match value {
            Some(p) if !crate::persona::is_valid_name(p) => {
                Err(format!("persona `{}` is not a relative folder path", escape(p)))
            }
            _ => Ok(()),
        }
    };
    match line {
        Line::Agent { agent } => {
            id("id", &agent.id, "ag")?;
            id("worker_id", &agent.worker_id, "wk")?;
            name("name", &agent.name)?;
            name("provider", &agent.provider)?;
            persona(agent.persona.as_deref())
        }
        Line::ProviderTotals { provider, .. } => name("provider", provider),
        Line::SeriesTotals { provider, agent, .. } => {
            name("provider", provider)?;
            if agent.is_empty() { Ok(()) } else { name("agent", agent) }
        }
        Line::FallbackPair { from, to, .. } => name("from", from).and_then(|()| name("to", to)),
        Line::BudgetSpend { key, .. } => match key.split_once(':') {
            Some(("agent", agent)) => id("key", agent, "ag"),
            Some(("provider", provider)) => name("key", provider),
            _ => Err(format!("key `{}` is not `agent:ID` or `provider:ID`", escape(key))),
        },
        Line::History { record } => {
            id("task_id", &record.task_id, "tk")?;
            id("worker_id", &record.worker_id, "wk")?;
            if let Some(agent) = &record.agent_id {
                id("agent_id", agent, "ag")?;
            }
            name("provider_id", &record.provider_id)?;
            name("requested_provider_id", &record.requested_provider_id)?;
            if let Some(agent) = &record.agent_name {
                name("agent_name", agent)?;
            }
            persona(record.persona.as_deref())
        }
        Line::Memory { agent_id, exchange } => {
            id("agent_id", agent_id, "ag")?;
            id("task_id", &exchange.task_id, "tk")
        }
    }
}

/// A value from outside, fit for one line of a message (control characters escaped).
fn escape(value: &str) -> String {
    crate::output::escape_controls(value)
}

/// The longest line of an export that is read: larger is not an export.
const MAX_IMPORT_LINE: usize = crate::commands::batch::MAX_LINE;

fn dump_of(reader: impl std::io::BufRead, source: &str) -> anyhow::Result<StateExport> {
    let mut dump = StateExport::default();
    let mut spend: BTreeMap<String, f64> = BTreeMap::new();
    let mut day: Option<String> = None;
    let mut lines = crate::files::CappedLines::new(reader, MAX_IMPORT_LINE);
    while let Some(raw) = super::next_line(&mut lines, source)? {
        let number = raw.number;
        let Ok(line) = std::str::from_utf8(&raw.bytes) else {
            return Err(Failure::usage(format!("{source}:{number}: the line is not UTF-8 text")).into());
        };
        if line.trim().is_empty() {
            continue;
        }
        let parsed: Line = serde_json::from_str(line).map_err(|err| {
            Failure::usage(format!("{source}:{number}: not a line of `agentry state export`: {err}"))
                .hint("import only what `agentry state export` wrote")
        })?;
        check_line(&parsed).map_err(|why| {
            Failure::usage(format!("{source}:{number}: {why}; nothing was imported"))
                .hint("import only what `agentry state export` wrote")
        })?;
        match parsed {
            Line::Agent { agent } => dump.agents.push(*agent),
            Line::ProviderTotals { provider, totals } => {
                dump.providers.entry(provider).or_default().sum(&totals);
            }
            Line::SeriesTotals { provider, agent, totals } => {
                dump.series.entry(series_key(&provider, &agent)).or_default().sum(&totals);
            }
            Line::FallbackPair { from, to, count } => {
                *dump.fallback_pairs.entry(series_key(&from, &to)).or_default() += count;
            }
            Line::BudgetSpend { day: d, key, usd } => {
                // Only today's spend limits anything; older days are history.
                if d == crate::clock::utc_day() {
                    day = Some(d);
                    *spend.entry(key).or_default() += usd;
                }
            }
            Line::History { record } => dump.history.push(*record),
            Line::Memory { agent_id, exchange } => dump.memory.entry(agent_id).or_default().push(*exchange),
        }
    }
    dump.spend = day.map(|d| (d, spend));
    Ok(dump)
}

pub(super) async fn run(ctx: &Invocation, command: StateCommand) -> anyhow::Result<()> {
    match command {
        StateCommand::Export => {
            let store = ctx.store().await?;
            let dump = store.export_all().await?;
            let mut text = String::new();
            for line in lines(dump) {
                text.push_str(&serde_json::to_string(&line)?);
                text.push('\n');
            }
            Ok(ctx.printer.out(&text)?)
        }
        StateCommand::Import { file, replace } => {
            let dump = if file.as_os_str() == "-" {
                dump_of(std::io::stdin().lock(), "stdin")?
            } else {
                let opened = std::fs::File::open(&file).map_err(|err| {
                    Failure::usage(format!("cannot read export {}: {err}", file.display()))
                        .hint("write one with `agentry state export > FILE`")
                })?;
                dump_of(std::io::BufReader::new(opened), &file.display().to_string())?
            };
            let store = ctx.store().await?;
            let imported = match store.import_all(dump, replace).await? {
                Ok(imported) => imported,
                Err(name) => {
                    return Err(Failure::usage(format!(
                        "agent `{name}` exists already in this state; nothing was imported"
                    ))
                    .hint("pass --replace to overwrite agents of the same name, or stop it first")
                    .into());
                }
            };
            if ctx.printer.json {
                return ctx.printer.json(&serde_json::json!({
                    "agents": imported.agents,
                    "history": imported.history,
                    "history_skipped": imported.skipped,
                }));
            }
            let skipped = if imported.skipped > 0 {
                format!(" ({} already there, skipped)", imported.skipped)
            } else {
                String::new()
            };
            ctx.printer.note(&format!(
                "imported {} agent(s) and {} history record(s){skipped}",
                imported.agents, imported.history
            ));
            Ok(())
        }
    }
}
