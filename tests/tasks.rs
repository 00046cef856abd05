//! `task run`: the exact request, the three forms, stdin, dry runs, failures.

use std::time::Duration;

use predicates::prelude::*;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::common::*;

async fn server_with(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/v1/chat/completions")).respond_with(template).mount(&server).await;
    server
}

async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("recording on");
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}

fn body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).expect("request body is JSON")
}

fn code_reviewer_prompt(env: &Env) -> String {
    let output = env.cmd(&["persona", "show", "examples/code-reviewer"]).output().expect("run");
    stdout_of(&output).trim_end_matches('\n').to_string()
}

#[tokio::test]
async fn agent_task_sends_exact_body_and_prints_the_response() {
    let server = server_with(ok("Looks good.\n\n")).await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    env.spawn("rev", "srv");
    let output = env.cmd(&["task", "run", "rev", "Review the auth module"]).output().expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output), "Looks good.\n", "exactly one trailing newline");

    let request = only_request(&server).await;
    assert_eq!(
        body(&request),
        json!({
            "model": "test-model",
            "messages": [
                {"role": "system", "content": code_reviewer_prompt(&env)},
                {"role": "user", "content": "Review the auth module"}
            ],
            "temperature": 0.7
        })
    );
    assert!(request.headers.get("authorization").is_none(), "no key configured, no Authorization header");
    assert_eq!(request.headers.get("content-type").map(|v| v.to_str().unwrap_or("")), Some("application/json"));
}

#[tokio::test]
async fn key_context_temperature_max_tokens_headers_and_params() {
    let server = server_with(ok("ok")).await;
    let env = Env::new();
    env.provider(
        &server.uri(),
        "api_key_env = \"TEST_AGENTRY_KEY\"\nmax_tokens_field = \"max_completion_tokens\"\n\
         headers = { \"HTTP-Referer\" = \"https://agentry.test\", \"X-Title\" = \"agentry\" }\n\
         params = { seed = 42, top_p = 0.5 }\n",
    );
    env.spawn("rev", "srv");
    env.cmd(&[
        "task",
        "run",
        "rev",
        "Summarise",
        "--context",
        "line one\nline two",
        "--temperature",
        "none",
        "--max-tokens",
        "64",
        "--model",
        "other-model",
    ])
    .env("TEST_AGENTRY_KEY", "sk-test-123")
    .assert()
    .success()
    .stdout("ok\n");
    let request = only_request(&server).await;
    let sent = body(&request);
    assert_eq!(sent["model"], "other-model");
    assert_eq!(sent["messages"][1]["content"], "Summarise\n\nContext:\nline one\nline two");
    assert!(sent.get("temperature").is_none(), "--temperature none sends none: {sent}");
    assert_eq!(sent["max_completion_tokens"], 64);
    assert!(sent.get("max_tokens").is_none());
    assert_eq!(sent["seed"], 42);
    assert_eq!(sent["top_p"], 0.5);
    let header = |name: &str| request.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    assert_eq!(header("authorization").as_deref(), Some("Bearer sk-test-123"));
    assert_eq!(header("http-referer").as_deref(), Some("https://agentry.test"));
    assert_eq!(header("x-title").as_deref(), Some("agentry"));
}

#[tokio::test]
async fn provider_temperature_and_max_tokens_apply_and_flags_override() {
    let server = server_with(ok("ok")).await;
    let env = Env::new();
    env.provider(&server.uri(), "temperature = 0.1\nmax_tokens = 99\n");
    env.cmd(&["task", "run", "--persona", "examples/qa-engineer", "--provider", "srv", "Plan tests"])
        .assert()
        .success();
    env.cmd(&["task", "run", "--persona", "examples/qa-engineer", "--provider", "srv", "x", "--temperature", "1.5"])
        .assert()
        .success();
    let requests = server.received_requests().await.expect("recording");
    let first = body(&requests[0]);
    assert_eq!(first["temperature"], 0.1);
    assert_eq!(first["max_tokens"], 99);
    assert_eq!(body(&requests[1])["temperature"], 1.5);
}

