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
    env.append_providers(&format!(
        "\n[mcp.faults]\ncommand = \"{}\"\nenv = {{ MCP_TEST_LOG = \"{}\" }}\n",
        fault_server().display(),
        log.display()
    ));
    log
}

/// What the fault server logged: starts (`event`) and calls (`tool`).
fn server_log(log: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("log line"))
        .collect()
}

/// The tool-result turns of an OpenAI request body, in order.
fn tool_turns(body: &Value) -> Vec<Value> {
    body["messages"].as_array().expect("messages").iter().filter(|m| m["role"] == "tool").cloned().collect()
}

/// The calls that reached the fault server.
fn server_calls(log: &std::path::Path) -> Vec<Value> {
    server_log(log).into_iter().filter(|l| l.get("tool").is_some()).collect()
}

/// The pids the fault server started under.
fn server_starts(log: &std::path::Path) -> Vec<u64> {
    server_log(log).iter().filter(|l| l["event"] == "start").filter_map(|l| l["pid"].as_u64()).collect()
}

/// Whether a process is still there.
fn alive(pid: u64) -> bool {
    std::path::Path::new(&format!("/proc/{pid}")).exists()
        && !std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default().contains(") Z ")
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
    let log = with_faults(&env, &server.uri(), "[providers.srv.pricing]\ninput = 1.0\noutput = 2.0\n");
    let output = env.cmd(&run(&["--json"])).output().expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let result: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(result["response"], "It said hello tools.");
    // Cost is the sum over the steps: (20 + 5*2 + 11 + 7*2) tokens-worth at $1 a million.
    let cost = result["cost_usd"].as_f64().expect("cost");
    assert!((cost - 55e-6).abs() < 1e-12, "{cost}");
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
    assert!(text.contains("-> call call_1: faults__echo {\"text\": \"hello tools\"}"), "{text}");
    assert!(text.contains("<- call_1: hello tools"), "{text}");
    let shown = env.json(&["task", "show", id, "--json"]);
    let turns = shown["conversation"].as_array().expect("conversation");
    let asked = turns.iter().find(|t| t.get("tool_calls").is_some()).expect("a turn with tool calls");
    assert_eq!(asked["tool_calls"][0]["name"], "faults__echo");
    let answered = turns.iter().find(|t| t["role"] == "tool").expect("a tool turn");
    assert_eq!(answered["results"][0], json!({"call_id": "call_1", "content": "hello tools", "is_error": false}));
    assert_eq!(turns.last().expect("last")["content"], "It said hello tools.");
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
    let results = tool_turns(&bodies[1]);
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
    let results = tool_turns(&bodies[1]);
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
    let results = tool_turns(&bodies[1]);
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
    // Started twice (the restart), and nothing left running.
    let starts = server_starts(&log);
    assert_eq!(starts.len(), 2, "{starts:?}");
    assert!(starts.iter().all(|pid| !alive(*pid)), "a tool server outlived the task: {starts:?}");
}

