//! The file backend: `state.json` (agents and totals, replaced atomically under
//! `locks/state.lock`), `history.jsonl` (append-only, one line per task) and lock
//! files under `locks/`: an agent is working exactly while a process holds its
//! lock, and stopping while a `stop` holds its stop lock. The OS releases a lock
//! when its process dies, so neither mark can go stale.
//!
//! History lines are appended before the state is written, and the state records
//! how many history bytes its totals include: a writer killed between the two
//! leaves lines that the next writer counts, and a torn last line is cut before
//! anything is appended after it.

mod blobs;
mod calls;
mod history;
mod memory;
mod provider_batches;
mod replays;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::schema::{State, parse_state};
use super::{
    Activity, Admission, AgentClaim, AgentRecord, BudgetLine, CacheLimits, CacheStats, CachedAnswer, Exchange, Guard,
    Imported, MemoryLimit, NewAgent, Rates, Refusal, Reservation, Retention, Snapshot, Spawned, StateBackend,
    StateError, StateExport, StopRequest, TaskBody, TaskRecord, WaitReporter,
};
use crate::clock::utc_day;
use crate::files::{self, FsError, LockError, LockMode, LockedFile, Wait};

pub struct FileState {
    dir: PathBuf,
    file: PathBuf,
    history: PathBuf,
    locks: PathBuf,
    lock_timeout: Duration,
    on_wait: WaitReporter,
    /// The folders exist (checked once per process, not before every operation).
    dirs_ready: AtomicBool,
    retention: Retention,
    /// The state as last read or written by this process, and the file it came from: a
    /// task reads `state.json` three times (find the agent, re-check it after the claim,
    /// record), and parsing it again when no one has replaced it since cost a twentieth of
    /// a task. Every write replaces the file (a new inode), so an unchanged stamp is an
    /// unchanged file.
    last: std::sync::Mutex<Option<(Stamp, Box<State>)>>,
}

/// What tells one `state.json` from another: device, inode, length and modification
/// time (ns). `None` where the platform does not say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp(u64, u64, u64, i64, i64);