#[tokio::test]
async fn task_json_shape_and_counters() {
    let server = server_with(ok("fine")).await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    env.spawn("rev", "srv");
    let agent = env.agent("rev");
    let result = env.json(&["task", "run", "rev", "Check", "--json"]);
    assert_eq!(keys(&result), sorted(TASK_KEYS));
    assert_eq!(result["response"], "fine");
    assert_eq!(result["success"], true);
    assert_eq!(result["error"], Value::Null);
    assert_eq!(result["agent_id"], agent["id"]);
    assert_eq!(result["worker_id"], agent["worker_id"]);
    assert_eq!(result["provider_id"], "srv");
    assert_eq!(result["requested_provider_id"], "srv");
    assert_eq!(result["model"], "served-model-1", "the model the response reports");
    assert_eq!(result["finish_reason"], "stop");
    assert_eq!((result["prompt_tokens"].as_u64(), result["completion_tokens"].as_u64()), (Some(11), Some(7)));
    assert_eq!(result["tokens_used"], 18);
    assert_eq!(result["usage_estimated"], false);
    assert!(result["latency_ms"].is_u64());
    assert!(is_rfc3339_ms(&result["completed_at"]), "{}", result["completed_at"]);
    assert!(result["task_id"].as_str().is_some_and(|s| !s.is_empty()));

    let by_id = env.json(&["task", "run", agent["id"].as_str().expect("id"), "Again", "--json"]);
    assert_eq!(by_id["agent_id"], agent["id"], "an agent can be named by its id");
    let after = env.agent("rev");
    assert_eq!(after["tasks_completed"], 2);
    assert_eq!(after["tokens_used"], 36);
    assert_eq!(after["status"], "idle");
    assert!(is_rfc3339_ms(&after["last_active"]));
    assert_eq!(after["worker_id"], agent["worker_id"], "worker id is stable for the agent's life");
}

#[tokio::test]
async fn usage_missing_is_estimated_from_bytes() {
    let server = server_with(ResponseTemplate::new(200).set_body_json(json!({
        "choices": [{"message": {"role": "assistant", "content": "abcdefghi"}, "finish_reason": "stop"}]
    })))
    .await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    env.write_personas_skill();
    let result = env.json(&["task", "run", "--persona", "tiny", "--provider", "srv", "abcde", "--json"]);
    // system "# Your Character\nAbc." is 21 bytes -> 6; user "abcde" -> 2; reply 9 bytes -> 3.
    assert_eq!(result["usage_estimated"], true);
    assert_eq!(result["prompt_tokens"], 8);
    assert_eq!(result["completion_tokens"], 3);
    assert_eq!(result["tokens_used"], 11);
    assert_eq!(result["model"], "test-model", "no model in the response: the configured one");
}

impl Env {
    /// A SKILL.md persona `tiny` whose prompt is exactly "# Your Character\nAbc.".
    fn write_personas_skill(&self) {
        let dir = self.work().join("personas/tiny");
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(dir.join("SKILL.md"), "---\nname: tiny\ndescription: Abc.\n---\n").expect("write");
    }
}

#[tokio::test]
async fn one_shot_is_recorded_but_not_an_agent() {
    let server = server_with(ok("done")).await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    let result =
        env.json(&["task", "run", "--persona", "examples/devops-engineer", "--provider", "srv", "Go", "--json"]);
    assert_eq!(result["agent_id"], Value::Null);
    assert!(result["worker_id"].as_str().is_some_and(|w| !w.is_empty()));
    let second =
        env.json(&["task", "run", "--persona", "examples/devops-engineer", "--provider", "srv", "Go", "--json"]);
    assert_ne!(second["worker_id"], result["worker_id"], "a fresh worker each time");
    let stats = env.json(&["stats", "--json"]);
    assert_eq!(stats["total_workers"], 0);
    assert_eq!(stats["agents"], json!([]));
    let srv = stats["providers"].as_array().expect("providers").iter().find(|p| p["id"] == "srv").cloned();
    assert_eq!(srv.expect("srv totals")["tasks_completed"], 2);
    let history = env.history_text();
    assert_eq!(history.lines().count(), 2);
    let line: Value = serde_json::from_str(history.lines().next().expect("line")).expect("json line");
    assert_eq!(line["persona"], "examples/devops-engineer");
    assert!(line.get("response").is_none(), "the history keeps no response text");
}