#[tokio::test]
async fn a_server_that_cannot_start_is_exit_2_naming_it_before_any_model_call() {
    let (server, script) = scripted_on("/v1/chat/completions", vec![ok("never")]).await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    env.append_providers(&format!(
        "\n[mcp.broken]\ncommand = \"{}\"\nargs = [\"--fail-start\"]\n",
        fault_server().display()
    ));
    env.append_providers("\n[mcp.missing]\ncommand = \"/nonexistent/agentry-test-server\"\n");
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
    env.append_providers(&format!(
        "\n[mcp.faults]\ncommand = \"{}\"\nenv = {{ GH_TOKEN = {{ env = \"MY_GH\" }} }}\n",
        fault_server().display()
    ));
    let output = env.cmd(&run(&["--json"])).output().expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let bodies = request_bodies(&server).await;
    let results = tool_turns(&bodies[1]);
    assert_eq!(results[0]["content"], "(unset)");
    assert_ne!(results[1]["content"], "(unset)");
    // The model sees the token it asked for; no stored copy keeps it.
    assert_eq!(results[2]["content"], "ghp-secret-token-4242");
    let mut stored = all_files_text(env.state_dir());
    if on_redis_suite() {
        stored.push_str(&env.redis_text(""));
    }
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

#[tokio::test]
async fn a_batch_starts_each_tool_server_once_for_every_lane() {
    let (server, _) = scripted_on(
        "/v1/chat/completions",
        vec![
            tool_calls(&[("c1", "faults__echo", r#"{"text": "one"}"#)], None),
            tool_calls(&[("c2", "faults__echo", r#"{"text": "two"}"#)], None),
            ok("done"),
        ],
    )
    .await;
    let env = Env::new();
    let log = with_faults(&env, &server.uri(), "");
    let lines = [
        json!({"id": 1, "description": "a", "persona": "examples/code-reviewer", "provider": "srv", "tools": ["faults"]}),
        json!({"id": 2, "description": "b", "persona": "examples/code-reviewer", "provider": "srv", "tools": ["faults"], "deny_tool": ["faults.add"]}),
        json!({"id": 3, "description": "c", "persona": "examples/code-reviewer", "provider": "srv"}),
    ];
    let file = env.work().join("tasks.jsonl");
    std::fs::write(&file, lines.iter().map(|l| format!("{l}\n")).collect::<String>()).expect("write");
    let output = env.cmd(&["task", "run", "--file", "tasks.jsonl", "--parallel", "3"]).output().expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let results: Vec<Value> = stdout_of(&output).lines().map(|l| serde_json::from_str(l).expect("line")).collect();
    assert_eq!(results.len(), 3);
    assert!(results.iter().all(|r| r["success"] == true), "{results:?}");
    let starts = server_starts(&log);
    assert_eq!(starts.len(), 1, "one start for the whole batch: {starts:?}");
    assert_eq!(server_calls(&log).len(), 2);
    assert!(!alive(starts[0]), "the tool server outlived the batch");
    // Line 3 named no tools: its request offered none; line 2 was not offered `add`.
    let bodies = request_bodies(&server).await;
    let untooled = bodies.iter().filter(|b| b.get("tools").is_none()).count();
    assert_eq!(untooled, 1, "{bodies:?}");
    assert!(
        bodies
            .iter()
            .filter_map(|b| b["tools"].as_array())
            .any(|t| t.iter().all(|t| t["function"]["name"] != "faults__add"))
    );
}

#[tokio::test]
async fn sigint_ends_the_task_and_its_tool_servers() {
    let (server, _) =
        scripted_on("/v1/chat/completions", vec![tool_calls(&[("s", "faults__slow", r#"{"ms": 30000}"#)], None)]).await;
    let env = Env::new();
    let log = with_faults(&env, &server.uri(), "");
    let run = env.background(&run(&[]));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    // The call is in flight once the model asked for it.
    while request_bodies(&server).await.is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    std::thread::sleep(std::time::Duration::from_millis(300));
    send_signal(run.pid(), "INT");
    let (code, _, _) = run.finish();
    assert_eq!(code, Some(130));
    let starts = server_starts(&log);
    assert_eq!(starts.len(), 1);
    let gone = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while alive(starts[0]) && std::time::Instant::now() < gone {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(!alive(starts[0]), "the tool server outlived SIGINT");
    let listed = env.json(&["task", "list", "--json"]);
    assert_eq!(listed[0]["error_class"], "interrupted");
}

#[tokio::test]
async fn schema_applies_to_the_final_answer_after_the_tools() {
    let (server, _) = scripted_on(
        "/v1/chat/completions",
        vec![tool_calls(&[("c", "faults__add", r#"{"a": 2, "b": 2}"#)], None), ok(r#"{"sum": 4}"#)],
    )
    .await;
    let env = Env::new();
    with_faults(&env, &server.uri(), "");
    let output = env.cmd(&run(&["--schema", "sum int"])).output().expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output), "{\"sum\":4}\n");
    let bodies = request_bodies(&server).await;
    assert!(bodies[0]["response_format"].is_object() && bodies[0]["tools"].is_array());
}

#[tokio::test]
async fn the_http_transport_reaches_a_streamable_http_server_with_its_secret_header() {
    // agentry's own `mcp serve --http` is a real streamable-HTTP MCP server.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let token = "http-header-secret-7777";
    let env = Env::new().with_var("AGENTRY_MCP_TOKEN", token).with_var("SERVE_TOKEN", &format!("Bearer {token}"));
    let (server, _) = scripted_on(
        "/v1/chat/completions",
        vec![tool_calls(&[("h", "self__ask_helper", r#"{"task": "inner"}"#)], None), ok("outer done")],
    )
    .await;
    let port = closed_port();
    env.provider(&server.uri(), "");
    env.append_providers(&format!("\n[mcp.self]\nurl = \"http://127.0.0.1:{port}/mcp\"\nheaders = {{ Authorization = {{ env = \"SERVE_TOKEN\" }} }}\n"));
    env.cmd(&["agent", "spawn", "helper", "--provider", "mock"]).assert().success();
    let mut serving = env.background(&["mcp", "serve", "--http", &format!("127.0.0.1:{port}"), "--agents", "helper"]);
    serving.wait_for_stderr("serving agentry's agents over MCP", std::time::Duration::from_secs(20));
    let output = env
        .cmd(&[
            "task",
            "run",
            "--persona",
            "examples/code-reviewer",
            "--provider",
            "srv",
            "Go",
            "--tools",
            "self",
            "--json",
        ])
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let bodies = request_bodies(&server).await;
    let result = bodies[1]["messages"].as_array().expect("m").last().cloned().expect("last");
    assert!(result["content"].as_str().expect("c").starts_with("[mock]"), "{result}");
    send_signal(serving.pid(), "INT");
    let _ = serving.finish();
    let mut stored = all_files_text(env.state_dir());
    if on_redis_suite() {
        stored.push_str(&env.redis_text(""));
    }
    assert!(!stored.contains(token), "the header's token was stored");
}

fn sse(chunks: &[Value]) -> ResponseTemplate {
    let mut body: String = chunks.iter().map(|c| format!("data: {c}\n\n")).collect();
    body.push_str("data: [DONE]\n\n");
    ResponseTemplate::new(200)
        .insert_header("content-type", "text/event-stream")
        .set_body_raw(body, "text/event-stream")
}

#[tokio::test]
async fn stream_prints_each_steps_text_as_it_comes() {
    let delta = |d: Value, finish: Option<&str>| json!({"id": "c", "object": "chat.completion.chunk", "model": "m", "choices": [{"index": 0, "delta": d, "finish_reason": finish}]});
    let first = sse(&[
        delta(json!({"role": "assistant", "content": "Checking."}), None),
        delta(
            json!({"tool_calls": [{"index": 0, "id": "s1", "type": "function", "function": {"name": "faults__echo", "arguments": "{\"text\":"}}]}),
            None,
        ),
        delta(json!({"tool_calls": [{"index": 0, "function": {"arguments": " \"streamed\"}"}}]}), None),
        delta(json!({}), Some("tool_calls")),
    ]);
    let second = sse(&[delta(json!({"content": "Done."}), None), delta(json!({}), Some("stop"))]);
    let (server, _) = scripted_on("/v1/chat/completions", vec![first, second]).await;
    let env = Env::new();
    let log = with_faults(&env, &server.uri(), "");
    let output = env.cmd(&run(&["--stream"])).output().expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output), "Checking.\nDone.\n");
    assert_eq!(server_calls(&log)[0]["args"], json!({"text": "streamed"}));
    let bodies = request_bodies(&server).await;
    assert_eq!(bodies[1]["messages"].as_array().expect("m").last().expect("last")["content"], "streamed");
}

/// The npm packages `.ci/run` installs: `AGENTRY_MCP_SERVERS` is their node_modules.
fn reference_server(package: &str) -> PathBuf {
    let dir = std::env::var("AGENTRY_MCP_SERVERS")
        .expect("AGENTRY_MCP_SERVERS must name the node_modules of the MCP servers");
    PathBuf::from(dir).join("@modelcontextprotocol").join(package).join("dist/index.js")
}

#[tokio::test]
#[ignore = "needs @modelcontextprotocol/server-everything and server-filesystem (npm); run by .ci/run"]
async fn reference_servers_everything_and_filesystem_over_stdio() {
    let (server, _) = scripted_on(
        "/v1/chat/completions",
        vec![
            tool_calls(
                &[
                    ("e", "every__echo", r#"{"message": "from the reference server"}"#),
                    ("s", "every__get-sum", r#"{"a": 2, "b": 40}"#),
                    ("i", "every__get-tiny-image", "{}"),
                    ("r", "fs__read_text_file", r#"{"path": "notes.txt"}"#),
                    ("w", "fs__write_file", r#"{"path": "evil.txt", "content": "x"}"#),
                ],
                None,
            ),
            ok("all read"),
        ],
    )
    .await;
    let env = Env::new().with_var("OPENAI_API_KEY", "sk-never-passed-5555");
    let work = env.work();
    std::fs::write(work.join("notes.txt"), "the notes say hi\n").expect("write");
    env.provider(&server.uri(), "api_key_env = \"OPENAI_API_KEY\"");
    env.append_providers(&format!(
        "\n[mcp.every]\ncommand = \"node\"\nargs = [\"{}\"]\n\n[mcp.fs]\ncommand = \"node\"\nargs = [\"{}\", \"{}\"]\ncwd = \"{}\"\n",
        reference_server("server-everything").display(),
        reference_server("server-filesystem").display(),
        work.display(),
        work.display()
    ));
    let output = env
        .cmd(&[
            "task",
            "run",
            "--persona",
            "examples/code-reviewer",
            "--provider",
            "srv",
            "Read",
            "--tools",
            "every,fs",
            "--deny-tool",
            "fs.write*",
            "--json",
        ])
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let result: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(result["tool_calls"], 5);
    let bodies = request_bodies(&server).await;
    let offered: Vec<&str> =
        bodies[0]["tools"].as_array().expect("tools").iter().filter_map(|t| t["function"]["name"].as_str()).collect();
    assert!(offered.contains(&"every__echo") && offered.contains(&"fs__read_text_file"), "{offered:?}");
    assert!(!offered.contains(&"fs__write_file"));
    let results: Vec<String> =
        tool_turns(&bodies[1]).iter().map(|m| m["content"].as_str().unwrap_or_default().to_string()).collect();
    assert!(results[0].contains("from the reference server"), "{}", results[0]);
    assert!(results[1].contains("42"), "{}", results[1]);
    assert!(results[2].contains("[image: image/png]"), "{}", results[2]);
    assert!(results[3].contains("the notes say hi"), "{}", results[3]);
    assert!(results[4].contains("there is no tool"), "{}", results[4]);
    assert!(!work.join("evil.txt").exists());
}

#[tokio::test]
#[ignore = "needs @modelcontextprotocol/server-everything (npm); run by .ci/run"]
async fn reference_server_everything_over_streamable_http() {
    let port = closed_port();
    let mut node = std::process::Command::new("node")
        .arg(reference_server("server-everything"))
        .arg("streamableHttp")
        .env("PORT", port.to_string())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start server-everything");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let (server, _) = scripted_on(
        "/v1/chat/completions",
        vec![tool_calls(&[("e", "web__echo", r#"{"message": "over http"}"#)], None), ok("fine")],
    )
    .await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    env.append_providers(&format!("\n[mcp.web]\nurl = \"http://127.0.0.1:{port}/mcp\"\n"));
    let output = env
        .cmd(&["task", "run", "--persona", "examples/code-reviewer", "--provider", "srv", "x", "--tools", "web"])
        .output()
        .expect("run");
    let _ = node.kill();
    let _ = node.wait();
    assert!(output.status.success(), "{}", stderr_of(&output));
    let bodies = request_bodies(&server).await;
    let last = bodies[1]["messages"].as_array().expect("m").last().cloned().expect("last");
    assert!(last["content"].as_str().expect("c").contains("over http"), "{last}");
}

#[test]
#[ignore = "needs the Python `mcp` SDK; run by .ci/run"]
fn python_mcp_sdk_host_delegates_to_agentry() {
    let python =
        std::env::var("AGENTRY_MCP_PYTHON").expect("AGENTRY_MCP_PYTHON must be a Python with the `mcp` package");
    let env = Env::new();
    env.cmd(&["agent", "spawn", "reviewer", "--provider", "mock", "--persona", "examples/code-reviewer"])
        .assert()
        .success();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mcp_client.py");
    let script = script.to_str().expect("utf-8");
    let output = env
        .other(
            std::path::Path::new(&python),
            &[script, "ask_reviewer", r#"{"task": "Review from Python"}"#, "--", BIN, "mcp", "serve"],
        )
        .output()
        .expect("run python");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let seen: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(seen["tools"], json!(["ask_reviewer", "list_agents", "agent_stats"]));
    assert_eq!(seen["is_error"], false);
    assert!(seen["text"].as_str().expect("text").contains("Review from Python"), "{seen}");
    let listed = env.json(&["task", "list", "--json"]);
    assert_eq!(listed.as_array().expect("list").len(), 1);
    assert_eq!(listed[0]["agent_name"], "reviewer");
}

#[tokio::test]
async fn stop_cancels_a_task_waiting_on_a_tool() {
    let (server, _) =
        scripted_on("/v1/chat/completions", vec![tool_calls(&[("s", "faults__slow", r#"{"ms": 30000}"#)], None)]).await;
    let env = Env::new();
    let log = with_faults(&env, &server.uri(), "");
    env.cmd(&["agent", "spawn", "busy", "--provider", "srv", "--tools", "faults"]).assert().success();
    let run = env.background(&["task", "run", "busy", "Wait for it"]);
    env.wait_for_status("busy", "working", std::time::Duration::from_secs(20));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while request_bodies(&server).await.is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    env.cmd(&["stop", "busy"]).assert().success();
    let (code, _, _) = run.finish();
    assert_eq!(code, Some(9));
    let starts = server_starts(&log);
    let gone = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while starts.iter().any(|pid| alive(*pid)) && std::time::Instant::now() < gone {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(starts.iter().all(|pid| !alive(*pid)), "a tool server outlived the stopped task");
    assert_eq!(env.json(&["task", "list", "--json"])[0]["error_class"], "cancelled");
}

#[tokio::test]
async fn native_anthropic_with_a_schema_and_tools_ends_on_the_schema_tool() {
    let (server, _) = scripted_on(
        "/v1/messages",
        vec![
            anthropic_tool_use(&[("toolu_1", "faults__add", json!({"a": 2, "b": 3}))]),
            anthropic_tool_use(&[("toolu_2", "answer", json!({"sum": 5}))]),
        ],
    )
    .await;
    let env = Env::new();
    env.write_providers(&format!(
        "[providers.claude]\ntype = \"anthropic\"\nendpoint = \"{}/v1\"\nmodel = \"claude-test\"\napi_key = \"sk-ant-test-123456\"\n\n[mcp.faults]\ncommand = \"{}\"\n",
        server.uri(),
        fault_server().display()
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
            "--schema",
            "sum int",
        ])
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output), "{\"sum\":5}\n");
    let bodies = request_bodies(&server).await;
    assert_eq!(bodies[0]["tool_choice"], json!({"type": "any"}));
    let names: Vec<&str> =
        bodies[0]["tools"].as_array().expect("tools").iter().filter_map(|t| t["name"].as_str()).collect();
    assert!(names.contains(&"answer") && names.contains(&"faults__add"), "{names:?}");
}

#[tokio::test]
async fn a_loop_that_fails_later_still_counts_the_steps_it_was_billed_for() {
    let (server, _) = scripted_on(
        "/v1/chat/completions",
        vec![tool_calls(&[("c", "faults__echo", r#"{"text": "x"}"#)], None), ResponseTemplate::new(400)],
    )
    .await;
    let env = Env::new();
    with_faults(&env, &server.uri(), "retries = 0");
    env.cmd(&["agent", "spawn", "worker", "--provider", "srv", "--tools", "faults"]).assert().success();
    let output = env.cmd(&["task", "run", "worker", "Go"]).output().expect("run");
    assert_eq!(output.status.code(), Some(4), "{}", stderr_of(&output));
    let listed = env.json(&["task", "list", "--json"]);
    assert_eq!((listed[0]["success"].as_bool(), listed[0]["steps"].as_u64()), (Some(false), Some(2)));
    assert_eq!(listed[0]["tokens_used"], 25);
    assert_eq!(env.agent("worker")["tokens_used"], 25);
}

#[tokio::test]
async fn timeout_bounds_the_whole_loop_tool_calls_included() {
    let (server, _) =
        scripted_on("/v1/chat/completions", vec![tool_calls(&[("s", "faults__slow", r#"{"ms": 10000}"#)], None)]).await;
    let env = Env::new();
    with_faults(&env, &server.uri(), "");
    let started = std::time::Instant::now();
    let output = env.cmd(&run(&["--timeout", "1s"])).output().expect("run");
    assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("the tool calls did not finish within the task's 1 s (--timeout)"),
        "{}",
        stderr_of(&output)
    );
    assert!(started.elapsed() >= std::time::Duration::from_secs(1));
}

#[tokio::test]
async fn an_http_servers_url_credentials_never_show_in_its_start_error() {
    let env = Env::new();
    let port = closed_port();
    env.write_providers(&format!("[mcp.web]\nurl = \"http://agent:hunter2-url-secret@127.0.0.1:{port}/mcp\"\n"));
    let output = env.cmd(&["mcp", "tools", "web"]).output().expect("run");
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    let err = stderr_of(&output);
    assert!(err.contains("tool server `web` did not start"), "{err}");
    assert!(!err.contains("hunter2-url-secret"), "{err}");
    let listed = env.json(&["mcp", "list", "--json"]);
    assert!(!listed.to_string().contains("hunter2-url-secret"), "{listed}");
}

#[tokio::test]
async fn mcp_serve_declares_a_schema_personas_output_and_returns_it_structured() {
    let env = Env::new();
    let folder = env.work().join("personas/team/judge");
    std::fs::create_dir_all(&folder).expect("mkdir");
    std::fs::write(folder.join("PERSONA.md"), "## Character\nA careful judge of releases.\n").expect("write");
    std::fs::write(folder.join("AI_START_HERE.md"), "## Your Mission\nSay whether to ship.\n").expect("write");
    std::fs::write(
        folder.join("schema.json"),
        r#"{"type": "object", "properties": {"verdict": {"enum": ["ship", "hold"]}}, "required": ["verdict"], "additionalProperties": false}"#,
    )
    .expect("write");
    env.cmd(&["agent", "spawn", "judge", "--provider", "mock", "--persona", "team/judge"]).assert().success();
    let client = serve_client(&env, &[]).await;
    let tools = client.list_all_tools().await.expect("tools/list");
    let ask = tools.iter().find(|t| t.name == "ask_judge").expect("ask_judge");
    let description = ask.description.as_deref().expect("description");
    assert!(
        description.contains("A careful judge of releases.") && description.contains("Say whether to ship."),
        "{description}"
    );
    let output = ask.output_schema.as_ref().expect("an output schema");
    assert_eq!(output["required"], json!(["verdict"]));
    let result = client.call_tool(call("ask_judge", json!({"task": "Ship v2?"}))).await.expect("call");
    assert_eq!(result.structured_content, Some(json!({"verdict": "ship"})));
    assert_eq!(text_of(&result), r#"{"verdict":"ship"}"#);
    client.cancel().await.expect("close");
}

#[tokio::test]
async fn a_servers_stderr_goes_to_its_log_or_through_with_verbose() {
    let env = Env::new();
    let server = fault_server();
    env.cmd(&["mcp", "add", "talky", "--", server.to_str().expect("utf-8"), "--stderr", "talky-says-hello"])
        .assert()
        .success();
    let quiet = env.cmd(&["mcp", "tools", "talky"]).output().expect("run");
    assert!(quiet.status.success(), "{}", stderr_of(&quiet));
    assert!(!stderr_of(&quiet).contains("talky-says-hello"));
    let paths = env.json(&["paths", "--json"]);
    let state_dir = PathBuf::from(paths["state_dir"]["path"].as_str().expect("state_dir"));
    let logged = std::fs::read_to_string(state_dir.join("logs/mcp/talky.log")).expect("log");
    assert!(logged.contains("talky-says-hello"), "{logged}");
    let verbose = env.cmd(&["mcp", "tools", "talky", "-v"]).output().expect("run");
    assert!(stderr_of(&verbose).contains("talky-says-hello"), "{}", stderr_of(&verbose));
}
