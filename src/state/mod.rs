//! Everything invocations share: agents and their workers, counters, which agent is
//! working or stopping, and the task history. Callers use the named operations of
//! [`Store`]; no closure over the whole state crosses this boundary, so a Redis
//! backend can run each operation as one server-side script. Backends: [`FileState`]
//! (files under the state folder, the default) and [`RedisState`] (one server shared
//! by many machines), the two arms of [`Store`], both implementing [`StateBackend`].
//!
//! Every operation is atomic on its own and none is held across a provider call.
//! Errors are typed ([`StateError`]); the command edge words them and picks the
//! exit code. This module knows nothing of clap, output or HTTP.

pub mod file;
pub mod options;
pub mod redis;
pub mod schema;
pub mod url;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use file::FileState;
pub use redis::{OnUnavailable, RedisState, RedisTarget};
pub use schema::State;

use crate::files::{FsError, LockError};

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// `state.json` does not parse: damaged by hand (agentry never leaves it torn).
    #[error("state file {} is unreadable: {detail}", path.display())]
    Torn { path: PathBuf, detail: String },
    #[error("state file {} has schema version {version}; this agentry understands up to {}", path.display(), schema::SCHEMA_VERSION)]
    Newer { path: PathBuf, version: u64 },
    /// Reading or writing under the state folder failed.
    #[error("{source}")]
    Io { dir: PathBuf, source: FsError },
    /// A lock could not be had: timed out, unsupported, or an I/O error.
    #[error("{what}: {source}")]
    Lock { what: &'static str, dir: PathBuf, source: LockError },
    /// A shared backend could not be reached, or refused us, when the command started.
    #[error("cannot use the {backend} state at {url}: {detail}")]
    Unavailable { backend: &'static str, url: String, detail: String },
    /// A shared backend stopped answering after the command started.
    #[error("lost the {backend} state at {url}: {detail}")]
    Lost { backend: &'static str, url: String, detail: String },
    /// The backend answered, but not with what agentry keeps there (another program's
    /// keys under our namespace, or a newer agentry's).
    #[error("the {backend} state at {url} holds data this agentry cannot use: {detail}")]
    Foreign { backend: &'static str, url: String, detail: String },
    /// A value of agentry's own could not be encoded: a bug, never the user's doing.
    #[error("cannot encode {what}: {detail}")]
    Encode { what: &'static str, detail: String },
}

/// A value as JSON for a stored copy; a failure is an error, never an empty line.
pub(crate) fn encode<T: Serialize + ?Sized>(what: &'static str, value: &T) -> Result<Vec<u8>, StateError> {
    serde_json::to_vec(value).map_err(|err| StateError::Encode { what, detail: err.to_string() })
}

/// The same as text.
pub(crate) fn encode_text<T: Serialize + ?Sized>(what: &'static str, value: &T) -> Result<String, StateError> {
    serde_json::to_string(value).map_err(|err| StateError::Encode { what, detail: err.to_string() })
}

/// Tasks, tokens, cost and the metrics of `stats`, saturating at the top rather than
/// wrapping. Latencies are kept as a sparse log-scale histogram (see `metrics.rs`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Totals {
    pub tasks_completed: u64,
    pub tasks_failed: u64,
    pub tokens_used: u64,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    /// USD of the tasks whose price was known.
    #[serde(default)]
    pub cost_usd: f64,
    /// Some task had no known price: `cost_usd` is a lower bound.
    #[serde(default)]
    pub cost_incomplete: bool,
    #[serde(default)]
    pub retries: u64,
    #[serde(default)]
    pub fallbacks: u64,
    #[serde(default)]
    pub cache_hits: u64,
    #[serde(default)]
    pub budget_refusals: u64,
    /// Failed tasks by `error_class`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub failures: BTreeMap<String, u64>,
    /// Latency histogram: bucket index to count (`histogram::bucket`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", deserialize_with = "bucket_map")]
    pub latency: BTreeMap<u32, u64>,
    #[serde(default)]
    pub latency_sum_ms: u64,
}

/// JSON keys are text; read the bucket numbers from it ourselves, so the map also
/// reads inside a buffered (internally tagged) object such as an export line.
fn bucket_map<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<BTreeMap<u32, u64>, D::Error> {
    let text: BTreeMap<String, u64> = Deserialize::deserialize(deserializer)?;
    text.into_iter()
        .map(|(bucket, n)| {
            bucket
                .parse()
                .map(|b| (b, n))
                .map_err(|_| serde::de::Error::custom(format!("latency bucket `{bucket}` is not a number")))
        })
        .collect()
}

/// The tokens one task used.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tokens {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub total_tokens: u64,
}

impl Totals {
    /// Add a task; `cost` is `None` when its price was not known.
    pub fn add(&mut self, success: bool, usage: Option<&Tokens>, cost: Option<f64>) {
        self.record(success, usage);
        match cost {
            Some(cost) if cost.is_finite() => self.cost_usd += cost,
            _ => self.cost_incomplete = true,
        }
    }

    /// Add one finished (or refused) task.
    pub fn add_record(&mut self, record: &TaskRecord) {
        if record.error_class.as_deref() == Some("budget") {
            // Refused before anything was sent: only the refusal counter.
            self.budget_refusals = self.budget_refusals.saturating_add(1);
            return;
        }
        self.add(record.success, record.usage().as_ref(), record.cost_usd);
        if !record.success {
            let class = record.error_class.clone().unwrap_or_else(|| "unknown".into());
            *self.failures.entry(class).or_default() += 1;
        }
        let links = u64::from(record.fallbacks) + 1;
        self.retries = self.retries.saturating_add(u64::from(record.attempts).saturating_sub(links));
        self.fallbacks = self.fallbacks.saturating_add(u64::from(record.fallbacks));
        if record.cached {
            self.cache_hits = self.cache_hits.saturating_add(1);
        }
        if record.attempts > 0 || record.cached {
            *self.latency.entry(crate::histogram::bucket(record.latency_ms)).or_default() += 1;
            self.latency_sum_ms = self.latency_sum_ms.saturating_add(record.latency_ms);
        }
    }

    /// Add another set of totals (the whole pool's).
    pub fn sum(&mut self, other: &Totals) {
        self.tasks_completed = self.tasks_completed.saturating_add(other.tasks_completed);
        self.tasks_failed = self.tasks_failed.saturating_add(other.tasks_failed);
        self.tokens_used = self.tokens_used.saturating_add(other.tokens_used);
        self.prompt_tokens = self.prompt_tokens.saturating_add(other.prompt_tokens);
        self.completion_tokens = self.completion_tokens.saturating_add(other.completion_tokens);
        self.cost_usd += other.cost_usd;
        self.cost_incomplete |= other.cost_incomplete;
        self.retries = self.retries.saturating_add(other.retries);
        self.fallbacks = self.fallbacks.saturating_add(other.fallbacks);
        self.cache_hits = self.cache_hits.saturating_add(other.cache_hits);
        self.budget_refusals = self.budget_refusals.saturating_add(other.budget_refusals);
        for (class, n) in &other.failures {
            *self.failures.entry(class.clone()).or_default() += n;
        }
        for (bucket, n) in &other.latency {
            *self.latency.entry(*bucket).or_default() += n;
        }
        self.latency_sum_ms = self.latency_sum_ms.saturating_add(other.latency_sum_ms);
    }

    pub fn record(&mut self, success: bool, usage: Option<&Tokens>) {
        if success {
            self.tasks_completed = self.tasks_completed.saturating_add(1);
        } else {
            self.tasks_failed = self.tasks_failed.saturating_add(1);
        }
        if let Some(usage) = usage {
            self.tokens_used = self.tokens_used.saturating_add(usage.total_tokens);
            self.prompt_tokens = self.prompt_tokens.saturating_add(usage.prompt_tokens);
            self.completion_tokens = self.completion_tokens.saturating_add(usage.completion_tokens);
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AgentRecord {
    pub id: String,
    pub name: String,
    pub persona: Option<String>,
    pub project: String,
    pub provider: String,
    pub worker_id: String,
    pub created_at: String,
    /// The spawn time until the first task ends (older files may hold null).
    pub last_active: Option<String>,
    #[serde(default)]
    pub totals: Totals,
    /// USD the agent may spend a UTC day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<f64>,
    /// Answer its identical requests from the response cache.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cache: bool,
    /// What it remembers of its past tasks (`--memory`, `--memory-tokens`).
    #[serde(default, skip_serializing_if = "MemoryLimit::is_off")]
    pub memory: MemoryLimit,
    /// The tool servers its tasks may use (`--tools`), by `[mcp.NAME]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<String>,
}

/// How much of its past an agent keeps: its last `turns` exchanges, at most `tokens`
/// of them by estimate; a 0 sets no limit of that kind, and both 0 is no memory (a
/// stateless agent, the default).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryLimit {
    #[serde(default)]
    pub turns: u32,
    #[serde(default)]
    pub tokens: u64,
}

impl MemoryLimit {
    pub fn is_off(&self) -> bool {
        self.turns == 0 && self.tokens == 0
    }

    /// Drop the oldest exchanges beyond the limit.
    pub fn trim(&self, exchanges: &mut Vec<Exchange>) {
        if self.turns > 0 {
            let turns = usize::try_from(self.turns).unwrap_or(usize::MAX);
            if exchanges.len() > turns {
                exchanges.drain(..exchanges.len() - turns);
            }
        }
        if self.tokens > 0 {
            let mut total: u64 = exchanges.iter().map(Exchange::tokens).sum();
            let mut drop = 0;
            while total > self.tokens && drop < exchanges.len() {
                total -= exchanges[drop].tokens();
                drop += 1;
            }
            exchanges.drain(..drop);
        }
    }
}

/// One exchange an agent remembers: the user turn of a task and its final answer
/// (under a schema, the JSON value as text), stored redacted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exchange {
    pub task_id: String,
    pub user: String,
    pub answer: String,
}

impl Exchange {
    /// Its estimated tokens (the request model's estimate).
    pub fn tokens(&self) -> u64 {
        crate::request::estimate_tokens(&self.user).saturating_add(crate::request::estimate_tokens(&self.answer))
    }
}

/// What `agent spawn` asks for.
#[derive(Debug, Clone)]
pub struct NewAgent {
    pub name: String,
    pub persona: Option<String>,
    pub project: String,
    pub provider: String,
    pub id: String,
    pub worker_id: String,
    pub created_at: String,
    pub budget: Option<f64>,
    pub cache: bool,
    pub memory: MemoryLimit,
    pub tools: Vec<String>,
}

impl NewAgent {
    /// The record this agent gets, under `id` (the generated one, or another when
    /// it collided).
    pub fn record(&self, id: String) -> AgentRecord {
        AgentRecord {
            id,
            name: self.name.clone(),
            persona: self.persona.clone(),
            project: self.project.clone(),
            provider: self.provider.clone(),
            worker_id: self.worker_id.clone(),
            last_active: Some(self.created_at.clone()),
            created_at: self.created_at.clone(),
            totals: Totals::default(),
            budget: self.budget,
            cache: self.cache,
            memory: self.memory,
            tools: self.tools.clone(),
        }
    }

    /// How a spawn of this agent ends when `existing` has its name: the same agent
    /// (every setting equal) is reused under `exist_ok`, anything else is taken.
    pub fn against(&self, existing: AgentRecord, exist_ok: bool) -> Spawned {
        let same = existing.persona == self.persona
            && existing.provider == self.provider
            && existing.project == self.project
            && existing.budget == self.budget
            && existing.cache == self.cache
            && existing.memory == self.memory
            && existing.tools == self.tools;
        if exist_ok && same { Spawned::Existing(existing) } else { Spawned::Taken(existing) }
    }
}

/// How a spawn ended; the conflicts are the caller's to word.
#[derive(Debug)]
pub enum Spawned {
    Created(AgentRecord),
    /// `exist_ok` and an agent with the same name, persona, provider and project.
    Existing(AgentRecord),
    /// The name is taken by a different agent.
    Taken(AgentRecord),
    PoolFull {
        count: usize,
    },
}

/// Whether a process is running an agent's task, and whether a stop waits for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub working: bool,
    /// The process running the task, when known.
    pub pid: Option<u32>,
    /// The machine of that process, when the state is shared across machines.
    pub host: Option<String>,
    pub stopping: bool,
}

/// One finished task as the history keeps it: the `task run --json` object without
/// the response text, plus the agent's name, the persona and the project.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TaskRecord {
    pub task_id: String,
    pub worker_id: String,
    pub agent_id: Option<String>,
    pub finish_reason: Option<String>,
    pub tokens_used: u64,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub usage_estimated: bool,
    pub provider_id: String,
    pub requested_provider_id: String,
    pub model: String,
    pub latency_ms: u64,
    pub completed_at: String,
    pub success: bool,
    pub error: Option<String>,
    /// Requests sent, across providers (0 in lines written before it was kept).
    #[serde(default)]
    pub attempts: u32,
    /// Failovers to a fallback provider.
    #[serde(default)]
    pub fallbacks: u32,
    /// Answered from the response cache.
    #[serde(default)]
    pub cached: bool,
    #[serde(default)]
    pub error_class: Option<String>,
    /// USD; null when the model's price is not known (lines from before costs: 0).
    #[serde(default = "zero_cost")]
    pub cost_usd: Option<f64>,
    /// `pricing`, `table`, `prefix` or `none`.
    #[serde(default)]
    pub price_source: Option<String>,
    pub agent_name: Option<String>,
    pub persona: Option<String>,
    pub project: Option<String>,
    /// Whether the answer matched its `--schema`: null without one.
    #[serde(default)]
    pub schema_valid: Option<bool>,
    /// The answer's value under a schema, with secrets redacted; null otherwise.
    #[serde(default)]
    pub data: Option<serde_json::Value>,
    /// The task this one continued (`task run --continue`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_task_id: Option<String>,
    /// Model calls, for a task with tools.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<u32>,
    /// Tool calls, for a task with tools.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<u32>,
    /// `batch` for a task answered through a provider's batch API.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// The provider's id of that batch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_id: Option<String>,
}

impl TaskRecord {
    /// The usage this record adds to the totals (none for a task that failed
    /// before an answer).
    pub fn usage(&self) -> Option<Tokens> {
        // An answer that failed its schema was still answered, and billed; so were the
        // steps of a tool loop that ended without an answer.
        let answered =
            self.success || self.schema_valid == Some(false) || (self.steps.is_some() && self.tokens_used > 0);
        answered.then_some(Tokens {
            prompt_tokens: self.prompt_tokens,
            completion_tokens: self.completion_tokens,
            total_tokens: self.tokens_used,
        })
    }

    /// Where this record counts: its agent (if still there), its provider, its
    /// provider-and-agent series, and the failover pair it took. Both backends add
    /// a record through this list, so they count the same.
    pub fn targets(&self) -> Vec<Target> {
        let mut targets = Vec::with_capacity(4);
        if let Some(agent_id) = &self.agent_id {
            targets.push(Target::Agent(agent_id.clone()));
        }
        targets.push(Target::Provider(self.provider_id.clone()));
        let agent = self.agent_name.clone().unwrap_or_default();
        targets.push(Target::Series(series_key(&self.provider_id, &agent)));
        if self.fallbacks > 0 && self.requested_provider_id != self.provider_id {
            targets.push(Target::Pair(series_key(&self.requested_provider_id, &self.provider_id)));
        }
        targets
    }

    fn apply(&self, state: &mut State) {
        for target in self.targets() {
            match target {
                Target::Agent(id) => {
                    if let Some(agent) = state.agents.iter_mut().find(|a| a.id == id) {
                        agent.totals.add_record(self);
                        agent.last_active = Some(self.completed_at.clone());
                    }
                }
                Target::Provider(id) => state.providers.entry(id).or_default().add_record(self),
                Target::Series(key) => state.series.entry(key).or_default().add_record(self),
                Target::Pair(key) => *state.fallback_pairs.entry(key).or_default() += 1,
            }
        }
    }
}

/// A set of totals a task record adds to (see [`TaskRecord::targets`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Only while the agent exists.
    Agent(String),
    Provider(String),
    Series(String),
    /// A failover pair's count.
    Pair(String),
}