#[test]
fn usage_errors_show_the_forms() {
    let env = Env::new();
    env.spawn("a", "mock");
    for args in [
        vec!["task", "run"],
        vec!["task", "run", "a"],
        vec!["task", "run", "--persona", "examples/qa-engineer", "x"],
        vec!["task", "run", "--provider", "mock", "x"],
        vec!["task", "run", "--persona", "examples/qa-engineer", "--provider", "mock", "a", "x"],
    ] {
        env.cmd(&args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::starts_with("error: "))
            .stderr(predicate::str::contains("hint: agentry task run AGENT DESCRIPTION"))
            .stderr(predicate::str::contains("--persona P --provider ID DESCRIPTION"));
    }
    env.cmd(&["task", "run", "a", "x", "--temperature", "hot"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--temperature"));
    env.cmd(&["task", "run", "a", "x", "--bogus"]).assert().code(2);
}

#[tokio::test]
async fn stdin_as_description_and_as_context() {
    let server = server_with(ok("ok")).await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    env.spawn("rev", "srv");
    env.cmd(&["task", "run", "rev", "-"]).write_stdin("Describe from stdin\n\n").assert().success();
    env.cmd(&["task", "run", "rev", "Review this change"]).write_stdin("diff --git a b\n+x\n   \n").assert().success();
    env.cmd(&["task", "run", "rev", "No context", "--no-stdin"]).write_stdin("ignored").assert().success();
    env.cmd(&["task", "run", "rev", "Empty context"]).write_stdin("  \n\n").assert().success();
    let file = env.work().join("ctx.txt");
    std::fs::write(&file, "from a file\n").expect("write");
    env.cmd(&["task", "run", "rev", "File", "--context-file", file.to_str().expect("utf8")]).assert().success();
    env.cmd(&["task", "run", "rev", "Dash", "--context-file", "-"]).write_stdin("piped ctx").assert().success();
    env.cmd(&["task", "run", "rev", "-", "--context-file", "-"]).write_stdin("x").assert().code(2);
    env.cmd(&["task", "run", "rev", "-"]).write_stdin("   ").assert().code(2);

    let users: Vec<String> = server
        .received_requests()
        .await
        .expect("recording")
        .iter()
        .map(|r| body(r)["messages"][1]["content"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        users,
        [
            "Describe from stdin",
            "Review this change\n\nContext:\ndiff --git a b\n+x",
            "No context",
            "Empty context",
            "File\n\nContext:\nfrom a file",
            "Dash\n\nContext:\npiped ctx",
        ]
    );
}

#[tokio::test]
async fn dry_run_prints_the_request_and_sends_nothing() {
    let server = server_with(ok("never")).await;
    let env = Env::new();
    env.provider(&server.uri(), "api_key_env = \"TEST_AGENTRY_KEY\"\nheaders = { \"X-Api-Key\" = \"hdr-secret\" }\n");
    env.spawn("rev", "srv");
    let output = env
        .cmd(&["task", "run", "rev", "Hello", "--dry-run"])
        .env("TEST_AGENTRY_KEY", "sk-dry-secret")
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let text = stdout_of(&output);
    let expected_start = format!(
        "POST {}/v1/chat/completions\nAuthorization: Bearer (redacted)\nContent-Type: application/json\nAccept: application/json\nUser-Agent: agentry/{}\nX-Api-Key: (redacted)\n\n{{\n",
        server.uri(),
        env!("CARGO_PKG_VERSION")
    );
    assert!(text.starts_with(&expected_start), "{text}");
    assert!(!text.contains("sk-dry-secret") && !text.contains("hdr-secret"));
    let json = env.json(&["task", "run", "rev", "Hello", "--dry-run", "--json"]);
    assert_eq!(json["method"], "POST");
    assert_eq!(json["body"]["messages"][1]["content"], "Hello");
    assert_eq!(json["headers"]["Authorization"], "Bearer (redacted)");
    env.cmd(&["task", "run", "rev", "Hello", "--dry-run"])
        .assert()
        .success()
        .stderr(predicate::str::contains("warning: environment variable TEST_AGENTRY_KEY is not set"));
    assert!(server.received_requests().await.expect("recording").is_empty(), "dry run sent a request");
    assert_eq!(env.agent("rev")["tasks_completed"], 0);
}

#[tokio::test]
async fn http_error_is_exit_4_with_object_and_agent_idle() {
    let server = server_with(
        ResponseTemplate::new(500)
            .set_body_json(json!({"error": {"message": "model overloaded", "type": "server_error"}})),
    )
    .await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    env.spawn("rev", "srv");
    let output = env.cmd(&["task", "run", "rev", "x", "--json", "--retries", "0"]).output().expect("run");
    assert_eq!(output.status.code(), Some(4));
    let result: Value = serde_json::from_slice(&output.stdout).expect("object printed on failure");
    assert_eq!(keys(&result), sorted(TASK_KEYS));
    assert_eq!(result["success"], false);
    assert_eq!((result["attempts"].as_u64(), result["error_class"].as_str()), (Some(1), Some("server_error")));
    assert_eq!(result["response"], Value::Null);
    assert!(result["error"].as_str().is_some_and(|e| e.contains("HTTP 500") && e.contains("model overloaded")));
    let stderr = stderr_of(&output);
    assert!(stderr.starts_with("error: provider `srv` answered HTTP 500"), "{stderr}");
    assert_eq!(stderr.lines().filter(|l| l.starts_with("error:")).count(), 1);
    let agent = env.agent("rev");
    assert_eq!((agent["status"].as_str(), agent["tasks_failed"].as_u64()), (Some("idle"), Some(1)));
}

#[tokio::test]
async fn garbage_answers_are_exit_4() {
    for template in [
        ResponseTemplate::new(200).set_body_string("<html>hello</html>"),
        ResponseTemplate::new(200).set_body_json(json!({"choices": []})),
        ResponseTemplate::new(200).set_body_json(json!({"object": "list", "data": []})),
    ] {
        let server = server_with(template).await;
        let env = Env::new();
        env.provider(&server.uri(), "");
        env.cmd(&["task", "run", "--persona", "examples/qa-engineer", "--provider", "srv", "x"])
            .assert()
            .code(4)
            .stdout("")
            .stderr(predicate::str::starts_with("error: provider `srv` answered with"));
    }
}

#[tokio::test]
async fn finish_reason_length_and_content_filter_warn_on_stderr() {
    for (reason, warning) in [
        ("length", "warning: the response was cut short"),
        ("content_filter", "warning: the provider's content filter withheld part of the response"),
    ] {
        let mut answer = completion("partial", 3, 2);
        answer["choices"][0]["finish_reason"] = json!(reason);
        let server = server_with(ResponseTemplate::new(200).set_body_json(answer)).await;
        let env = Env::new();
        env.provider(&server.uri(), "");
        env.cmd(&["task", "run", "--persona", "examples/qa-engineer", "--provider", "srv", "x"])
            .assert()
            .success()
            .stdout("partial\n")
            .stderr(predicate::str::contains(warning));
    }
}

#[test]
fn unreachable_endpoint_is_exit_4_and_agent_stays_idle() {
    let env = Env::new();
    env.provider(&format!("http://127.0.0.1:{}", closed_port()), "");
    env.spawn("rev", "srv");
    let output = env.cmd(&["task", "run", "rev", "x"]).env("AGENTRY_BACKOFF_SCALE", "0.01").output().expect("run");
    assert_eq!(output.status.code(), Some(4));
    let stderr = stderr_of(&output);
    // A refused connection is retried (twice by default), each retry on its own line.
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 4, "{stderr}");
    assert!(
        lines[0].starts_with("retrying srv in ") && lines[0].ends_with("after connect (attempt 2 of 3)"),
        "{stderr}"
    );
    assert!(lines[1].ends_with("after connect (attempt 3 of 3)"), "{stderr}");
    assert!(lines[2].starts_with("error: cannot reach provider `srv`"), "{stderr}");
    let agent = env.agent("rev");
    assert_eq!(agent["status"], "idle");
    assert_eq!(agent["pid"], Value::Null);
    assert_eq!(agent["tasks_failed"], 1);
}

#[tokio::test]
async fn connection_cut_without_answer_is_exit_4() {
    // A raw server that reads the request and closes the connection: wiremock cannot do that.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        use tokio::io::AsyncReadExt;
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buffer = [0u8; 4096];
            let _ = socket.read(&mut buffer).await;
            drop(socket);
        }
    });
    let env = Env::new();
    env.provider(&format!("http://127.0.0.1:{port}"), "");
    let output = tokio::task::spawn_blocking(move || {
        let out = env.cmd(&["task", "run", "--persona", "examples/qa-engineer", "--provider", "srv", "x"]).output();
        (out, env)
    })
    .await
    .expect("join");
    let output = output.0.expect("run");
    assert_eq!(output.status.code(), Some(4), "{}", stderr_of(&output));
}

