//! Contract tests against the official OpenAI spec (tests/fixtures): every body
//! agentry sends validates against the chat-completions request schema, and the
//! spec's own example responses are read correctly.

use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

fn spec() -> Value {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openai-chat-models.v1.deref.json"),
    )
    .expect("spec fixture");
    serde_json::from_str(&text).expect("spec is JSON")
}

fn request_validator(spec: &Value) -> jsonschema::Validator {
    let schema = &spec["paths"]["/v1/chat/completions"]["post"]["requestBody"]["content"]["application/json"]["schema"];
    jsonschema::validator_for(schema).expect("request schema compiles")
}

#[tokio::test]
async fn request_bodies_validate_against_the_openai_schema() {
    let spec = spec();
    let validator = request_validator(&spec);
    // The validator is not vacuous: a body without messages is rejected.
    assert!(!validator.is_valid(&serde_json::json!({"model": "m"})));
    assert!(!validator.is_valid(&serde_json::json!({"model": "m", "messages": [{"role": "wizard", "content": "x"}]})));

    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/v1/chat/completions")).respond_with(ok("ok")).mount(&server).await;
    let env = Env::new();
    env.provider(&server.uri(), "max_tokens_field = \"max_completion_tokens\"\nparams = { seed = 1, top_p = 0.9 }");
    env.spawn("rev", "srv");
    env.cmd(&["task", "run", "rev", "plain"]).assert().success();
    env.cmd(&["task", "run", "rev", "all options", "--context", "ctx", "--max-tokens", "5", "--temperature", "0"])
        .assert()
        .success();
    env.cmd(&["task", "run", "rev", "no temperature", "--temperature", "none"]).assert().success();
    // A schema (response_format json_schema), and its repair round: a multi-turn
    // conversation. "ok" is not JSON, so the task ends in exit 10 after two requests.
    env.cmd(&["task", "run", "rev", "structured", "--schema", "risk int, tags [string]"]).assert().code(10);
    let requests = server.received_requests().await.expect("recording");
    assert_eq!(requests.len(), 5);
    let repair: Value = serde_json::from_slice(&requests[4].body).expect("json");
    assert_eq!(repair["messages"].as_array().map(Vec::len), Some(4));
    assert_eq!(repair["response_format"]["type"], "json_schema");
    for request in requests {
        let body: Value = serde_json::from_slice(&request.body).expect("json");
        let errors: Vec<String> = validator.iter_errors(&body).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "body violates the OpenAI schema: {errors:?}\n{body}");
    }
}

#[tokio::test]
async fn spec_example_responses_are_read() {
    let spec = spec();
    let examples =
        spec["paths"]["/v1/chat/completions"]["post"]["responses"]["200"]["content"]["application/json"]["examples"]
            .as_object()
            .expect("examples")
            .clone();
    assert!(!examples.is_empty());
    let env = Env::new();
    for (name, example) in examples {
        let value = &example["value"];
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/chat/completions"))
            .respond_with(ResponseTemplate::new(200).set_body_json(value))
            .mount(&server)
            .await;
        env.provider(&server.uri(), "");
        let result =
            env.json(&["task", "run", "--persona", "examples/qa-engineer", "--provider", "srv", "x", "--json"]);
        let expected = value["choices"][0]["message"]["content"].as_str().unwrap_or("");
        assert_eq!(result["response"], expected, "example {name}");
        assert_eq!(result["model"], value["model"], "example {name}");
        assert_eq!(result["tokens_used"], value["usage"]["total_tokens"], "example {name}");
        assert_eq!(result["usage_estimated"], false);
    }
}

