//! The pool as users see it: each agent owns exactly one worker; a worker is
//! working exactly while some process holds its agent's claim.

use serde::Serialize;

use crate::metrics::TotalsView;
use crate::state::{Activity, AgentRecord, Snapshot, Totals};

/// Whether an agent's worker runs a task now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AgentStatus {
    Idle,
    Working,
}

impl std::fmt::Display for AgentStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            AgentStatus::Idle => "idle",
            AgentStatus::Working => "working",
        })
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AgentView {
    pub id: String,
    pub name: String,
    pub persona: Option<String>,
    pub project: String,
    pub provider: String,
    pub worker_id: String,
    pub status: AgentStatus,
    /// A `stop` waits for the agent's running task to be cancelled.
    pub stopping: bool,
    pub pid: Option<u32>,
    /// The machine running its task, when the state is shared through Redis (null on
    /// files: the process is on this machine).
    pub host: Option<String>,
    pub created_at: String,
    pub last_active: Option<String>,
    pub tasks_completed: u64,
    pub tasks_failed: u64,
    pub tokens_used: u64,
    pub cost_usd: f64,
    pub cost_incomplete: bool,
    pub cache_hits: u64,
    pub retries: u64,
    pub fallbacks: u64,
    pub budget_refusals: u64,
    pub failures: std::collections::BTreeMap<String, u64>,
    pub latency_p50_ms: Option<f64>,
    pub latency_p95_ms: Option<f64>,
    pub latency_p99_ms: Option<f64>,
    /// What it keeps of its past (`--memory`, `--memory-tokens`); null for none.
    pub memory: Option<crate::state::MemoryLimit>,
    /// Exchanges in its memory now, and their estimated tokens.
    pub memory_turns: u64,
    pub memory_tokens: u64,
    /// The tool servers its tasks may call (`--tools`).
    pub tools: Vec<String>,
}

impl AgentView {
    pub fn new(record: &AgentRecord, activity: Activity) -> Self {
        Self {
            id: record.id.clone(),
            name: record.name.clone(),
            persona: record.persona.clone(),
            project: record.project.clone(),
            provider: record.provider.clone(),
            worker_id: record.worker_id.clone(),
            status: if activity.working { AgentStatus::Working } else { AgentStatus::Idle },
            stopping: activity.stopping,
            pid: if activity.working { activity.pid } else { None },
            host: if activity.working { activity.host.clone() } else { None },
            created_at: record.created_at.clone(),
            // Never null: the spawn time until a first task ends (older files kept null).
            last_active: Some(record.last_active.clone().unwrap_or_else(|| record.created_at.clone())),
            tasks_completed: record.totals.tasks_completed,
            tasks_failed: record.totals.tasks_failed,
            tokens_used: record.totals.tokens_used,
            cost_usd: record.totals.cost_usd,
            cost_incomplete: record.totals.cost_incomplete,
            cache_hits: record.totals.cache_hits,
            retries: record.totals.retries,
            fallbacks: record.totals.fallbacks,
            budget_refusals: record.totals.budget_refusals,
            failures: record.totals.failures.clone(),
            latency_p50_ms: crate::histogram::quantile(&record.totals.latency, 0.5),
            latency_p95_ms: crate::histogram::quantile(&record.totals.latency, 0.95),
            latency_p99_ms: crate::histogram::quantile(&record.totals.latency, 0.99),
            memory: (!record.memory.is_off()).then_some(record.memory),
            memory_turns: 0,
            memory_tokens: 0,
            tools: record.tools.clone(),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ProviderTotalsView {
    pub id: String,
    #[serde(flatten)]
    pub totals: TotalsView,
}

#[derive(Debug, Serialize)]
pub struct PoolStats {
    pub total_workers: usize,
    pub idle_workers: usize,
    pub working_workers: usize,
    pub max_workers: u32,
    pub agents: Vec<AgentView>,
    pub providers: Vec<ProviderTotalsView>,
    /// Every provider's totals added up: what the pool has done and cost.
    pub totals: TotalsView,
}

impl PoolStats {
    pub fn new(snapshot: &Snapshot, agents: Vec<AgentView>, max_workers: u32, configured: &[String]) -> Self {
        let working = agents.iter().filter(|a| a.status == AgentStatus::Working).count();
        let mut providers: Vec<(String, Totals)> =
            snapshot.providers.iter().map(|(id, totals)| (id.clone(), totals.clone())).collect();
        for id in configured {
            if !snapshot.providers.contains_key(id) {
                providers.push((id.clone(), Totals::default()));
            }
        }
        providers.sort_by(|a, b| a.0.cmp(&b.0));
        let mut totals = Totals::default();
        for (_, provider) in &providers {
            totals.sum(provider);
        }
        Self {
            total_workers: agents.len(),
            idle_workers: agents.len() - working,
            working_workers: working,
            max_workers,
            agents,
            providers: providers
                .iter()
                .map(|(id, t)| ProviderTotalsView { id: id.clone(), totals: t.into() })
                .collect(),
            totals: (&totals).into(),
        }
    }
}
