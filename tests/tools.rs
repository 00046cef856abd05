//! Tools from MCP servers (issue #17): `[mcp.NAME]` tables and the `mcp` commands,
//! and the tool loop of `task run --tools` against a scripted model (wiremock) and a
//! real stdio MCP server (`tests/fixtures/mcp_server.rs`, on the official SDK):
//! calls in order and at once, denied and unknown tools, bad arguments, failing and
//! slow tools, a server that dies, `--max-steps`, both wire shapes, failover from an
//! OpenAI-type provider to an Anthropic one mid-loop, budgets, events and the record.

use std::path::PathBuf;

use serde_json::{Value, json};
use wiremock::ResponseTemplate;

use crate::common::*;

/// The fault server the tests start (built with the test binary, as an example).
pub(crate) fn fault_server() -> PathBuf {
    let bin = PathBuf::from(BIN);
    let dir = bin.parent().expect("target dir");
    dir.join("examples").join("mcp-test-server")
}

/// An OpenAI answer that asks for tools: (id, name, arguments JSON text).
pub(crate) fn tool_calls(calls: &[(&str, &str, &str)], text: Option<&str>) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(tool_calls_body(calls, text))
}

fn tool_calls_body(calls: &[(&str, &str, &str)], text: Option<&str>) -> Value {
    let calls: Vec<Value> = calls
        .iter()
        .map(|(id, name, args)| json!({"id": id, "type": "function", "function": {"name": name, "arguments": args}}))
        .collect();
    json!({
        "id": "chatcmpl-t", "object": "chat.completion", "created": 1_700_000_000, "model": "served-model-1",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text, "tool_calls": calls}, "finish_reason": "tool_calls"}],
        "usage": {"prompt_tokens": 20, "completion_tokens": 5, "total_tokens": 25}
    })
}

/// An Anthropic answer that asks for tools.
fn anthropic_tool_use(calls: &[(&str, &str, Value)]) -> ResponseTemplate {
    let mut content = vec![json!({"type": "text", "text": "Let me look."})];
    content.extend(
        calls.iter().map(|(id, name, input)| json!({"type": "tool_use", "id": id, "name": name, "input": input})),
    );
    ResponseTemplate::new(200).set_body_json(json!({
        "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-test",
        "content": content, "stop_reason": "tool_use",
        "usage": {"input_tokens": 30, "output_tokens": 6}
    }))
}

fn anthropic_text(text: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "id": "msg_2", "type": "message", "role": "assistant", "model": "claude-test",
        "content": [{"type": "text", "text": text}], "stop_reason": "end_turn",
        "usage": {"input_tokens": 40, "output_tokens": 4}
    }))
}

/// `srv` at `uri` plus the fault server as `[mcp.faults]` (its call log at `log`).
fn with_faults(env: &Env, uri: &str, extra: &str) -> PathBuf {
    let log = env.work().join("calls.jsonl");
    env.provider(uri, extra);
    let mut text = std::fs::read_to_string(env.providers_file()).expect("read");
    text.push_str(&format!(
        "\n[mcp.faults]\ncommand = \"{}\"\nenv = {{ MCP_TEST_LOG = \"{}\" }}\n",
        fault_server().display(),
        log.display()
    ));
    env.write_providers(&text);
    log
}

/// The calls that reached the fault server.
fn server_calls(log: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("log line"))
        .collect()
}

fn run<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "task",
        "run",
        "--persona",
        "examples/code-reviewer",
        "--provider",
        "srv",
        "Check it",
        "--tools",
        "faults",
    ];
    args.extend_from_slice(extra);
    args
}

