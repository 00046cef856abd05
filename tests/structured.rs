//! Structured output (issue #16): `--schema` on the wire of each protocol, the local
//! check and its repair round, exit 10, the mock's value, `schema show`, a persona's
//! `schema.json`, batches with per-line schemas, and the cache keeping only valid
//! answers. Every test runs the real binary against wiremock.

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

const CONCISE: &str = "risk int, reasons [string], summary: one sentence";

fn with_finish(content: &str, finish: &str, prompt: u64, completion_tokens: u64) -> ResponseTemplate {
    let mut body = completion(content, prompt, completion_tokens);
    body["choices"][0]["finish_reason"] = finish.into();
    ResponseTemplate::new(200).set_body_json(body)
}

fn one_shot<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["task", "run", "--persona", "examples/code-reviewer", "--provider", "srv", "Rate this change"];
    args.extend_from_slice(extra);
    args
}

#[tokio::test]
async fn the_schema_goes_out_as_response_format_and_the_value_comes_back_as_one_line() {
    let (server, _) = scripted_on(
        "/v1/chat/completions",
        vec![ok(r#"{"risk": 2, "reasons": ["no tests"], "summary": "ok"}"#), ok(r#"{"a": "x", "extra": true}"#)],
    )
    .await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    let output = env.cmd(&one_shot(&["--schema", CONCISE])).output().expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output), "{\"risk\":2,\"reasons\":[\"no tests\"],\"summary\":\"ok\"}\n");
    let body = &request_bodies(&server).await[0];
    let shown = env.json(&["schema", "show", CONCISE]);
    assert_eq!(
        body["response_format"],
        json!({"type": "json_schema", "json_schema": {"name": "answer", "schema": shown, "strict": true}})
    );
    // The system prompt is the persona's alone: the wire carries the schema.
    assert!(!body["messages"][0]["content"].as_str().expect("system").contains("JSON Schema"));

    // A schema that breaks the strict rules goes out with strict false.
    let loose =
        r#"{"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "integer"}}, "required": ["a"]}"#;
    let output = env.cmd(&one_shot(&["--schema", loose, "--pretty"])).output().expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output), "{\n  \"a\": \"x\",\n  \"extra\": true\n}\n");
    let body = &request_bodies(&server).await[1];
    assert_eq!(body["response_format"]["json_schema"]["strict"], false);
    assert_eq!(body["response_format"]["json_schema"]["schema"], serde_json::from_str::<Value>(loose).expect("json"));
}