/// The key of a two-part series: provider and agent, or fallback from and to.
pub fn series_key(a: &str, b: &str) -> String {
    format!("{a}\u{1f}{b}")
}

pub fn split_series(key: &str) -> (&str, &str) {
    key.split_once('\u{1f}').unwrap_or((key, ""))
}

#[expect(clippy::unnecessary_wraps, reason = "a serde default for an Option field")]
fn zero_cost() -> Option<f64> {
    Some(0.0)
}

/// Agents and totals as of one read.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub agents: Vec<AgentRecord>,
    pub providers: BTreeMap<String, Totals>,
    /// Totals by provider and agent name ("" for one-shot tasks): `series_key`.
    pub series: BTreeMap<String, Totals>,
    /// Tasks answered by a fallback, by from and to: `series_key`.
    pub fallback_pairs: BTreeMap<String, u64>,
}

impl Snapshot {
    pub fn find(&self, name_or_id: &str) -> Option<&AgentRecord> {
        self.agents.iter().find(|a| a.name == name_or_id).or_else(|| self.agents.iter().find(|a| a.id == name_or_id))
    }
}

/// Told when an operation has to wait for another process: what it waits for
/// (`the state lock`) and the holder's pid when known. The caller words the line.
pub type WaitReporter = Arc<dyn Fn(&str, Option<u32>) + Send + Sync>;

