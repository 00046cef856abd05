//! The Redis (or Valkey) backend, for state shared by many machines. Every
//! read-modify-write is one Lua script run on the server, so processes anywhere
//! never lose an update and no transaction spans a provider call; rate limits use
//! the server's clock, so they hold across machines whose clocks differ.
//!
//! Working status is a lease (`SET NX PX`, 30 s, renewed every 10 s while held,
//! released on drop), since an OS lock cannot span machines: an agent whose process
//! was killed is idle again when its lease expires. Stop requests are leases too.
//!
//! When Redis goes away mid-run, results are retried for 10 s and then appended to
//! a spool under the local state folder, replayed by the next invocation that
//! reaches Redis; each record carries its task id and is counted at most once
//! (`done:` keys), so a replay after a lost reply cannot count twice. Limits and
//! budgets fail closed unless `[state] on_unavailable = "open"`.
//!
//! No API key ever reaches Redis: records, bodies (already redacted) and cache
//! entries hold responses and request hashes only. The password is kept out of
//! every message by [`SafeUrl`].

mod scripts;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use ::redis::aio::{ConnectionManager, ConnectionManagerConfig};
use ::redis::{AsyncCommands, IntoConnectionInfo, Script};

use super::{
    Activity, Admission, AgentClaim, AgentRecord, BudgetLine, CacheLimits, CacheStats, CachedAnswer, Exchange, Guard,
    Imported, MemoryLimit, NewAgent, Rates, Refusal, Reservation, Retention, Snapshot, Spawned, StateBackend,
    StateError, StateExport, StopRequest, Target, TaskBody, TaskRecord, Totals, WaitWhy,
};
use crate::clock::{now_ms, utc_day};
use crate::files::{self, LockMode, LockedFile, Wait};
use crate::safe_url::SafeUrl;
use scripts::{
    ADMIT, CACHE_CLEAR, CACHE_PUT, CACHE_STATS, COOL, COOLDOWNS, CORRECT_TOKENS, IMPORT, PAUSE, RECORD, RELEASE_SCRIPT,
    REMEMBER, REMOVE, RENEW_SCRIPT, RESERVE, SNAPSHOT, SPAWN, SPEND,
};

/// How this backend names itself in messages.
const BACKEND: &str = "Redis";

/// How long a lease lasts without renewal, and how often its holder renews it.
pub const LEASE: Duration = Duration::from_secs(30);
const RENEW: Duration = Duration::from_secs(10);
/// How long a result waits for Redis to come back before it is spooled.
const RECORD_GRACE: Duration = Duration::from_secs(10);
/// How long a task id is remembered as counted (spool replays come well before).
const DONE_TTL_SECS: u64 = 14 * 86_400;
/// History entries read per round trip when the whole history is wanted.
const HISTORY_PAGE: usize = 5_000;
/// Day spend is kept a little past its day, for `state export` near midnight.
const SPEND_TTL_SECS: u64 = 3 * 86_400;

/// What to do when Redis cannot be reached: refuse tasks (`closed`, the default) or
/// run them unlimited with a warning, results spooled (`open`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OnUnavailable {
    #[default]
    Closed,
    Open,
}

/// Where the Redis state lives. `url` may hold a password: show `shown` instead.
#[derive(Clone)]
pub struct RedisTarget {
    pub url: String,
    pub password: Option<String>,
    pub namespace: String,
    pub ca_cert: Option<PathBuf>,
    pub on_unavailable: OnUnavailable,
}

impl std::fmt::Debug for RedisTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The password is left out; the URL is shown without it.
        f.debug_struct("RedisTarget")
            .field("url", &self.shown())
            .field("namespace", &self.namespace)
            .finish_non_exhaustive()
    }
}

impl RedisTarget {
    /// The URL with any password shown as `****`, as every URL agentry prints (a lone
    /// userinfo part is Redis's password too). A URL that does not parse is not
    /// shown at all: it may be a password with a typo around it.
    pub fn shown(&self) -> String {
        SafeUrl::parse_lone_password(&self.url).map_or_else(|_| "(a URL that does not parse)".into(), |u| u.to_string())
    }

    /// Any secret in `text` (a driver message may quote what it was given) redacted.
    fn scrub(&self, text: &str) -> String {
        let mut out = text.replace(&self.url, &self.shown());
        let in_url = SafeUrl::parse_lone_password(&self.url).map(|u| u.secrets()).unwrap_or_default();
        for secret in self.password.iter().chain(&in_url) {
            if !secret.is_empty() {
                out = out.replace(secret.as_str(), "(redacted)");
            }
        }
        out
    }
}

/// The schemes `--state` takes besides `file` (Valkey's names too: the same protocol).
pub const SCHEMES: &[&str] = &["redis", "rediss", "redis+unix", "valkey", "valkeys", "valkey+unix"];

/// Told a one-line warning (Redis lost, a result spooled).
pub type Warn = Arc<dyn Fn(&str) + Send + Sync>;

pub struct RedisState {
    conn: Option<ConnectionManager>,
    target: RedisTarget,
    spool_dir: PathBuf,
    locks_dir: PathBuf,
    retention: Retention,
    warn: Warn,
    /// The fail-open warning was given (once a run).
    warned_open: AtomicBool,
    /// A soft operation's failure was reported (once a run).
    warned_soft: AtomicBool,
    /// Why the server could not be reached at the start (fail-open only).
    unreachable: Option<String>,
    /// The last snapshot read: fail-open goes on with it when Redis goes away.
    last_snapshot: Mutex<Option<Snapshot>>,
    host: String,
}

/// Releases of leases dropped during the run, awaited before the process exits.
static PENDING: LazyLock<Mutex<Vec<tokio::task::JoinHandle<()>>>> = LazyLock::new(|| Mutex::new(Vec::new()));

