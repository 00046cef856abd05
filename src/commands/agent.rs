//! `agentry agent spawn|list|show`.

use super::Invocation;
use crate::cli::AgentCommand;
use crate::manager::SpawnRequest;
use crate::worker::pool::AgentView;

pub(super) fn agent_rows(agents: &[AgentView]) -> Vec<Vec<String>> {
    agents
        .iter()
        .map(|a| {
            let status = match (a.pid, &a.host) {
                (Some(pid), Some(host)) => format!("{} (pid {pid} on {host})", a.status),
                (Some(pid), None) => format!("{} (pid {pid})", a.status),
                _ => a.status.to_string(),
            };
            vec![
                a.name.clone(),
                a.persona.clone().unwrap_or_else(|| "-".into()),
                a.project.clone(),
                a.provider.clone(),
                status,
                a.last_active.clone().unwrap_or_else(|| "never".into()),
                a.tasks_completed.to_string(),
                a.tasks_failed.to_string(),
                a.tokens_used.to_string(),
                money(a.cost_usd, a.cost_incomplete),
            ]
        })
        .collect()
}

pub(super) const AGENT_HEADER: &[&str] =
    &["NAME", "PERSONA", "PROJECT", "PROVIDER", "STATUS", "LAST ACTIVE", "DONE", "FAILED", "TOKENS", "COST"];
pub(super) const AGENT_NUMERIC: &[usize] = &[6, 7, 8, 9];

/// USD as tables show it; a total with an unknown price is a lower bound (`+`).
pub(super) fn money(usd: f64, incomplete: bool) -> String {
    format!("${:.4}{}", usd + 0.0, if incomplete { "+" } else { "" })
}

fn print_agent(ctx: &Invocation, agent: &AgentView) -> anyhow::Result<()> {
    if ctx.printer.json {
        return ctx.printer.json(agent);
    }
    let rows = vec![
        vec!["name".into(), agent.name.clone()],
        vec!["id".into(), agent.id.clone()],
        vec!["worker".into(), agent.worker_id.clone()],
        vec!["persona".into(), agent.persona.clone().unwrap_or_else(|| "-".into())],
        vec!["project".into(), agent.project.clone()],
        vec!["provider".into(), agent.provider.clone()],
        vec!["status".into(), agent_rows(std::slice::from_ref(agent))[0][4].clone()],
        vec!["created".into(), agent.created_at.clone()],
        vec!["last active".into(), agent.last_active.clone().unwrap_or_default()],
        vec!["tasks done".into(), agent.tasks_completed.to_string()],
        vec!["tasks failed".into(), agent.tasks_failed.to_string()],
        vec!["tokens".into(), agent.tokens_used.to_string()],
        vec!["cost".into(), money(agent.cost_usd, agent.cost_incomplete)],
        vec![
            "memory".into(),
            match &agent.memory {
                None => "off".into(),
                Some(limit) => {
                    let limits: Vec<String> = [
                        (limit.turns > 0).then(|| format!("last {} exchange(s)", limit.turns)),
                        (limit.tokens > 0).then(|| format!("at most {} tokens", limit.tokens)),
                    ]
                    .into_iter()
                    .flatten()
                    .collect();
                    format!(
                        "{} exchange(s), ~{} tokens kept ({})",
                        agent.memory_turns,
                        agent.memory_tokens,
                        limits.join(", ")
                    )
                }
            },
        ],
    ];
    Ok(ctx.printer.out(&ctx.printer.table(&["FIELD", "VALUE"], rows, &[]))?)
}

pub(super) async fn run(ctx: &Invocation, command: AgentCommand) -> anyhow::Result<()> {
    match command {
        AgentCommand::Spawn(args) => {
            if let Some(usd) = args.budget
                && !(usd.is_finite() && usd >= 0.0)
            {
                return Err(
                    crate::error::Failure::usage(format!("--budget takes USD of 0 or more, not `{usd}`")).into()
                );
            }
            let manager = ctx.manager().await?;
            let agent = manager
                .spawn(SpawnRequest {
                    name: args.name,
                    provider: args.provider,
                    persona: args.persona,
                    project: args.project,
                    exist_ok: args.exist_ok,
                    budget: args.budget,
                    cache: args.cache,
                    memory: crate::state::MemoryLimit {
                        turns: args.memory.unwrap_or(0),
                        tokens: args.memory_tokens.unwrap_or(0),
                    },
                    tools: args.tools,
                })
                .await?;
            if agent.provider == crate::provider::registry::MOCK_ID {
                ctx.printer.note("this agent uses the built-in offline mock provider; no model will be called");
            }
            if ctx.printer.json {
                return ctx.printer.json(&agent);
            }
            ctx.printer.note(&format!("agent {} is ready on provider {}", agent.name, agent.provider));
            Ok(ctx.printer.out(&format!("{}\n", agent.id))?)
        }
        AgentCommand::List { project } => {
            let manager = ctx.manager().await?;
            let snapshot = manager.snapshot().await?;
            let records: Vec<_> =
                snapshot.agents.into_iter().filter(|a| project.as_ref().is_none_or(|p| &a.project == p)).collect();
            let agents: Vec<AgentView> = manager.views(&records).await?;
            if ctx.printer.json {
                return ctx.printer.json(&agents);
            }
            if agents.is_empty() {
                ctx.printer.note("no agents; spawn one with `agentry agent spawn NAME --provider ID`");
                return Ok(());
            }
            Ok(ctx.printer.out(&ctx.printer.table(AGENT_HEADER, agent_rows(&agents), AGENT_NUMERIC))?)
        }
        AgentCommand::Show { agent } => {
            let manager = ctx.manager().await?;
            let snapshot = manager.snapshot().await?;
            let record = snapshot.find(&agent).ok_or_else(|| {
                crate::error::Failure::not_found(format!("agent `{agent}` not found")).hint("see `agentry agent list`")
            })?;
            print_agent(ctx, &manager.view(record).await?)
        }
        AgentCommand::Forget { agent } => {
            let manager = ctx.manager().await?;
            let (record, forgotten) = manager.forget(&agent).await?;
            if ctx.printer.json {
                return ctx.printer.json(&serde_json::json!({ "agent": record.name, "forgotten": forgotten }));
            }
            ctx.printer.note(&format!("agent {} forgot {forgotten} exchange(s)", record.name));
            Ok(())
        }
    }
}
