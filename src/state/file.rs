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

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::schema::{State, parse_state};
use super::{
    Activity, Admission, AgentClaim, AgentRecord, BudgetLine, CacheLimits, CacheStats, CachedAnswer, Dump, Held,
    Imported, NewAgent, Rates, Refusal, Reservation, Retention, Snapshot, Spawned, StateBackend, StateError,
    StopRequest, TaskBody, TaskRecord, WaitReporter, WaitWhy, now_ms, utc_day,
};
use crate::files::{self, FsError, LockError, LockMode, LockedFile, Wait};
use crate::limits::{self, Gate};

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
}

const STATE_LOCK: &str = "the state lock";
const LIMITS_LOCK: &str = "the limits lock";

/// `limits.json`: rate-limit pacing, pauses and endpoint cooldowns, shared by every
/// invocation on this state folder. Its own file and lock, so pacing never queues
/// behind task-end writes; never held across a network call. It is soft state: a file
/// that does not parse is started afresh.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Limits {
    #[serde(default)]
    keys: std::collections::BTreeMap<String, KeyLimits>,
    #[serde(default)]
    cooldowns: std::collections::BTreeMap<String, i64>,
}

#[derive(Debug, Default, Clone, Copy, serde::Serialize, serde::Deserialize)]
struct KeyLimits {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rpm_tat: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tpm_tat: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    not_before: Option<i64>,
}

/// `budgets.json`: the UTC day's spend by budget key and the reservations of tasks in
/// flight, each naming the lock file its process holds.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Budgets {
    #[serde(default)]
    day: String,
    #[serde(default)]
    spend: std::collections::BTreeMap<String, f64>,
    #[serde(default)]
    reservations: Vec<ReservationEntry>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct ReservationEntry {
    id: String,
    keys: Vec<String>,
    usd: f64,
}

impl Limits {
    /// Drop what has expired, so the file stays small.
    fn prune(&mut self, now: i64) {
        self.cooldowns.retain(|_, until| *until > now);
        self.keys.retain(|_, k| {
            k.rpm_tat.is_some_and(|t| t > now)
                || k.tpm_tat.is_some_and(|t| t > now)
                || k.not_before.is_some_and(|t| t > now)
        });
    }
}