/// Wait (briefly) for lease releases still in flight, so the next invocation does
/// not wait out a lease this process already gave up.
pub async fn flush_pending() {
    let handles: Vec<_> = PENDING.lock().map(|mut p| std::mem::take(&mut *p)).unwrap_or_default();
    let all = async {
        for handle in handles {
            let _ = handle.await;
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(2), all).await;
}

/// A key held in Redis for as long as this value lives.
pub struct Lease {
    release: Option<(ConnectionManager, String, String)>,
    renew: Option<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for Lease {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lease").field("key", &self.release.as_ref().map(|r| &r.1)).finish_non_exhaustive()
    }
}

impl Lease {
    fn start(conn: &ConnectionManager, key: String, token: String) -> Self {
        let mut renewing = conn.clone();
        let (k, t) = (key.clone(), token.clone());
        let renew = tokio::spawn(async move {
            loop {
                tokio::time::sleep(RENEW).await;
                let _: Result<i64, _> =
                    RENEW_SCRIPT.key(&k).arg(&t).arg(LEASE.as_millis() as u64).invoke_async(&mut renewing).await;
            }
        });
        Self { release: Some((conn.clone(), key, token)), renew: Some(renew) }
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(renew) = self.renew.take() {
            renew.abort();
        }
        let Some((mut conn, key, token)) = self.release.take() else { return };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
        let handle = runtime.spawn(async move {
            let _: Result<i64, _> = RELEASE_SCRIPT.key(&key).arg(&token).invoke_async(&mut conn).await;
        });
        if let Ok(mut pending) = PENDING.lock() {
            pending.push(handle);
        }
    }
}

/// A Totals field: its name, how it is added (`i` integer, `f` float, `s` set) and value.
type Field = (String, &'static str, String);

/// The nested maps of `Totals` and the hash-field prefix of each entry.
const NESTED: &[(&str, &str)] = &[("failures", "f:"), ("latency", "l:")];

/// Totals as hash fields, derived from its serde form so a field added to `Totals`
/// reaches Redis without a change here: integers add (`i`), floats add (`f`), a true
/// flag is set (`s`), and each entry of a nested map becomes a prefixed field. Only
/// what is non-zero, so a delta touches little.
fn fields(t: &Totals) -> Vec<Field> {
    let mut out = Vec::new();
    let Ok(serde_json::Value::Object(object)) = serde_json::to_value(t) else { return out };
    for (name, value) in object {
        match value {
            serde_json::Value::Number(n) if n.as_u64() == Some(0) => {}
            serde_json::Value::Number(n) if n.as_u64().is_some() => out.push((name, "i", n.to_string())),
            serde_json::Value::Number(n) => {
                if let Some(x) = n.as_f64().filter(|x| *x != 0.0 && x.is_finite()) {
                    out.push((name, "f", format!("{x:?}")));
                }
            }
            serde_json::Value::Bool(true) => out.push((name, "s", "1".into())),
            serde_json::Value::Object(map) => {
                let prefix = NESTED.iter().find(|(field, _)| *field == name).map_or("", |(_, prefix)| *prefix);
                for (key, n) in map {
                    if n.as_u64().is_some_and(|n| n > 0) {
                        out.push((format!("{prefix}{key}"), "i", n.to_string()));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// Totals back from hash fields (the reverse of [`fields`], each value read as the
/// type its field has); unknown fields are ignored.
fn totals_of(map: &serde_json::Map<String, serde_json::Value>) -> Totals {
    let Ok(serde_json::Value::Object(mut object)) = serde_json::to_value(Totals::default()) else {
        return Totals::default();
    };
    for (name, value) in map {
        let text = value.as_str().unwrap_or_default();
        if let Some((field, prefix)) = NESTED.iter().find(|(_, prefix)| name.starts_with(prefix)) {
            let n: u64 = text.parse().unwrap_or(0);
            let nested = object.entry(field.to_string()).or_insert_with(|| serde_json::json!({}));
            if let Some(nested) = nested.as_object_mut() {
                nested.insert(name[prefix.len()..].to_string(), n.into());
            }
            continue;
        }
        let Some(slot) = object.get_mut(name) else { continue };
        *slot = match slot {
            serde_json::Value::Bool(_) => (text == "1").into(),
            serde_json::Value::Number(n) if n.is_f64() => text.parse::<f64>().unwrap_or(0.0).into(),
            _ => text.parse::<u64>().unwrap_or(0).into(),
        };
    }
    serde_json::from_value(serde_json::Value::Object(object)).unwrap_or_default()
}

fn as_map(value: &serde_json::Value) -> serde_json::Map<String, serde_json::Value> {
    value.as_object().cloned().unwrap_or_default()
}

/// The targets of one record as the record script takes them.
fn record_payload(record: &TaskRecord) -> Result<serde_json::Value, StateError> {
    let mut delta = Totals::default();
    delta.add_record(record);
    let delta_fields = fields(&delta);
    let targets: Vec<serde_json::Value> = record
        .targets()
        .into_iter()
        .map(|target| match target {
            Target::Agent(id) => {
                let mut f = delta_fields.clone();
                f.push(("last_active".into(), "s", record.completed_at.clone()));
                serde_json::json!({"key": format!("t:a:{id}"), "agent": id, "fields": f})
            }
            Target::Provider(id) => {
                serde_json::json!({"key": format!("t:p:{id}"), "set": "providers", "member": id, "fields": delta_fields})
            }
            Target::Series(key) => {
                serde_json::json!({"key": format!("t:s:{key}"), "set": "series", "member": key, "fields": delta_fields})
            }
            Target::Pair(key) => serde_json::json!({"key": "pairs", "fields": [[key, "i", "1"]]}),
        })
        .collect();
    let line = super::encode_text("a history record", record)?;
    Ok(serde_json::json!({"id": record.task_id, "line": line, "targets": targets}))
}

/// One spooled change, replayed once Redis answers.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum Spooled {
    Record(Box<TaskRecord>),
    Spend { id: String, day: String, keys: Vec<String>, usd: f64 },
}

impl RedisState {
    /// Connect, check the password, and replay results spooled by earlier runs.
    /// With `on_unavailable = "open"`, a server that cannot be reached gives a
    /// backend whose limits admit everything (with a warning) and whose results
    /// are spooled.
    pub async fn connect(target: RedisTarget, state_dir: PathBuf, warn: Warn) -> Result<Self, StateError> {
        let mut state = Self {
            conn: None,
            spool_dir: state_dir.join("spool"),
            locks_dir: state_dir.join("locks"),
            retention: Retention::default(),
            warn,
            warned_open: AtomicBool::new(false),
            warned_soft: AtomicBool::new(false),
            unreachable: None,
            last_snapshot: Mutex::new(None),
            host: hostname(),
            target,
        };
        match state.open().await {
            Ok(conn) => {
                state.conn = Some(conn);
                state.replay().await;
                Ok(state)
            }
            Err(detail) if state.target.on_unavailable == OnUnavailable::Open => {
                state.warn_once(&detail);
                state.unreachable = Some(detail);
                Ok(state)
            }
            Err(detail) => Err(StateError::Unavailable { backend: BACKEND, url: state.target.shown(), detail }),
        }
    }

    async fn open(&self) -> Result<ConnectionManager, String> {
        let mut info =
            self.target.url.as_str().into_connection_info().map_err(|e| self.target.scrub(&e.to_string()))?;
        if let Some(password) = &self.target.password {
            let settings = info.redis_settings().clone().set_password(password);
            info = info.set_redis_settings(settings);
        }
        // ca_cert is for TLS only: the same file may name a unix socket on one run.
        let tls = self.target.url.starts_with("rediss://") || self.target.url.starts_with("valkeys://");
        let client = match self.target.ca_cert.as_ref().filter(|_| tls) {
            Some(path) => {
                let pem = crate::files::read_capped(path, crate::files::MAX_CERT_FILE, "read [state] ca_cert")
                    .map_err(|e| format!("[state] ca_cert: {e}"))?;
                ::redis::Client::build_with_tls(
                    info,
                    ::redis::TlsCertificates { client_tls: None, root_cert: Some(pem) },
                )
            }
            None => ::redis::Client::open(info),
        }
        .map_err(|e| self.target.scrub(&e.to_string()))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(3)))
            .set_response_timeout(Some(Duration::from_secs(3)))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(500));
        let connecting = client.get_connection_manager_with_config(config);
        let mut conn = match tokio::time::timeout(Duration::from_secs(5), connecting).await {
            Ok(Ok(conn)) => conn,
            Ok(Err(err)) => return Err(self.target.scrub(&err.to_string())),
            Err(_) => return Err("no answer within 5 s".into()),
        };
        let pong: Result<String, _> = ::redis::cmd("PING").query_async(&mut conn).await;
        pong.map_err(|e| self.target.scrub(&e.to_string()))?;
        Ok(conn)
    }

    /// What the history and bodies keep.
    pub fn with_retention(mut self, retention: Retention) -> Self {
        self.retention = retention;
        self
    }

    fn ns(&self) -> &str {
        &self.target.namespace
    }

    fn key(&self, rest: &str) -> String {
        format!("{}:{rest}", self.ns())
    }

    fn conn(&self) -> Result<ConnectionManager, StateError> {
        // Only fail-open gets here without a connection: what cannot go on without
        // the state is then the same error as a closed start.
        self.conn.clone().ok_or_else(|| StateError::Unavailable {
            backend: BACKEND,
            url: self.target.shown(),
            detail: self.unreachable.clone().unwrap_or_else(|| "not connected".into()),
        })
    }

    fn lost(&self, detail: &str) -> StateError {
        StateError::Lost { backend: BACKEND, url: self.target.shown(), detail: self.target.scrub(detail) }
    }

    /// A failed command: an answer agentry cannot use (a key of another type under
    /// our namespace, a reply of the wrong shape) is data; anything else (gone,
    /// timed out, loading, read-only, out of memory) counts as Redis being unavailable.
    fn fail(&self, err: ::redis::RedisError) -> StateError {
        use ::redis::ErrorKind;
        let data =
            matches!(err.kind(), ErrorKind::Parse | ErrorKind::UnexpectedReturnType) || err.code() == Some("WRONGTYPE");
        if data { self.data(&err.to_string()) } else { self.lost(&err.to_string()) }
    }

    fn open_policy(&self) -> bool {
        self.target.on_unavailable == OnUnavailable::Open
    }

    fn warn_once(&self, detail: &str) {
        if !self.warned_open.swap(true, Ordering::Relaxed) {
            (self.warn)(&format!(
                "Redis state at {} unavailable ({}); on_unavailable = \"open\": running without shared limits or budgets, results spooled",
                self.target.shown(),
                self.target.scrub(detail)
            ));
        }
    }

    /// A soft operation (cache, pauses, cooldowns) failed: say so once, go on.
    fn soft(&self, err: StateError) {
        if !self.warned_soft.swap(true, Ordering::Relaxed) {
            (self.warn)(&format!("{err}; going on without it"));
        }
    }

    fn data(&self, detail: &str) -> StateError {
        StateError::Foreign { backend: BACKEND, url: self.target.shown(), detail: self.target.scrub(detail) }
    }

    async fn run_record(&self, payload: &serde_json::Value) -> Result<i64, StateError> {
        let mut conn = self.conn()?;
        let max_age = u64::try_from(self.retention.max_age.as_millis()).unwrap_or(u64::MAX / 2);
        let body = serde_json::json!({
            "records": payload,
            "max_entries": self.retention.max_entries,
            "max_age_ms": max_age,
            "done_ttl": DONE_TTL_SECS,
        });
        RECORD.arg(self.ns()).arg(body.to_string()).invoke_async(&mut conn).await.map_err(|e| self.fail(e))
    }

    async fn run_spend(&self, id: &str, day: &str, keys: &[String], usd: f64) -> Result<(), StateError> {
        let mut conn = self.conn()?;
        let mut invocation = SPEND.prepare_invoke();
        invocation.arg(self.ns()).arg(day).arg(id).arg(format!("{:?}", usd.max(0.0)));
        for key in keys {
            invocation.arg(key);
        }
        invocation.invoke_async::<i64>(&mut conn).await.map(drop).map_err(|e| self.fail(e))
    }

    /// Try `op` until it works or [`RECORD_GRACE`] has passed.
    async fn patiently<F, Fut>(&self, op: F) -> Result<(), StateError>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<(), StateError>>,
    {
        if self.conn.is_none() {
            return op().await;
        }
        let started = tokio::time::Instant::now();
        loop {
            match op().await {
                Ok(()) => return Ok(()),
                Err(err) if started.elapsed() >= RECORD_GRACE => return Err(err),
                Err(_) => tokio::time::sleep(Duration::from_millis(250)).await,
            }
        }
    }

    fn spool_file(&self) -> PathBuf {
        self.spool_dir.join(format!("{}.jsonl", self.ns().replace(['/', '\\'], "_")))
    }

    /// Keep changes Redis could not take, to be replayed by a later invocation.
    async fn spool(&self, items: &[Spooled], err: &StateError) -> Result<(), StateError> {
        let io = |source| StateError::Io { dir: self.spool_dir.clone(), source };
        files::create_private_dir(&self.spool_dir).map_err(io)?;
        files::create_private_dir(&self.locks_dir).map_err(io)?;
        let mut lines = Vec::new();
        for item in items {
            lines.extend(super::encode("a spooled result", item)?);
            lines.push(b'\n');
        }
        let wait = Wait { quiet: Duration::from_secs(1), timeout: Some(Duration::from_secs(30)) };
        let _lock = LockedFile::acquire(&self.locks_dir.join("spool.lock"), LockMode::Exclusive, wait, |_| {})
            .await
            .map_err(|source| StateError::Lock { what: "the spool lock", dir: self.locks_dir.clone(), source })?;
        let file = self.spool_file();
        files::append(&file, &lines).map_err(io)?;
        (self.warn)(&format!(
            "{err}; kept {} result(s) in {}, counted once when Redis answers again",
            items.len(),
            file.display()
        ));
        Ok(())
    }

    /// Replay spooled changes: take the spool file aside under its lock (appenders
    /// then start a new one), apply it (task ids make a second replay harmless), and
    /// remove it. Failures leave it for the next invocation.
    async fn replay(&self) {
        let Ok(dir) = std::fs::read_dir(&self.spool_dir) else { return };
        let prefix = format!("{}.", self.ns().replace(['/', '\\'], "_"));
        let mut names: Vec<PathBuf> = dir
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(&prefix)))
            .collect();
        if names.is_empty() {
            return;
        }
        let live = self.spool_file();
        if names.contains(&live)
            && let Ok(Some(_lock)) = LockedFile::try_acquire(&self.locks_dir.join("spool.lock"), LockMode::Exclusive)
        {
            let aside =
                self.spool_dir.join(format!("{prefix}replaying-{}-{:08x}", std::process::id(), fastrand::u32(..)));
            if std::fs::rename(&live, &aside).is_ok() {
                names.retain(|p| p != &live);
                names.push(aside);
            }
        }
        names.retain(|p| p != &live);
        let mut replayed = 0usize;
        for path in names {
            let Ok(text) = std::fs::read_to_string(&path) else { continue };
            let mut ok = true;
            let mut records = Vec::new();
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                match serde_json::from_str::<Spooled>(line) {
                    Ok(Spooled::Record(record)) => match record_payload(&record) {
                        Ok(payload) => records.push(payload),
                        // Kept in the spool for a later replay.
                        Err(_) => ok = false,
                    },
                    Ok(Spooled::Spend { id, day, keys, usd }) => {
                        ok &= self.run_spend(&id, &day, &keys, usd).await.is_ok();
                    }
                    Err(_) => {}
                }
            }
            if !records.is_empty() {
                match self.run_record(&serde_json::Value::Array(records.clone())).await {
                    Ok(_) => replayed += records.len(),
                    Err(_) => ok = false,
                }
            }
            if ok {
                let _ = std::fs::remove_file(&path);
            }
        }
        if replayed > 0 {
            (self.warn)(&format!("recorded {replayed} result(s) spooled while Redis was unavailable"));
        }
    }

    async fn agent_record(&self, id: &str) -> Result<Option<AgentRecord>, StateError> {
        Ok(self.snapshot().await?.agents.into_iter().find(|a| a.id == id))
    }

    /// Take `key` as a lease, waiting while another holds it.
    async fn lease(&self, key: String, on_busy: impl FnOnce(Option<u32>)) -> Result<Lease, StateError> {
        let mut conn = self.conn()?;
        let token = format!("{}\t{}\t{:016x}", self.host, std::process::id(), fastrand::u64(..));
        let mut on_busy = Some(on_busy);
        loop {
            let set: Option<String> = ::redis::cmd("SET")
                .arg(&key)
                .arg(&token)
                .arg("NX")
                .arg("PX")
                .arg(LEASE.as_millis() as u64)
                .query_async(&mut conn)
                .await
                .map_err(|e| self.fail(e))?;
            if set.is_some() {
                return Ok(Lease::start(&conn, key, token));
            }
            if let Some(tell) = on_busy.take() {
                let holder: Option<String> = conn.get(&key).await.map_err(|e| self.fail(e))?;
                tell(holder.as_deref().and_then(|h| h.split('\t').nth(1)).and_then(|p| p.parse().ok()));
            }
            tokio::time::sleep(Duration::from_millis(50 + fastrand::u64(..50))).await;
        }
    }

    /// Run a script whose failure costs only precision (a pause, a cooldown, a tpm
    /// correction): a failure is reported once and the task goes on.
    async fn soft_script(&self, script: &Script, args: &[String]) {
        let attempt = async {
            let mut conn = self.conn()?;
            let mut invocation = script.prepare_invoke();
            invocation.arg(self.ns());
            for arg in args {
                invocation.arg(arg);
            }
            invocation.invoke_async::<i64>(&mut conn).await.map(drop).map_err(|e| self.fail(e))
        };
        if let Err(err) = attempt.await {
            self.soft(err);
        }
    }

    async fn read_snapshot(&self) -> Result<Snapshot, StateError> {
        let mut conn = self.conn()?;
        let text: String = SNAPSHOT.arg(self.ns()).invoke_async(&mut conn).await.map_err(|e| self.fail(e))?;
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|_| self.data("a snapshot that does not parse"))?;
        let mut snapshot = Snapshot::default();
        for pair in value["agents"].as_array().into_iter().flatten() {
            let json = pair[0].as_str().unwrap_or_default();
            let mut agent: AgentRecord = serde_json::from_str(json)
                .map_err(|err| self.data(&format!("an agent record that does not parse ({err})")))?;
            let totals = as_map(&pair[1]);
            agent.last_active = totals.get("last_active").and_then(|v| v.as_str()).map(str::to_string);
            agent.totals = totals_of(&totals);
            snapshot.agents.push(agent);
        }
        snapshot.agents.sort_by(|a, b| (&a.created_at, &a.id).cmp(&(&b.created_at, &b.id)));
        for (id, totals) in as_map(&value["providers"]) {
            snapshot.providers.insert(id, totals_of(&as_map(&totals)));
        }
        for (key, totals) in as_map(&value["series"]) {
            snapshot.series.insert(key, totals_of(&as_map(&totals)));
        }
        for (key, n) in as_map(&value["pairs"]) {
            snapshot.fallback_pairs.insert(key, n.as_str().and_then(|n| n.parse().ok()).unwrap_or(0));
        }
        Ok(snapshot)
    }
}