/// What a guard holds: a file lock (the OS releases it if the process dies) or a
/// Redis lease (renewed while held; it expires if the process dies).
#[derive(Debug)]
pub enum Guard {
    File(crate::files::LockedFile),
    Lease(redis::Lease),
    /// Nothing to release (a reservation made while Redis was away, fail-open).
    Nothing,
}

/// Held while this process runs an agent's task; released on drop.
#[derive(Debug)]
pub struct AgentClaim {
    _held: Guard,
}

/// Held while `stop` waits for an agent's task: tasks queued behind it give up, and
/// `agent show` reports the agent as stopping. Released on drop.
#[derive(Debug)]
pub struct StopRequest {
    _held: Guard,
}

/// What the history keeps (`[history]` in providers.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Keep request and response bodies beside the history.
    pub bodies: bool,
    pub max_age: std::time::Duration,
    pub max_entries: u64,
}

impl Default for Retention {
    fn default() -> Self {
        Self { bodies: true, max_age: std::time::Duration::from_secs(90 * 86_400), max_entries: 200_000 }
    }
}

/// A task's request and response as `task show` prints them. The system prompt is kept
/// once per distinct text, by its hash, beside the bodies.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TaskBody {
    /// The request in `--dry-run` shape (method, url, redacted headers, body).
    pub request: serde_json::Value,
    pub response: Option<String>,
    /// Stored cut at 64 KiB.
    pub cut: bool,
    /// The hash of the system prompt taken out of the request (`body.messages[0]` in
    /// OpenAI's shape, `body.system` in Anthropic's).
    pub prompt: Option<String>,
}

