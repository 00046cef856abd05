//! The pool as users see it: each agent owns exactly one worker; a worker is
//! working exactly while some process holds its agent's claim.

use serde::Serialize;

use crate::state::{Activity, AgentRecord, Snapshot, Totals};

#[derive(Debug, Clone, Serialize)]
pub struct AgentView {
    pub id: String,
    pub name: String,
    pub persona: Option<String>,
    pub project: String,
    pub provider: String,
    pub worker_id: String,
    pub status: &'static str,
    /// A `stop` waits for the agent's running task to be cancelled.
    pub stopping: bool,
    pub pid: Option<u32>,
    pub created_at: String,
    pub last_active: Option<String>,
    pub tasks_completed: u64,
    pub tasks_failed: u64,
    pub tokens_used: u64,
    pub cost_usd: f64,
    pub cost_incomplete: bool,
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
            status: if activity.working { "working" } else { "idle" },
            stopping: activity.stopping,
            pid: if activity.working { activity.pid } else { None },
            created_at: record.created_at.clone(),
            // Never null: the spawn time until a first task ends (older files kept null).
            last_active: Some(record.last_active.clone().unwrap_or_else(|| record.created_at.clone())),
            tasks_completed: record.totals.tasks_completed,
            tasks_failed: record.totals.tasks_failed,
            tokens_used: record.totals.tokens_used,
            cost_usd: record.totals.cost_usd,
            cost_incomplete: record.totals.cost_incomplete,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ProviderTotalsView {
    pub id: String,
    #[serde(flatten)]
    pub totals: Totals,
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
    pub totals: Totals,
}

impl PoolStats {
    pub fn new(snapshot: &Snapshot, agents: Vec<AgentView>, max_workers: u32, configured: &[String]) -> Self {
        let working = agents.iter().filter(|a| a.status == "working").count();
        let mut providers: Vec<ProviderTotalsView> = snapshot
            .providers
            .iter()
            .map(|(id, totals)| ProviderTotalsView { id: id.clone(), totals: *totals })
            .collect();
        for id in configured {
            if !snapshot.providers.contains_key(id) {
                providers.push(ProviderTotalsView { id: id.clone(), totals: Totals::default() });
            }
        }
        providers.sort_by(|a, b| a.id.cmp(&b.id));
        let mut totals = Totals::default();
        for provider in &providers {
            totals.sum(&provider.totals);
        }
        Self {
            total_workers: agents.len(),
            idle_workers: agents.len() - working,
            working_workers: working,
            max_workers,
            agents,
            providers,
            totals,
        }
    }
}
