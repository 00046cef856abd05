//! Shared test context: a temp folder with its own agentry home, config dir and
//! working directory, and helpers to run the binary and read its JSON.

#![allow(dead_code, reason = "each test module uses some of these helpers")]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::{Value, json};
use tempfile::TempDir;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_agentry");

pub(crate) struct Env {
    pub dir: TempDir,
    /// Set on every command (a Redis URL and namespace, for instance).
    pub vars: Vec<(String, String)>,
}

/// The Redis server the suite runs against when `AGENTRY_TEST_BACKEND=redis`: the
/// whole suite then runs on Redis, each test in its own namespace.
/// Keys starting with `prefix` and their values, whatever their type, as text.
pub(crate) fn redis_dump(url: &str, prefix: &str) -> String {
    let client = redis::Client::open(url).expect("redis url");
    let mut con = client.get_connection().expect("connect to Redis");
    let keys: Vec<String> = redis::cmd("KEYS").arg(format!("{prefix}*")).query(&mut con).expect("KEYS");
    let mut text = String::new();
    for key in keys {
        let kind: String = redis::cmd("TYPE").arg(&key).query(&mut con).expect("TYPE");
        let value: redis::Value = match kind.as_str() {
            "string" => redis::cmd("GET").arg(&key).query(&mut con),
            "hash" => redis::cmd("HGETALL").arg(&key).query(&mut con),
            "set" => redis::cmd("SMEMBERS").arg(&key).query(&mut con),
            "zset" => redis::cmd("ZRANGE").arg(&key).arg(0).arg(-1).query(&mut con),
            "stream" => redis::cmd("XRANGE").arg(&key).arg("-").arg("+").query(&mut con),
            _ => Ok(redis::Value::Nil),
        }
        .expect("read a key");
        text.push_str(&format!("{key} = {}\n", value_text(&value)));
    }
    text
}

fn value_text(value: &redis::Value) -> String {
    match value {
        redis::Value::BulkString(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        redis::Value::Array(items) | redis::Value::Set(items) => {
            items.iter().map(value_text).collect::<Vec<_>>().join(" ")
        }
        redis::Value::Map(pairs) => {
            pairs.iter().map(|(k, v)| format!("{} {}", value_text(k), value_text(v))).collect::<Vec<_>>().join(" ")
        }
        other => format!("{other:?}"),
    }
}

pub(crate) fn suite_redis() -> Option<String> {
    if std::env::var("AGENTRY_TEST_BACKEND").as_deref() != Ok("redis") {
        return None;
    }
    Some(
        std::env::var("AGENTRY_TEST_REDIS")
            .expect("AGENTRY_TEST_BACKEND=redis needs AGENTRY_TEST_REDIS (a redis:// URL)"),
    )
}

/// The suite runs on Redis: a test of the file backend's own files has nothing to check.
pub(crate) fn on_redis_suite() -> bool {
    suite_redis().is_some()
}

/// A throwaway CA (`ca.pem`) and a server certificate for 127.0.0.1 signed by it
/// (`srv.pem`, `srv.key`) in `dir`, made with the openssl command.
pub(crate) fn make_test_ca(dir: &Path) {
    let sh = |script: &str| {
        let status = std::process::Command::new("sh").arg("-c").arg(script).current_dir(dir).status().expect("sh");
        assert!(status.success(), "{script}");
    };
    sh("openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj '/CN=agentry test CA' \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null");
    sh("openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj '/CN=127.0.0.1' 2>/dev/null");
    std::fs::write(dir.join("ext"), "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n").expect("ext");
    sh(
        "openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 2 -extfile ext 2>/dev/null",
    );
}

/// A skipped test says why, on the runner's stderr.
#[expect(clippy::print_stderr, reason = "a skipped test says why on the runner's stderr")]
pub(crate) fn skip_note(why: &str) {
    eprintln!("{why}");
}

/// A Redis URL for the tests that need one: `AGENTRY_TEST_REDIS`. Unset, such a test
/// is skipped with a note, except under `CI=true`, where it fails.
pub(crate) fn test_redis() -> Option<String> {
    match std::env::var("AGENTRY_TEST_REDIS") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("AGENTRY_TEST_REDIS is not set: CI must run the Redis tests (see .ci/run)")
        }
        _ => {
            skip_note("skipped: set AGENTRY_TEST_REDIS=redis://... to run the Redis tests");
            None
        }
    }
}