impl TaskBody {
    /// Put the system prompt's text back where it was taken from.
    pub fn restore_prompt(&mut self, text: String) {
        if let Some(system) = self.request.pointer_mut("/body/system").filter(|v| v.is_null()) {
            *system = text.into();
        } else if let Some(message) = self.request.pointer_mut("/body/messages/0/content") {
            *message = text.into();
        }
    }
}

/// A complete, successful answer kept in the response cache (never a key).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CachedAnswer {
    pub content: String,
    pub finish_reason: Option<String>,
    pub model: Option<String>,
    /// Milliseconds since the epoch.
    pub stored_at: i64,
}

/// `[cache]` in providers.toml.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheLimits {
    pub ttl: std::time::Duration,
    pub max_bytes: u64,
}

impl Default for CacheLimits {
    fn default() -> Self {
        Self { ttl: std::time::Duration::from_secs(24 * 3600), max_bytes: 256 * 1024 * 1024 }
    }
}

/// What `cache stats` reports.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct CacheStats {
    pub entries: u64,
    pub bytes: u64,
}

/// A budget a call must fit: a key (`agent:ID`, `provider:ID`) and USD a UTC day.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetLine {
    pub key: String,
    pub limit_usd: f64,
}

/// Why a reservation was refused: the budget, what the day spent and what tasks in
/// flight hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub key: String,
    pub limit_usd: f64,
    pub spent_usd: f64,
    pub reserved_usd: f64,
}

