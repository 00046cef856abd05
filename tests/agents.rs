//! Agents: spawn rules, the pool, stats, stop, and status while tasks run.

use std::time::Duration;

use predicates::prelude::*;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

use crate::common::*;

#[test]
fn spawn_json_matches_list_items() {
    let env = Env::new();
    let spawned = env.json(&[
        "agent",
        "spawn",
        "rev",
        "--provider",
        "mock",
        "--persona",
        "examples/code-reviewer",
        "--project",
        "p1",
        "--json",
    ]);
    assert_eq!(keys(&spawned), sorted(AGENT_KEYS));
    assert_eq!(spawned["name"], "rev");
    assert_eq!(spawned["persona"], "examples/code-reviewer");
    assert_eq!(spawned["project"], "p1");
    assert_eq!(spawned["provider"], "mock");
    assert_eq!(spawned["status"], "idle");
    assert_eq!(spawned["pid"], Value::Null);
    // Never null: the spawn time until the first task ends.
    assert_eq!(spawned["last_active"], spawned["created_at"]);
    assert!(is_rfc3339_ms(&spawned["created_at"]));
    assert_eq!((spawned["tasks_completed"].as_u64(), spawned["tokens_used"].as_u64()), (Some(0), Some(0)));
    let list = env.json(&["agent", "list", "--json"]);
    assert_eq!(list, json!([spawned.clone()]));
    assert_eq!(env.json(&["agent", "list", "--project", "other", "--json"]), json!([]));
    assert_eq!(env.json(&["agent", "show", spawned["id"].as_str().expect("id"), "--json"]), spawned);
}

#[test]
fn agent_without_persona_uses_the_default_prompt() {
    let env = Env::new();
    env.cmd(&["agent", "spawn", "plain", "--provider", "mock"]).assert().success();
    let dry = env.json(&["task", "run", "plain", "hi", "--dry-run", "--json"]);
    assert_eq!(dry["body"]["messages"][0]["content"], "You are plain, an AI agent.");
}