#[tokio::test]
async fn slow_provider_past_timeout_is_exit_5() {
    let server = server_with(ok("late").set_delay(Duration::from_secs(5))).await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    env.spawn("rev", "srv");
    env.cmd(&["task", "run", "rev", "x", "--timeout", "1"])
        .assert()
        .code(5)
        .stderr(predicate::str::contains("did not answer within 1 s"));
    assert_eq!(env.agent("rev")["status"], "idle");
}

#[test]
fn mock_provider_runs_offline_and_says_so() {
    let env = Env::new();
    let output = env
        .cmd(&["task", "run", "--persona", "examples/code-reviewer", "--provider", "mock", "Review", "--json"])
        .output()
        .expect("run");
    assert!(output.status.success());
    let result: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(result["provider_id"], "mock");
    assert_eq!(result["usage_estimated"], true);
    assert!(result["response"].as_str().is_some_and(|r| r.starts_with("[mock]")));
    assert!(stderr_of(&output).contains("offline mock"));
    let again =
        env.json(&["task", "run", "--persona", "examples/code-reviewer", "--provider", "mock", "Review", "--json"]);
    assert_eq!(again["response"], result["response"], "deterministic");
    env.cmd(&["provider", "models", "mock"]).assert().success().stdout("mock\n");
}