/// This machine's name, for `working (pid N on HOST)`: the system call on every
/// platform (reading /proc gave `unknown-host` on macOS).
fn hostname() -> String {
    let name = gethostname::gethostname().to_string_lossy().trim().to_string();
    if name.is_empty() { "unknown-host".into() } else { name }
}

/// An exchange as its list keeps it: with its token estimate, which the trim reads.
fn memory_entry(exchange: &Exchange) -> Result<String, StateError> {
    let mut entry = serde_json::to_value(exchange)
        .map_err(|e| StateError::Encode { what: "an agent's memory", detail: e.to_string() })?;
    entry["tokens"] = exchange.tokens().into();
    Ok(entry.to_string())
}

fn agent_json(record: &AgentRecord) -> Result<String, StateError> {
    let mut bare = record.clone();
    bare.totals = Totals::default();
    bare.last_active = None;
    super::encode_text("an agent", &bare)
}

impl StateBackend for RedisState {
    async fn snapshot(&self) -> Result<Snapshot, StateError> {
        match self.read_snapshot().await {
            Ok(snapshot) => {
                if self.open_policy()
                    && let Ok(mut last) = self.last_snapshot.lock()
                {
                    *last = Some(snapshot.clone());
                }
                Ok(snapshot)
            }
            Err(err @ StateError::Lost { .. }) if self.open_policy() => {
                let last = self.last_snapshot.lock().ok().and_then(|last| last.clone());
                match last {
                    Some(snapshot) => {
                        self.warn_once(&err.to_string());
                        Ok(snapshot)
                    }
                    None => Err(err),
                }
            }
            Err(err) => Err(err),
        }
    }