#[cfg_attr(unix, expect(clippy::unnecessary_wraps, reason = "None where the platform gives no inode"))]
fn stamp(meta: &std::fs::Metadata) -> Option<Stamp> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(Stamp(meta.dev(), meta.ino(), meta.len(), meta.mtime(), meta.mtime_nsec()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

const STATE_LOCK: &str = "the state lock";

impl FileState {
    pub fn new(dir: PathBuf, lock_timeout: Duration, on_wait: WaitReporter) -> Self {
        Self {
            file: dir.join("state.json"),
            history: dir.join("history.jsonl"),
            locks: dir.join("locks"),
            dir,
            lock_timeout,
            on_wait,
            dirs_ready: AtomicBool::new(false),
            retention: Retention::default(),
            last: std::sync::Mutex::new(None),
        }
    }

    /// What the history keeps (`[history]` in providers.toml).
    pub fn with_retention(mut self, retention: Retention) -> Self {
        self.retention = retention;
        self
    }

    fn io(&self, source: FsError) -> StateError {
        StateError::Io { dir: self.dir.clone(), source }
    }

    fn lock_error(&self, what: &'static str, source: LockError) -> StateError {
        StateError::Lock { what, dir: self.dir.clone(), source }
    }

    fn ensure_dirs(&self) -> Result<(), StateError> {
        if self.dirs_ready.load(Ordering::Relaxed) {
            return Ok(());
        }
        files::create_private_dir(&self.dir).map_err(|e| self.io(e))?;
        files::create_private_dir(&self.locks).map_err(|e| self.io(e))?;
        self.dirs_ready.store(true, Ordering::Relaxed);
        Ok(())
    }

    fn agent_lock(&self, id: &str) -> PathBuf {
        self.locks.join(format!("agent-{id}.lock"))
    }

    fn stop_lock(&self, id: &str) -> PathBuf {
        self.locks.join(format!("agent-{id}.stop.lock"))
    }

    fn read(&self) -> Result<State, StateError> {
        let now = std::fs::metadata(&self.file).ok().as_ref().and_then(stamp);
        if let Some(now) = now {
            let last = self.last.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Some((seen, state)) = last.as_ref()
                && *seen == now
            {
                return Ok(State::clone(state));
            }
        }
        match std::fs::read(&self.file) {
            Ok(bytes) => {
                let state = parse_state(&String::from_utf8_lossy(&bytes), &self.file)?;
                // Kept only when the file read is the one stamped (not replaced between).
                let after = std::fs::metadata(&self.file).ok().as_ref().and_then(stamp);
                if let Some(after) = after.filter(|after| Some(*after) == now) {
                    *self.last.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
                        Some((after, Box::new(state.clone())));
                }
                Ok(state)
            }
            // No state yet: nothing of the history is counted, so the mark starts at
            // 0 (a writer killed before the first state write left lines to count).
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                Ok(State { history_bytes: Some(0), ..State::default() })
            }
            Err(source) => Err(self.io(FsError { action: "read state file", path: self.file.clone(), source })),
        }
    }

    fn write(&self, state: &State) -> Result<(), StateError> {
        let text = serde_json::to_vec_pretty(state)
            .map_err(|err| StateError::Encode { what: "the state", detail: err.to_string() })?;
        files::write_atomic(&self.file, &text, 0o600, true).map_err(|e| self.io(e))?;
        // Every write is made under the state lock, so the file stamped now is this one.
        let written = std::fs::metadata(&self.file).ok().as_ref().and_then(stamp);
        *self.last.lock().unwrap_or_else(std::sync::PoisonError::into_inner) =
            written.map(|s| (s, Box::new(state.clone())));
        Ok(())
    }

    async fn state_lock(&self) -> Result<LockedFile, StateError> {
        self.ensure_dirs()?;
        let path = self.locks.join("state.lock");
        let on_wait = self.on_wait.clone();
        let wait = Wait { quiet: Duration::from_secs(1), timeout: Some(self.lock_timeout) };
        let held = LockedFile::acquire(&path, LockMode::Exclusive, wait, |pid| on_wait(STATE_LOCK, pid))
            .await
            .map_err(|e| self.lock_error(STATE_LOCK, e))?;
        held.write_holder();
        Ok(held)
    }

    fn check_agent_lock_dir(&self) -> Result<(), StateError> {
        self.ensure_dirs()
    }
}

impl StateBackend for FileState {
    async fn snapshot(&self) -> Result<Snapshot, StateError> {
        let mut state = self.read()?;
        if state.history_bytes.is_some() {
            self.catch_up(&mut state)?;
        }
        Ok(Snapshot {
            agents: state.agents,
            providers: state.providers,
            series: state.series,
            fallback_pairs: state.fallback_pairs,
        })
    }

    async fn spawn_agent(&self, new: NewAgent, max_agents: u32, exist_ok: bool) -> Result<Spawned, StateError> {
        let _lock = self.state_lock().await?;
        let mut state = self.read()?;
        if let Some(existing) = state.agents.iter().find(|a| a.name == new.name) {
            return Ok(new.against(existing.clone(), exist_ok));
        }
        if state.agents.len() >= max_agents as usize {
            return Ok(Spawned::PoolFull { count: state.agents.len() });
        }
        let mut id = new.id.clone();
        while state.agents.iter().any(|a| a.id == id) {
            id = format!("{id}0");
        }
        let record = new.record(id);
        state.agents.push(record.clone());
        self.write(&state)?;
        Ok(Spawned::Created(record))
    }

    async fn remove_agent(&self, id: &str) -> Result<Option<AgentRecord>, StateError> {
        let _lock = self.state_lock().await?;
        let mut state = self.read()?;
        let Some(index) = state.agents.iter().position(|a| a.id == id) else { return Ok(None) };
        let removed = state.agents.remove(index);
        self.write(&state)?;
        let _ = std::fs::remove_file(self.agent_lock(id));
        let _ = std::fs::remove_file(self.stop_lock(id));
        // What it remembered goes with it.
        let _ = self.write_memory(id, &[]);
        Ok(Some(removed))
    }

    async fn claim_agent(&self, id: &str, on_busy: impl FnOnce(Option<u32>)) -> Result<AgentClaim, StateError> {
        self.check_agent_lock_dir()?;
        let wait = Wait { quiet: Duration::ZERO, timeout: None };
        let held = LockedFile::acquire(&self.agent_lock(id), LockMode::Exclusive, wait, on_busy)
            .await
            .map_err(|e| self.lock_error("the agent's lock", e))?;
        held.write_holder();
        Ok(AgentClaim { _held: Guard::File(held) })
    }

    async fn activity(&self, id: &str) -> Result<Activity, StateError> {
        let lock = self.agent_lock(id);
        let working = files::is_locked(&lock);
        let mut pid = None;
        if working {
            // The holder writes its pid right after locking: give it a moment.
            for _ in 0..50 {
                pid = files::read_holder(&lock);
                if pid.is_some() || !files::is_locked(&lock) {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        }
        Ok(Activity { working, pid, host: None, stopping: files::is_locked(&self.stop_lock(id)) })
    }

    async fn stop_requested(&self, id: &str) -> Result<bool, StateError> {
        Ok(files::is_locked(&self.stop_lock(id)))
    }

    async fn request_stop(&self, id: &str) -> Result<StopRequest, StateError> {
        self.ensure_dirs()?;
        let on_wait = self.on_wait.clone();
        let wait = Wait { quiet: Duration::from_secs(1), timeout: None };
        let held = LockedFile::acquire(&self.stop_lock(id), LockMode::Exclusive, wait, |pid| {
            on_wait("another stop of this agent", pid);
        })
        .await
        .map_err(|e| self.lock_error("the agent's stop lock", e))?;
        held.write_holder();
        Ok(StopRequest { _held: Guard::File(held) })
    }

    async fn record(&self, records: &[TaskRecord]) -> Result<(), StateError> {
        let _lock = self.state_lock().await?;
        let mut state = self.read()?;
        let (complete_end, len) = self.catch_up(&mut state)?;
        if complete_end < len {
            // A torn last line (a writer killed mid-append): cut it, or the next
            // line would be glued to it and both would be lost.
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(files::write_target(&self.history))
                .map_err(|source| self.io(FsError { action: "repair history", path: self.history.clone(), source }))?;
            file.set_len(complete_end)
                .map_err(|source| self.io(FsError { action: "repair history", path: self.history.clone(), source }))?;
        }
        let mut lines = Vec::new();
        for record in records {
            lines.extend(super::encode("a history record", record)?);
            lines.push(b'\n');
        }
        let end = if lines.is_empty() {
            complete_end
        } else {
            files::append(&self.history, &lines).map_err(|e| self.io(e))?
        };
        for record in records {
            record.apply(&mut state);
        }
        state.history_bytes = Some(end);
        self.prune(&mut state)?;
        self.write(&state)
    }

    async fn history_from_end(
        &self,
        may_match: &(dyn Fn(&[u8]) -> bool + Sync),
        visit: &mut (dyn FnMut(TaskRecord) -> bool + Send),
    ) -> Result<(), StateError> {
        let walked = files::lines_from_end(&self.history, |line| {
            if !may_match(line) {
                return true;
            }
            match serde_json::from_slice::<TaskRecord>(line) {
                Ok(record) => visit(record),
                Err(_) => true,
            }
        });
        match walked {
            Ok(()) => Ok(()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(self.io(FsError { action: "read history", path: self.history.clone(), source })),
        }
    }

    async fn store_bodies(&self, bodies: &[(String, TaskBody, Option<String>)]) -> Result<(), StateError> {
        self.write_bodies(bodies)
    }

    async fn read_body(&self, task_id: &str) -> Result<Option<TaskBody>, StateError> {
        self.read_stored_body(task_id)
    }

    async fn cache_get(&self, key: &str, ttl: Duration) -> Result<Option<CachedAnswer>, StateError> {
        Ok(self.read_cached(key, ttl))
    }

    async fn cache_put(&self, key: &str, answer: &CachedAnswer, limits: CacheLimits) -> Result<(), StateError> {
        self.write_cached(key, answer, limits)
    }

    async fn cache_stats(&self, _limits: CacheLimits) -> Result<CacheStats, StateError> {
        Ok(self.count_cached())
    }

    async fn cache_clear(&self) -> Result<u64, StateError> {
        Ok(self.remove_cached())
    }

    async fn reserve(&self, lines: &[BudgetLine], usd: f64) -> Result<Result<Reservation, Refusal>, StateError> {
        self.reserve_budget(lines, usd).await
    }

    async fn settle_reservation(&self, reservation: Reservation, usd: f64) -> Result<(), StateError> {
        self.settle_budget(reservation, usd).await
    }

    async fn admit(&self, key: &str, rates: Rates) -> Result<Admission, StateError> {
        self.admit_request(key, rates).await
    }

    async fn correct_tokens(&self, key: &str, tpm: u64, delta: i64) -> Result<(), StateError> {
        self.correct_pace(key, tpm, delta).await
    }

    async fn pause(&self, key: &str, until: i64) -> Result<(), StateError> {
        self.pause_key(key, until).await
    }

    async fn cool_down(&self, instance: &str, until: i64) -> Result<(), StateError> {
        self.cool_instance(instance, until).await
    }

    async fn cooldowns(&self, instances: &[String]) -> Result<Vec<Option<i64>>, StateError> {
        Ok(self.cooling(instances))
    }

    async fn export(&self) -> Result<StateExport, StateError> {
        let snapshot = self.snapshot().await?;
        let budgets: calls::Budgets = std::fs::read(self.dir.join("budgets.json"))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        let spend = (budgets.day == utc_day()).then_some((budgets.day, budgets.spend));
        Ok(StateExport::new(snapshot, spend, self.history().await?))
    }

    async fn import(&self, dump: StateExport, replace: bool) -> Result<Result<Imported, String>, StateError> {
        let lock = self.state_lock().await?;
        let mut state = self.read()?;
        let (complete_end, _) = self.catch_up(&mut state)?;
        if !replace
            && let Some(taken) =
                dump.agents.iter().find(|a| state.agents.iter().any(|b| b.name == a.name || b.id == a.id))
        {
            return Ok(Err(taken.name.clone()));
        }
        for agent in &dump.agents {
            state.agents.retain(|b| b.name != agent.name && b.id != agent.id);
            state.agents.push(agent.clone());
        }
        for (id, totals) in &dump.providers {
            state.providers.entry(id.clone()).or_default().sum(totals);
        }
        for (key, totals) in &dump.series {
            state.series.entry(key.clone()).or_default().sum(totals);
        }
        for (key, n) in &dump.fallback_pairs {
            *state.fallback_pairs.entry(key.clone()).or_default() += n;
        }
        let known: std::collections::HashSet<String> = self.history().await?.into_iter().map(|r| r.task_id).collect();
        let mut lines = Vec::new();
        let (mut loaded, mut skipped) = (0, 0);
        for record in &dump.history {
            if known.contains(&record.task_id) {
                skipped += 1;
                continue;
            }
            lines.extend(super::encode("a history record", record)?);
            lines.push(b'\n');
            loaded += 1;
        }
        // The history is appended and its end marked in the same locked write, so
        // the imported lines are not counted into the totals a second time.
        let end = if lines.is_empty() {
            complete_end
        } else {
            files::append(&self.history, &lines).map_err(|e| self.io(e))?
        };
        state.history_bytes = Some(end);
        self.write(&state)?;
        drop(lock);
        if let Some((day, spend)) = dump.spend
            && day == utc_day()
        {
            self.update_budgets(|budgets| {
                for (key, usd) in spend {
                    *budgets.spend.entry(key).or_default() += usd;
                }
            })
            .await?;
        }
        Ok(Ok(Imported { agents: dump.agents.len(), history: loaded, skipped }))
    }

    async fn check_writable(&self) -> Result<(), StateError> {
        self.ensure_dirs()?;
        let path = self.locks.join("state.lock");
        files::private_file_options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map(drop)
            .map_err(|source| self.io(FsError { action: "write to", path: path.clone(), source }))
    }

    async fn memory(&self, agent_id: &str) -> Result<Vec<Exchange>, StateError> {
        self.read_memory(agent_id)
    }

    async fn remember(&self, agent_id: &str, exchange: &Exchange, limit: MemoryLimit) -> Result<(), StateError> {
        self.append_memory(agent_id, exchange, limit)
    }

    async fn set_memory(&self, agent_id: &str, exchanges: &[Exchange]) -> Result<(), StateError> {
        self.write_memory(agent_id, exchanges)
    }

    async fn note_replayed(&self, ids: &[String], at_ms: i64) -> Result<(), StateError> {
        FileState::note_replayed(self, ids, at_ms)
    }

    async fn replayed(&self, ids: &[String]) -> Result<Vec<Option<i64>>, StateError> {
        Ok(FileState::replayed(self, ids))
    }

    async fn put_provider_batch(&self, batch: &crate::state::ProviderBatch) -> Result<(), StateError> {
        FileState::put_provider_batch(self, batch)
    }

    async fn provider_batches(&self) -> Result<Vec<crate::state::ProviderBatch>, StateError> {
        FileState::provider_batches(self)
    }
}

/// Used by tests and tools that inspect a state folder.
pub fn state_file(dir: &Path) -> PathBuf {
    dir.join("state.json")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::clock::now_ms;
    use crate::state::WaitWhy;

    fn record(n: u64) -> TaskRecord {
        TaskRecord {
            task_id: format!("tk_{n}"),
            worker_id: "wk".into(),
            agent_id: None,
            finish_reason: Some("stop".into()),
            tokens_used: 10,
            prompt_tokens: 4,
            completion_tokens: 6,
            usage_estimated: false,
            provider_id: "p".into(),
            requested_provider_id: "p".into(),
            model: "m".into(),
            latency_ms: 1,
            completed_at: "2026-11-30T00:00:00.000Z".into(),
            success: true,
            error: None,
            attempts: 1,
            fallbacks: 0,
            cached: false,
            error_class: None,
            cost_usd: Some(0.0),
            price_source: None,
            agent_name: None,
            persona: None,
            project: None,
            schema_valid: None,
            data: None,
            parent_task_id: None,
            steps: None,
            tool_calls: None,
            via: None,
            batch_id: None,
        }
    }

    fn store(dir: &Path) -> FileState {
        FileState::new(dir.to_path_buf(), Duration::from_secs(5), Arc::new(|_, _| {}))
    }

    #[tokio::test]
    async fn lines_appended_by_a_killed_writer_are_counted_and_a_torn_tail_is_cut() {
        let dir = tempfile::tempdir().expect("tempdir");
        let state = store(dir.path());
        state.record(&[record(1)]).await.expect("record");
        // A writer killed after appending its line but before writing the state,
        // then one killed in the middle of a line.
        let mut extra = serde_json::to_vec(&record(2)).expect("json");
        extra.push(b'\n');
        extra.extend_from_slice(br#"{"task_id":"tk_3","wor"#);
        files::append(&dir.path().join("history.jsonl"), &extra).expect("append");
        assert_eq!(state.snapshot().await.expect("snapshot").providers["p"].tasks_completed, 2);
        state.record(&[record(4)]).await.expect("record");
        let snapshot = state.snapshot().await.expect("snapshot");
        assert_eq!(snapshot.providers["p"].tasks_completed, 3);
        let history = state.history().await.expect("history");
        assert_eq!(history.iter().map(|r| r.task_id.as_str()).collect::<Vec<_>>(), ["tk_1", "tk_2", "tk_4"]);
        let text = std::fs::read_to_string(dir.path().join("history.jsonl")).expect("read");
        assert_eq!(text.lines().count(), 3);
        assert!(text.ends_with('\n'));
    }

    #[tokio::test]
    async fn admission_paces_pauses_and_cools_across_handles() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (a, b) = (store(dir.path()), store(dir.path()));
        let rates = Rates { rpm: Some(60), tpm: None, tokens: 0 };
        assert_eq!(a.admit("p", rates).await.expect("admit"), Admission::Now);
        // Another invocation on the same folder sees the pacing.
        assert!(matches!(b.admit("p", rates).await.expect("admit"), Admission::Wait { why: WaitWhy::Rpm, .. }));
        let until = now_ms() + 60_000;
        b.pause("q", until).await.expect("pause");
        assert_eq!(
            a.admit("q", Rates::default()).await.expect("admit"),
            Admission::Wait { until, why: WaitWhy::Paused }
        );
        a.cool_down("q|http://x", until).await.expect("cool");
        let cooling = b.cooldowns(&["q|http://x".to_string(), "q|http://y".to_string()]).await.expect("read");
        assert_eq!(cooling, vec![Some(until), None]);
    }

    #[tokio::test]
    async fn lines_left_before_the_first_state_write_are_counted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut line = serde_json::to_vec(&record(1)).expect("json");
        line.push(b'\n');
        files::append(&dir.path().join("history.jsonl"), &line).expect("append");
        let state = store(dir.path());
        assert_eq!(state.snapshot().await.expect("snapshot").providers["p"].tasks_completed, 1);
        state.record(&[record(2)]).await.expect("record");
        assert_eq!(state.snapshot().await.expect("snapshot").providers["p"].tasks_completed, 2);
    }

    #[tokio::test]
    async fn counters_saturate() {
        let dir = tempfile::tempdir().expect("tempdir");
        let state = store(dir.path());
        let mut big = record(1);
        big.tokens_used = u64::MAX;
        state.record(&[big.clone(), big]).await.expect("record");
        assert_eq!(state.snapshot().await.expect("snapshot").providers["p"].tokens_used, u64::MAX);
    }
}