#[tokio::test]
async fn json_object_and_prompt_modes_put_the_schema_in_the_system_prompt() {
    let (server, _) =
        scripted_on("/v1/chat/completions", vec![ok(r#"{"risk": 1, "reasons": [], "summary": "s"}"#)]).await;
    let env = Env::new();
    for (mode, format) in [("json_object", json!({"type": "json_object"})), ("prompt", Value::Null)] {
        env.provider(&server.uri(), &format!("structured_output = \"{mode}\""));
        let output = env.cmd(&one_shot(&["--schema", CONCISE])).output().expect("run");
        assert!(output.status.success(), "{mode}: {}", stderr_of(&output));
        let all = request_bodies(&server).await;
        let body = all.last().expect("a request");
        assert_eq!(body.get("response_format").cloned().unwrap_or(Value::Null), format, "{mode}");
        let system = body["messages"][0]["content"].as_str().expect("system");
        assert!(system.contains("matches this JSON Schema") && system.contains("\"risk\""), "{mode}: {system}");
    }
    env.write_providers(&format!(
        "[providers.srv]\ntype = \"openai\"\nendpoint = \"{}/v1\"\nstructured_output = \"yaml\"\n",
        server.uri()
    ));
    let output = env.cmd(&one_shot(&["--schema", CONCISE])).output().expect("run");
    assert_eq!(output.status.code(), Some(2), "an unknown mode is refused");
    let stderr = stderr_of(&output);
    assert!(stderr.contains("providers.toml:4:") && stderr.contains("`json_schema`"), "{stderr}");
}

#[tokio::test]
async fn an_invalid_answer_gets_one_repair_round_that_lists_the_violations_and_counts_its_tokens() {
    let (server, script) = scripted_on(
        "/v1/chat/completions",
        vec![
            ResponseTemplate::new(200).set_body_json(completion(r#"{"risk": "high"}"#, 100, 10)),
            ResponseTemplate::new(200).set_body_json(completion(
                "```json\n{\"risk\": 3, \"reasons\": [\"x\"], \"summary\": \"s\"}\n```",
                150,
                20,
            )),
        ],
    )
    .await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    let output = env.cmd(&one_shot(&["--schema", CONCISE, "--json"])).output().expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let result: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(result["data"], json!({"risk": 3, "reasons": ["x"], "summary": "s"}), "the fenced answer is unwrapped");
    assert_eq!((result["prompt_tokens"].as_u64(), result["completion_tokens"].as_u64()), (Some(250), Some(30)));
    assert_eq!(result["attempts"], 2);
    assert_eq!(script.count(), 2);
    let all = request_bodies(&server).await;
    let messages = all[1]["messages"].as_array().expect("messages");
    assert_eq!(messages.len(), 4, "system, user, the invalid answer, the repair turn");
    assert_eq!(messages[2], json!({"role": "assistant", "content": "{\"risk\": \"high\"}"}));
    let repair = messages[3]["content"].as_str().expect("repair");
    assert_eq!(messages[3]["role"], "user");
    assert!(repair.contains("- /risk: ") && repair.contains("\"high\" is not of type \"integer\""), "{repair}");
    assert!(repair.contains("\"reasons\" is a required property"), "{repair}");
    assert_eq!(messages[..2], all[0]["messages"].as_array().expect("first")[..]);
    let line: Value = serde_json::from_str(env.history_text().lines().last().expect("line")).expect("history");
    assert_eq!((line["schema_valid"].clone(), line["data"]["risk"].clone()), (json!(true), json!(3)));
}

#[tokio::test]
async fn still_invalid_after_the_repair_is_exit_10_with_nothing_on_stdout() {
    let (server, script) = scripted_on("/v1/chat/completions", vec![ok("not json at all")]).await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    env.spawn("rev", "srv");
    let output = env.cmd(&["task", "run", "rev", "Rate", "--schema", CONCISE]).output().expect("run");
    assert_eq!(output.status.code(), Some(10), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output), "");
    let stderr = stderr_of(&output);
    assert!(
        stderr.starts_with(
            "error: the answer does not match the schema after 1 repair round: (root): the answer is not JSON"
        ),
        "{stderr}"
    );
    assert_eq!(script.count(), 2);
    // --json: the raw answer stays, data is null, the class says schema; both rounds' tokens count.
    let output = env
        .cmd(&["task", "run", "rev", "Rate", "--schema", CONCISE, "--json", "--schema-retries", "0"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(10));
    let result: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(
        (result["response"].clone(), result["data"].clone(), result["error_class"].clone(), result["success"].clone()),
        (json!("not json at all"), Value::Null, json!("schema"), json!(false))
    );
    assert_eq!(script.count(), 3, "--schema-retries 0: no repair round");
    let agent = env.agent("rev");
    assert_eq!(agent["tokens_used"], 18 * 3, "every answered round counts: {agent}");
    let line: Value = serde_json::from_str(env.history_text().lines().last().expect("line")).expect("history");
    assert_eq!((line["schema_valid"].clone(), line["error_class"].clone()), (json!(false), json!("schema")));
    let id = line["task_id"].as_str().expect("id");
    let shown = env.json(&["task", "show", id, "--json"]);
    assert!(shown.to_string().contains("not json at all"), "the raw answer is in the body: {shown}");
}

#[tokio::test]
async fn a_cut_answer_under_a_schema_is_exit_10_with_a_hint_and_no_repair() {
    let (server, script) =
        scripted_on("/v1/chat/completions", vec![with_finish("{\"risk\": 1, \"reas", "length", 10, 8)]).await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    let output = env.cmd(&one_shot(&["--schema", CONCISE, "--max-tokens", "8"])).output().expect("run");
    assert_eq!(output.status.code(), Some(10));
    assert_eq!(stdout_of(&output), "");
    let stderr = stderr_of(&output);
    assert!(stderr.contains("cut at the token limit (finish_reason: length)"), "{stderr}");
    assert!(stderr.contains("hint: raise --max-tokens"), "{stderr}");
    assert_eq!(script.count(), 1);
}

#[tokio::test]
async fn schema_multi_asks_for_items_and_prints_the_array() {
    let (server, _) =
        scripted_on("/v1/chat/completions", vec![ok(r#"{"items": [{"name": "a"}, {"name": "b"}]}"#)]).await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    let output = env.cmd(&one_shot(&["--schema-multi", "name"])).output().expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output), "[{\"name\":\"a\"},{\"name\":\"b\"}]\n");
    let body = &request_bodies(&server).await[0];
    assert_eq!(body["response_format"]["json_schema"]["schema"], env.json(&["schema", "show", "name", "--multi"]));
    assert_eq!(body["response_format"]["json_schema"]["strict"], true);
    let output = env.cmd(&one_shot(&["--schema-multi", "name", "--schema", "x"])).output().expect("run");
    assert_eq!(output.status.code(), Some(2), "the two exclude each other");
}

#[test]
fn schema_show_prints_the_documented_schemas_and_points_at_a_syntax_error() {
    let env = Env::new();
    assert_eq!(
        env.json(&["schema", "show", "name, age int, score float, ok bool, tags [string], summary: one sentence"]),
        json!({
            "type": "object",
            "properties": {
                "name": {"type": "string"}, "age": {"type": "integer"}, "score": {"type": "number"},
                "ok": {"type": "boolean"}, "tags": {"type": "array", "items": {"type": "string"}},
                "summary": {"type": "string", "description": "one sentence"}
            },
            "required": ["name", "age", "score", "ok", "tags", "summary"],
            "additionalProperties": false
        })
    );
    assert_eq!(
        env.json(&["schema", "show", "name", "--multi"]),
        json!({
            "type": "object",
            "properties": {"items": {"type": "array", "items": {
                "type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"], "additionalProperties": false
            }}},
            "required": ["items"],
            "additionalProperties": false
        })
    );
    let yaml = env.work().join("s.yaml");
    std::fs::write(&yaml, "type: object\nproperties:\n  id: {type: integer}\nrequired: [id]\n").expect("write");
    assert_eq!(env.json(&["schema", "show", yaml.to_str().expect("path")])["properties"]["id"]["type"], "integer");
    let output = env.cmd(&["schema", "show", "name, age numbr"]).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_of(&output).contains("unknown type `numbr` for `age`") && stderr_of(&output).contains("at character 11")
    );
    let output = env.cmd(&["schema", "show", "{\"type\": \"object\",}"]).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("line 1 column 19"), "{}", stderr_of(&output));
    let output = env.cmd(&["schema", "show", "{\"type\": \"nothing\"}"]).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("is not a valid JSON Schema"), "{}", stderr_of(&output));
}

#[test]
fn the_mock_answers_a_value_that_matches_so_a_pipeline_can_be_dry_run() {
    let env = Env::new();
    let run = |extra: &[&str]| {
        let mut args = vec!["task", "run", "--persona", "examples/code-reviewer", "--provider", "mock", "x"];
        args.extend_from_slice(extra);
        env.cmd(&args).output().expect("run")
    };
    let output = run(&["--schema", CONCISE]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output), "{\"risk\":0,\"reasons\":[\"\"],\"summary\":\"\"}\n");
    let bounded = r#"{"type":"object","properties":{"level":{"enum":["low","high"]},"n":{"type":"integer","minimum":3},"code":{"type":"string","minLength":2}},"required":["level","n","code"]}"#;
    assert_eq!(stdout_of(&run(&["--schema", bounded])), "{\"level\":\"low\",\"n\":3,\"code\":\"xx\"}\n");
    assert_eq!(stdout_of(&run(&["--schema-multi", "name"])), "[{\"name\":\"\"}]\n");
}

#[tokio::test]
async fn a_persona_schema_applies_and_schema_none_turns_it_off() {
    let (server, _) = scripted_on("/v1/chat/completions", vec![ok(r#"{"verdict": "ship"}"#)]).await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    let folder = env.work().join("personas/team/judge");
    std::fs::create_dir_all(&folder).expect("mkdir");
    std::fs::write(folder.join("PERSONA.md"), "## Character\nA judge.\n").expect("write");
    std::fs::write(folder.join("AI_START_HERE.md"), "## Your Mission\nJudge.\n").expect("write");
    std::fs::write(
        folder.join("schema.json"),
        r#"{"type": "object", "properties": {"verdict": {"enum": ["ship", "hold"]}}, "required": ["verdict"], "additionalProperties": false}"#,
    )
    .expect("write");
    let run = |extra: &[&str]| {
        let mut args = vec!["task", "run", "--persona", "team/judge", "--provider", "srv", "Judge"];
        args.extend_from_slice(extra);
        env.cmd(&args).current_dir(env.work()).output().expect("run")
    };
    let output = run(&[]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output), "{\"verdict\":\"ship\"}\n");
    let shown = env.cmd(&["persona", "show", "team/judge", "--json"]).current_dir(env.work()).output().expect("show");
    let shown: Value = serde_json::from_slice(&shown.stdout).expect("json");
    assert_eq!(shown["schema"]["required"], json!(["verdict"]), "persona show names its schema");
    let output = run(&["--schema", "none"]);
    assert_eq!(stdout_of(&output), "{\"verdict\": \"ship\"}\n", "the answer as text, unchecked");
    let output = run(&["--schema", "other"]);
    assert!(output.status.code() == Some(10), "a flag overrides the persona's schema: {}", stderr_of(&output));
    let all = request_bodies(&server).await;
    assert!(all[0]["response_format"]["json_schema"]["schema"]["properties"]["verdict"].is_object());
    assert!(all[1].get("response_format").is_none());
    // A broken schema.json names the file.
    std::fs::write(folder.join("schema.json"), "{ nope").expect("write");
    let output = run(&[]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("schema.json:1: not valid JSON"), "{}", stderr_of(&output));
}

#[tokio::test]
async fn batch_lines_carry_their_own_schema_and_results_carry_data() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(|request: &wiremock::Request| {
            let body: Value = serde_json::from_slice(&request.body).expect("json");
            let answer = match body["response_format"]["json_schema"]["schema"]["properties"].as_object() {
                Some(props) if props.contains_key("score") => r#"{"score": 0.5}"#,
                Some(_) => r#"{"name": "n"}"#,
                None => "free text",
            };
            ok(answer)
        })
        .mount(&server)
        .await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    env.spawn("rev", "srv");
    let file = env.work().join("b.jsonl");
    let lines = [
        json!({"id": 1, "agent": "rev", "description": "a", "schema": "score float"}),
        json!({"id": 2, "agent": "rev", "description": "b", "schema": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}}),
        json!({"id": 3, "agent": "rev", "description": "c"}),
        json!({"id": 4, "agent": "rev", "description": "d", "schema": "none"}),
    ];
    std::fs::write(&file, lines.iter().map(|l| format!("{l}\n")).collect::<String>()).expect("write");
    let output = env
        .cmd(&["task", "run", "--file", file.to_str().expect("path"), "--ordered", "--schema", "name"])
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let results: Vec<Value> = stdout_of(&output).lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    let data: Vec<Value> = results.iter().map(|r| r["data"].clone()).collect();
    assert_eq!(data, [json!({"score": 0.5}), json!({"name": "n"}), json!({"name": "n"}), Value::Null]);
    assert_eq!(results[3]["response"], "free text");
    // --output is a stored copy: a key in a value is redacted there (and printed as it
    // came on stdout above).
    let (keyed_server, _) =
        scripted_on("/v1/chat/completions", vec![ok(r#"{"name": "sk-out-0123456789abcdef"}"#)]).await;
    let secret_env = Env::new();
    secret_env.provider(&keyed_server.uri(), "api_key_env = \"OUT_KEY\"");
    secret_env.spawn("rev", "srv");
    let keyed = secret_env.work().join("k.jsonl");
    std::fs::write(&keyed, format!("{}\n", json!({"id": 1, "agent": "rev", "description": "k", "schema": "name"})))
        .expect("write");
    let out = secret_env.work().join("out.jsonl");
    secret_env
        .cmd(&["task", "run", "--file", keyed.to_str().expect("path"), "--output", out.to_str().expect("path")])
        .env("OUT_KEY", "sk-out-0123456789abcdef")
        .assert()
        .success();
    let written: Value = serde_json::from_str(std::fs::read_to_string(&out).expect("output").trim()).expect("json");
    assert_eq!(written["data"], json!({"name": "(redacted)"}), "{written}");
    let bad = env.work().join("bad.jsonl");
    std::fs::write(&bad, "{\"id\": 1, \"agent\": \"rev\", \"description\": \"a\", \"schema\": \"x int int\"}\n")
        .expect("write");
    let output = env.cmd(&["task", "run", "--file", bad.to_str().expect("path")]).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("bad.jsonl:1: `schema` is not a schema"), "{}", stderr_of(&output));
}

#[tokio::test]
async fn streamed_under_a_schema_stdout_waits_for_the_checked_value_and_events_still_get_deltas() {
    let chunks = [
        json!({"choices": [{"index": 0, "delta": {"content": "{\"risk\": 1, "}}]}),
        json!({"choices": [{"index": 0, "delta": {"content": "\"reasons\": [], \"summary\": \"s\"}"}, "finish_reason": "stop"}]}),
    ];
    let mut sse: String = chunks.iter().map(|c| format!("data: {c}\n\n")).collect();
    sse.push_str("data: [DONE]\n\n");
    let (server, _) =
        scripted_on("/v1/chat/completions", vec![ResponseTemplate::new(200).set_body_raw(sse, "text/event-stream")])
            .await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    let output = env.cmd(&one_shot(&["--schema", CONCISE, "--stream"])).output().expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output), "{\"risk\":1,\"reasons\":[],\"summary\":\"s\"}\n");
    let output = env.cmd(&one_shot(&["--schema", CONCISE, "--stream", "--events"])).output().expect("run");
    let events: Vec<Value> = stdout_of(&output).lines().map(|l| serde_json::from_str(l).expect("event")).collect();
    let deltas: Vec<&str> = events.iter().filter(|e| e["type"] == "delta").filter_map(|e| e["text"].as_str()).collect();
    assert_eq!(deltas, ["{\"risk\": 1, ", "\"reasons\": [], \"summary\": \"s\"}"]);
    let done = events.iter().find(|e| e["type"] == "done").expect("done");
    assert_eq!(done["result"]["data"]["risk"], 1);
}

#[tokio::test]
async fn only_valid_answers_are_cached_and_the_schema_is_part_of_the_key() {
    let (server, script) =
        scripted_on("/v1/chat/completions", vec![ok("nope"), ok(r#"{"risk": 1, "reasons": [], "summary": "s"}"#)])
            .await;
    let env = Env::new();
    env.provider(&server.uri(), "cache = true");
    let run = |schema: &str| env.cmd(&one_shot(&["--schema", schema])).output().expect("run");
    let first = run(CONCISE);
    assert!(first.status.success(), "{}", stderr_of(&first));
    assert_eq!(script.count(), 2, "the invalid answer, then its repair");
    // The invalid first answer was not stored: the same request goes out again, and
    // its answer (valid now) is stored.
    let second = run(CONCISE);
    assert_eq!(stdout_of(&second), stdout_of(&first));
    assert_eq!(script.count(), 3);
    let third = run(CONCISE);
    assert_eq!((stdout_of(&third), script.count()), (stdout_of(&first), 3), "answered from the cache");
    let _ = run("risk int, reasons [string], summary");
    assert_eq!(script.count(), 4, "another schema, another key");
}

const ANT_KEY: &str = "sk-ant-structured-1";

fn claude(env: &Env, uri: &str) {
    env.write_providers(&format!(
        "[providers.claude]\ntype = \"anthropic\"\nendpoint = \"{uri}/v1\"\nmodel = \"claude-haiku-4-5\"\napi_key_env = \"ANT_KEY\"\n"
    ));
}

fn on_claude(env: &Env, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["task", "run", "--persona", "examples/code-reviewer", "--provider", "claude", "Rate"];
    args.extend_from_slice(extra);
    env.cmd(&args).env("ANT_KEY", ANT_KEY).output().expect("run")
}

#[tokio::test]
async fn native_anthropic_forces_a_tool_and_reads_the_value_from_tool_use() {
    let answer = json!({
        "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-haiku-4-5",
        "content": [{"type": "tool_use", "id": "toolu_1", "name": "answer", "input": {"risk": 2, "reasons": ["r"], "summary": "s"}}],
        "stop_reason": "tool_use", "usage": {"input_tokens": 30, "output_tokens": 12}
    });
    let (server, _) = scripted_on("/v1/messages", vec![ResponseTemplate::new(200).set_body_json(answer)]).await;
    let env = Env::new();
    claude(&env, &server.uri());
    let output = on_claude(&env, &["--schema", CONCISE, "--json"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let result: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(result["data"], json!({"risk": 2, "reasons": ["r"], "summary": "s"}));
    assert_eq!(result["finish_reason"], "stop");
    let body = &request_bodies(&server).await[0];
    let schema = env.json(&["schema", "show", CONCISE]);
    assert_eq!(
        body["tools"],
        json!([{"name": "answer", "description": "Give your answer as this tool's input.", "input_schema": schema}])
    );
    assert_eq!(body["tool_choice"], json!({"type": "tool", "name": "answer"}));
    assert!(body.get("response_format").is_none());
}

#[tokio::test]
async fn native_anthropic_streams_the_tool_input_as_the_answer() {
    let events = [
        json!({"type": "message_start", "message": {"model": "claude-haiku-4-5", "usage": {"input_tokens": 9, "output_tokens": 1}}}),
        json!({"type": "content_block_start", "index": 0, "content_block": {"type": "tool_use", "id": "toolu_1", "name": "answer", "input": {}}}),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "input_json_delta", "partial_json": "{\"risk\": 4, \"reasons\""}}),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "input_json_delta", "partial_json": ": [], \"summary\": \"s\"}"}}),
        json!({"type": "content_block_stop", "index": 0}),
        json!({"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {"output_tokens": 15}}),
        json!({"type": "message_stop"}),
    ];
    let sse: String =
        events.iter().map(|e| format!("event: {}\ndata: {e}\n\n", e["type"].as_str().expect("type"))).collect();
    let (server, _) =
        scripted_on("/v1/messages", vec![ResponseTemplate::new(200).set_body_raw(sse, "text/event-stream")]).await;
    let env = Env::new();
    claude(&env, &server.uri());
    let output = on_claude(&env, &["--schema", CONCISE, "--stream"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output), "{\"risk\":4,\"reasons\":[],\"summary\":\"s\"}\n");
}

#[tokio::test]
async fn failover_to_the_other_protocol_carries_the_schema_in_its_shape() {
    let (openai, _) = scripted_on("/v1/chat/completions", vec![ResponseTemplate::new(503)]).await;
    let answer = json!({
        "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-haiku-4-5",
        "content": [{"type": "tool_use", "id": "t", "name": "answer", "input": {"name": "x"}}],
        "stop_reason": "tool_use", "usage": {"input_tokens": 3, "output_tokens": 2}
    });
    let (anthropic, _) = scripted_on("/v1/messages", vec![ResponseTemplate::new(200).set_body_json(answer)]).await;
    let env = Env::new();
    env.write_providers(&format!(
        "[providers.srv]\ntype = \"openai\"\nendpoint = \"{}/v1\"\nmodel = \"m\"\nretries = 0\nfallbacks = [\"claude\"]\n\
         [providers.claude]\ntype = \"anthropic\"\nendpoint = \"{}/v1\"\nmodel = \"claude-haiku-4-5\"\napi_key_env = \"ANT_KEY\"\n",
        openai.uri(),
        anthropic.uri()
    ));
    let output = env.cmd(&one_shot(&["--schema", "name"])).env("ANT_KEY", ANT_KEY).output().expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output), "{\"name\":\"x\"}\n");
    assert!(request_bodies(&openai).await[0]["response_format"].is_object());
    assert_eq!(request_bodies(&anthropic).await[0]["tool_choice"]["name"], "answer");
}

#[tokio::test]
async fn native_anthropic_repairs_with_the_answer_as_text_and_counts_both_rounds() {
    let message = |input: Value, output_tokens: u64| {
        ResponseTemplate::new(200).set_body_json(json!({
            "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-haiku-4-5",
            "content": [{"type": "tool_use", "id": "toolu_1", "name": "answer", "input": input}],
            "stop_reason": "tool_use", "usage": {"input_tokens": 20, "output_tokens": output_tokens}
        }))
    };
    let (server, script) =
        scripted_on("/v1/messages", vec![message(json!({"n": "one"}), 5), message(json!({"n": 1}), 4)]).await;
    let env = Env::new();
    claude(&env, &server.uri());
    let output = on_claude(&env, &["--schema", "n int", "--json"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let result: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(result["data"], json!({"n": 1}));
    assert_eq!((result["prompt_tokens"].as_u64(), result["completion_tokens"].as_u64()), (Some(40), Some(9)));
    assert_eq!(script.count(), 2);
    let second = &request_bodies(&server).await[1];
    let messages = second["messages"].as_array().expect("messages");
    assert_eq!(messages[1], json!({"role": "assistant", "content": "{\"n\":\"one\"}"}));
    let repair = messages[2]["content"].as_str().expect("repair");
    assert!(repair.starts_with("Your answer does not match the JSON Schema:\n- /n: "), "{repair}");
    assert_eq!(second["tool_choice"], json!({"type": "tool", "name": "answer"}), "the tool is forced again");
}
