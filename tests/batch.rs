//! Batch runs (`task run --file`), against real local servers and real processes.

use std::time::Duration;

use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

fn write_batch(env: &Env, lines: &[Value]) -> String {
    let path = env.dir.path().join("tasks.jsonl");
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&path, text).expect("write batch");
    path.display().to_string()
}

async fn run(env: &Env, args: &[&str]) -> std::process::Output {
    let mut cmd = env.std_cmd(args);
    cmd.env("AGENTRY_BACKOFF_SCALE", "0.01");
    tokio::task::spawn_blocking(move || cmd.output().expect("run")).await.expect("join")
}

fn lines_of(text: &str) -> Vec<Value> {
    text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"))).collect()
}

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_string_contains("please fail"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {"message": "refused"}})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_string_contains("slow one"))
        .respond_with(ok("slow").set_delay(Duration::from_millis(1500)))
        .mount(&server)
        .await;
    Mock::given(method("POST")).and(path("/v1/chat/completions")).respond_with(ok("done")).mount(&server).await;
    server
}

#[tokio::test]
async fn a_failing_line_is_recorded_the_batch_goes_on_and_exits_8() {
    let server = server().await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    env.spawn("a", "srv");
    env.spawn("b", "srv");
    let file = write_batch(
        &env,
        &[
            json!({"id": 1, "description": "first", "agent": "a"}),
            json!({"id": "two", "description": "please fail", "agent": "b"}),
            json!({"id": 3, "description": "third", "persona": "examples/qa-engineer", "provider": "srv", "project": "p9"}),
            json!({"id": 4, "description": "fourth", "agent": "a", "model": "line-model", "temperature": "none"}),
        ],
    );
    let output = run(&env, &["task", "run", "--file", &file, "--ordered"]).await;
    assert_eq!(output.status.code(), Some(8), "{}", stderr_of(&output));
    let results = lines_of(&stdout_of(&output));
    let ids: Vec<Value> = results.iter().map(|r| r["id"].clone()).collect();
    assert_eq!(ids, [json!(1), json!("two"), json!(3), json!(4)], "ids echoed exactly, in input order");
    for result in &results {
        let mut keys = keys(result);
        keys.retain(|k| k != "id");
        assert_eq!(keys, sorted(TASK_KEYS));
    }
    assert_eq!(results[1]["success"], false);
    assert_eq!(results[1]["error_class"], "client_error");
    assert!(results.iter().enumerate().all(|(i, r)| i == 1 || r["success"] == true));
    let requests = server.received_requests().await.expect("recording");
    let fourth: Value = requests
        .iter()
        .map(|r| serde_json::from_slice::<Value>(&r.body).expect("json"))
        .find(|b| b["messages"][1]["content"] == "fourth")
        .expect("line 4 sent");
    assert_eq!(fourth["model"], "line-model");
    assert!(fourth.get("temperature").is_none(), "temperature none sends none");
    // Counters reached the state; the failure counts too.
    let stats = env.json(&["stats", "--json"]);
    assert_eq!(
        (stats["providers"][0]["tasks_completed"].as_u64(), stats["providers"][0]["tasks_failed"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(env.agent("a")["tasks_completed"], 2);
    let history = env.history_text();
    assert!(history.lines().any(|l| l.contains("\"project\":\"p9\"")), "{history}");
}

#[tokio::test]
async fn tasks_on_one_agent_run_one_at_a_time_and_agents_run_at_once() {
    let server = server().await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    env.spawn("a", "srv");
    env.spawn("b", "srv");
    let file = write_batch(
        &env,
        &[
            json!({"id": "a1", "description": "slow one", "agent": "a"}),
            json!({"id": "a2", "description": "after it", "agent": "a"}),
            json!({"id": "b1", "description": "quick", "agent": "b"}),
        ],
    );
    let output = run(&env, &["task", "run", "--file", &file]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let order: Vec<String> =
        lines_of(&stdout_of(&output)).iter().map(|r| r["id"].as_str().unwrap_or("").to_string()).collect();
    // Completion order: b's quick line finished while a's slow line was still out, and
    // a's second line only after its first.
    assert_eq!(order, ["b1", "a1", "a2"]);
    let requests = server.received_requests().await.expect("recording");
    let contents: Vec<String> = requests
        .iter()
        .map(|r| {
            serde_json::from_slice::<Value>(&r.body).expect("json")["messages"][1]["content"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    let slow = contents.iter().position(|c| c == "slow one").expect("slow");
    let after = contents.iter().position(|c| c == "after it").expect("after");
    assert!(slow < after, "{contents:?}");
}

#[tokio::test]
async fn bad_lines_are_refused_before_anything_is_sent() {
    let server = server().await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    env.spawn("a", "srv");
    let cases: Vec<(Vec<Value>, i32, &str)> = vec![
        (
            vec![json!({"id": 1, "description": "x", "agent": "a"}), json!({"id": 2, "agent": "a"})],
            2,
            ":2: missing key `description`",
        ),
        (vec![json!({"id": 1, "description": "x", "agent": "a", "colour": "red"})], 2, ":1: unknown key `colour`"),
        (
            vec![
                json!({"id": 1, "description": "x", "agent": "a"}),
                json!({"id": "1", "description": "y", "agent": "a"}),
            ],
            2,
            ":2: id `1` is already used on line 1",
        ),
        (vec![json!({"id": 1.5, "description": "x", "agent": "a"})], 2, ":1: `id` must be"),
        (vec![json!({"id": 1, "description": "x"})], 2, ":1: give either `agent`, or `persona` and `provider`"),
        (
            vec![
                json!({"id": 1, "description": "x", "agent": "a"}),
                json!({"id": 2, "description": "x", "agent": "ghost"}),
            ],
            3,
            ":2: agent `ghost` not found",
        ),
        (
            vec![json!({"id": 1, "description": "x", "persona": "nobody", "provider": "srv"})],
            3,
            ":1: persona `nobody` not found",
        ),
        (
            vec![json!({"id": 1, "description": "x", "persona": "examples/qa-engineer", "provider": "nope"})],
            3,
            ":1: provider `nope` not found",
        ),
    ];
    for (lines, code, message) in cases {
        let file = write_batch(&env, &lines);
        let output = run(&env, &["task", "run", "--file", &file]).await;
        assert_eq!(output.status.code(), Some(code), "{message}: {}", stderr_of(&output));
        assert!(stderr_of(&output).contains(message), "{message}: {}", stderr_of(&output));
        assert!(stdout_of(&output).is_empty());
    }
    let file = write_batch(&env, &[json!({"id": 1, "description": "x", "agent": "a"})]);
    for extra in [
        vec!["a", "x"],
        vec!["--persona", "p", "--provider", "srv"],
        vec!["--context", "c"],
        vec!["--dry-run"],
        vec!["--events"],
    ] {
        let mut args = vec!["task", "run", "--file", &file];
        args.extend(extra.iter());
        assert_eq!(run(&env, &args).await.status.code(), Some(2), "{extra:?}");
    }
    assert!(server.received_requests().await.expect("recording").is_empty(), "a bad batch sent something");
}

#[tokio::test]
async fn a_rerun_with_the_same_output_skips_what_succeeded() {
    let server = server().await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    env.spawn("a", "srv");
    let lines = [
        json!({"id": "ok", "description": "fine", "agent": "a"}),
        json!({"id": "bad", "description": "please fail", "agent": "a"}),
    ];
    let file = write_batch(&env, &lines);
    let output_file = env.dir.path().join("results.jsonl");
    let out = output_file.display().to_string();
    let output = run(&env, &["task", "run", "--file", &file, "--output", &out]).await;
    assert_eq!(output.status.code(), Some(8));
    assert!(stdout_of(&output).is_empty(), "with --output stdout stays empty");
    assert!(
        stderr_of(&output).contains("batch: 2 tasks, 1 succeeded, 1 failed, 0 refused by a budget, 0 skipped"),
        "{}",
        stderr_of(&output)
    );
    // A killed writer left a torn line.
    std::fs::OpenOptions::new()
        .append(true)
        .open(&output_file)
        .and_then(|mut f| std::io::Write::write_all(&mut f, b"{\"id\":\"torn\",\"succ"))
        .expect("append");
    let before = server.received_requests().await.expect("recording").len();
    let output = run(&env, &["task", "run", "--file", &file, "--output", &out]).await;
    assert_eq!(output.status.code(), Some(8));
    let sent: Vec<Value> = server.received_requests().await.expect("recording")[before..]
        .iter()
        .map(|r| serde_json::from_slice::<Value>(&r.body).expect("json"))
        .collect();
    assert_eq!(sent.len(), 1, "only the failed line is run again");
    assert_eq!(sent[0]["messages"][1]["content"], "please fail");
    let results = lines_of(&std::fs::read_to_string(&output_file).expect("results"));
    let ids: Vec<&str> = results.iter().map(|r| r["id"].as_str().unwrap_or("")).collect();
    assert_eq!(ids.len(), 3, "appended, never truncated, the torn line cut: {ids:?}");
    assert_eq!(ids.iter().filter(|i| **i == "bad").count(), 2);
}

#[cfg(unix)]
#[tokio::test]
async fn sigint_mid_batch_leaves_no_agent_working_and_exits_130() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ok("slow").set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    env.spawn("a", "srv");
    env.spawn("b", "srv");
    let file = write_batch(
        &env,
        &[
            json!({"id": 1, "description": "x", "agent": "a"}),
            json!({"id": 2, "description": "y", "agent": "b"}),
            json!({"id": 3, "description": "z", "agent": "a"}),
        ],
    );
    let mut batch = env.background(&["task", "run", "--file", &file, "--ordered", "-v"]);
    let uri = server.uri();
    let batch = tokio::task::spawn_blocking(move || {
        batch.wait_for_stderr(&format!("> POST {uri}"), Duration::from_secs(20));
        batch
    })
    .await
    .expect("join");
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while server.received_requests().await.expect("recording").len() < 2 {
        assert!(std::time::Instant::now() < deadline, "both agents never sent");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(env.agent("a")["status"], "working");
    send_signal(batch.pid(), "INT");
    let (code, stdout, lines) = tokio::task::spawn_blocking(move || batch.finish()).await.expect("join");
    assert_eq!(code, Some(130), "{lines:?}");
    let results = lines_of(&stdout);
    assert_eq!(results.len(), 2, "in-flight tasks get a line, unstarted ones none: {stdout}");
    assert!(results.iter().all(|r| r["error_class"] == "interrupted" && r["success"] == false));
    assert!(results.iter().all(|r| r["attempts"] == 1), "the requests went out: {stdout}");
    for name in ["a", "b"] {
        assert_eq!(env.agent(name)["status"], "idle");
    }
    let stats = env.json(&["stats", "--json"]);
    assert_eq!(stats["providers"][0]["tasks_failed"], 2);
}

#[tokio::test]
async fn stop_during_a_batch_cancels_that_agent_only() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_string_contains("slow one"))
        .respond_with(ok("slow").set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    Mock::given(method("POST")).and(path("/v1/chat/completions")).respond_with(ok("done")).mount(&server).await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    env.spawn("a", "srv");
    env.spawn("b", "srv");
    let file = write_batch(
        &env,
        &[
            json!({"id": "a1", "description": "slow one", "agent": "a"}),
            json!({"id": "a2", "description": "never sent", "agent": "a"}),
            json!({"id": "b1", "description": "also slow one", "agent": "b"}),
        ],
    );
    let batch = env.background(&["task", "run", "--file", &file, "--ordered"]);
    env.wait_for_status("a", "working", Duration::from_secs(10));
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while server.received_requests().await.expect("recording").len() < 2 {
        assert!(std::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let stop = run(&env, &["stop", "a"]).await;
    assert_eq!(stop.status.code(), Some(0), "{}", stderr_of(&stop));
    // b goes on; stop b too, so the batch ends.
    let stop = run(&env, &["stop", "b"]).await;
    assert_eq!(stop.status.code(), Some(0));
    let (code, stdout, lines) = tokio::task::spawn_blocking(move || batch.finish()).await.expect("join");
    assert_eq!(code, Some(8), "{lines:?}");
    let results = lines_of(&stdout);
    let by_id =
        |id: &str| results.iter().find(|r| r["id"] == id).cloned().unwrap_or_else(|| panic!("no line {id}: {stdout}"));
    assert_eq!(by_id("a1")["error_class"], "cancelled");
    assert_eq!(
        (by_id("a2")["error"].as_str(), by_id("a2")["attempts"].as_u64()),
        (Some("agent `a` was stopped"), Some(0))
    );
    assert!(
        server
            .received_requests()
            .await
            .expect("recording")
            .iter()
            .all(|r| !String::from_utf8_lossy(&r.body).contains("never sent"))
    );
    env.cmd(&["agent", "show", "a"]).assert().code(3);
}

#[tokio::test]
async fn events_of_a_batch_go_to_stdout_and_results_to_output() {
    let env = Env::new();
    env.spawn("a", "mock");
    let file = write_batch(
        &env,
        &[json!({"id": 1, "description": "x", "agent": "a"}), json!({"id": 2, "description": "y", "agent": "a"})],
    );
    let out = env.dir.path().join("r.jsonl").display().to_string();
    let output = run(&env, &["task", "run", "--file", &file, "--events", "--output", &out]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let events = lines_of(&stdout_of(&output));
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap_or("")).collect();
    assert_eq!(kinds, ["start", "delta", "usage", "done", "start", "delta", "usage", "done"]);
    assert_eq!(lines_of(&std::fs::read_to_string(&out).expect("results")).len(), 2);
}