/// Against Prism serving the same spec, which answers 422 to any request that violates
/// it. Needs a running Prism: `.ci/run` installs and starts one and sets AGENTRY_PRISM_URL.
#[test]
#[ignore = "needs Prism (npm @stoplight/prism-cli); run by .ci/run"]
fn prism_accepts_every_request_agentry_sends() {
    let base = std::env::var("AGENTRY_PRISM_URL").expect("AGENTRY_PRISM_URL must point at a running Prism");
    let env = Env::new();
    let write = |extra: &str| {
        env.write_providers(&format!(
            "[providers.prism]\ntype = \"openai\"\nendpoint = \"{base}/v1\"\nmodel = \"gpt-4o-mini\"\napi_key_env = \"PRISM_KEY\"\n{extra}\n"
        ));
    };
    write("max_tokens_field = \"max_completion_tokens\"\nparams = { seed = 3, top_p = 0.5 }");
    env.spawn("rev", "prism");
    // Prism answers the spec's example (19 prompt + 10 completion tokens) whatever was
    // asked; with --max-tokens 9 agentry records the 9 completion tokens the request
    // allowed, never more (issue #14).
    for (args, tokens) in [
        (vec!["task", "run", "rev", "plain", "--json"], 29),
        (
            vec!["task", "run", "rev", "all", "--context", "ctx", "--max-tokens", "9", "--temperature", "0", "--json"],
            28,
        ),
        (vec!["task", "run", "rev", "none", "--temperature", "none", "--model", "gpt-4o", "--json"], 29),
        (vec!["task", "run", "--persona", "examples/decision-maker", "--provider", "prism", "one-shot", "--json"], 29),
    ] {
        let output = env.cmd(&args).env("PRISM_KEY", "sk-prism").output().expect("run");
        assert!(output.status.success(), "{args:?}: Prism rejected the request: {}", stderr_of(&output));
        let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
        assert_eq!(result["response"], "Hello! How can I assist you today?", "Prism's example response");
        assert_eq!(result["tokens_used"], tokens);
    }
    // A schema and its repair round: Prism accepts both requests (response_format,
    // then four messages), and its example answer, not being JSON, ends in exit 10.
    let output = env
        .cmd(&["task", "run", "rev", "structured", "--schema", "risk int, tags [string]", "--json"])
        .env("PRISM_KEY", "sk-prism")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(10), "Prism refused a structured request: {}", stderr_of(&output));
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!((result["attempts"].as_u64(), result["error_class"].as_str()), (Some(2), Some("schema")));
    // A request offering tools (`tools` of type `function`) is one Prism accepts.
    env.append_providers(&format!("\n[mcp.faults]\ncommand = \"{}\"\n", crate::tools::fault_server().display()));
    let output = env
        .cmd(&["task", "run", "rev", "with tools", "--tools", "faults", "--json"])
        .env("PRISM_KEY", "sk-prism")
        .output()
        .expect("run");
    assert!(output.status.success(), "Prism refused a request with tools: {}", stderr_of(&output));
    env.cmd(&["provider", "models", "prism"])
        .env("PRISM_KEY", "sk-prism")
        .assert()
        .success()
        .stdout("model-id-0\nmodel-id-1\nmodel-id-2\n");
    // Prism answers the spec's 429 example when asked to; agentry fails over from it.
    write(&format!(
        "max_tokens_field = \"max_completion_tokens\"\n\n[providers.throttled]\ntype = \"openai\"\n\
         endpoint = \"{base}/v1\"\nmodel = \"gpt-4o-mini\"\napi_key_env = \"PRISM_KEY\"\n\
         headers = {{ Prefer = \"code=429\" }}\nfallbacks = [\"prism\"]"
    ));
    let output = env
        .cmd(&[
            "task",
            "run",
            "--persona",
            "examples/code-reviewer",
            "--provider",
            "throttled",
            "x",
            "--retries",
            "0",
            "--json",
        ])
        .env("PRISM_KEY", "sk-prism")
        .output()
        .expect("run");
    assert!(output.status.success(), "failover from Prism's 429: {}", stderr_of(&output));
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(result["requested_provider_id"], "throttled");
    assert_eq!(result["provider_id"], "prism");
    assert!(stderr_of(&output).contains("failing over from throttled to prism after 429"), "{}", stderr_of(&output));

    // The check is not vacuous: a body the spec forbids is refused, and agentry says so.
    write("params = { n = \"three\" }");
    env.cmd(&["task", "run", "rev", "bad"])
        .env("PRISM_KEY", "sk-prism")
        .assert()
        .code(4)
        .stderr(predicates::str::contains("HTTP 422"));
}

/// Streaming: the request (with `stream_options`) validates against the request schema,
/// and chunks that validate against the spec's stream schema are read into the answer.
#[tokio::test]
async fn streaming_request_and_chunks_follow_the_spec() {
    let spec = spec();
    let validator = request_validator(&spec);
    let chunk_schema =
        &spec["paths"]["/v1/chat/completions"]["post"]["responses"]["200"]["content"]["text/event-stream"]["schema"];
    let chunk_validator =
        jsonschema::validator_for(&with_nullable(chunk_schema.clone())).expect("stream schema compiles");
    assert!(!chunk_validator.is_valid(&serde_json::json!({"id": "x"})), "the stream schema is not vacuous");
    let chunk = |delta: Value, finish: Value, usage: Value| {
        serde_json::json!({
            "id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1_700_000_000,
            "model": "gpt-4o-mini", "choices": if usage.is_null() {
                serde_json::json!([{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": null}])
            } else { serde_json::json!([]) },
            "usage": usage,
        })
    };
    let chunks = [
        chunk(serde_json::json!({"role": "assistant", "content": ""}), Value::Null, Value::Null),
        chunk(serde_json::json!({"content": "Hello"}), Value::Null, Value::Null),
        chunk(serde_json::json!({"content": " there"}), Value::Null, Value::Null),
        chunk(serde_json::json!({}), serde_json::json!("stop"), Value::Null),
        chunk(
            Value::Null,
            Value::Null,
            serde_json::json!({"prompt_tokens": 9, "completion_tokens": 2, "total_tokens": 11}),
        ),
    ];
    let mut body = String::new();
    for chunk in &chunks {
        let errors: Vec<String> = chunk_validator.iter_errors(chunk).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "test chunk violates the spec's stream schema: {errors:?}\n{chunk}");
        body.push_str(&format!("data: {chunk}\n\n"));
    }
    body.push_str("data: [DONE]\n\n");

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "text/event-stream"))
        .mount(&server)
        .await;
    let env = Env::new();
    env.provider(&server.uri(), "max_tokens_field = \"max_completion_tokens\"");
    env.spawn("rev", "srv");
    env.cmd(&["task", "run", "rev", "stream it", "--stream", "--max-tokens", "7"])
        .assert()
        .success()
        .stdout("Hello there\n");
    let result = env.json(&["task", "run", "rev", "stream json", "--stream", "--json"]);
    assert_eq!(result["response"], "Hello there");
    assert_eq!(result["tokens_used"], 11);
    assert_eq!(result["usage_estimated"], false);
    let requests = server.received_requests().await.expect("recording");
    assert_eq!(requests.len(), 2);
    for request in requests {
        let body: Value = serde_json::from_slice(&request.body).expect("json");
        assert_eq!(body["stream"], true);
        assert_eq!(body["stream_options"]["include_usage"], true);
        let errors: Vec<String> = validator.iter_errors(&body).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "streaming body violates the OpenAI schema: {errors:?}\n{body}");
    }
}

