//! Persistent state shared by every invocation: agents, their workers and the
//! counters in one JSON file with a schema version; the task history in an
//! append-only JSON-lines file beside it; lock files under `locks/`.
//!
//! Every change is a read-modify-write under an exclusive lock on `locks/state.lock`,
//! written to a temp file and renamed, so readers never see a torn file and
//! parallel writers never lose an update. Reads need no lock (rename is atomic).
//! No caller may hold the state lock across a network call.

use std::collections::BTreeMap;
use std::fs::{File, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::error::Failure;
use crate::output::Printer;
use crate::paths::{Paths, create_private_dir, private_file_options, write_atomic};
use crate::provider::Usage;

pub const SCHEMA_VERSION: u64 = 1;

/// Migrations from version N to N+1, indexed by N. A file without a version is
/// version 0 (pre-release files); each step edits the raw JSON in place.
const MIGRATIONS: &[fn(&mut serde_json::Value)] = &[migrate_v0_to_v1];

fn migrate_v0_to_v1(value: &mut serde_json::Value) {
    if let Some(object) = value.as_object_mut() {
        object.entry("agents").or_insert_with(|| serde_json::json!([]));
        object.entry("providers").or_insert_with(|| serde_json::json!({}));
    }
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Totals {
    pub tasks_completed: u64,
    pub tasks_failed: u64,
    pub tokens_used: u64,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

impl Totals {
    pub fn record(&mut self, success: bool, usage: Option<&Usage>) {
        if success {
            self.tasks_completed += 1;
        } else {
            self.tasks_failed += 1;
        }
        if let Some(usage) = usage {
            self.tokens_used += usage.total_tokens;
            self.prompt_tokens += usage.prompt_tokens;
            self.completion_tokens += usage.completion_tokens;
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
    pub last_active: Option<String>,
    #[serde(default)]
    pub totals: Totals,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct State {
    pub schema_version: u64,
    #[serde(default)]
    pub agents: Vec<AgentRecord>,
    #[serde(default)]
    pub providers: BTreeMap<String, Totals>,
}

impl Default for State {
    fn default() -> Self {
        Self { schema_version: SCHEMA_VERSION, agents: Vec::new(), providers: BTreeMap::new() }
    }
}

impl State {
    /// An agent by name, or by id.
    pub fn find(&self, name_or_id: &str) -> Option<&AgentRecord> {
        self.agents.iter().find(|a| a.name == name_or_id).or_else(|| self.agents.iter().find(|a| a.id == name_or_id))
    }
    pub fn by_id_mut(&mut self, id: &str) -> Option<&mut AgentRecord> {
        self.agents.iter_mut().find(|a| a.id == id)
    }
}

pub fn parse_state(text: &str, path: &Path) -> anyhow::Result<State> {
    let broken = |detail: String| -> anyhow::Error {
        Failure::usage(format!("state file {} is unreadable: {detail}", path.display()))
            .hint(format!(
                "agentry never leaves a torn file; if it was edited by hand, fix it, or move it aside (mv {0} {0}.broken) to start with no agents",
                path.display()
            ))
            .into()
    };
    let mut value: serde_json::Value = serde_json::from_str(text).map_err(|err| broken(err.to_string()))?;
    let version = match value.get("schema_version") {
        None => 0,
        Some(v) => v.as_u64().ok_or_else(|| broken("schema_version is not a number".into()))?,
    };
    if version > SCHEMA_VERSION {
        return Err(Failure::usage(format!(
            "state file {} has schema version {version}; this agentry understands up to {SCHEMA_VERSION}",
            path.display()
        ))
        .hint("upgrade agentry, or use a different --home")
        .into());
    }
    for step in version..SCHEMA_VERSION {
        let migrate =
            MIGRATIONS.get(step as usize).ok_or_else(|| broken(format!("no migration from version {step}")))?;
        migrate(&mut value);
    }
    if let Some(object) = value.as_object_mut() {
        object.insert("schema_version".into(), SCHEMA_VERSION.into());
    }
    serde_json::from_value(value).map_err(|err| broken(err.to_string()))
}

pub struct Store {
    dir: PathBuf,
    file: PathBuf,
    history: PathBuf,
    locks: PathBuf,
}

impl Store {
    pub fn new(paths: &Paths) -> Self {
        Self {
            dir: paths.state_dir.path.clone(),
            file: paths.state_file(),
            history: paths.history_file(),
            locks: paths.locks_dir(),
        }
    }

    pub fn read(&self) -> anyhow::Result<State> {
        match std::fs::read_to_string(&self.file) {
            Ok(text) => parse_state(&text, &self.file),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(State::default()),
            Err(err) => Err(Failure::usage(format!("cannot read state file {}: {err}", self.file.display())).into()),
        }
    }

    fn ensure_dirs(&self) -> anyhow::Result<()> {
        create_private_dir(&self.dir)?;
        create_private_dir(&self.locks)
    }

    pub fn lock_path(&self, name: &str) -> PathBuf {
        self.locks.join(name)
    }

    pub fn agent_lock_path(&self, agent_id: &str) -> PathBuf {
        self.locks.join(format!("agent-{agent_id}.lock"))
    }

    /// Exclusive lock on a lock file under `locks/`, created on first use.
    pub fn lock(&self, name: &str, printer: &Printer) -> anyhow::Result<File> {
        self.ensure_dirs()?;
        lock_exclusive(&self.lock_path(name), printer)
    }

    /// Read-modify-write under the state lock. `change` may append history lines;
    /// they are written after the state, still under the lock.
    pub fn update<R>(
        &self,
        printer: &Printer,
        change: impl FnOnce(&mut State, &mut Vec<serde_json::Value>) -> anyhow::Result<R>,
    ) -> anyhow::Result<R> {
        let _guard = self.lock("state.lock", printer)?;
        let mut state = self.read()?;
        let mut history = Vec::new();
        let result = change(&mut state, &mut history)?;
        let text = serde_json::to_vec_pretty(&state)?;
        write_atomic(&self.file, &text, 0o600)?;
        if !history.is_empty() {
            self.append_history(&history)?;
        }
        Ok(result)
    }

    /// One write per batch of lines with O_APPEND: the file is never read by the
    /// task path, so it costs the same however long it grows.
    fn append_history(&self, entries: &[serde_json::Value]) -> anyhow::Result<()> {
        let mut buffer = Vec::new();
        for entry in entries {
            serde_json::to_writer(&mut buffer, entry)?;
            buffer.push(b'\n');
        }
        let mut file = private_file_options()
            .create(true)
            .append(true)
            .open(&self.history)
            .with_context(|| format!("cannot open history {}", self.history.display()))?;
        file.write_all(&buffer).with_context(|| format!("cannot append to history {}", self.history.display()))
    }

    /// True while some process holds the agent's lock, i.e. runs its task.
    pub fn agent_is_working(&self, agent_id: &str) -> bool {
        is_locked(&self.agent_lock_path(agent_id))
    }

    /// The pid the lock holder wrote into the agent's lock file. The holder writes
    /// it right after locking, so an empty file while the lock is held is retried
    /// for a moment rather than reported as unknown.
    pub fn agent_pid(&self, agent_id: &str) -> Option<u32> {
        let path = self.agent_lock_path(agent_id);
        for _ in 0..50 {
            let text = std::fs::read_to_string(&path).ok()?;
            if let Ok(pid) = text.trim().parse() {
                return Some(pid);
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        None
    }

    /// Open (creating) an agent's lock file without locking it.
    pub fn open_agent_lock(&self, agent_id: &str) -> anyhow::Result<File> {
        self.ensure_dirs()?;
        let path = self.agent_lock_path(agent_id);
        open_lock_file(&path)
    }

    /// `stop` holds this lock from before it waits for a running task until the
    /// agent is gone, so tasks queued behind it give up instead of racing it.
    /// Like `working`, `stopping` is derived from a held lock: a killed `stop`
    /// leaves nothing behind.
    pub fn stop_lock_name(agent_id: &str) -> String {
        format!("agent-{agent_id}.stop.lock")
    }

    pub fn agent_is_stopping(&self, agent_id: &str) -> bool {
        is_locked(&self.lock_path(&Self::stop_lock_name(agent_id)))
    }

    pub fn remove_agent_locks(&self, agent_id: &str) {
        let _ = std::fs::remove_file(self.agent_lock_path(agent_id));
        let _ = std::fs::remove_file(self.lock_path(&Self::stop_lock_name(agent_id)));
    }
}

/// Record this process as the holder of a lock file it has just locked.
pub fn write_holder_pid(file: &File) -> anyhow::Result<()> {
    let mut file = file;
    file.set_len(0)?;
    file.write_all(std::process::id().to_string().as_bytes())?;
    Ok(())
}

/// Clear the holder pid before unlocking, so no reader sees a finished holder.
pub fn clear_holder_pid(file: &File) {
    let _ = file.set_len(0);
}

fn open_lock_file(path: &Path) -> anyhow::Result<File> {
    private_file_options()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)
        .with_context(|| format!("cannot open lock file {}", path.display()))
}

/// Try the lock; under contention keep trying briefly (holders keep it for
/// microseconds), then say we are blocking and wait, like cargo does.
pub fn lock_exclusive(path: &Path, printer: &Printer) -> anyhow::Result<File> {
    let file = open_lock_file(path)?;
    let deadline = Instant::now() + Duration::from_secs(1);
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_micros(500 + fastrand::u64(..2_000)));
            }
            Err(TryLockError::WouldBlock) => break,
            Err(TryLockError::Error(err)) => {
                return Err(err).with_context(|| format!("cannot lock {}", path.display()));
            }
        }
    }
    printer.status(&format!("Blocking waiting for file lock on {}", path.display()));
    file.lock().with_context(|| format!("cannot lock {}", path.display()))?;
    Ok(file)
}

fn is_locked(path: &Path) -> bool {
    let Ok(file) = File::open(path) else { return false };
    match file.try_lock_shared() {
        Ok(()) => {
            let _ = file.unlock();
            false
        }
        Err(TryLockError::WouldBlock) => true,
        Err(TryLockError::Error(_)) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unversioned_file_migrates_and_newer_is_refused() {
        let state = parse_state(r#"{"agents": []}"#, Path::new("s.json")).expect("v0 migrates");
        assert_eq!(state.schema_version, SCHEMA_VERSION);
        let err = parse_state(r#"{"schema_version": 99}"#, Path::new("s.json")).expect_err("newer");
        assert!(err.to_string().contains("schema version 99"), "{err}");
    }

    #[test]
    fn half_written_file_is_a_one_line_error_naming_the_file() {
        let err =
            parse_state(r#"{"schema_version": 1, "agents": [{"id": "#, Path::new("/x/state.json")).expect_err("torn");
        let text = err.to_string();
        assert!(text.starts_with("state file /x/state.json is unreadable"), "{text}");
        assert!(!text.contains('\n'));
    }

    #[test]
    fn round_trip_keeps_everything() {
        let mut state = State::default();
        state
            .providers
            .entry("p".into())
            .or_default()
            .record(true, Some(&Usage { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7, estimated: false }));
        let text = serde_json::to_string(&state).expect("serialise");
        let back = parse_state(&text, Path::new("s.json")).expect("parse");
        assert_eq!(
            back.providers["p"],
            Totals { tasks_completed: 1, tasks_failed: 0, tokens_used: 7, prompt_tokens: 3, completion_tokens: 4 }
        );
    }
}