impl Env {
    pub(crate) fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("work")).expect("mkdir work");
        let mut env = Self { dir, vars: Vec::new() };
        if let Some(url) = suite_redis() {
            env = env.on_redis(&url);
        }
        env
    }

    /// Every command of this context on the Redis server at `url`, in a namespace
    /// of its own.
    pub(crate) fn on_redis(mut self, url: &str) -> Self {
        let namespace = self.namespace();
        self.vars.retain(|(name, _)| name != "AGENTRY_STATE" && name != "AGENTRY_STATE_NAMESPACE");
        self.vars.push(("AGENTRY_STATE".into(), url.into()));
        self.vars.push(("AGENTRY_STATE_NAMESPACE".into(), namespace));
        self
    }

    /// This context's namespace on a shared Redis server.
    pub(crate) fn namespace(&self) -> String {
        let name = self.dir.path().file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        format!("test-{}", name.trim_start_matches('.'))
    }

    /// The history as JSON lines, oldest first: `history.jsonl` on files, the history
    /// records of `agentry state export` on Redis (the same objects).
    pub(crate) fn history_text(&self) -> String {
        if !self.vars.iter().any(|(name, _)| name == "AGENTRY_STATE") {
            // No file yet is an empty history (a process killed before its first record).
            return match std::fs::read_to_string(self.home().join("history.jsonl")) {
                Ok(text) => text,
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
                Err(err) => panic!("history: {err}"),
            };
        }
        let output = self.cmd(&["state", "export"]).output().expect("export");
        assert!(output.status.success(), "state export: {}", stderr_of(&output));
        stdout_of(&output)
            .lines()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .filter(|line| line["kind"] == "history")
            .map(|line| format!("{}\n", line["record"]))
            .collect()
    }

    fn redis_url(&self) -> Option<String> {
        self.vars.iter().find(|(name, _)| name == "AGENTRY_STATE").map(|(_, url)| url.clone())
    }

    /// Every key (and its value) under this context's namespace on Redis whose name
    /// starts with `prefix`, as text: what another team's admin could read.
    pub(crate) fn redis_text(&self, prefix: &str) -> String {
        let url = self.redis_url().expect("a Redis context");
        redis_dump(&url, &format!("{}:{prefix}", self.namespace()))
    }

    /// What the response cache holds, as text.
    pub(crate) fn cache_text(&self) -> String {
        if self.redis_url().is_some() {
            return self.redis_text("cache:e:");
        }
        std::fs::read_dir(self.home().join("cache"))
            .expect("cache")
            .flatten()
            .map(|e| std::fs::read_to_string(e.path()).expect("read"))
            .collect()
    }

    /// Put this context's variables on a command built by hand.
    pub(crate) fn apply_vars(&self, cmd: &mut std::process::Command) {
        for (name, value) in &self.vars {
            cmd.env(name, value);
        }
    }

    pub(crate) fn with_var(mut self, name: &str, value: &str) -> Self {
        self.vars.push((name.into(), value.into()));
        self
    }

    pub(crate) fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    pub(crate) fn work(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    pub(crate) fn providers_file(&self) -> PathBuf {
        self.home().join("providers.toml")
    }

    fn configure(&self, cmd: &mut std::process::Command) {
        // Every variable agentry reads, from its own list: a new one cannot leak in.
        for var in agentry::env_vars::EnvVars::ALL {
            cmd.env_remove(var);
        }
        cmd.env_remove("RUST_LOG");
        // Colour conventions anstream honours: a CI machine's own must not colour a test's stderr.
        cmd.env_remove("CLICOLOR").env_remove("CLICOLOR_FORCE");
        cmd.env("AGENTRY_HOME", self.home())
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join("xdg-config"))
            .env("XDG_STATE_HOME", self.dir.path().join("xdg-state"))
            .env("NO_PROXY", "127.0.0.1,localhost")
            .current_dir(self.work());
        for (name, value) in &self.vars {
            cmd.env(name, value);
        }
    }

    /// Another program in this context's isolated environment (an MCP host that
    /// starts agentry itself).
    pub(crate) fn other(&self, program: &Path, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(program);
        self.configure(&mut cmd);
        cmd.args(args).stdin(Stdio::null());
        cmd
    }

    /// The same, as a plain `std::process::Command` (to run from another thread).
    pub(crate) fn std_cmd(&self, args: &[&str]) -> std::process::Command {
        let mut cmd = std::process::Command::new(BIN);
        self.configure(&mut cmd);
        cmd.args(args).stdin(Stdio::null());
        cmd
    }

    /// The binary with the isolated environment and stdin closed (empty).
    pub(crate) fn cmd(&self, args: &[&str]) -> Command {
        let mut std_cmd = std::process::Command::new(BIN);
        self.configure(&mut std_cmd);
        std_cmd.args(args).stdin(Stdio::null());
        Command::from_std(std_cmd)
    }

    /// Run, expect success, parse stdout as one JSON document.
    pub(crate) fn json(&self, args: &[&str]) -> Value {
        let output = self.cmd(args).output().expect("run agentry");
        assert!(
            output.status.success(),
            "agentry {args:?} failed: {}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap_or_else(|err| {
            panic!("stdout of {args:?} is not JSON ({err}): {}", String::from_utf8_lossy(&output.stdout))
        })
    }

    pub(crate) fn write_providers(&self, text: &str) {
        std::fs::create_dir_all(self.home()).expect("mkdir home");
        std::fs::write(self.providers_file(), text).expect("write providers.toml");
    }

    /// Add `text` (a table or more) to the end of providers.toml.
    pub(crate) fn append_providers(&self, text: &str) {
        let mut all = std::fs::read_to_string(self.providers_file()).unwrap_or_default();
        all.push_str(text);
        self.write_providers(&all);
    }

    /// One provider `srv` (type openai) at `uri`, plus whatever `extra` adds to its table.
    pub(crate) fn provider(&self, uri: &str, extra: &str) {
        self.write_providers(&format!(
            "max_agents = 64\n[providers.srv]\ntype = \"openai\"\nendpoint = \"{uri}/v1\"\nmodel = \"test-model\"\n{extra}\n"
        ));
    }

    pub(crate) fn spawn(&self, name: &str, provider: &str) {
        self.cmd(&["agent", "spawn", name, "--provider", provider, "--persona", "examples/code-reviewer"])
            .assert()
            .success();
    }

    pub(crate) fn agent(&self, name: &str) -> Value {
        self.json(&["agent", "show", name, "--json"])
    }

    /// Start the binary in the background with stderr lines streamed to a channel.
    pub(crate) fn background(&self, args: &[&str]) -> Background {
        let mut cmd = std::process::Command::new(BIN);
        self.configure(&mut cmd);
        cmd.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn agentry");
        let stderr = child.stderr.take().expect("stderr");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Background { child, lines, seen: Vec::new() }
    }

    /// Poll until the agent reports `status`, or panic after `limit`.
    pub(crate) fn wait_for_status(&self, name: &str, status: &str, limit: Duration) -> Value {
        let deadline = Instant::now() + limit;
        loop {
            let agent = self.agent(name);
            if agent["status"] == status {
                return agent;
            }
            assert!(Instant::now() < deadline, "agent {name} never became {status}: {agent}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub(crate) fn state_dir(&self) -> &Path {
        self.dir.path()
    }
}

pub(crate) struct Background {
    pub child: Child,
    lines: mpsc::Receiver<String>,
    pub seen: Vec<String>,
}

impl Background {
    pub(crate) fn wait_for_stderr(&mut self, needle: &str, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(line) = self.seen.iter().find(|l| l.contains(needle)) {
                return line.clone();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.seen.push(line),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout | std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    panic!("never saw `{needle}` on stderr; saw {:?}", self.seen)
                }
            }
        }
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Wait for exit; returns (code, stdout, all stderr lines).
    pub(crate) fn finish(mut self) -> (Option<i32>, String, Vec<String>) {
        let output = self.child.wait_with_output().expect("wait");
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(2)) {
            self.seen.push(line);
        }
        (output.status.code(), String::from_utf8_lossy(&output.stdout).into_owned(), self.seen)
    }
}