    async fn spawn_agent(&self, new: NewAgent, max_agents: u32, exist_ok: bool) -> Result<Spawned, StateError> {
        let mut conn = self.conn()?;
        let mut id = new.id.clone();
        loop {
            let record = new.record(id.clone());
            let (status, detail): (String, String) = SPAWN
                .arg(self.ns())
                .arg(&new.name)
                .arg(max_agents)
                .arg(&id)
                .arg(agent_json(&record)?)
                .arg(&new.created_at)
                .invoke_async(&mut conn)
                .await
                .map_err(|e| self.fail(e))?;
            match status.as_str() {
                "created" => return Ok(Spawned::Created(record)),
                "full" => return Ok(Spawned::PoolFull { count: detail.parse().unwrap_or(max_agents as usize) }),
                "exists" => {
                    let Some(existing) = self.agent_record(&detail).await? else { continue };
                    return Ok(new.against(existing, exist_ok));
                }
                _ => id = format!("{id}0"),
            }
        }
    }

    async fn remove_agent(&self, id: &str) -> Result<Option<AgentRecord>, StateError> {
        let Some(record) = self.agent_record(id).await? else { return Ok(None) };
        let mut conn = self.conn()?;
        let removed: Option<String> =
            REMOVE.arg(self.ns()).arg(id).arg(&record.name).invoke_async(&mut conn).await.map_err(|e| self.fail(e))?;
        Ok(removed.map(|_| record))
    }