#[test]
fn unknown_agent_provider_persona_are_exit_3() {
    let env = Env::new();
    env.cmd(&["task", "run", "ghost", "x"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("agent `ghost` not found"));
    env.cmd(&["task", "run", "--persona", "examples/qa-engineer", "--provider", "nope", "x"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("provider `nope` not found"));
    env.cmd(&["task", "run", "--persona", "no/such", "--provider", "mock", "x"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("persona `no/such` not found"));
}

#[test]
fn vanished_provider_fails_with_3_naming_both() {
    let env = Env::new();
    env.write_providers("[providers.gone]\ntype = \"mock\"\n");
    env.spawn("rev", "gone");
    env.write_providers("");
    env.cmd(&["task", "run", "rev", "x"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("agent `rev` uses provider `gone`, which no longer exists"));
}

#[test]
fn vanished_persona_fails_with_3_naming_both() {
    let env = Env::new();
    let folder = env.work().join("personas/team/helper");
    std::fs::create_dir_all(&folder).expect("mkdir");
    std::fs::write(folder.join("SKILL.md"), "---\nname: helper\ndescription: Helps.\n---\n").expect("write");
    env.cmd(&["agent", "spawn", "h", "--provider", "mock", "--persona", "team/helper"]).assert().success();
    env.cmd(&["task", "run", "h", "x"]).assert().success();
    std::fs::remove_dir_all(&folder).expect("rm");
    env.cmd(&["task", "run", "h", "x"])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("agent `h` uses persona `team/helper`, which no longer exists"));
}

#[test]
fn closed_stdout_is_success() {
    let env = Env::new();
    let mut child = std::process::Command::new(BIN)
        .args(["persona", "show", "examples/code-reviewer"])
        .env("AGENTRY_HOME", env.home())
        .current_dir(env.work())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("wait");
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(stderr_of(&output).is_empty(), "{}", stderr_of(&output));
}

#[test]
fn quiet_silences_notes_and_color_follows_the_flag() {
    let env = Env::new();
    let args = ["task", "run", "--persona", "examples/qa-engineer", "--provider", "mock", "x"];
    let loud = env.cmd(&args).output().expect("run");
    assert!(stderr_of(&loud).contains("note: "), "{}", stderr_of(&loud));
    let mut quiet_args = args.to_vec();
    quiet_args.push("-q");
    env.cmd(&quiet_args).assert().success().stderr("");
    env.cmd(&["agent", "show", "ghost", "-q"]).assert().code(3).stderr(predicate::str::starts_with("error: "));
    let colored = env.cmd(&["agent", "show", "ghost", "--color", "always"]).output().expect("run");
    // Bold red, as anstyle writes it (one sequence per effect).
    assert!(stderr_of(&colored).starts_with("\u{1b}[1m\u{1b}[31merror:"), "{:?}", stderr_of(&colored));
    let plain = env.cmd(&["agent", "show", "ghost", "--color", "auto"]).env("NO_COLOR", "1").output().expect("run");
    assert!(!stderr_of(&plain).contains('\u{1b}'));
    // CLICOLOR_FORCE colours a pipe under --color auto (anstream's convention).
    let forced = env.cmd(&["agent", "show", "ghost"]).env("CLICOLOR_FORCE", "1").output().expect("run");
    assert!(stderr_of(&forced).starts_with("\u{1b}["), "{:?}", stderr_of(&forced));
}
