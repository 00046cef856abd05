//! `agentry stats` and `agentry stop`.

use super::Invocation;
use super::agent::{AGENT_HEADER, AGENT_NUMERIC, agent_rows};
use crate::cli::{CacheCommand, StatsArgs, StatsFormat, StopArgs};
use crate::manager::ManagerError;
use crate::worker::pool::PoolStats;

pub(super) async fn stats(ctx: &Invocation, args: StatsArgs) -> anyhow::Result<()> {
    let format = match (ctx.printer.json, args.format) {
        (true, Some(StatsFormat::Prometheus)) => {
            return Err(crate::error::Failure::usage("--json and --format prometheus exclude each other").into());
        }
        (true, _) | (false, Some(StatsFormat::Json)) => StatsFormat::Json,
        (false, format) => format.unwrap_or(StatsFormat::Table),
    };
    let manager = ctx.manager().await?;
    let snapshot = manager.snapshot().await?;
    let configured: Vec<String> =
        manager.config.registry.all().iter().filter(|p| !p.builtin).map(|p| p.id.clone()).collect();
    let agents = manager.views(&snapshot.agents).await?;
    let stats = PoolStats::new(&snapshot, agents, manager.max_agents()?, &configured);
    match format {
        StatsFormat::Json => return ctx.printer.json(&stats),
        StatsFormat::Prometheus => {
            let text =
                crate::metrics::prometheus(&snapshot, stats.working_workers, stats.idle_workers, stats.max_workers);
            return Ok(ctx.printer.out(&text)?);
        }
        StatsFormat::Table => {}
    }
    let printer = &ctx.printer;
    let workers = if stats.total_workers == 1 { "worker" } else { "workers" };
    let mut text = format!(
        "Pool: {} {workers} ({} idle, {} working), maximum {}\n",
        stats.total_workers, stats.idle_workers, stats.working_workers, stats.max_workers
    );
    text.push_str("\nAgents:\n");
    if stats.agents.is_empty() {
        text.push_str("  (none)\n");
    } else {
        text.push_str(&printer.table(AGENT_HEADER, agent_rows(&stats.agents), AGENT_NUMERIC));
    }
    text.push_str("\nProviders:\n");
    if stats.providers.is_empty() {
        text.push_str("  (no tasks yet)\n");
    } else {
        let rows = stats
            .providers
            .iter()
            .map(|p| {
                vec![
                    p.id.clone(),
                    p.totals.tasks_completed.to_string(),
                    p.totals.tasks_failed.to_string(),
                    p.totals.tokens_used.to_string(),
                    p.totals.prompt_tokens.to_string(),
                    p.totals.completion_tokens.to_string(),
                    super::agent::money(p.totals.cost_usd, p.totals.cost_incomplete),
                    p.totals.retries.to_string(),
                    p.totals.latency_p50_ms.map_or_else(|| "-".into(), |ms| format!("{ms:.0} ms")),
                    p.totals.latency_p95_ms.map_or_else(|| "-".into(), |ms| format!("{ms:.0} ms")),
                ]
            })
            .collect();
        text.push_str(&printer.table(
            &["PROVIDER", "DONE", "FAILED", "TOKENS", "PROMPT", "COMPLETION", "COST", "RETRIES", "P50", "P95"],
            rows,
            &[1, 2, 3, 4, 5, 6, 7, 8, 9],
        ));
        text.push_str(&format!(
            "\nTotal: {} tasks done, {} failed, {} tokens, {}{}\n",
            stats.totals.tasks_completed,
            stats.totals.tasks_failed,
            stats.totals.tokens_used,
            super::agent::money(stats.totals.cost_usd, stats.totals.cost_incomplete),
            if stats.totals.cost_incomplete { " (some prices unknown: set `pricing` for those providers)" } else { "" }
        ));
    }
    Ok(printer.out(&text)?)
}

pub(super) async fn cache(ctx: &Invocation, command: CacheCommand) -> anyhow::Result<()> {
    let manager = ctx.manager().await?;
    match command {
        CacheCommand::Stats => {
            let limits = manager.config.settings.cache;
            let stats = manager.store.cache_stats(limits).await?;
            let snapshot = manager.snapshot().await?;
            let hits: u64 = snapshot.providers.values().map(|t| t.cache_hits).sum();
            let view = serde_json::json!({
                "entries": stats.entries,
                "bytes": stats.bytes,
                "max_bytes": limits.max_bytes,
                "ttl_ms": u64::try_from(limits.ttl.as_millis()).unwrap_or(u64::MAX),
                "hits": hits,
            });
            if ctx.printer.json {
                return ctx.printer.json(&view);
            }
            let rows = vec![
                vec!["entries".to_string(), stats.entries.to_string()],
                vec!["bytes".into(), stats.bytes.to_string()],
                vec!["max bytes".into(), limits.max_bytes.to_string()],
                vec!["ttl".into(), crate::units::duration_words(limits.ttl)],
                vec!["hits".into(), hits.to_string()],
            ];
            Ok(ctx.printer.out(&ctx.printer.table(&["FIELD", "VALUE"], rows, &[]))?)
        }
        CacheCommand::Clear => {
            let removed = manager.store.cache_clear().await?;
            ctx.printer.note(&format!("removed {removed} cached answers"));
            if ctx.printer.json {
                return ctx.printer.json(&serde_json::json!({ "removed": removed }));
            }
            Ok(())
        }
    }
}

pub(super) async fn stop(ctx: &Invocation, args: StopArgs) -> anyhow::Result<()> {
    let manager = ctx.manager().await?;
    let refs =
        if args.all { manager.snapshot().await?.agents.into_iter().map(|a| a.id).collect() } else { args.agents };
    let timeout = match args.timeout.as_deref() {
        None => std::time::Duration::from_secs(10),
        Some(raw) => crate::units::parse_duration(raw).filter(|d| !d.is_zero()).ok_or_else(|| {
            crate::error::Failure::usage(format!("--timeout takes a duration such as `10s` or `1m`, not `{raw}`"))
        })?,
    };
    let (stopped, missing) = manager.stop(&refs, timeout).await?;
    if ctx.printer.json {
        ctx.printer.json(&serde_json::json!({ "stopped": stopped, "not_found": missing }))?;
    }
    if args.all && stopped.is_empty() && missing.is_empty() {
        ctx.printer.note("no agents to stop");
    }
    if missing.is_empty() { Ok(()) } else { Err(ManagerError::NoAgents(missing).into()) }
}