    async fn claim_agent(&self, id: &str, on_busy: impl FnOnce(Option<u32>)) -> Result<AgentClaim, StateError> {
        match self.lease(self.key(&format!("lease:{id}")), on_busy).await {
            Ok(lease) => Ok(AgentClaim { _held: Guard::Lease(lease) }),
            // Fail-open: the task runs unclaimed rather than not at all.
            Err(err @ StateError::Lost { .. }) if self.open_policy() => {
                self.warn_once(&err.to_string());
                Ok(AgentClaim { _held: Guard::Nothing })
            }
            Err(err) => Err(err),
        }
    }

    async fn activity(&self, id: &str) -> Result<Activity, StateError> {
        let mut conn = self.conn()?;
        let (holder, stopping): (Option<String>, bool) = ::redis::pipe()
            .get(self.key(&format!("lease:{id}")))
            .exists(self.key(&format!("stop:{id}")))
            .query_async(&mut conn)
            .await
            .map_err(|e| self.fail(e))?;
        let mut parts = holder.as_deref().map(|h| h.split('\t')).into_iter().flatten();
        let host = parts.next().map(str::to_string);
        let pid = parts.next().and_then(|p| p.parse().ok());
        Ok(Activity { working: holder.is_some(), pid, host, stopping })
    }

    async fn stop_requested(&self, id: &str) -> Result<bool, StateError> {
        let asked = async {
            let mut conn = self.conn()?;
            conn.exists(self.key(&format!("stop:{id}"))).await.map_err(|e| self.fail(e))
        };
        match asked.await {
            Err(StateError::Lost { .. }) if self.open_policy() => Ok(false),
            other => other,
        }
    }

    async fn request_stop(&self, id: &str) -> Result<StopRequest, StateError> {
        let lease = self.lease(self.key(&format!("stop:{id}")), |_| {}).await?;
        Ok(StopRequest { _held: Guard::Lease(lease) })
    }

    async fn record(&self, records: &[TaskRecord]) -> Result<(), StateError> {
        if records.is_empty() {
            return Ok(());
        }
        let payload = serde_json::Value::Array(records.iter().map(record_payload).collect::<Result<_, _>>()?);
        let outcome = self.patiently(|| async { self.run_record(&payload).await.map(drop) }).await;
        match outcome {
            Ok(()) => Ok(()),
            Err(err) => {
                let items: Vec<Spooled> = records.iter().map(|r| Spooled::Record(Box::new(r.clone()))).collect();
                self.spool(&items, &err).await
            }
        }
    }