#[tokio::test]
async fn a_tool_call_goes_to_the_server_and_its_result_back_to_the_model() {
    let (server, script) = scripted_on(
        "/v1/chat/completions",
        vec![tool_calls(&[("call_1", "faults__echo", r#"{"text": "hello tools"}"#)], None), ok("It said hello tools.")],
    )
    .await;
    let env = Env::new();
    let log = with_faults(&env, &server.uri(), "");
    let output = env.cmd(&run(&["--json"])).output().expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let result: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(result["response"], "It said hello tools.");
    assert_eq!(result["steps"], 2);
    assert_eq!(result["tool_calls"], 1);
    // Tokens add up over both model calls: 20+5, then 11+7.
    assert_eq!(result["tokens_used"], 25 + 18);
    assert_eq!(result["prompt_tokens"], 31);
    assert_eq!(script.count(), 2);

    let bodies = request_bodies(&server).await;
    let tools = bodies[0]["tools"].as_array().expect("tools offered");
    let echo = tools.iter().find(|t| t["function"]["name"] == "faults__echo").expect("echo offered");
    assert_eq!(echo["type"], "function");
    assert_eq!(echo["function"]["description"], "Repeat the text back.");
    assert_eq!(echo["function"]["parameters"]["required"], json!(["text"]));
    // `write.file` is offered under OpenAI's alphabet.
    assert!(tools.iter().any(|t| t["function"]["name"] == "faults__write_file"));
    // The second request carries the call and its result, ids matching, in order.
    let messages = bodies[1]["messages"].as_array().expect("messages");
    let n = messages.len();
    assert_eq!(messages[n - 2]["role"], "assistant");
    assert_eq!(messages[n - 2]["tool_calls"][0]["id"], "call_1");
    assert_eq!(messages[n - 2]["tool_calls"][0]["function"]["name"], "faults__echo");
    assert_eq!(messages[n - 1], json!({"role": "tool", "tool_call_id": "call_1", "content": "hello tools"}));
    let calls = server_calls(&log);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0]["tool"], "echo");
    assert_eq!(calls[0]["args"], json!({"text": "hello tools"}));

    // The history line counts the steps; task show has the whole transcript.
    let listed = env.json(&["task", "list", "--json"]);
    assert_eq!(listed[0]["steps"], 2);
    assert_eq!(listed[0]["tool_calls"], 1);
    let id = result["task_id"].as_str().expect("id");
    let shown = env.cmd(&["task", "show", id]).output().expect("show");
    let text = stdout_of(&shown);
    assert!(text.contains("faults__echo"), "{text}");
    assert!(text.contains("hello tools"), "{text}");
}

#[tokio::test]
async fn the_calls_of_one_step_run_at_once_and_their_results_keep_the_order_asked() {
    let (server, _) = scripted_on(
        "/v1/chat/completions",
        vec![
            tool_calls(&[("a", "faults__slow", r#"{"ms": 700}"#), ("b", "faults__slow", r#"{"ms": 300}"#)], None),
            ok("done"),
        ],
    )
    .await;
    let env = Env::new();
    let log = with_faults(&env, &server.uri(), "");
    let output = env.cmd(&run(&[])).output().expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output), "done\n");
    let calls = server_calls(&log);
    assert_eq!(calls.len(), 2);
    // On the server's clock: each started before the other ended.
    let (first, second) = (&calls[0], &calls[1]);
    assert!(
        first["started"].as_u64() < second["ended"].as_u64() && second["started"].as_u64() < first["ended"].as_u64(),
        "{calls:?}"
    );
    let bodies = request_bodies(&server).await;
    let messages = bodies[1]["messages"].as_array().expect("messages");
    let results: Vec<&Value> = messages.iter().filter(|m| m["role"] == "tool").collect();
    assert_eq!(results[0]["tool_call_id"], "a");
    assert_eq!(results[0]["content"], "slept 700 ms");
    assert_eq!(results[1]["tool_call_id"], "b");
}

#[tokio::test]
async fn denied_unknown_and_badly_argued_calls_never_reach_the_server() {
    let (server, _) = scripted_on(
        "/v1/chat/completions",
        vec![
            tool_calls(
                &[
                    ("d", "faults__add", r#"{"a": 1, "b": 2}"#),
                    ("u", "faults__nope", "{}"),
                    ("j", "faults__echo", "{not json"),
                    ("s", "faults__echo", r#"{"text": 5}"#),
                ],
                None,
            ),
            ok("gave up"),
        ],
    )
    .await;
    let env = Env::new();
    let log = with_faults(&env, &server.uri(), "");
    let output = env.cmd(&run(&["--deny-tool", "faults.add"])).output().expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let bodies = request_bodies(&server).await;
    let offered: Vec<&str> =
        bodies[0]["tools"].as_array().expect("tools").iter().filter_map(|t| t["function"]["name"].as_str()).collect();
    assert!(!offered.contains(&"faults__add"), "{offered:?}");
    let results: Vec<&Value> =
        bodies[1]["messages"].as_array().expect("m").iter().filter(|m| m["role"] == "tool").collect();
    assert_eq!(results.len(), 4);
    let content = |i: usize| results[i]["content"].as_str().expect("content").to_string();
    assert!(content(0).contains("there is no tool `faults__add`"), "{}", content(0));
    assert!(content(1).contains("there is no tool"), "{}", content(1));
    assert!(content(2).contains("not valid JSON"), "{}", content(2));
    assert!(content(3).contains("do not match the tool's input schema"), "{}", content(3));
    assert!(server_calls(&log).is_empty(), "{:?}", server_calls(&log));

    // --allow-tool narrows to what matches; deny still wins.
    let output = env
        .cmd(&run(&["--allow-tool", "faults.e*", "--deny-tool", "faults.env", "--dry-run", "--json"]))
        .output()
        .expect("dry");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let view: Value = serde_json::from_slice(&output.stdout).expect("json");
    let offered: Vec<&str> = view["body"]["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .filter_map(|t| t["function"]["name"].as_str())
        .collect();
    assert_eq!(offered, ["faults__echo"]);
}

#[tokio::test]
async fn failing_huge_image_and_slow_tools_are_results_the_model_sees() {
    let (server, _) = scripted_on(
        "/v1/chat/completions",
        vec![
            tool_calls(
                &[
                    ("f", "faults__fail", "{}"),
                    ("h", "faults__huge", "{}"),
                    ("i", "faults__image", "{}"),
                    ("t", "faults__slow", r#"{"ms": 5000}"#),
                ],
                None,
            ),
            ok("noted"),
        ],
    )
    .await;
    let env = Env::new();
    with_faults(&env, &server.uri(), "");
    let output = env.cmd(&run(&["--tool-timeout", "300ms", "--events"])).output().expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let events: Vec<Value> = stdout_of(&output).lines().map(|l| serde_json::from_str(l).expect("event")).collect();
    let results: Vec<&Value> = events.iter().filter(|e| e["type"] == "tool_result").collect();
    assert_eq!(results.len(), 4);
    let by_id = |id: &str| results.iter().find(|e| e["call_id"] == id).copied().expect("result event");
    assert_eq!(by_id("f")["is_error"], true);
    assert_eq!(by_id("h")["is_error"], false);
    assert_eq!(by_id("h")["bytes"], 100 * 1024);
    assert_eq!(by_id("t")["is_error"], true);
    assert!(by_id("t")["duration_ms"].as_u64().expect("ms") >= 300);
    let calls: Vec<&Value> = events.iter().filter(|e| e["type"] == "tool_call").collect();
    assert_eq!(calls[0]["server"], "faults");
    assert_eq!(calls[0]["tool"], "fail");
    assert_eq!(calls[0]["step"], 1);
    assert_eq!(calls[3]["arguments"], json!({"ms": 5000}));

    let bodies = request_bodies(&server).await;
    let results: Vec<&Value> =
        bodies[1]["messages"].as_array().expect("m").iter().filter(|m| m["role"] == "tool").collect();
    assert_eq!(results[0]["content"], "it failed on purpose");
    let huge = results[1]["content"].as_str().expect("huge");
    assert!(huge.len() < 64 * 1024 + 100, "{}", huge.len());
    assert!(huge.ends_with("[agentry: result cut at 64 KiB of 102400 bytes]"), "{}", &huge[huge.len() - 60..]);
    assert_eq!(results[2]["content"], "[image: image/png]");
    assert!(
        results[3]["content"].as_str().expect("t").contains("did not answer within 300 ms"),
        "{}",
        results[3]["content"]
    );
}

#[tokio::test]
async fn a_loop_that_never_ends_stops_at_max_steps_with_exit_11() {
    let (server, script) = scripted_on(
        "/v1/chat/completions",
        vec![tool_calls(&[("c", "faults__echo", r#"{"text": "again"}"#)], Some("Still looking"))],
    )
    .await;
    let env = Env::new();
    with_faults(&env, &server.uri(), "");
    let output = env.cmd(&run(&["--max-steps", "3"])).output().expect("run");
    assert_eq!(output.status.code(), Some(11), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output), "");
    let err = stderr_of(&output);
    assert!(err.contains("after 3 model calls"), "{err}");
    assert!(err.contains("Still looking"), "{err}");
    assert_eq!(script.count(), 3);
    let listed = env.json(&["task", "list", "--json"]);
    assert_eq!(listed[0]["error_class"], "max_steps");
    assert_eq!(listed[0]["steps"], 3);
    assert_eq!(listed[0]["tool_calls"], 2);
    assert_eq!(listed[0]["tokens_used"], 75);
}

#[tokio::test]
async fn a_server_that_dies_fails_its_pending_call_and_is_started_again_once() {
    let (server, _) = scripted_on(
        "/v1/chat/completions",
        vec![
            tool_calls(&[("x", "faults__crash", "{}")], None),
            tool_calls(&[("y", "faults__echo", r#"{"text": "back"}"#)], None),
            ok("recovered"),
        ],
    )
    .await;
    let env = Env::new();
    let log = with_faults(&env, &server.uri(), "");
    let output = env.cmd(&run(&[])).output().expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output), "recovered\n");
    let bodies = request_bodies(&server).await;
    let result = |body: &Value| body["messages"].as_array().expect("m").last().cloned().expect("last");
    let crashed = result(&bodies[1]);
    assert!(crashed["content"].as_str().expect("c").contains("stopped during the call"), "{crashed}");
    assert_eq!(result(&bodies[2])["content"], "back");
    assert_eq!(server_calls(&log).len(), 2);
}

#[tokio::test]
async fn a_server_that_cannot_start_is_exit_2_naming_it_before_any_model_call() {
    let (server, script) = scripted_on("/v1/chat/completions", vec![ok("never")]).await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    let mut text = std::fs::read_to_string(env.providers_file()).expect("read");
    text.push_str(&format!("\n[mcp.broken]\ncommand = \"{}\"\nargs = [\"--fail-start\"]\n", fault_server().display()));
    text.push_str("\n[mcp.missing]\ncommand = \"/nonexistent/agentry-test-server\"\n");
    env.write_providers(&text);
    let args = ["task", "run", "--persona", "examples/code-reviewer", "--provider", "srv", "x", "--tools"];
    for (name, words) in
        [("broken", "tool server `broken` did not start"), ("missing", "cannot run `/nonexistent/agentry-test-server`")]
    {
        let mut all = args.to_vec();
        all.push(name);
        let output = env.cmd(&all).output().expect("run");
        assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
        assert!(stderr_of(&output).contains(words), "{}", stderr_of(&output));
    }
    // The server's stderr went to its log in the state folder.
    let paths = env.json(&["paths", "--json"]);
    let state_dir =
        PathBuf::from(paths["state_dir"]["path"].as_str().or(paths["state_dir"].as_str()).expect("state_dir"));
    let logged = std::fs::read_to_string(state_dir.join("logs/mcp/broken.log")).expect("log");
    assert!(logged.contains("failing at start, as asked"), "{logged}");
    let mut all = args.to_vec();
    all.push("nosuch");
    let output = env.cmd(&all).output().expect("run");
    assert_eq!(output.status.code(), Some(3), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("tool server `nosuch` is not in"), "{}", stderr_of(&output));
    assert_eq!(script.count(), 0);
}

#[tokio::test]
async fn native_anthropic_gets_tools_with_input_schema_and_tool_result_turns() {
    let (server, _) = scripted_on(
        "/v1/messages",
        vec![anthropic_tool_use(&[("toolu_1", "faults__add", json!({"a": 2, "b": 3}))]), anthropic_text("It is 5.")],
    )
    .await;
    let env = Env::new();
    let log = env.work().join("calls.jsonl");
    env.write_providers(&format!(
        "[providers.claude]\ntype = \"anthropic\"\nendpoint = \"{}/v1\"\nmodel = \"claude-test\"\napi_key = \"sk-ant-test-123456\"\n\n[mcp.faults]\ncommand = \"{}\"\nenv = {{ MCP_TEST_LOG = \"{}\" }}\n",
        server.uri(),
        fault_server().display(),
        log.display()
    ));
    let output = env
        .cmd(&[
            "task",
            "run",
            "--persona",
            "examples/code-reviewer",
            "--provider",
            "claude",
            "Add",
            "--tools",
            "faults",
            "--json",
        ])
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let result: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(result["response"], "It is 5.");
    assert_eq!(result["tokens_used"], 36 + 44);
    let bodies = request_bodies(&server).await;
    let add = bodies[0]["tools"]
        .as_array()
        .expect("tools")
        .iter()
        .find(|t| t["name"] == "faults__add")
        .cloned()
        .expect("add");
    assert_eq!(add["input_schema"]["required"], json!(["a", "b"]));
    assert!(bodies[0].get("tool_choice").is_none());
    let messages = bodies[1]["messages"].as_array().expect("messages");
    let n = messages.len();
    assert_eq!(messages[n - 2]["role"], "assistant");
    assert_eq!(
        messages[n - 2]["content"][1],
        json!({"type": "tool_use", "id": "toolu_1", "name": "faults__add", "input": {"a": 2, "b": 3}})
    );
    assert_eq!(messages[n - 1]["role"], "user");
    assert_eq!(messages[n - 1]["content"][0]["type"], "tool_result");
    assert_eq!(messages[n - 1]["content"][0]["tool_use_id"], "toolu_1");
    assert_eq!(server_calls(&log)[0]["args"], json!({"a": 2, "b": 3}));
}

#[tokio::test]
async fn failover_mid_loop_carries_the_transcript_to_an_anthropic_fallback() {
    let openai = wiremock::MockServer::start().await;
    // The first call asks for a tool; every later one is a 500 (retries off).
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(tool_calls(&[("call_9", "faults__echo", r#"{"text": "carried"}"#)], None))
        .up_to_n_times(1)
        .mount(&openai)
        .await;
    wiremock::Mock::given(wiremock::matchers::method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&openai)
        .await;
    let (claude, _) = scripted_on("/v1/messages", vec![anthropic_text("Carried over.")]).await;
    let env = Env::new();
    env.write_providers(&format!(
        "[providers.srv]\ntype = \"openai\"\nendpoint = \"{}/v1\"\nmodel = \"m\"\nretries = 0\nfallbacks = [\"claude\"]\n\n[providers.claude]\ntype = \"anthropic\"\nendpoint = \"{}/v1\"\nmodel = \"claude-test\"\napi_key = \"sk-ant-test-123456\"\n\n[mcp.faults]\ncommand = \"{}\"\n",
        openai.uri(),
        claude.uri(),
        fault_server().display()
    ));
    let output = env.cmd(&run(&["--json"])).output().expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let result: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(result["response"], "Carried over.");
    assert_eq!(result["provider_id"], "claude");
    let body = &request_bodies(&claude).await[0];
    let messages = body["messages"].as_array().expect("messages");
    let n = messages.len();
    assert_eq!(
        messages[n - 2]["content"].as_array().expect("c").iter().find(|b| b["type"] == "tool_use").expect("tool_use")["id"],
        "call_9"
    );
    assert_eq!(messages[n - 1]["content"][0]["tool_use_id"], "call_9");
    assert_eq!(messages[n - 1]["content"][0]["content"], "carried");
    assert!(body["tools"].as_array().expect("tools").iter().any(|t| t["name"] == "faults__echo"));
}

#[tokio::test]
async fn a_budget_refuses_the_step_that_would_pass_it() {
    // The first step reports 90,000 completion tokens: $0.09 spent.
    let mut body = tool_calls_body(&[("c", "faults__echo", r#"{"text": "x"}"#)], None);
    body["usage"] = json!({"prompt_tokens": 20, "completion_tokens": 90_000, "total_tokens": 90_020});
    let first = ResponseTemplate::new(200).set_body_json(body);
    let (server, script) = scripted_on("/v1/chat/completions", vec![first, ok("never")]).await;
    let env = Env::new();
    // $1 per million tokens each way; --max-tokens 100000 makes each step's estimate
    // about $0.1: the first fits $0.15, the second ($0.09 spent + $0.1) would pass it.
    with_faults(&env, &server.uri(), "[providers.srv.pricing]\ninput = 1.0\noutput = 1.0\n");
    let output = env.cmd(&run(&["--max-cost", "0.15", "--max-tokens", "100000"])).output().expect("run");
    assert_eq!(output.status.code(), Some(7), "{}", stderr_of(&output));
    assert_eq!(script.count(), 1);
}

#[tokio::test]
async fn the_environment_of_a_stdio_server_is_clean_and_its_secrets_are_never_stored() {
    let (server, _) = scripted_on(
        "/v1/chat/completions",
        vec![
            tool_calls(
                &[
                    ("k", "faults__env", r#"{"name": "OPENAI_API_KEY"}"#),
                    ("p", "faults__env", r#"{"name": "PATH"}"#),
                    ("t", "faults__env", r#"{"name": "GH_TOKEN"}"#),
                ],
                None,
            ),
            ok("ok"),
        ],
    )
    .await;
    let env = Env::new().with_var("OPENAI_API_KEY", "sk-provider-key-98765").with_var("MY_GH", "ghp-secret-token-4242");
    env.provider(&server.uri(), "api_key_env = \"OPENAI_API_KEY\"");
    let mut text = std::fs::read_to_string(env.providers_file()).expect("read");
    text.push_str(&format!(
        "\n[mcp.faults]\ncommand = \"{}\"\nenv = {{ GH_TOKEN = {{ env = \"MY_GH\" }} }}\n",
        fault_server().display()
    ));
    env.write_providers(&text);
    let output = env.cmd(&run(&["--json"])).output().expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let bodies = request_bodies(&server).await;
    let results: Vec<&Value> =
        bodies[1]["messages"].as_array().expect("m").iter().filter(|m| m["role"] == "tool").collect();
    assert_eq!(results[0]["content"], "(unset)");
    assert_ne!(results[1]["content"], "(unset)");
    // The model sees the token it asked for; no stored copy keeps it.
    assert_eq!(results[2]["content"], "ghp-secret-token-4242");
    let stored = all_files_text(env.state_dir());
    assert!(!stored.contains("ghp-secret-token-4242"), "a tool server's env value was stored");
    assert!(stored.contains("(redacted)"), "the body should be stored, redacted");
}

#[tokio::test]
async fn mcp_add_list_remove_and_tools() {
    let env = Env::new();
    let log = env.work().join("calls.jsonl").display().to_string();
    let env = env.with_var("MY_LOG", &log);
    let server = fault_server();
    let server = server.to_str().expect("utf-8 path");
    env.cmd(&["mcp", "add", "faults", "--env", "MCP_TEST_LOG=MY_LOG", "--", server, "--stderr", "hi"])
        .assert()
        .success();
    env.cmd(&["mcp", "add", "web", "--url", "http://127.0.0.1:9/mcp"]).assert().success();
    let text = std::fs::read_to_string(env.providers_file()).expect("read");
    assert!(text.contains("[mcp.faults]") && text.contains("MCP_TEST_LOG = { env = \"MY_LOG\" }"), "{text}");
    let listed = env.json(&["mcp", "list", "--json"]);
    assert_eq!(listed[0]["name"], "faults");
    assert_eq!(listed[0]["transport"], "stdio");
    assert_eq!(listed[0]["target"], format!("{server} --stderr hi"));
    assert_eq!(listed[1]["transport"], "http");
    let output = env.cmd(&["mcp", "add", "faults", "--", "x"]).output().expect("again");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("tool server `faults` already exists"), "{}", stderr_of(&output));

    let tools = env.json(&["mcp", "tools", "faults", "--json"]);
    let echo = tools.as_array().expect("list").iter().find(|t| t["name"] == "echo").cloned().expect("echo");
    assert_eq!(echo["description"], "Repeat the text back.");
    assert_eq!(echo["model_name"], "faults__echo");
    assert_eq!(echo["input_schema"]["properties"]["text"]["type"], "string");
    let plain = env.cmd(&["mcp", "tools", "faults"]).output().expect("plain");
    assert!(stdout_of(&plain).contains("echo  (the model calls it faults__echo)"), "{}", stdout_of(&plain));

    // An HTTP server that is not there is exit 2 naming it.
    let output = env.cmd(&["mcp", "tools", "web"]).output().expect("web");
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("tool server `web` did not start"), "{}", stderr_of(&output));

    // An agent that uses a server keeps it from being removed.
    env.cmd(&["agent", "spawn", "helper", "--provider", "mock", "--tools", "faults"]).assert().success();
    let output = env.cmd(&["mcp", "remove", "faults"]).output().expect("remove");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("in use by agent(s) helper"), "{}", stderr_of(&output));
    env.cmd(&["stop", "helper"]).assert().success();
    env.cmd(&["mcp", "remove", "faults"]).assert().success();
    env.cmd(&["mcp", "remove", "web"]).assert().success();
    assert_eq!(env.json(&["mcp", "list", "--json"]), json!([]));
    let output = env.cmd(&["mcp", "remove", "web"]).output().expect("again");
    assert_eq!(output.status.code(), Some(3));
}

#[tokio::test]
async fn a_broken_mcp_table_names_the_file_and_line() {
    let env = Env::new();
    env.write_providers("[mcp.both]\ncommand = \"x\"\nurl = \"http://h/mcp\"\n");
    let output = env.cmd(&["mcp", "list"]).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    let err = stderr_of(&output);
    assert!(
        err.contains("providers.toml:1") && err.contains("[mcp.both] set either `command` or `url`, not both"),
        "{err}"
    );
}

#[tokio::test]
async fn an_agents_tools_are_used_by_its_tasks_and_the_cache_is_never_used() {
    let (server, script) = scripted_on(
        "/v1/chat/completions",
        vec![
            tool_calls(&[("c", "faults__echo", r#"{"text": "a"}"#)], None),
            ok("first"),
            tool_calls(&[("d", "faults__echo", r#"{"text": "b"}"#)], None),
            ok("second"),
        ],
    )
    .await;
    let env = Env::new();
    with_faults(&env, &server.uri(), "cache = true");
    env.cmd(&["agent", "spawn", "doer", "--provider", "srv", "--tools", "faults"]).assert().success();
    assert_eq!(env.agent("doer")["tools"], json!(["faults"]));
    for expected in ["first", "second"] {
        let output = env.cmd(&["task", "run", "doer", "Same task"]).output().expect("run");
        assert!(output.status.success(), "{}", stderr_of(&output));
        assert_eq!(stdout_of(&output), format!("{expected}\n"));
    }
    assert_eq!(script.count(), 4);
}

/// A real MCP client (the official Rust SDK) on `agentry mcp serve` over stdio.
async fn serve_client(env: &Env, extra: &[&str]) -> rmcp::service::RunningService<rmcp::RoleClient, ()> {
    use rmcp::ServiceExt;
    let mut args = vec!["mcp", "serve"];
    args.extend_from_slice(extra);
    let cmd = tokio::process::Command::from(env.std_cmd(&args));
    let transport = rmcp::transport::TokioChildProcess::new(cmd).expect("spawn mcp serve");
    ().serve(transport).await.expect("handshake with agentry mcp serve")
}

fn call(name: &str, arguments: Value) -> rmcp::model::CallToolRequestParams {
    rmcp::model::CallToolRequestParams::new(name.to_string())
        .with_arguments(arguments.as_object().cloned().expect("object"))
}

fn text_of(result: &rmcp::model::CallToolResult) -> String {
    result.content.iter().filter_map(|c| c.as_text().map(|t| t.text.clone())).collect::<String>()
}

#[tokio::test]
async fn mcp_serve_offers_each_agent_as_a_tool_and_runs_calls_as_normal_tasks() {
    let env = Env::new();
    env.cmd(&["agent", "spawn", "reviewer", "--provider", "mock", "--persona", "examples/code-reviewer"])
        .assert()
        .success();
    env.cmd(&["agent", "spawn", "hidden", "--provider", "mock"]).assert().success();
    let client = serve_client(&env, &["--agents", "rev*"]).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(names, ["ask_reviewer", "list_agents", "agent_stats"]);
    let ask = &tools[0];
    assert!(ask.description.as_deref().expect("description").contains("persona examples/code-reviewer"), "{ask:?}");
    assert_eq!(ask.input_schema["required"], json!(["task"]));

    let result = client
        .call_tool(call("ask_reviewer", json!({"task": "Review the plan", "context": "step 1, step 2"})))
        .await
        .expect("tools/call");
    let answer = text_of(&result);
    assert_eq!(result.is_error, Some(false), "{answer}");
    assert!(answer.starts_with("[mock]") && answer.contains("Review the plan"), "{answer}");

    let listed = client.call_tool(call("list_agents", json!({}))).await.expect("list_agents");
    let agents: Value = serde_json::from_str(&text_of(&listed)).expect("json");
    assert_eq!(agents.as_array().expect("list").len(), 1);
    assert_eq!(agents[0]["tasks_completed"], 1);
    let stats = client.call_tool(call("agent_stats", json!({"agent": "hidden"}))).await.expect("agent_stats");
    assert_eq!(stats.is_error, Some(true));
    // A task on an agent that was stopped meanwhile is an error result, not a dead server.
    env.cmd(&["stop", "reviewer"]).assert().success();
    let gone = client.call_tool(call("ask_reviewer", json!({"task": "again"}))).await;
    assert!(gone.is_err() || gone.as_ref().is_ok_and(|r| r.is_error == Some(true)), "{gone:?}");
    client.cancel().await.expect("close");

    // The call was a normal task: in the history, on the agent.
    let history = env.json(&["task", "list", "--json"]);
    assert_eq!(history.as_array().expect("history").len(), 1);
    assert_eq!(history[0]["agent_name"], "reviewer");
    assert!(history[0]["success"].as_bool().expect("success"));
}

#[tokio::test]
async fn mcp_serve_over_http_needs_its_bearer_token() {
    use rmcp::ServiceExt;
    let env = Env::new();
    env.cmd(&["agent", "spawn", "helper", "--provider", "mock"]).assert().success();
    let output = env.cmd(&["mcp", "serve", "--http", "127.0.0.1:0"]).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("AGENTRY_MCP_TOKEN"), "{}", stderr_of(&output));
    let output = env
        .cmd(&["mcp", "serve", "--http", "0.0.0.0:0"])
        .env("AGENTRY_MCP_TOKEN", "a-long-enough-token-1234")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("loopback"), "{}", stderr_of(&output));

    // The SDK's HTTP client is reqwest 0.13 without a crypto provider of its own.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let port = closed_port();
    let token = "a-long-enough-token-1234";
    let env = env.with_var("AGENTRY_MCP_TOKEN", token);
    let mut server = env.background(&["mcp", "serve", "--http", &format!("127.0.0.1:{port}")]);
    server.wait_for_stderr("serving agentry's agents over MCP", std::time::Duration::from_secs(20));
    let url = format!("http://127.0.0.1:{port}/mcp");
    let refused = reqwest::Client::new()
        .post(&url)
        .header("content-type", "application/json")
        .header("accept", "application/json, text/event-stream")
        .body(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#)
        .send()
        .await
        .expect("post");
    assert_eq!(refused.status(), 401);
    let config = rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig::with_uri(url.as_str())
        .auth_header(token.to_string());
    let transport = rmcp::transport::StreamableHttpClientTransport::from_config(config);
    let client = ().serve(transport).await.expect("handshake over HTTP");
    let tools = client.list_all_tools().await.expect("tools/list");
    assert!(tools.iter().any(|t| t.name == "ask_helper"));
    let result = client.call_tool(call("ask_helper", json!({"task": "Say hi"}))).await.expect("call");
    assert!(text_of(&result).starts_with("[mock]"), "{}", text_of(&result));
    client.cancel().await.expect("close");
    send_signal(server.pid(), "INT");
    let (code, _, _) = server.finish();
    assert_eq!(code, Some(0));
    assert_eq!(env.json(&["task", "list", "--json"]).as_array().expect("list").len(), 1);
}