#[cfg(unix)]
pub(crate) fn send_signal(pid: u32, signal: &str) {
    let status =
        std::process::Command::new("kill").args([format!("-{signal}"), pid.to_string()]).status().expect("kill");
    assert!(status.success());
}

/// A chat completion as an OpenAI-compatible server sends it.
pub(crate) fn completion(content: &str, prompt: u64, completion_tokens: u64) -> Value {
    json!({
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": "served-model-1",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": completion_tokens, "total_tokens": prompt + completion_tokens}
    })
}

pub(crate) fn ok(content: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(completion(content, 11, 7))
}

pub(crate) fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub(crate) fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A TCP port with nothing listening on it.
pub(crate) fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// The set of keys of a JSON object, sorted, for exact shape checks.
pub(crate) fn keys(value: &Value) -> Vec<String> {
    let mut keys: Vec<String> = value.as_object().expect("object").keys().cloned().collect();
    keys.sort();
    keys
}

pub(crate) fn sorted(list: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(std::string::ToString::to_string).collect();
    v.sort();
    v
}

pub(crate) const AGENT_KEYS: &[&str] = &[
    "id",
    "name",
    "persona",
    "project",
    "provider",
    "worker_id",
    "status",
    "stopping",
    "pid",
    "host",
    "created_at",
    "last_active",
    "tasks_completed",
    "tasks_failed",
    "tokens_used",
    "cost_usd",
    "cost_incomplete",
    "cache_hits",
    "retries",
    "fallbacks",
    "budget_refusals",
    "failures",
    "latency_p50_ms",
    "latency_p95_ms",
    "latency_p99_ms",
    "memory",
    "memory_turns",
    "memory_tokens",
    "tools",
];