    async fn history_from_end(
        &self,
        may_match: &(dyn Fn(&[u8]) -> bool + Sync),
        visit: &mut (dyn FnMut(TaskRecord) -> bool + Send),
    ) -> Result<(), StateError> {
        let mut conn = self.conn()?;
        let key = self.key("history");
        let mut from = "+".to_string();
        loop {
            // Newest first, a page at a time, so a long history is never one huge reply.
            let page: Vec<(String, Vec<String>)> = ::redis::cmd("XREVRANGE")
                .arg(&key)
                .arg(&from)
                .arg("-")
                .arg("COUNT")
                .arg(HISTORY_PAGE)
                .query_async(&mut conn)
                .await
                .map_err(|e| self.fail(e))?;
            let full = page.len() == HISTORY_PAGE;
            for (_, fields) in &page {
                let Some(line) = fields.chunks(2).find(|f| f[0] == "r").and_then(|f| f.get(1)) else { continue };
                if !may_match(line.as_bytes()) {
                    continue;
                }
                if let Ok(record) = serde_json::from_str::<TaskRecord>(line)
                    && !visit(record)
                {
                    return Ok(());
                }
            }
            match page.last() {
                Some((last, _)) if full => from = format!("({last}"),
                _ => return Ok(()),
            }
        }
    }

    async fn check_writable(&self) -> Result<(), StateError> {
        // Connecting proved it (a fail-open start without Redis has warned), and
        // admission asks Redis again before every request: no round trip of its own.
        Ok(())
    }

    async fn store_bodies(&self, bodies: &[(String, TaskBody, Option<String>)]) -> Result<(), StateError> {
        if bodies.is_empty() || !self.retention.bodies {
            return Ok(());
        }
        let ttl = self.retention.max_age.as_secs().max(1);
        let mut pipe = ::redis::pipe();
        for (task_id, body, prompt) in bodies {
            if let (Some(hash), Some(text)) = (&body.prompt, prompt) {
                pipe.cmd("SET").arg(self.key(&format!("prompt:{hash}"))).arg(text).arg("EX").arg(ttl).ignore();
            }
            let json = super::encode_text("a task body", body)?;
            pipe.cmd("SET").arg(self.key(&format!("body:{task_id}"))).arg(json).arg("EX").arg(ttl).ignore();
        }
        let stored = async {
            let mut conn = self.conn()?;
            pipe.query_async::<()>(&mut conn).await.map_err(|e| self.fail(e))
        };
        if let Err(err) = stored.await {
            self.soft(err);
        }
        Ok(())
    }

    async fn read_body(&self, task_id: &str) -> Result<Option<TaskBody>, StateError> {
        let mut conn = self.conn()?;
        let json: Option<String> = conn.get(self.key(&format!("body:{task_id}"))).await.map_err(|e| self.fail(e))?;
        let Some(mut body) = json.and_then(|j| serde_json::from_str::<TaskBody>(&j).ok()) else { return Ok(None) };
        if let Some(hash) = body.prompt.clone() {
            let text: Option<String> = conn.get(self.key(&format!("prompt:{hash}"))).await.map_err(|e| self.fail(e))?;
            if let Some(text) = text {
                body.restore_prompt(text);
            }
        }
        Ok(Some(body))
    }

    async fn cache_get(&self, key: &str, ttl: Duration) -> Result<Option<CachedAnswer>, StateError> {
        let read = async {
            let mut conn = self.conn()?;
            conn.get::<_, Option<String>>(self.key(&format!("cache:e:{key}"))).await.map_err(|e| self.fail(e))
        };
        let json = match read.await {
            Ok(json) => json,
            Err(err) => {
                self.soft(err);
                return Ok(None);
            }
        };
        let Some(answer) = json.and_then(|j| serde_json::from_str::<CachedAnswer>(&j).ok()) else { return Ok(None) };
        let age = now_ms().saturating_sub(answer.stored_at);
        Ok((u128::try_from(age).unwrap_or(u128::MAX) <= ttl.as_millis()).then_some(answer))
    }

    async fn cache_put(&self, key: &str, answer: &CachedAnswer, limits: CacheLimits) -> Result<(), StateError> {
        let json = super::encode_text("a cached answer", answer)?;
        let ttl = u64::try_from(limits.ttl.as_millis()).unwrap_or(u64::MAX / 2).max(1);
        let put = async {
            let mut conn = self.conn()?;
            CACHE_PUT
                .arg(self.ns())
                .arg(key)
                .arg(json)
                .arg(ttl)
                .arg(limits.max_bytes)
                .arg(answer.stored_at)
                .invoke_async::<i64>(&mut conn)
                .await
                .map(drop)
                .map_err(|e| self.fail(e))
        };
        if let Err(err) = put.await {
            self.soft(err);
        }
        Ok(())
    }

    async fn cache_stats(&self, limits: CacheLimits) -> Result<CacheStats, StateError> {
        let mut conn = self.conn()?;
        let before = now_ms().saturating_sub(i64::try_from(limits.ttl.as_millis()).unwrap_or(i64::MAX / 2));
        let (entries, bytes): (u64, i64) =
            CACHE_STATS.arg(self.ns()).arg(before).invoke_async(&mut conn).await.map_err(|e| self.fail(e))?;
        Ok(CacheStats { entries, bytes: u64::try_from(bytes).unwrap_or(0) })
    }

    async fn cache_clear(&self) -> Result<u64, StateError> {
        let mut conn = self.conn()?;
        CACHE_CLEAR.arg(self.ns()).invoke_async(&mut conn).await.map_err(|e| self.fail(e))
    }

