//! `agentry state export|import`: the whole state as JSON lines, to move between the
//! file and Redis backends (or between Redis servers). One object a line, each with
//! a `kind`; the order is fixed (agents by creation, totals by key, the history
//! oldest first), so the same state always exports to the same lines.

use std::collections::BTreeMap;
use std::io::Read;

use serde::{Deserialize, Serialize};

use super::Ctx;
use crate::cli::StateCommand;
use crate::error::Failure;
use crate::state::{AgentRecord, Dump, TaskRecord, Totals, series_key, split_series};

#[derive(Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
enum Line {
    Agent { agent: Box<AgentRecord> },
    ProviderTotals { provider: String, totals: Box<Totals> },
    SeriesTotals { provider: String, agent: String, totals: Box<Totals> },
    FallbackPair { from: String, to: String, count: u64 },
    BudgetSpend { day: String, key: String, usd: f64 },
    History { record: Box<TaskRecord> },
}

fn lines(dump: Dump) -> Vec<Line> {
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
    out
}

fn dump_of(text: &str, source: &str) -> anyhow::Result<Dump> {
    let mut dump = Dump::default();
    let mut spend: BTreeMap<String, f64> = BTreeMap::new();
    let mut day: Option<String> = None;
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let parsed: Line = serde_json::from_str(line).map_err(|err| {
            Failure::usage(format!("{source}:{}: not a line of `agentry state export`: {err}", index + 1))
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
                *dump.fallback_pairs.entry(series_key(&from, &to)).or_default() += count
            }
            Line::BudgetSpend { day: d, key, usd } => {
                // Only today's spend limits anything; older days are history.
                if d == crate::state::utc_day() {
                    day = Some(d);
                    *spend.entry(key).or_default() += usd;
                }
            }
            Line::History { record } => dump.history.push(*record),
        }
    }
    dump.spend = day.map(|d| (d, spend));
    Ok(dump)
}

pub async fn run(ctx: &Ctx, command: StateCommand) -> anyhow::Result<()> {
    match command {
        StateCommand::Export => {
            let store = ctx.store().await?;
            let dump = store.export().await?;
            let mut text = String::new();
            for line in lines(dump) {
                text.push_str(&serde_json::to_string(&line)?);
                text.push('\n');
            }
            Ok(ctx.printer.out(&text)?)
        }
        StateCommand::Import { file, replace } => {
            let (text, source) = if file.as_os_str() == "-" {
                let mut text = String::new();
                std::io::stdin()
                    .read_to_string(&mut text)
                    .map_err(|err| Failure::usage(format!("cannot read the export from stdin: {err}")))?;
                (text, "stdin".to_string())
            } else {
                let text = std::fs::read_to_string(&file).map_err(|err| {
                    Failure::usage(format!("cannot read export {}: {err}", file.display()))
                        .hint("write one with `agentry state export > FILE`")
                })?;
                (text, file.display().to_string())
            };
            let dump = dump_of(&text, &source)?;
            let store = ctx.store().await?;
            let imported = match store.import(dump, replace).await? {
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