/// Money set aside for a task in flight. On files its lock is held for as long as this
/// lives: a reservation whose process died is ignored and dropped by the next writer.
#[derive(Debug)]
pub struct Reservation {
    pub id: String,
    pub keys: Vec<String>,
    _held: Guard,
}

impl Reservation {
    /// Spend to record with nothing set aside: a priced task under no budget still
    /// counts toward its day, so a budget configured later sees what was spent.
    pub fn unheld(keys: Vec<String>) -> Self {
        Self { id: format!("{:016x}", fastrand::u64(..)), keys, _held: Guard::Nothing }
    }
}

/// Everything `agentry state export` writes and `state import` loads: agents with
/// their totals, provider and series totals, failover pairs, the UTC day's budget
/// spend and the history.
#[derive(Debug, Clone, Default)]
pub struct StateExport {
    pub agents: Vec<AgentRecord>,
    pub providers: BTreeMap<String, Totals>,
    pub series: BTreeMap<String, Totals>,
    pub fallback_pairs: BTreeMap<String, u64>,
    /// The UTC day (`YYYY-MM-DD`) and its spend by budget key.
    pub spend: Option<(String, BTreeMap<String, f64>)>,
    pub history: Vec<TaskRecord>,
    /// Each agent's memory, by agent id, oldest exchange first.
    pub memory: BTreeMap<String, Vec<Exchange>>,
}

impl StateExport {
    /// A dump as every backend writes it: agents oldest first, the day's spend only
    /// when there is some.
    pub fn new(snapshot: Snapshot, spend: Option<(String, BTreeMap<String, f64>)>, history: Vec<TaskRecord>) -> Self {
        let mut agents = snapshot.agents;
        agents.sort_by(|a, b| (&a.created_at, &a.id).cmp(&(&b.created_at, &b.id)));
        Self {
            agents,
            providers: snapshot.providers,
            series: snapshot.series,
            fallback_pairs: snapshot.fallback_pairs,
            spend: spend.filter(|(_, spend)| !spend.is_empty()),
            history,
            memory: BTreeMap::new(),
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Imported {
    pub agents: usize,
    pub history: usize,
    /// History records already there (same task id), not loaded twice.
    pub skipped: usize,
}

/// What a request asks of the shared limits of its provider.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rates {
    pub rpm: Option<u32>,
    pub tpm: Option<u64>,
    /// The estimated tokens of this request (charged against `tpm`).
    pub tokens: u64,
}

/// Why a request must wait before it is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitWhy {
    /// The provider said to wait (a 429's Retry-After, a remaining count of 0).
    Paused,
    Rpm,
    Tpm,
}

/// The answer of [`StateBackend::admit`]: times are milliseconds since the epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    Now,
    Wait { until: i64, why: WaitWhy },
}

/// Which history records `task list` and `task show` want: newest first, those that
/// match every filter given, at most `limit`. Backends walk the history from its end
/// and stop as soon as the query is answered, so a long history costs nothing here.
#[derive(Debug, Clone, Default)]
pub struct HistoryQuery {
    /// An agent name or id.
    pub agent: Option<String>,
    /// A provider that answered or was asked for.
    pub provider: Option<String>,
    /// RFC 3339 UTC with milliseconds: records completed at or after it.
    pub since: Option<String>,
    pub task_id: Option<String>,
    pub limit: Option<usize>,
}

impl HistoryQuery {
    pub fn matches(&self, r: &TaskRecord) -> bool {
        self.agent.as_ref().is_none_or(|a| r.agent_name.as_ref() == Some(a) || r.agent_id.as_ref() == Some(a))
            && self.provider.as_ref().is_none_or(|p| &r.provider_id == p || &r.requested_provider_id == p)
            && self.since.as_ref().is_none_or(|s| r.completed_at >= *s)
            && self.task_id.as_ref().is_none_or(|id| &r.task_id == id)
    }

    /// Strings a matching record's line must contain (quoted values): a line without
    /// them is skipped unparsed.
    fn needles(&self) -> Vec<String> {
        [&self.task_id, &self.agent, &self.provider].into_iter().flatten().map(|v| format!("\"{v}\"")).collect()
    }

    fn full(&self, found: usize) -> bool {
        self.limit.is_some_and(|n| found >= n) || (self.task_id.is_some() && found >= 1)
    }
}