/// Every preset that speaks the OpenAI API sends a body the spec accepts.
#[tokio::test]
async fn every_openai_type_preset_sends_a_valid_body() {
    let spec = spec();
    let validator = request_validator(&spec);
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/v1/chat/completions")).respond_with(ok("ok")).mount(&server).await;
    let env = Env::new();
    let endpoint = format!("{}/v1", server.uri());
    let presets = ["openai", "ollama", "vllm", "lmstudio", "openrouter", "groq", "together", "deepseek", "mistral"];
    for preset in presets {
        let mut args = vec!["provider", "add", preset, "--preset", preset, "--endpoint", &endpoint];
        if ["ollama", "vllm", "lmstudio"].contains(&preset) {
            args.extend(["--model", "llama3.2"]);
        }
        env.cmd(&args).assert().success();
        let output = env
            .cmd(&[
                "task",
                "run",
                "--persona",
                "examples/code-reviewer",
                "--provider",
                preset,
                "hi",
                "--max-tokens",
                "5",
            ])
            .env("OPENAI_API_KEY", "k")
            .env("OPENROUTER_API_KEY", "k")
            .env("GROQ_API_KEY", "k")
            .env("TOGETHER_API_KEY", "k")
            .env("DEEPSEEK_API_KEY", "k")
            .env("MISTRAL_API_KEY", "k")
            .output()
            .expect("run");
        assert!(output.status.success(), "{preset}: {}", stderr_of(&output));
    }
    let requests = server.received_requests().await.expect("recording");
    assert_eq!(requests.len(), presets.len());
    for (preset, request) in presets.iter().zip(requests) {
        let body: Value = serde_json::from_slice(&request.body).expect("json");
        let errors: Vec<String> = validator.iter_errors(&body).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "preset {preset} violates the OpenAI schema: {errors:?}\n{body}");
    }
}

/// The spec is OpenAPI 3.0, whose `nullable: true` a JSON Schema validator does not read:
/// rewrite it as the JSON Schema it means (the type, or null).
fn with_nullable(mut schema: Value) -> Value {
    fn walk(value: &mut Value) {
        match value {
            Value::Object(map) => {
                if map.remove("nullable") == Some(Value::Bool(true)) {
                    if let Some(Value::String(kind)) = map.get("type").cloned() {
                        map.insert("type".into(), serde_json::json!([kind, "null"]));
                    }
                    if let Some(Value::Array(options)) = map.get_mut("enum") {
                        options.push(Value::Null);
                    }
                    if !map.contains_key("type") && !map.contains_key("enum") {
                        let inner = Value::Object(std::mem::take(map));
                        map.insert("anyOf".into(), serde_json::json!([inner, {"type": "null"}]));
                    }
                }
                map.values_mut().for_each(walk);
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut schema);
    schema
}

/// A tool loop: the first request offers `tools` of type `function`; the second
/// carries the assistant's `tool_calls` and the `tool` result turns. Both validate.
#[tokio::test]
async fn tool_loop_requests_validate_against_the_openai_schema() {
    let validator = request_validator(&spec());
    let (server, _) = scripted_on(
        "/v1/chat/completions",
        vec![
            crate::tools::tool_calls(
                &[("call_a", "faults__echo", r#"{"text": "x"}"#), ("call_b", "faults__fail", "{}")],
                Some("Looking"),
            ),
            ok("done"),
        ],
    )
    .await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    env.append_providers(&format!("\n[mcp.faults]\ncommand = \"{}\"\n", crate::tools::fault_server().display()));
    let args = ["task", "run", "--persona", "examples/code-reviewer", "--provider", "srv", "x", "--tools", "faults"];
    env.cmd(&args).assert().success();
    let bodies = request_bodies(&server).await;
    assert_eq!(bodies.len(), 2);
    assert!(bodies[0]["tools"].as_array().is_some_and(|t| !t.is_empty()));
    assert_eq!(bodies[1]["messages"].as_array().map(Vec::len), Some(5));
    for body in bodies {
        let errors: Vec<String> = validator.iter_errors(&body).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "body violates the OpenAI schema: {errors:?}\n{body}");
    }
}