pub(crate) const TASK_KEYS: &[&str] = &[
    "task_id",
    "worker_id",
    "agent_id",
    "response",
    "finish_reason",
    "tokens_used",
    "prompt_tokens",
    "completion_tokens",
    "usage_estimated",
    "provider_id",
    "requested_provider_id",
    "model",
    "latency_ms",
    "completed_at",
    "success",
    "error",
    "attempts",
    "error_class",
    "cost_usd",
    "cached",
    "data",
];

/// RFC 3339 UTC with milliseconds, e.g. 2026-11-23T23:21:46.123Z.
pub(crate) fn is_rfc3339_ms(value: &Value) -> bool {
    let Some(text) = value.as_str() else { return false };
    let bytes = text.as_bytes();
    text.len() == 24
        && bytes[4] == b'-'
        && bytes[10] == b'T'
        && bytes[19] == b'.'
        && text.ends_with('Z')
        && text[20..23].bytes().all(|b| b.is_ascii_digit())
}

/// Permission bits of a file or folder.
#[cfg(unix)]
pub(crate) fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap_or_else(|err| panic!("{}: {err}", path.display())).permissions().mode() & 0o777
}

/// A server that answers from a script (the last answer repeats) and notes when
/// each request arrived, on its own clock.
#[derive(Clone)]
pub(crate) struct Script {
    times: Arc<Mutex<Vec<Instant>>>,
    answers: Arc<Vec<ResponseTemplate>>,
}

impl Respond for Script {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let mut times = self.times.lock().expect("times");
        times.push(Instant::now());
        let index = (times.len() - 1).min(self.answers.len() - 1);
        self.answers[index].clone()
    }
}

impl Script {
    pub(crate) fn count(&self) -> usize {
        self.times.lock().expect("times").len()
    }
    pub(crate) fn gaps(&self) -> Vec<Duration> {
        let mut times = self.times.lock().expect("times").clone();
        times.sort();
        times.windows(2).map(|w| w[1] - w[0]).collect()
    }
}

pub(crate) async fn scripted_on(route: &str, answers: Vec<ResponseTemplate>) -> (MockServer, Script) {
    let server = MockServer::start().await;
    let script = Script { times: Arc::default(), answers: Arc::new(answers) };
    Mock::given(method("POST")).and(path(route)).respond_with(script.clone()).mount(&server).await;
    (server, script)
}

/// The JSON bodies of every request `server` received, in order.
pub(crate) async fn request_bodies(server: &MockServer) -> Vec<Value> {
    let requests = server.received_requests().await.expect("recording");
    requests.iter().map(|r| serde_json::from_slice(&r.body).expect("json body")).collect()
}

/// Every file under `dir`, as text (lossy).
pub(crate) fn all_files_text(dir: &std::path::Path) -> String {
    let mut text = String::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            // The providers file is the user's, not agentry's: it holds the header
            // value the test configured.
            if path.is_symlink() || path.file_name().is_some_and(|n| n == "providers.toml") {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                text.push_str(&String::from_utf8_lossy(&bytes));
            }
        }
    }
    text
}