/// How old a body with no history line must be before the prune removes it: older
/// than any flush of a running batch.
const ORPHAN_AGE: Duration = Duration::from_secs(24 * 60 * 60);

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
        }
    }

    /// What the history keeps (`[history]` in providers.toml).
    pub fn with_retention(mut self, retention: Retention) -> Self {
        self.retention = retention;
        self
    }

    fn cache_file(&self, key: &str) -> PathBuf {
        self.dir.join("cache").join(format!("{key}.json"))
    }

    /// The body of a task, for ids of agentry's own form only (`None` for any other:
    /// an id from outside never names a path).
    fn body_file(&self, task_id: &str) -> Option<PathBuf> {
        super::is_generated_id(task_id, "tk").then(|| self.dir.join("bodies").join(format!("{task_id}.json")))
    }

    /// Cut the history to its retention: lines older than `max_age`, then all but the
    /// newest `max_entries`. Runs under the state lock, at most once a day.
    fn prune(&self, state: &mut State) -> Result<(), StateError> {
        let now = jiff::Timestamp::now();
        let due = state
            .pruned_at
            .as_deref()
            .and_then(|t| t.parse::<jiff::Timestamp>().ok())
            .is_none_or(|last| now.duration_since(last) >= jiff::SignedDuration::from_hours(24));
        if !due {
            return Ok(());
        }
        state.pruned_at = Some(format!("{now:.3}"));
        let bytes = match std::fs::read(&self.history) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(source) => return Err(self.io(FsError { action: "read history", path: self.history.clone(), source })),
        };
        let age = jiff::SignedDuration::try_from(self.retention.max_age).unwrap_or(jiff::SignedDuration::MAX);
        // RFC 3339 UTC with milliseconds sorts as text.
        let cutoff = now.checked_sub(age).map(|t| format!("{t:.3}")).unwrap_or_default();
        let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()).collect();
        let completed = |line: &[u8]| -> Option<(String, String)> {
            let value: serde_json::Value = serde_json::from_slice(line).ok()?;
            Some((value["completed_at"].as_str()?.to_string(), value["task_id"].as_str()?.to_string()))
        };
        let fresh: Vec<(&[u8], Option<String>)> = lines
            .iter()
            .map(|line| (*line, completed(line)))
            .filter(|(_, meta)| meta.as_ref().is_none_or(|(at, _)| *at >= cutoff))
            .map(|(line, meta)| (line, meta.map(|(_, id)| id)))
            .collect();
        let limit = usize::try_from(self.retention.max_entries).unwrap_or(usize::MAX);
        let kept = &fresh[fresh.len().saturating_sub(limit)..];
        let known: std::collections::HashSet<String> =
            lines.iter().filter_map(|l| completed(l)).map(|(_, id)| id).collect();
        self.sweep_orphan_bodies(&known);
        if kept.len() == lines.len() {
            return Ok(());
        }
        let kept_ids: std::collections::HashSet<&str> = kept.iter().filter_map(|(_, id)| id.as_deref()).collect();
        let mut text = Vec::with_capacity(bytes.len());
        for (line, _) in kept {
            text.extend_from_slice(line);
            text.push(b'\n');
        }
        files::write_atomic(&self.history, &text, 0o600, true).map_err(|e| self.io(e))?;
        state.history_bytes = Some(text.len() as u64);
        for line in &lines {
            if let Some((_, id)) = completed(line)
                && !kept_ids.contains(id.as_str())
                && let Some(path) = self.body_file(&id)
            {
                let _ = std::fs::remove_file(path);
            }
        }
        Ok(())
    }

    /// Bodies with no history line, older than a day: a kill between writing a body
    /// and its history line leaves one, and nothing else would ever remove it.
    fn sweep_orphan_bodies(&self, known: &std::collections::HashSet<String>) {
        let Ok(entries) = std::fs::read_dir(self.dir.join("bodies")) else { return };
        let day_ago = std::time::SystemTime::now() - ORPHAN_AGE;
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(id) = name.to_str().and_then(|n| n.strip_suffix(".json")) else { continue };
            let old = entry.metadata().and_then(|m| m.modified()).is_ok_and(|t| t < day_ago);
            if old && super::is_generated_id(id, "tk") && !known.contains(id) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
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
        match std::fs::read(&self.file) {
            Ok(bytes) => parse_state(&String::from_utf8_lossy(&bytes), &self.file),
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
        files::write_atomic(&self.file, &text, 0o600, true).map_err(|e| self.io(e))
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

    fn history_len(&self) -> Result<u64, StateError> {
        match std::fs::metadata(&self.history) {
            Ok(meta) => Ok(meta.len()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(0),
            Err(source) => Err(self.io(FsError { action: "read history", path: self.history.clone(), source })),
        }
    }

    /// The history bytes from `from` to the end.
    fn history_tail(&self, from: u64) -> Result<Vec<u8>, StateError> {
        let fail = |source| self.io(FsError { action: "read history", path: self.history.clone(), source });
        let mut file = std::fs::File::open(&self.history).map_err(fail)?;
        file.seek(SeekFrom::Start(from)).map_err(fail)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(fail)?;
        Ok(bytes)
    }

    /// Count history lines the totals lack (a writer killed after appending) into
    /// `state`. Returns where complete lines end: a torn last line starts there.
    fn catch_up(&self, state: &mut State) -> Result<(u64, u64), StateError> {
        let len = self.history_len()?;
        let (from, count) = match state.history_bytes {
            Some(mark) if mark <= len => (mark, true),
            // No mark yet (an older file), or the history was cut short by hand:
            // count nothing, only look for a torn tail.
            _ => (len.saturating_sub(64 * 1024), false),
        };
        if from == len {
            return Ok((len, len));
        }
        let tail = self.history_tail(from)?;
        let complete = match tail.iter().rposition(|b| *b == b'\n') {
            Some(index) => index + 1,
            // A window without a newline in a long file: nothing to judge by.
            None if !count && from > 0 => tail.len(),
            None => 0,
        };
        if count {
            for line in tail[..complete].split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
                if let Ok(record) = serde_json::from_slice::<TaskRecord>(line) {
                    record.apply(state);
                }
            }
        }
        Ok((from + complete as u64, len))
    }

    fn check_agent_lock_dir(&self) -> Result<(), StateError> {
        self.ensure_dirs()
    }

    fn reservation_lock(&self, id: &str) -> PathBuf {
        self.locks.join(format!("reservation-{id}.lock"))
    }

    /// Read-modify-write `budgets.json` under its own lock: a new UTC day starts with
    /// no spend; reservations whose process died (their lock is free) are dropped.
    async fn update_budgets<R>(&self, change: impl FnOnce(&mut Budgets) -> R) -> Result<R, StateError> {
        self.ensure_dirs()?;
        let path = self.locks.join("budgets.lock");
        let on_wait = self.on_wait.clone();
        let wait = Wait { quiet: Duration::from_secs(1), timeout: Some(self.lock_timeout) };
        let held = LockedFile::acquire(&path, LockMode::Exclusive, wait, |pid| on_wait("the budgets lock", pid))
            .await
            .map_err(|e| self.lock_error("the budgets lock", e))?;
        held.write_holder();
        let file = self.dir.join("budgets.json");
        let mut budgets: Budgets =
            std::fs::read(&file).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
        let today = utc_day();
        if budgets.day != today {
            budgets.day = today;
            budgets.spend.clear();
        }
        budgets.reservations.retain(|r| {
            let lock = self.reservation_lock(&r.id);
            let alive = files::is_locked(&lock);
            if !alive {
                let _ = std::fs::remove_file(lock);
            }
            alive
        });
        let result = change(&mut budgets);
        let text = super::encode("the budgets", &budgets)?;
        files::write_atomic(&file, &text, 0o600, true).map_err(|e| self.io(e))?;
        Ok(result)
    }

    fn limits_file(&self) -> PathBuf {
        self.dir.join("limits.json")
    }

    fn read_limits(&self) -> Limits {
        std::fs::read(self.limits_file()).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()).unwrap_or_default()
    }

    /// Read-modify-write `limits.json` under its own lock.
    async fn update_limits<R>(&self, change: impl FnOnce(&mut Limits, i64) -> R) -> Result<R, StateError> {
        self.ensure_dirs()?;
        let path = self.locks.join("limits.lock");
        let on_wait = self.on_wait.clone();
        let wait = Wait { quiet: Duration::from_secs(1), timeout: Some(self.lock_timeout) };
        let held = LockedFile::acquire(&path, LockMode::Exclusive, wait, |pid| on_wait(LIMITS_LOCK, pid))
            .await
            .map_err(|e| self.lock_error(LIMITS_LOCK, e))?;
        held.write_holder();
        let mut limits = self.read_limits();
        let now = now_ms();
        let result = change(&mut limits, now);
        limits.prune(now);
        let text = super::encode("the limits", &limits)?;
        files::write_atomic(&self.limits_file(), &text, 0o600, true).map_err(|e| self.io(e))?;
        Ok(result)
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
        Ok(Some(removed))
    }

    async fn claim_agent(&self, id: &str, on_busy: impl FnOnce(Option<u32>)) -> Result<AgentClaim, StateError> {
        self.check_agent_lock_dir()?;
        let wait = Wait { quiet: Duration::ZERO, timeout: None };
        let held = LockedFile::acquire(&self.agent_lock(id), LockMode::Exclusive, wait, on_busy)
            .await
            .map_err(|e| self.lock_error("the agent's lock", e))?;
        held.write_holder();
        Ok(AgentClaim { _held: Held::File(held) })
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
            on_wait("another stop of this agent", pid)
        })
        .await
        .map_err(|e| self.lock_error("the agent's stop lock", e))?;
        held.write_holder();
        Ok(StopRequest { _held: Held::File(held) })
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
        if bodies.is_empty() || !self.retention.bodies {
            return Ok(());
        }
        self.ensure_dirs()?;
        let folder = self.dir.join("bodies");
        let prompts = self.dir.join("prompts");
        files::create_private_dir(&folder).map_err(|e| self.io(e))?;
        files::create_private_dir(&prompts).map_err(|e| self.io(e))?;
        for (task_id, body, prompt) in bodies {
            if let (Some(hash), Some(text)) = (&body.prompt, prompt) {
                let file = prompts.join(format!("{hash}.txt"));
                if !file.exists() {
                    files::write_atomic(&file, text.as_bytes(), 0o600, false).map_err(|e| self.io(e))?;
                }
            }
            let Some(path) = self.body_file(task_id) else { continue };
            let json = super::encode("a task body", body)?;
            files::write_atomic(&path, &json, 0o600, false).map_err(|e| self.io(e))?;
        }
        Ok(())
    }

    async fn read_body(&self, task_id: &str) -> Result<Option<TaskBody>, StateError> {
        let Some(path) = self.body_file(task_id) else { return Ok(None) };
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(self.io(FsError { action: "read", path, source })),
        };
        let Ok(mut body) = serde_json::from_slice::<TaskBody>(&bytes) else { return Ok(None) };
        if let Some(hash) = &body.prompt
            && hash.len() == 64
            && hash.bytes().all(|b| b.is_ascii_hexdigit())
            && let Ok(text) = std::fs::read_to_string(self.dir.join("prompts").join(format!("{hash}.txt")))
        {
            body.restore_prompt(text);
        }
        Ok(Some(body))
    }

    async fn cache_get(&self, key: &str, ttl: Duration) -> Result<Option<CachedAnswer>, StateError> {
        let path = self.cache_file(key);
        let Ok(bytes) = std::fs::read(&path) else { return Ok(None) };
        let Ok(answer) = serde_json::from_slice::<CachedAnswer>(&bytes) else {
            let _ = std::fs::remove_file(&path);
            return Ok(None);
        };
        let age = now_ms().saturating_sub(answer.stored_at);
        if u128::try_from(age).unwrap_or(u128::MAX) > ttl.as_millis() {
            let _ = std::fs::remove_file(&path);
            return Ok(None);
        }
        Ok(Some(answer))
    }

    async fn cache_put(&self, key: &str, answer: &CachedAnswer, limits: CacheLimits) -> Result<(), StateError> {
        // An entry's age is checked when it is read (`cache_get`): only the size cap here.
        let max_bytes = limits.max_bytes;
        self.ensure_dirs()?;
        let folder = self.dir.join("cache");
        files::create_private_dir(&folder).map_err(|e| self.io(e))?;
        let json = super::encode("a cached answer", answer)?;
        // One file per entry, written by rename: parallel writers need no lock.
        files::write_atomic(&self.cache_file(key), &json, 0o600, false).map_err(|e| self.io(e))?;
        let mut entries: Vec<(std::time::SystemTime, u64, PathBuf)> = std::fs::read_dir(&folder)
            .map(|dir| {
                dir.flatten()
                    .filter(|e| {
                        e.file_name().to_string_lossy().ends_with(".json")
                            && !e.file_name().to_string_lossy().starts_with('.')
                    })
                    .filter_map(|e| {
                        let meta = e.metadata().ok()?;
                        Some((meta.modified().ok()?, meta.len(), e.path()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut total: u64 = entries.iter().map(|(_, len, _)| len).sum();
        entries.sort();
        for (_, len, path) in entries {
            if total <= max_bytes {
                break;
            }
            let _ = std::fs::remove_file(path);
            total = total.saturating_sub(len);
        }
        Ok(())
    }

    async fn cache_stats(&self, _limits: CacheLimits) -> Result<CacheStats, StateError> {
        let mut stats = CacheStats::default();
        if let Ok(dir) = std::fs::read_dir(self.dir.join("cache")) {
            for entry in dir.flatten() {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                if name.ends_with(".json") && !name.starts_with('.') {
                    stats.entries += 1;
                    stats.bytes += entry.metadata().map(|m| m.len()).unwrap_or(0);
                }
            }
        }
        Ok(stats)
    }

    async fn cache_clear(&self) -> Result<u64, StateError> {
        let mut removed = 0;
        if let Ok(dir) = std::fs::read_dir(self.dir.join("cache")) {
            for entry in dir.flatten() {
                if entry.file_name().to_string_lossy().ends_with(".json") && std::fs::remove_file(entry.path()).is_ok()
                {
                    removed += 1;
                }
            }
        }
        Ok(removed)
    }

    async fn reserve(&self, lines: &[BudgetLine], usd: f64) -> Result<Result<Reservation, Refusal>, StateError> {
        self.ensure_dirs()?;
        let id = format!("{:016x}", fastrand::u64(..));
        // The lock is taken before the reservation is written, so no writer can see
        // it without its process holding it.
        let held = LockedFile::try_acquire(&self.reservation_lock(&id), LockMode::Exclusive)
            .map_err(|e| self.lock_error("a reservation lock", e))?
            .ok_or_else(|| {
                self.io(FsError {
                    action: "lock",
                    path: self.reservation_lock(&id),
                    source: std::io::Error::other("a fresh reservation lock is held"),
                })
            })?;
        let keys: Vec<String> = lines.iter().map(|l| l.key.clone()).collect();
        let refused = self
            .update_budgets(|budgets| {
                for line in lines {
                    let spent = budgets.spend.get(&line.key).copied().unwrap_or(0.0);
                    let reserved: f64 =
                        budgets.reservations.iter().filter(|r| r.keys.contains(&line.key)).map(|r| r.usd).sum();
                    if spent + reserved + usd > line.limit_usd + 1e-12 {
                        return Some(Refusal {
                            key: line.key.clone(),
                            limit_usd: line.limit_usd,
                            spent_usd: spent,
                            reserved_usd: reserved,
                        });
                    }
                }
                budgets.reservations.push(ReservationEntry { id: id.clone(), keys: keys.clone(), usd });
                None
            })
            .await?;
        match refused {
            Some(refusal) => {
                drop(held);
                let _ = std::fs::remove_file(self.reservation_lock(&id));
                Ok(Err(refusal))
            }
            None => Ok(Ok(Reservation { id, keys, _held: Held::File(held) })),
        }
    }

    async fn settle_reservation(&self, reservation: Reservation, usd: f64) -> Result<(), StateError> {
        let id = reservation.id.clone();
        self.update_budgets(|budgets| {
            budgets.reservations.retain(|r| r.id != id);
            for key in &reservation.keys {
                *budgets.spend.entry(key.clone()).or_default() += usd.max(0.0);
            }
        })
        .await?;
        drop(reservation);
        let _ = std::fs::remove_file(self.reservation_lock(&id));
        Ok(())
    }

    async fn admit(&self, key: &str, rates: Rates) -> Result<Admission, StateError> {
        if rates.rpm.is_none() && rates.tpm.is_none() {
            // Nothing to pace: only a pause can hold the request, and that is a read.
            let limits = self.read_limits();
            return Ok(match limits.keys.get(key).and_then(|k| k.not_before) {
                Some(until) if until > now_ms() => Admission::Wait { until, why: WaitWhy::Paused },
                _ => Admission::Now,
            });
        }
        self.update_limits(|limits, now| {
            let entry = limits.keys.entry(key.to_string()).or_default();
            if let Some(until) = entry.not_before.filter(|until| *until > now) {
                return Admission::Wait { until, why: WaitWhy::Paused };
            }
            let rpm = rates.rpm.map(|rpm| limits::gcra(entry.rpm_tat, now, f64::from(rpm), 1.0));
            let tpm = rates.tpm.map(|tpm| limits::gcra(entry.tpm_tat, now, tpm as f64, rates.tokens as f64));
            if let Some(Gate::Wait { until }) = rpm {
                return Admission::Wait { until, why: WaitWhy::Rpm };
            }
            if let Some(Gate::Wait { until }) = tpm {
                return Admission::Wait { until, why: WaitWhy::Tpm };
            }
            if let Some(Gate::Now { tat }) = rpm {
                entry.rpm_tat = Some(tat);
            }
            if let Some(Gate::Now { tat }) = tpm {
                entry.tpm_tat = Some(tat);
            }
            Admission::Now
        })
        .await
    }

    async fn settle(&self, key: &str, tpm: u64, delta: i64) -> Result<(), StateError> {
        if delta == 0 {
            return Ok(());
        }
        self.update_limits(|limits, now| {
            if let Some(entry) = limits.keys.get_mut(key)
                && let Some(tat) = entry.tpm_tat
            {
                entry.tpm_tat = Some(limits::correct(tat, now, tpm as f64, delta as f64));
            }
        })
        .await
    }

    async fn pause(&self, key: &str, until: i64) -> Result<(), StateError> {
        self.update_limits(|limits, _| {
            let entry = limits.keys.entry(key.to_string()).or_default();
            entry.not_before = Some(entry.not_before.map_or(until, |t| t.max(until)));
        })
        .await
    }

    async fn cool_down(&self, instance: &str, until: i64) -> Result<(), StateError> {
        self.update_limits(|limits, _| {
            let slot = limits.cooldowns.entry(instance.to_string()).or_insert(until);
            *slot = (*slot).max(until);
        })
        .await
    }

    async fn cooldowns(&self, instances: &[String]) -> Result<Vec<Option<i64>>, StateError> {
        let limits = self.read_limits();
        let now = now_ms();
        Ok(instances.iter().map(|i| limits.cooldowns.get(i).copied().filter(|until| *until > now)).collect())
    }

    async fn export(&self) -> Result<Dump, StateError> {
        let snapshot = self.snapshot().await?;
        let budgets: Budgets = std::fs::read(self.dir.join("budgets.json"))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        let spend = (budgets.day == utc_day()).then_some((budgets.day, budgets.spend));
        Ok(Dump::new(snapshot, spend, self.history().await?))
    }

    async fn import(&self, dump: Dump, replace: bool) -> Result<Result<Imported, String>, StateError> {
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
}

/// Used by tests and tools that inspect a state folder.
pub fn state_file(dir: &Path) -> PathBuf {
    dir.join("state.json")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

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