    async fn reserve(&self, lines: &[BudgetLine], usd: f64) -> Result<Result<Reservation, Refusal>, StateError> {
        let id = format!("{:016x}", fastrand::u64(..));
        let keys: Vec<String> = lines.iter().map(|l| l.key.clone()).collect();
        let attempt = async {
            let mut conn = self.conn()?;
            let mut invocation = RESERVE.prepare_invoke();
            invocation.arg(self.ns()).arg(utc_day()).arg(&id).arg(format!("{usd:?}")).arg(LEASE.as_millis() as u64);
            for line in lines {
                invocation.arg(&line.key).arg(format!("{:?}", line.limit_usd));
            }
            let refused: Vec<String> = invocation.invoke_async(&mut conn).await.map_err(|e| self.fail(e))?;
            Ok::<_, StateError>((conn, refused))
        };
        match attempt.await {
            Ok((conn, refused)) if refused.is_empty() => {
                let lease = Lease::start(&conn, self.key(&format!("live:{id}")), id.clone());
                Ok(Ok(Reservation { id, keys, _held: Guard::Lease(lease) }))
            }
            Ok((_, refused)) => {
                let number = |i: usize| refused.get(i).and_then(|v| v.parse().ok()).unwrap_or(0.0);
                Ok(Err(Refusal {
                    key: refused.first().cloned().unwrap_or_default(),
                    limit_usd: number(1),
                    spent_usd: number(2),
                    reserved_usd: number(3),
                }))
            }
            Err(err) if self.open_policy() => {
                self.warn_once(&err.to_string());
                Ok(Ok(Reservation { id, keys, _held: Guard::Nothing }))
            }
            Err(err) => Err(err),
        }
    }

    async fn settle_reservation(&self, reservation: Reservation, usd: f64) -> Result<(), StateError> {
        let day = utc_day();
        let outcome =
            self.patiently(|| async { self.run_spend(&reservation.id, &day, &reservation.keys, usd).await }).await;
        let Reservation { id, keys, _held } = reservation;
        match outcome {
            Ok(()) => Ok(()),
            Err(err) => self.spool(&[Spooled::Spend { id, day, keys, usd }], &err).await,
        }
    }

    async fn admit(&self, key: &str, rates: Rates) -> Result<Admission, StateError> {
        let attempt = async {
            let mut conn = self.conn()?;
            let rpm = rates.rpm.map(|r| r.to_string()).unwrap_or_default();
            let tpm = rates.tpm.map(|t| t.to_string()).unwrap_or_default();
            ADMIT
                .arg(self.ns())
                .arg(key)
                .arg(rpm)
                .arg(tpm)
                .arg(rates.tokens)
                .invoke_async::<(String, i64)>(&mut conn)
                .await
                .map_err(|e| self.fail(e))
        };
        match attempt.await {
            Ok((why, wait)) => {
                let until = now_ms().saturating_add(wait.max(1));
                Ok(match why.as_str() {
                    "paused" => Admission::Wait { until, why: WaitWhy::Paused },
                    "rpm" => Admission::Wait { until, why: WaitWhy::Rpm },
                    "tpm" => Admission::Wait { until, why: WaitWhy::Tpm },
                    _ => Admission::Now,
                })
            }
            Err(err) if self.open_policy() => {
                self.warn_once(&err.to_string());
                Ok(Admission::Now)
            }
            Err(err) => Err(err),
        }
    }

    async fn correct_tokens(&self, key: &str, tpm: u64, delta: i64) -> Result<(), StateError> {
        if delta == 0 || tpm == 0 {
            return Ok(());
        }
        self.soft_script(&CORRECT_TOKENS, &[key.to_string(), tpm.to_string(), delta.to_string()]).await;
        Ok(())
    }

    async fn pause(&self, key: &str, until: i64) -> Result<(), StateError> {
        let wait = until.saturating_sub(now_ms());
        if wait <= 0 {
            return Ok(());
        }
        self.soft_script(&PAUSE, &[key.to_string(), wait.to_string()]).await;
        Ok(())
    }

    async fn cool_down(&self, instance: &str, until: i64) -> Result<(), StateError> {
        let wait = until.saturating_sub(now_ms());
        if wait <= 0 {
            return Ok(());
        }
        self.soft_script(&COOL, &[instance.to_string(), wait.to_string()]).await;
        Ok(())
    }

    async fn cooldowns(&self, instances: &[String]) -> Result<Vec<Option<i64>>, StateError> {
        if instances.is_empty() {
            return Ok(Vec::new());
        }
        let attempt = async {
            let mut conn = self.conn()?;
            let mut invocation = COOLDOWNS.prepare_invoke();
            invocation.arg(self.ns());
            for instance in instances {
                invocation.arg(instance);
            }
            invocation.invoke_async::<Vec<i64>>(&mut conn).await.map_err(|e| self.fail(e))
        };
        match attempt.await {
            Ok(left) => {
                let now = now_ms();
                Ok(left.into_iter().map(|ms| (ms > 0).then(|| now.saturating_add(ms))).collect())
            }
            Err(err) => {
                self.soft(err);
                Ok(vec![None; instances.len()])
            }
        }
    }

    async fn export(&self) -> Result<StateExport, StateError> {
        let snapshot = self.snapshot().await?;
        let day = utc_day();
        let mut conn = self.conn()?;
        let spend: HashMap<String, String> =
            conn.hgetall(self.key(&format!("spend:{day}"))).await.map_err(|e| self.fail(e))?;
        let spend: BTreeMap<String, f64> =
            spend.into_iter().filter_map(|(k, v)| v.parse().ok().map(|usd| (k, usd))).collect();
        Ok(StateExport::new(snapshot, Some((day, spend)), self.history().await?))
    }

