//! Anthropic's native Messages API (issue #9) and provider presets, against wiremock
//! and a raw server for streams.

use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

const KEY: &str = "sk-ant-native-secret-123";

fn message(text: &str, stop: &str) -> Value {
    json!({
        "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-haiku-4-5-20251001",
        "content": [{"type": "text", "text": text}],
        "stop_reason": stop,
        "usage": {"input_tokens": 10, "cache_creation_input_tokens": 5, "cache_read_input_tokens": 20, "output_tokens": 7}
    })
}

fn anthropic_provider(env: &Env, uri: &str, extra: &str) {
    env.write_providers(&format!(
        "[providers.claude]\ntype = \"anthropic\"\nendpoint = \"{uri}/v1\"\nmodel = \"claude-haiku-4-5\"\napi_key_env = \"TEST_ANTHROPIC_KEY\"\n{extra}\n"
    ));
}

fn run(env: &Env, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["task", "run", "--persona", "examples/qa-engineer", "--provider", "claude", "Hello"];
    args.extend_from_slice(extra);
    let mut cmd = env.std_cmd(&args);
    cmd.env("TEST_ANTHROPIC_KEY", KEY).env("AGENTRY_BACKOFF_SCALE", "0.01");
    cmd.output().expect("run")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_native_request_and_its_answer() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .and(header("x-api-key", KEY))
        .and(header("anthropic-version", "2023-06-01"))
        .respond_with(ResponseTemplate::new(200).set_body_json(message("Hi there.", "end_turn")))
        .mount(&server)
        .await;
    let env = Env::new();
    anthropic_provider(&env, &server.uri(), "");
    let output = run(&env, &["--json"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let result: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!((result["response"].as_str(), result["finish_reason"].as_str()), (Some("Hi there."), Some("stop")));
    assert_eq!((result["prompt_tokens"].as_u64(), result["completion_tokens"].as_u64()), (Some(35), Some(7)));
    assert_eq!(result["model"], "claude-haiku-4-5-20251001");
    let requests = server.received_requests().await.expect("recording");
    let body: Value = serde_json::from_slice(&requests[0].body).expect("body");
    let prompt = env.json(&["persona", "show", "examples/qa-engineer", "--json"])["system_prompt"].clone();
    assert_eq!(
        body,
        json!({"model": "claude-haiku-4-5", "system": prompt, "messages": [{"role": "user", "content": "Hello"}],
               "max_tokens": 4096, "temperature": 0.7})
    );
    assert_eq!(requests[0].headers.get_all("x-api-key").iter().count(), 1);
    assert!(requests[0].headers.get("authorization").is_none());
    // Cached prompt tokens are priced at cached_input: 15 fresh + 20 cached + 7 out.
    anthropic_provider(&env, &server.uri(), "pricing = { input = 1.0, output = 2.0, cached_input = 0.1 }");
    let result: Value = serde_json::from_slice(&run(&env, &["--json"]).stdout).expect("json");
    let expected = (15.0 * 1.0 + 20.0 * 0.1 + 7.0 * 2.0) / 1e6;
    assert!((result["cost_usd"].as_f64().expect("cost") - expected).abs() < 1e-12, "{result}");
    // --dry-run shows the native request, the key redacted.
    let dry = env
        .cmd(&["task", "run", "--persona", "examples/qa-engineer", "--provider", "claude", "Hello", "--dry-run"])
        .env("TEST_ANTHROPIC_KEY", KEY)
        .output()
        .expect("dry");
    let text = stdout_of(&dry);
    assert!(text.starts_with(&format!("POST {}/v1/messages\nx-api-key: (redacted)\n", server.uri())), "{text}");
    assert!(!text.contains(KEY));
}

#[tokio::test(flavor = "multi_thread")]
async fn finish_reasons_errors_and_529_through_the_retry_loop() {
    for (stop, finish) in [("max_tokens", "length"), ("refusal", "content_filter"), ("stop_sequence", "stop")] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/messages"))
            .respond_with(ResponseTemplate::new(200).set_body_json(message("x", stop)))
            .mount(&server)
            .await;
        let env = Env::new();
        anthropic_provider(&env, &server.uri(), "");
        let result: Value = serde_json::from_slice(&run(&env, &["--json"]).stdout).expect("json");
        assert_eq!(result["finish_reason"], finish, "{stop}");
    }
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(
            ResponseTemplate::new(529).set_body_json(
                json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}),
            ),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(message("after 529", "end_turn")))
        .mount(&server)
        .await;
    let env = Env::new();
    anthropic_provider(&env, &server.uri(), "");
    let output = run(&env, &["--json"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let result: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!((result["response"].as_str(), result["attempts"].as_u64()), (Some("after 529"), Some(2)));
    assert!(stderr_of(&output).contains("retrying claude in") && stderr_of(&output).contains("after 529"));
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"type": "error", "error": {"type": "invalid_request_error", "message": "prompt is too long: 250000 tokens > 200000 maximum"}})))
        .mount(&server)
        .await;
    anthropic_provider(&env, &server.uri(), "");
    let output = run(&env, &["--json"]);
    assert_eq!(output.status.code(), Some(4));
    let result: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(result["error_class"], "context_length");
    assert!(stderr_of(&output).contains("answered HTTP 400 Bad Request: prompt is too long"), "{}", stderr_of(&output));
    // A temperature above 1 is refused before sending.
    assert_eq!(run(&env, &["--temperature", "1.5"]).status.code(), Some(2));
    env.write_providers(
        "[providers.c]\ntype = \"anthropic\"\nendpoint = \"http://h/v1\"\nmodel = \"m\"\ntemperature = 1.2\n",
    );
    env.cmd(&["provider", "list"]).assert().code(2).stderr(predicates::str::contains("temperature above 1"));
}