#[test]
fn taken_name_exist_ok_and_nothing_left_behind() {
    let env = Env::new();
    let args = ["agent", "spawn", "rev", "--provider", "mock", "--persona", "examples/code-reviewer"];
    env.cmd(&args).assert().success();
    env.cmd(&args).assert().code(2).stderr(predicate::str::contains("agent `rev` already exists"));
    let first = env.agent("rev");
    let mut again = args.to_vec();
    again.extend(["--exist-ok", "--json"]);
    assert_eq!(env.json(&again)["id"], first["id"], "--exist-ok returns the same agent");
    env.cmd(&["agent", "spawn", "rev", "--provider", "mock", "--project", "other", "--exist-ok"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--exist-ok needs the same persona, provider and project"));
    env.cmd(&["agent", "spawn", "x", "--provider", "nope"]).assert().code(3);
    env.cmd(&["agent", "spawn", "x", "--provider", "mock", "--persona", "nope"]).assert().code(3);
    env.cmd(&["agent", "spawn", "-bad", "--provider", "mock"]).assert().code(2);
    env.cmd(&["agent", "spawn", "has/slash", "--provider", "mock"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid agent name"));
    assert_eq!(env.json(&["agent", "list", "--json"]).as_array().map(Vec::len), Some(1));
}

#[test]
fn full_pool_is_refused_and_max_comes_from_env_then_file() {
    let env = Env::new();
    env.write_providers("max_agents = 3\n");
    for name in ["a", "b", "c"] {
        env.cmd(&["agent", "spawn", name, "--provider", "mock"]).assert().success();
    }
    env.cmd(&["agent", "spawn", "d", "--provider", "mock"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("the pool is full: 3 of 3 agents"));
    env.cmd(&["agent", "spawn", "d", "--provider", "mock"]).env("AGENTRY_MAX_AGENTS", "4").assert().success();
    assert_eq!(env.json(&["stats", "--json"])["max_workers"], 3);
    let stats = env.json(&["stats", "--json"]);
    assert_eq!(stats["total_workers"], 4);
    // Stopping frees the slot and the name.
    env.cmd(&["stop", "a"]).assert().success();
    env.cmd(&["agent", "spawn", "a", "--provider", "mock"]).env("AGENTRY_MAX_AGENTS", "4").assert().success();
    env.cmd(&["agent", "list"]).env("AGENTRY_MAX_AGENTS", "zero").assert().success();
    env.cmd(&["agent", "spawn", "e", "--provider", "mock"]).env("AGENTRY_MAX_AGENTS", "zero").assert().code(2);
}

#[test]
fn stats_json_shape_and_totals_survive_stop() {
    let env = Env::new();
    env.spawn("a", "mock");
    env.spawn("b", "mock");
    let task = env.json(&["task", "run", "a", "one", "--json"]);
    let stats = env.json(&["stats", "--json"]);
    assert_eq!(
        keys(&stats),
        sorted(&["total_workers", "idle_workers", "working_workers", "max_workers", "agents", "providers", "totals"])
    );
    // The mock costs exactly 0, and the total adds up every provider.
    assert_eq!(
        (stats["totals"]["tasks_completed"].as_u64(), stats["totals"]["cost_usd"].as_f64()),
        (Some(1), Some(0.0))
    );
    assert_eq!(stats["totals"]["cost_incomplete"], false);
    assert_eq!((stats["total_workers"].as_u64(), stats["idle_workers"].as_u64()), (Some(2), Some(2)));
    assert_eq!((stats["working_workers"].as_u64(), stats["max_workers"].as_u64()), (Some(0), Some(10)));
    for agent in stats["agents"].as_array().expect("agents") {
        assert_eq!(keys(agent), sorted(AGENT_KEYS));
    }
    let providers = stats["providers"].as_array().expect("providers");
    assert_eq!(providers.len(), 1);
    assert_eq!(
        keys(&providers[0]),
        sorted(&[
            "id",
            "tasks_completed",
            "tasks_failed",
            "tokens_used",
            "prompt_tokens",
            "completion_tokens",
            "cost_usd",
            "cost_incomplete",
            "cache_hits",
            "retries",
            "fallbacks",
            "budget_refusals",
            "failures",
            "latency_p50_ms",
            "latency_p95_ms",
            "latency_p99_ms"
        ])
    );
    assert_eq!(providers[0]["tokens_used"], task["tokens_used"]);

    env.cmd(&["stop", "a"]).assert().success().stdout("");
    let stats = env.json(&["stats", "--json"]);
    assert_eq!(stats["total_workers"], 1);
    assert_eq!(stats["providers"][0]["tokens_used"], task["tokens_used"], "tokens stay in the provider totals");
    let history = env.history_text();
    assert!(history.contains(task["task_id"].as_str().expect("id")), "tasks stay in the history");
    let human = env.cmd(&["stats"]).output().expect("run");
    let text = stdout_of(&human);
    assert!(text.starts_with("Pool: 1 worker (1 idle, 0 working), maximum 10\n"), "{text}");
    assert!(text.contains("NAME") && text.contains("PROVIDER"), "{text}");
}

#[test]
fn stop_unknown_is_3_and_stop_all_empty_is_0() {
    let env = Env::new();
    env.cmd(&["stop", "--all"]).assert().success();
    env.spawn("a", "mock");
    let output = env.cmd(&["stop", "a", "ghost", "--json"]).output().expect("run");
    assert_eq!(output.status.code(), Some(3));
    let result: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(result["stopped"][0]["name"], "a");
    assert_eq!(result["not_found"], json!(["ghost"]));
    assert!(stderr_of(&output).contains("error: no agent named `ghost`"));
    env.spawn("b", "mock");
    env.spawn("c", "mock");
    env.cmd(&["stop", "--all"]).assert().success();
    assert_eq!(env.json(&["agent", "list", "--json"]), json!([]));
    env.cmd(&["stop"]).assert().code(2);
}

async fn slow_server(delay: Duration) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ok("slow answer").set_delay(delay))
        .mount(&server)
        .await;
    server
}

/// An agent `rev` on a server that answers after `delay`, with a first task running.
async fn busy_agent(delay: Duration, task_args: &[&str]) -> (MockServer, Env, Background) {
    let server = slow_server(delay).await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    env.spawn("rev", "srv");
    let running = env.background(task_args);
    env.wait_for_status("rev", "working", Duration::from_secs(10));
    (server, env, running)
}

#[tokio::test]
async fn working_while_a_task_runs_then_idle_and_busy_agents_wait() {
    let (server, env, first) = busy_agent(Duration::from_millis(2500), &["task", "run", "rev", "first"]).await;
    let working = env.agent("rev");
    assert_eq!(working["pid"], first.pid(), "pid of the process running the task");
    let stats = env.json(&["stats", "--json"]);
    assert_eq!((stats["working_workers"].as_u64(), stats["idle_workers"].as_u64()), (Some(1), Some(0)));

    let mut second = env.background(&["task", "run", "rev", "second"]);
    let line = second.wait_for_stderr("waiting for agent rev", Duration::from_secs(10));
    assert_eq!(line, format!("waiting for agent rev (busy in process {})", first.pid()));
    let (code, stdout, _) = first.finish();
    assert_eq!((code, stdout.as_str()), (Some(0), "slow answer\n"));
    let (code, stdout, _) = second.finish();
    assert_eq!((code, stdout.as_str()), (Some(0), "slow answer\n"));
    let agent = env.agent("rev");
    assert_eq!((agent["status"].as_str(), agent["tasks_completed"].as_u64()), (Some("idle"), Some(2)));
    assert_eq!(agent["pid"], Value::Null);
    let requests = server.received_requests().await.expect("recording");
    assert_eq!(requests.len(), 2);
}

#[tokio::test]
async fn stop_cancels_the_running_task_and_queued_tasks_exit_3() {
    let (server, env, running) = busy_agent(Duration::from_secs(30), &["task", "run", "rev", "first", "--json"]).await;
    let mut queued = env.background(&["task", "run", "rev", "second"]);
    queued.wait_for_stderr("waiting for agent rev", Duration::from_secs(10));
    let started = std::time::Instant::now();
    let mut stop = env.background(&["stop", "rev"]);
    stop.wait_for_stderr("waiting for agent rev to cancel its task", Duration::from_secs(10));
    let (code, stdout, lines) = running.finish();
    assert_eq!(code, Some(9), "the running task is cancelled: {lines:?}");
    let result: Value = serde_json::from_str(&stdout).expect("the cancelled task prints its object");
    assert_eq!((result["success"].as_bool(), result["error_class"].as_str()), (Some(false), Some("cancelled")));
    assert!(lines.iter().any(|l| l == "error: cancelled by `agentry stop`"), "{lines:?}");
    let (code, _, _) = stop.finish();
    assert_eq!(code, Some(0));
    assert!(started.elapsed() < Duration::from_secs(30), "the stop waited for the whole slow answer");
    let (code, _, lines) = queued.finish();
    assert_eq!(code, Some(3), "{lines:?}");
    assert!(lines.iter().any(|l| l == "error: agent `rev` was stopped"), "{lines:?}");
    env.cmd(&["agent", "show", "rev"]).assert().code(3);
    assert_eq!(server.received_requests().await.expect("recording").len(), 1);
    let stats = env.json(&["stats", "--json"]);
    assert_eq!(
        (stats["providers"][0]["tasks_completed"].as_u64(), stats["providers"][0]["tasks_failed"].as_u64()),
        (Some(0), Some(1))
    );
}

#[cfg(unix)]
#[tokio::test]
async fn sigterm_mid_task_exits_143_and_leaves_the_agent_idle() {
    let (_server, env, task) = busy_agent(Duration::from_secs(20), &["task", "run", "rev", "x", "--json"]).await;
    send_signal(task.pid(), "TERM");
    let (code, stdout, lines) = task.finish();
    assert_eq!(code, Some(143), "{lines:?}");
    let result: Value = serde_json::from_str(&stdout).expect("attempted task prints its object");
    assert_eq!(result["success"], false);
    assert_eq!(result["error"], "interrupted by SIGTERM");
    let agent = env.agent("rev");
    assert_eq!((agent["status"].as_str(), agent["tasks_failed"].as_u64()), (Some("idle"), Some(1)));
}

#[cfg(unix)]
#[tokio::test]
async fn sigint_mid_task_exits_130() {
    let (_server, env, task) = busy_agent(Duration::from_secs(20), &["task", "run", "rev", "x"]).await;
    send_signal(task.pid(), "INT");
    let (code, _, _) = task.finish();
    assert_eq!(code, Some(130));
    assert_eq!(env.agent("rev")["status"], "idle");
}

#[cfg(unix)]
#[tokio::test]
async fn sigint_while_waiting_for_a_busy_agent_exits_130() {
    let (_server, env, running) = busy_agent(Duration::from_secs(3), &["task", "run", "rev", "first"]).await;
    let mut queued = env.background(&["task", "run", "rev", "second"]);
    queued.wait_for_stderr("waiting for agent rev", Duration::from_secs(10));
    send_signal(queued.pid(), "INT");
    let (code, _, lines) = queued.finish();
    assert_eq!(code, Some(130), "{lines:?}");
    let (code, _, _) = running.finish();
    assert_eq!(code, Some(0));
    let agent = env.agent("rev");
    assert_eq!((agent["tasks_completed"].as_u64(), agent["tasks_failed"].as_u64()), (Some(1), Some(0)));
}