/// The operations every backend provides. Each is atomic on its own.
#[expect(async_fn_in_trait, reason = "implemented and called inside this crate only; no Send bound is needed")]
pub trait StateBackend {
    /// Agents and totals, without waiting for writers.
    async fn snapshot(&self) -> Result<Snapshot, StateError>;
    /// Add an agent unless the name is taken or the pool is full.
    async fn spawn_agent(&self, new: NewAgent, max_agents: u32, exist_ok: bool) -> Result<Spawned, StateError>;
    /// Remove an agent; its history and its provider totals stay.
    async fn remove_agent(&self, id: &str) -> Result<Option<AgentRecord>, StateError>;
    /// Wait until no other process runs a task on the agent, then hold it.
    async fn claim_agent(&self, id: &str, on_busy: impl FnOnce(Option<u32>)) -> Result<AgentClaim, StateError>;
    async fn activity(&self, id: &str) -> Result<Activity, StateError>;
    /// Whether a `stop` is waiting for the agent (cheaper than [`Self::activity`]).
    async fn stop_requested(&self, id: &str) -> Result<bool, StateError>;
    /// Mark the agent as stopping for as long as the returned guard lives.
    async fn request_stop(&self, id: &str) -> Result<StopRequest, StateError>;
    /// Add finished tasks to the totals and the history, as one step.
    async fn record(&self, records: &[TaskRecord]) -> Result<(), StateError>;
    /// The whole history, oldest first (for export and import): the one walk
    /// backwards, reversed.
    async fn history(&self) -> Result<Vec<TaskRecord>, StateError> {
        let mut all = Vec::new();
        self.history_from_end(&|_| true, &mut |record| {
            all.push(record);
            true
        })
        .await?;
        all.reverse();
        Ok(all)
    }
    /// The history records, newest first, while `visit` says to go on; lines that
    /// `may_match` rejects are skipped unparsed.
    async fn history_from_end(
        &self,
        may_match: &(dyn Fn(&[u8]) -> bool + Sync),
        visit: &mut (dyn FnMut(TaskRecord) -> bool + Send),
    ) -> Result<(), StateError>;
    /// Fail now, before a paid request is sent, if results could not be recorded.
    async fn check_writable(&self) -> Result<(), StateError>;
    /// Keep the bodies of finished tasks (with each distinct system prompt once).
    async fn store_bodies(&self, bodies: &[(String, TaskBody, Option<String>)]) -> Result<(), StateError>;
    /// A task's bodies with its system prompt put back, if they were kept.
    async fn read_body(&self, task_id: &str) -> Result<Option<TaskBody>, StateError>;
    /// A cached answer for `key` younger than `ttl`.
    async fn cache_get(&self, key: &str, ttl: std::time::Duration) -> Result<Option<CachedAnswer>, StateError>;
    /// Keep an answer for `limits.ttl`, evicting the oldest entries beyond
    /// `limits.max_bytes`.
    async fn cache_put(&self, key: &str, answer: &CachedAnswer, limits: CacheLimits) -> Result<(), StateError>;
    /// What the cache holds, not counting entries older than `limits.ttl`.
    async fn cache_stats(&self, limits: CacheLimits) -> Result<CacheStats, StateError>;
    /// Remove every entry; returns how many.
    async fn cache_clear(&self) -> Result<u64, StateError>;
    /// Set `usd` aside against every budget line, unless the day's spend plus the
    /// reservations in flight plus `usd` would pass one of them.
    async fn reserve(&self, lines: &[BudgetLine], usd: f64) -> Result<Result<Reservation, Refusal>, StateError>;
    /// Release a reservation and add what the call really cost to the day's spend.
    async fn settle_reservation(&self, reservation: Reservation, usd: f64) -> Result<(), StateError>;
    /// Admit one request on `key` (a provider, or one of its instances): not before
    /// a pause the provider asked for, and within `rpm` and `tpm` across every
    /// invocation sharing the state. Admitting records the request.
    async fn admit(&self, key: &str, rates: Rates) -> Result<Admission, StateError>;
    /// Correct a `tpm` charge once the real usage is known (`delta` = actual - estimate).
    async fn correct_tokens(&self, key: &str, tpm: u64, delta: i64) -> Result<(), StateError>;
    /// Nobody sends on `key` before `until`.
    async fn pause(&self, key: &str, until: i64) -> Result<(), StateError>;
    /// Skip the endpoint instance `instance` until `until`.
    async fn cool_down(&self, instance: &str, until: i64) -> Result<(), StateError>;
    /// For each instance, when its cooldown ends if it is cooling now.
    async fn cooldowns(&self, instances: &[String]) -> Result<Vec<Option<i64>>, StateError>;
    /// Everything to move to another backend, agents sorted by creation.
    async fn export(&self) -> Result<StateExport, StateError>;
    /// Load an export. `Err(name)` names an agent that exists already (nothing is
    /// written then) unless `replace`; totals and spend are added; history records
    /// already present are skipped.
    async fn import(&self, dump: StateExport, replace: bool) -> Result<Result<Imported, String>, StateError>;
    /// The exchanges an agent remembers, oldest first. Read under the agent's claim.
    async fn memory(&self, agent_id: &str) -> Result<Vec<Exchange>, StateError>;
    /// Add an exchange and drop the oldest beyond `limit`, in one step. Under the
    /// agent's claim, so the tasks of one agent append in the order they ran.
    async fn remember(&self, agent_id: &str, exchange: &Exchange, limit: MemoryLimit) -> Result<(), StateError>;
    /// Replace an agent's memory: empty it (`agent forget`), or load it (import).
    async fn set_memory(&self, agent_id: &str, exchanges: &[Exchange]) -> Result<(), StateError>;
    /// Note that the recorded interactions `ids` were replayed at `at_ms`.
    async fn note_replayed(&self, ids: &[String], at_ms: i64) -> Result<(), StateError>;
    /// For each of `ids`, when it was last replayed, if ever.
    async fn replayed(&self, ids: &[String]) -> Result<Vec<Option<i64>>, StateError>;
    /// Keep (or replace) a provider batch's record.
    async fn put_provider_batch(&self, batch: &ProviderBatch) -> Result<(), StateError>;
    /// Every provider batch recorded, oldest first.
    async fn provider_batches(&self) -> Result<Vec<ProviderBatch>, StateError>;
}