#[tokio::test(flavor = "multi_thread")]
async fn models_follow_two_pages_and_api_openai_uses_chat_completions() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .and(query_param("after_id", "claude-b"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"data": [{"id": "claude-c", "type": "model"}], "has_more": false, "last_id": "claude-c"}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .and(header("x-api-key", KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"data": [{"id": "claude-a"}, {"id": "claude-b"}], "has_more": true, "last_id": "claude-b"}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ok("via the openai layer"))
        .mount(&server)
        .await;
    let env = Env::new();
    anthropic_provider(&env, &server.uri(), "");
    let output = env.cmd(&["provider", "models", "claude"]).env("TEST_ANTHROPIC_KEY", KEY).output().expect("models");
    assert_eq!(stdout_of(&output), "claude-a\nclaude-b\nclaude-c\n", "{}", stderr_of(&output));
    anthropic_provider(&env, &server.uri(), "api = \"openai\"");
    let output = run(&env, &[]);
    assert_eq!(stdout_of(&output), "via the openai layer\n", "{}", stderr_of(&output));
    assert_eq!(env.json(&["provider", "show", "claude", "--json"])["api"], "openai");
}

/// A raw server answering every connection with `pieces` of SSE, then closing.
async fn sse(pieces: Vec<Vec<&'static str>>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut n = 0;
        while let Ok((mut socket, _)) = listener.accept().await {
            let script = pieces[n.min(pieces.len() - 1)].clone();
            n += 1;
            let mut buffer = vec![0u8; 65536];
            let _ = socket.read(&mut buffer).await;
            let _ = socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n")
                .await;
            for piece in script {
                let _ = socket.write_all(piece.as_bytes()).await;
                let _ = socket.flush().await;
            }
        }
    });
    format!("http://127.0.0.1:{port}")
}

const START: &str = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"claude-x\",\"usage\":{\"input_tokens\":9,\"output_tokens\":1}}}\n\n";
const PING: &str = "event: ping\ndata: {\"type\":\"ping\"}\n\n";
const HELLO: &str = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello \"}}\n\n";
const WORLD: &str = "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"world\"}}\n\n";
const DELTA: &str = "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":4}}\n\n";
const STOP: &str = "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
const OVERLOADED: &str =
    "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";

#[tokio::test(flavor = "multi_thread")]
async fn streams_work_break_and_retry_an_error_before_text() {
    let uri = sse(vec![vec![START, PING, HELLO, WORLD, DELTA, STOP]]).await;
    let env = Env::new();
    anthropic_provider(&env, &uri, "");
    let output = run(&env, &["--stream"]);
    assert_eq!(
        (output.status.code(), stdout_of(&output)),
        (Some(0), "Hello world\n".to_string()),
        "{}",
        stderr_of(&output)
    );
    let result: Value = serde_json::from_slice(&run(&env, &["--stream", "--json"]).stdout).expect("json");
    assert_eq!((result["prompt_tokens"].as_u64(), result["completion_tokens"].as_u64()), (Some(9), Some(4)));
    assert_eq!(result["finish_reason"], "stop");
    // Cut after text: exit 6; an error event before any text: retried.
    let uri = sse(vec![vec![START, HELLO]]).await;
    anthropic_provider(&env, &uri, "");
    let output = run(&env, &["--stream"]);
    assert_eq!((output.status.code(), stdout_of(&output)), (Some(6), "Hello \n".to_string()), "{}", stderr_of(&output));
    let uri = sse(vec![vec![START, OVERLOADED], vec![START, HELLO, WORLD, DELTA, STOP]]).await;
    anthropic_provider(&env, &uri, "");
    let output = run(&env, &["--stream"]);
    assert_eq!(
        (output.status.code(), stdout_of(&output)),
        (Some(0), "Hello world\n".to_string()),
        "{}",
        stderr_of(&output)
    );
    assert!(stderr_of(&output).contains("after 529"), "{}", stderr_of(&output));
}