    async fn import(&self, dump: StateExport, replace: bool) -> Result<Result<Imported, String>, StateError> {
        // Agents are written whole: their totals are set, not added.
        let agents: Vec<serde_json::Value> = dump
            .agents
            .iter()
            .map(|a| {
                let mut f: Vec<Field> = fields(&a.totals).into_iter().map(|(n, _, v)| (n, "s", v)).collect();
                if let Some(at) = &a.last_active {
                    f.push(("last_active".into(), "s", at.clone()));
                }
                Ok(serde_json::json!([a.id, a.name, agent_json(a)?, f]))
            })
            .collect::<Result<_, StateError>>()?;
        let totals = |map: &BTreeMap<String, Totals>| -> Vec<serde_json::Value> {
            map.iter().map(|(k, t)| serde_json::json!([k, fields(t)])).collect()
        };
        let (day, spend) = dump.spend.clone().unwrap_or_default();
        let payload = serde_json::json!({
            "replace": replace,
            "agents": agents,
            "providers": totals(&dump.providers),
            "series": totals(&dump.series),
            "pairs": dump.fallback_pairs.iter().map(|(k, n)| serde_json::json!([k, n])).collect::<Vec<_>>(),
            "day": day,
            "spend": spend.iter().map(|(k, usd)| serde_json::json!([k, format!("{usd:?}")])).collect::<Vec<_>>(),
            "history": dump.history.iter().map(|r| Ok(serde_json::json!([r.task_id, super::encode_text("a history record", r)?]))).collect::<Result<Vec<_>, StateError>>()?,
        });
        let mut conn = self.conn()?;
        let (taken, agents, history, skipped): (String, usize, usize, usize) =
            IMPORT.arg(self.ns()).arg(payload.to_string()).invoke_async(&mut conn).await.map_err(|e| self.fail(e))?;
        if !taken.is_empty() {
            return Ok(Err(taken));
        }
        Ok(Ok(Imported { agents, history, skipped }))
    }

    async fn memory(&self, agent_id: &str) -> Result<Vec<Exchange>, StateError> {
        let mut conn = self.conn()?;
        let items: Vec<String> =
            conn.lrange(self.key(&format!("memory:{agent_id}")), 0, -1).await.map_err(|e| self.fail(e))?;
        Ok(items.iter().filter_map(|item| serde_json::from_str::<Exchange>(item).ok()).collect())
    }

    async fn remember(&self, agent_id: &str, exchange: &Exchange, limit: MemoryLimit) -> Result<(), StateError> {
        let entry = memory_entry(exchange)?;
        let mut conn = self.conn()?;
        let _: u64 = REMEMBER
            .arg(self.ns())
            .arg(agent_id)
            .arg(entry)
            .arg(limit.turns)
            .arg(limit.tokens)
            .invoke_async(&mut conn)
            .await
            .map_err(|e| self.fail(e))?;
        Ok(())
    }

    async fn set_memory(&self, agent_id: &str, exchanges: &[Exchange]) -> Result<(), StateError> {
        let key = self.key(&format!("memory:{agent_id}"));
        let mut pipe = ::redis::pipe();
        pipe.atomic().del(&key).ignore();
        for exchange in exchanges {
            pipe.rpush(&key, memory_entry(exchange)?).ignore();
        }
        let mut conn = self.conn()?;
        let () = pipe.query_async(&mut conn).await.map_err(|e| self.fail(e))?;
        Ok(())
    }

    async fn note_replayed(&self, ids: &[String], at_ms: i64) -> Result<(), StateError> {
        if ids.is_empty() {
            return Ok(());
        }
        let fields: Vec<(&str, i64)> = ids.iter().map(|id| (id.as_str(), at_ms)).collect();
        let mut conn = self.conn()?;
        let () = conn.hset_multiple(self.key("replayed"), &fields).await.map_err(|e| self.fail(e))?;
        Ok(())
    }

    async fn put_provider_batch(&self, batch: &crate::state::ProviderBatch) -> Result<(), StateError> {
        let entry = crate::state::encode("a provider batch", batch)?;
        let mut conn = self.conn()?;
        let () = conn.hset(self.key("provider_batches"), &batch.id, entry).await.map_err(|e| self.fail(e))?;
        Ok(())
    }

    async fn provider_batches(&self) -> Result<Vec<crate::state::ProviderBatch>, StateError> {
        let mut conn = self.conn()?;
        let entries: Vec<Vec<u8>> = conn.hvals(self.key("provider_batches")).await.map_err(|e| self.fail(e))?;
        let mut batches: Vec<crate::state::ProviderBatch> =
            entries.iter().filter_map(|entry| serde_json::from_slice(entry).ok()).collect();
        batches.sort_by(|a, b| a.submitted_at.cmp(&b.submitted_at).then_with(|| a.id.cmp(&b.id)));
        Ok(batches)
    }

    async fn replayed(&self, ids: &[String]) -> Result<Vec<Option<i64>>, StateError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.conn()?;
        // HMGET with one field answers a bare value, not a list: ask field by field.
        let mut pipe = ::redis::pipe();
        for id in ids {
            pipe.hget(self.key("replayed"), id);
        }
        pipe.query_async(&mut conn).await.map_err(|e| self.fail(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_target_shows_and_scrubs_its_password() {
        let target = RedisTarget {
            url: "redis://ci:p%40ss@db/1".into(),
            password: Some("extra-pw".into()),
            namespace: "agentry".into(),
            ca_cert: None,
            on_unavailable: OnUnavailable::Closed,
        };
        assert_eq!(target.shown(), "redis://ci:****@db/1");
        let said = target.scrub("auth failed for redis://ci:p%40ss@db/1 with p@ss and extra-pw");
        assert_eq!(said, "auth failed for redis://ci:****@db/1 with (redacted) and (redacted)");
    }

    #[test]
    fn totals_survive_the_hash_fields() {
        // Every field set, each to a different value: none may be dropped or swapped.
        let mut totals = Totals {
            tasks_completed: 3,
            tasks_failed: 5,
            tokens_used: 7,
            prompt_tokens: 11,
            completion_tokens: 13,
            cost_usd: 0.1 + 0.2,
            cost_incomplete: true,
            retries: 17,
            fallbacks: 19,
            cache_hits: 23,
            budget_refusals: 29,
            latency_sum_ms: 31,
            ..Default::default()
        };
        totals.failures.insert("rate_limit".into(), 2);
        totals.latency.insert(17, 4);
        let fields = fields(&totals);
        let kinds: Vec<(&str, &str)> =
            fields.iter().filter(|(n, _, _)| n.starts_with("cost")).map(|(n, k, _)| (n.as_str(), *k)).collect();
        assert_eq!(kinds, [("cost_usd", "f"), ("cost_incomplete", "s")]);
        let map: serde_json::Map<String, serde_json::Value> =
            fields.into_iter().map(|(name, _, value)| (name, value.into())).collect();
        assert_eq!(map.len(), 14, "{map:?}");
        assert_eq!(totals_of(&map), totals);
        assert_eq!(totals_of(&serde_json::Map::new()), Totals::default());
    }
}