/// A batch submitted to a provider's batch API (`task run --via batch-api`),
/// recorded before anything waits on it, so that the same command run again finds
/// it instead of submitting twice, and `batch list` can show it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProviderBatch {
    /// agentry's own id: `pb_` and 16 hex digits.
    pub id: String,
    pub provider: String,
    /// The provider's id of the batch.
    pub batch_id: String,
    /// A SHA-256 over the provider and every request it holds.
    pub input_hash: String,
    pub submitted_at: String,
    /// The provider's own word when last asked (`in_progress`, `completed`, `ended`).
    pub status: String,
    pub ended: bool,
    pub total: u64,
    pub succeeded: u64,
    pub failed: u64,
    /// Its results are in the history (and `--output`): a rerun submits afresh.
    pub collected: bool,
    /// The batch file and `--output` it ran with, for `batch show`.
    pub source: Option<String>,
    pub output: Option<String>,
    /// Where its results are read from once it ended (file ids, a results URL).
    #[serde(default)]
    pub results: Vec<String>,
    pub lines: Vec<ProviderBatchLine>,
}

/// One request of a provider batch.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProviderBatchLine {
    /// The batch line's id, as given.
    pub line_id: serde_json::Value,
    /// What the provider knows the request by.
    pub custom_id: String,
    pub task_id: String,
    /// The hash of what the request asks (the cassette's key), so a rerun knows it
    /// asks the same.
    pub key: String,
}

/// The backend in use.
pub enum Store {
    File(Box<FileState>),
    Redis(Box<RedisState>),
}

macro_rules! dispatch {
    ($self:ident, $backend:ident => $call:expr) => {
        match $self {
            Store::File($backend) => $call,
            Store::Redis($backend) => $call,
        }
    };
}