#[test]
fn presets_fill_a_provider_and_flags_override() {
    let env = Env::new();
    for (preset, kind, endpoint, key, model) in [
        ("openai", "openai", "https://api.openai.com/v1", "env:OPENAI_API_KEY", "gpt-4o-mini"),
        ("anthropic", "anthropic", "https://api.anthropic.com/v1", "env:ANTHROPIC_API_KEY", "claude-haiku-4-5"),
        ("openrouter", "openai", "https://openrouter.ai/api/v1", "env:OPENROUTER_API_KEY", "openai/gpt-4o-mini"),
        ("groq", "openai", "https://api.groq.com/openai/v1", "env:GROQ_API_KEY", "openai/gpt-oss-20b"),
        (
            "together",
            "openai",
            "https://api.together.xyz/v1",
            "env:TOGETHER_API_KEY",
            "meta-llama/Llama-3.2-3B-Instruct",
        ),
        ("deepseek", "openai", "https://api.deepseek.com/v1", "env:DEEPSEEK_API_KEY", "deepseek-chat"),
        ("mistral", "openai", "https://api.mistral.ai/v1", "env:MISTRAL_API_KEY", "ministral-8b-latest"),
    ] {
        env.cmd(&["provider", "add", preset, "--preset", preset]).assert().success();
        let shown = env.json(&["provider", "show", preset, "--json"]);
        assert_eq!(
            (shown["type"].as_str(), shown["endpoint"].as_str(), shown["key_source"].as_str(), shown["model"].as_str()),
            (Some(kind), Some(endpoint), Some(key), Some(model)),
            "{preset}"
        );
    }
    for (preset, endpoint) in [
        ("ollama", "http://localhost:11434/v1"),
        ("vllm", "http://localhost:8000/v1"),
        ("lmstudio", "http://localhost:1234/v1"),
    ] {
        env.cmd(&["provider", "add", &format!("{preset}-x"), "--preset", preset])
            .assert()
            .code(2)
            .stderr(predicates::str::contains("needs --model"));
        env.cmd(&["provider", "add", &format!("{preset}-x"), "--preset", preset, "--model", "llama3.2"])
            .assert()
            .success();
        let shown = env.json(&["provider", "show", &format!("{preset}-x"), "--json"]);
        assert_eq!(
            (shown["type"].as_str(), shown["endpoint"].as_str(), shown["key_source"].as_str()),
            (Some("local"), Some(endpoint), Some("none"))
        );
    }
    let text = std::fs::read_to_string(env.providers_file()).expect("file");
    assert!(text.contains("max_tokens_field = \"max_completion_tokens\""), "the openai preset writes it");
    assert!(!text.contains("preset"), "expanded keys only, never a preset key");
    env.cmd(&[
        "provider",
        "add",
        "mine",
        "--preset",
        "openai",
        "--model",
        "gpt-4.1-mini",
        "--endpoint",
        "https://proxy.example/v1",
        "--name",
        "Mine",
        "--api-key-env",
        "MY_KEY",
    ])
    .assert()
    .success();
    let shown = env.json(&["provider", "show", "mine", "--json"]);
    assert_eq!(
        (shown["model"].as_str(), shown["endpoint"].as_str(), shown["name"].as_str(), shown["key_source"].as_str()),
        (Some("gpt-4.1-mini"), Some("https://proxy.example/v1"), Some("Mine"), Some("env:MY_KEY"))
    );
    env.cmd(&["provider", "add", "x", "--preset", "openai", "--type", "openai"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--type does not go with --preset"));
    env.cmd(&["provider", "add", "x", "--endpoint", "http://h/v1", "--model", "m"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--type is required without --preset"));
    env.cmd(&["provider", "add", "x", "--preset", "nosuch"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("unknown preset"));
}

#[tokio::test(flavor = "multi_thread")]
async fn configured_headers_replace_agentrys_own_and_temperature_none_sends_none() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(message("ok", "end_turn")))
        .mount(&server)
        .await;
    let env = Env::new();
    anthropic_provider(
        &env,
        &server.uri(),
        "headers = { \"Anthropic-Version\" = \"2099-01-01\", \"anthropic-beta\" = \"b1\" }\nmax_tokens = 321",
    );
    let output = run(&env, &["--temperature", "none"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output), "ok\n");
    let requests = server.received_requests().await.expect("recording");
    let versions: Vec<&str> =
        requests[0].headers.get_all("anthropic-version").iter().filter_map(|v| v.to_str().ok()).collect();
    assert_eq!(versions, ["2099-01-01"], "one anthropic-version, the configured one");
    assert_eq!(requests[0].headers.get("anthropic-beta").and_then(|v| v.to_str().ok()), Some("b1"));
    let body: Value = serde_json::from_slice(&requests[0].body).expect("body");
    assert!(body.get("temperature").is_none(), "{body}");
    assert_eq!(body["max_tokens"], 321, "the provider's max_tokens");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_temperature_an_anthropic_fallback_refuses_is_refused_before_the_primary_is_called() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let env = Env::new();
    env.write_providers(&format!(
        "[providers.gpt]\ntype = \"openai\"\nendpoint = \"{uri}/v1\"\nmodel = \"m\"\nfallbacks = [\"claude\"]\n\n\
         [providers.claude]\ntype = \"anthropic\"\nendpoint = \"{uri}/v1\"\nmodel = \"claude-haiku-4-5\"\napi_key_env = \"TEST_ANTHROPIC_KEY\"\n",
        uri = server.uri()
    ));
    let output = env
        .std_cmd(&[
            "task",
            "run",
            "--persona",
            "examples/qa-engineer",
            "--provider",
            "gpt",
            "Hello",
            "--temperature",
            "1.5",
        ])
        .env("TEST_ANTHROPIC_KEY", KEY)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("provider `claude` speaks Anthropic's native API"), "{}", stderr_of(&output));
    assert!(server.received_requests().await.expect("recording").is_empty(), "nothing is sent");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_exhausted_anthropic_ratelimit_header_pauses_the_next_invocation() {
    let reset = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(2);
    let exhausted = ResponseTemplate::new(200)
        .set_body_json(message("first", "end_turn"))
        .insert_header("anthropic-ratelimit-requests-remaining", "0")
        .insert_header("anthropic-ratelimit-requests-reset", reset.to_string().as_str());
    let second = ResponseTemplate::new(200).set_body_json(message("second", "end_turn"));
    let (server, script) = scripted_on("/v1/messages", vec![exhausted, second]).await;
    let env = Env::new();
    anthropic_provider(&env, &server.uri(), "");
    for expected in ["first\n", "second\n"] {
        let mut cmd = env.std_cmd(&["task", "run", "--persona", "examples/qa-engineer", "--provider", "claude", "Hi"]);
        cmd.env("TEST_ANTHROPIC_KEY", KEY);
        let output = tokio::task::spawn_blocking(move || cmd.output().expect("run")).await.expect("join");
        assert_eq!(stdout_of(&output), expected, "{}", stderr_of(&output));
    }
    // On the server's clock: the second request waited for the reset.
    assert_eq!(script.count(), 2);
    assert!(script.gaps()[0] >= std::time::Duration::from_millis(1500), "{:?}", script.gaps());
}

// Issue #15, defect 1: the native shape's top-level `system` is stored once apart,
// like OpenAI's first message, and put back by `task show`.
#[tokio::test(flavor = "multi_thread")]
async fn a_native_task_stores_its_system_prompt_once_apart() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(message("Kept.", "end_turn")))
        .mount(&server)
        .await;
    let env = Env::new();
    anthropic_provider(&env, &server.uri(), "");
    let prompt = env.json(&["persona", "show", "examples/qa-engineer", "--json"])["system_prompt"].clone();
    let mut ids = Vec::new();
    for _ in 0..2 {
        let output = run(&env, &["--json"]);
        assert!(output.status.success(), "{}", stderr_of(&output));
        let result: Value = serde_json::from_slice(&output.stdout).expect("json");
        ids.push(result["task_id"].as_str().expect("id").to_string());
    }
    let shown = env.json(&["task", "show", &ids[0], "--json"]);
    assert_eq!(shown["request"]["body"]["system"], prompt, "the system prompt is put back");
    if !on_redis_suite() {
        let body = std::fs::read_to_string(env.home().join("bodies").join(format!("{}.json", ids[1]))).expect("body");
        let stored: Value = serde_json::from_str(&body).expect("json");
        assert_eq!(stored["request"]["body"]["system"], Value::Null, "the prompt is inline: {body}");
        assert!(stored["prompt"].is_string());
        assert_eq!(std::fs::read_dir(env.home().join("prompts")).expect("prompts").count(), 1);
    }
}