impl Store {
    pub async fn snapshot(&self) -> Result<Snapshot, StateError> {
        dispatch!(self, b => b.snapshot().await)
    }
    pub async fn spawn_agent(&self, new: NewAgent, max_agents: u32, exist_ok: bool) -> Result<Spawned, StateError> {
        dispatch!(self, b => b.spawn_agent(new, max_agents, exist_ok).await)
    }
    pub async fn remove_agent(&self, id: &str) -> Result<Option<AgentRecord>, StateError> {
        dispatch!(self, b => b.remove_agent(id).await)
    }
    pub async fn claim_agent(&self, id: &str, on_busy: impl FnOnce(Option<u32>)) -> Result<AgentClaim, StateError> {
        dispatch!(self, b => b.claim_agent(id, on_busy).await)
    }
    pub async fn activity(&self, id: &str) -> Result<Activity, StateError> {
        dispatch!(self, b => b.activity(id).await)
    }
    pub async fn stop_requested(&self, id: &str) -> Result<bool, StateError> {
        dispatch!(self, b => b.stop_requested(id).await)
    }
    pub async fn request_stop(&self, id: &str) -> Result<StopRequest, StateError> {
        dispatch!(self, b => b.request_stop(id).await)
    }
    pub async fn record(&self, records: &[TaskRecord]) -> Result<(), StateError> {
        dispatch!(self, b => b.record(records).await)
    }
    /// The records a query asks for, newest first.
    pub async fn find_history(&self, query: &HistoryQuery) -> Result<Vec<TaskRecord>, StateError> {
        let mut found = Vec::new();
        let needles = query.needles();
        let finders: Vec<memchr::memmem::Finder<'_>> =
            needles.iter().map(|n| memchr::memmem::Finder::new(n.as_bytes())).collect();
        // A substring search is far cheaper than parsing a line that cannot match.
        let may_match = |line: &[u8]| finders.iter().all(|f| f.find(line).is_some());
        let mut visit = |record: TaskRecord| {
            if query.matches(&record) {
                found.push(record);
            }
            !query.full(found.len())
        };
        dispatch!(self, b => b.history_from_end(&may_match, &mut visit).await)?;
        Ok(found)
    }
    pub async fn check_writable(&self) -> Result<(), StateError> {
        dispatch!(self, b => b.check_writable().await)
    }
    pub async fn store_bodies(&self, bodies: &[(String, TaskBody, Option<String>)]) -> Result<(), StateError> {
        dispatch!(self, b => b.store_bodies(bodies).await)
    }
    pub async fn read_body(&self, task_id: &str) -> Result<Option<TaskBody>, StateError> {
        dispatch!(self, b => b.read_body(task_id).await)
    }
    pub async fn cache_get(&self, key: &str, ttl: std::time::Duration) -> Result<Option<CachedAnswer>, StateError> {
        dispatch!(self, b => b.cache_get(key, ttl).await)
    }
    pub async fn cache_put(&self, key: &str, answer: &CachedAnswer, limits: CacheLimits) -> Result<(), StateError> {
        dispatch!(self, b => b.cache_put(key, answer, limits).await)
    }
    pub async fn cache_stats(&self, limits: CacheLimits) -> Result<CacheStats, StateError> {
        dispatch!(self, b => b.cache_stats(limits).await)
    }
    pub async fn cache_clear(&self) -> Result<u64, StateError> {
        dispatch!(self, b => b.cache_clear().await)
    }
    pub async fn reserve(&self, lines: &[BudgetLine], usd: f64) -> Result<Result<Reservation, Refusal>, StateError> {
        dispatch!(self, b => b.reserve(lines, usd).await)
    }
    pub async fn settle_reservation(&self, reservation: Reservation, usd: f64) -> Result<(), StateError> {
        dispatch!(self, b => b.settle_reservation(reservation, usd).await)
    }
    pub async fn admit(&self, key: &str, rates: Rates) -> Result<Admission, StateError> {
        dispatch!(self, b => b.admit(key, rates).await)
    }
    pub async fn correct_tokens(&self, key: &str, tpm: u64, delta: i64) -> Result<(), StateError> {
        dispatch!(self, b => b.correct_tokens(key, tpm, delta).await)
    }
    pub async fn pause(&self, key: &str, until: i64) -> Result<(), StateError> {
        dispatch!(self, b => b.pause(key, until).await)
    }
    pub async fn cool_down(&self, instance: &str, until: i64) -> Result<(), StateError> {
        dispatch!(self, b => b.cool_down(instance, until).await)
    }
    pub async fn cooldowns(&self, instances: &[String]) -> Result<Vec<Option<i64>>, StateError> {
        dispatch!(self, b => b.cooldowns(instances).await)
    }
    pub async fn memory(&self, agent_id: &str) -> Result<Vec<Exchange>, StateError> {
        dispatch!(self, b => b.memory(agent_id).await)
    }
    pub async fn remember(&self, agent_id: &str, exchange: &Exchange, limit: MemoryLimit) -> Result<(), StateError> {
        dispatch!(self, b => b.remember(agent_id, exchange, limit).await)
    }
    pub async fn set_memory(&self, agent_id: &str, exchanges: &[Exchange]) -> Result<(), StateError> {
        dispatch!(self, b => b.set_memory(agent_id, exchanges).await)
    }
    pub async fn note_replayed(&self, ids: &[String], at_ms: i64) -> Result<(), StateError> {
        dispatch!(self, b => b.note_replayed(ids, at_ms).await)
    }
    pub async fn replayed(&self, ids: &[String]) -> Result<Vec<Option<i64>>, StateError> {
        dispatch!(self, b => b.replayed(ids).await)
    }
    pub async fn put_provider_batch(&self, batch: &ProviderBatch) -> Result<(), StateError> {
        dispatch!(self, b => b.put_provider_batch(batch).await)
    }
    pub async fn provider_batches(&self) -> Result<Vec<ProviderBatch>, StateError> {
        dispatch!(self, b => b.provider_batches().await)
    }
    /// Everything to move to another backend, the agents' memory with it.
    pub async fn export_all(&self) -> Result<StateExport, StateError> {
        let mut dump = self.export().await?;
        for agent in &dump.agents {
            let exchanges = self.memory(&agent.id).await?;
            if !exchanges.is_empty() {
                dump.memory.insert(agent.id.clone(), exchanges);
            }
        }
        Ok(dump)
    }
    /// Load an export, the agents' memory with it (after the agents, which it names).
    pub async fn import_all(&self, dump: StateExport, replace: bool) -> Result<Result<Imported, String>, StateError> {
        let memory = dump.memory.clone();
        let imported = self.import(dump, replace).await?;
        if imported.is_ok() {
            for (agent_id, exchanges) in &memory {
                self.set_memory(agent_id, exchanges).await?;
            }
        }
        Ok(imported)
    }
    pub async fn export(&self) -> Result<StateExport, StateError> {
        dispatch!(self, b => b.export().await)
    }
    pub async fn import(&self, dump: StateExport, replace: bool) -> Result<Result<Imported, String>, StateError> {
        dispatch!(self, b => b.import(dump, replace).await)
    }
}
