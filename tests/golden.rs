//! The bytes on the wire, per protocol, against files recorded before the request
//! model was rewritten (issue 15): plain, streamed, with context, temperature
//! `none`, max tokens, and failover to a provider of the other protocol. Each case
//! records what the server received (method, path, the headers that are not the
//! key, the body's exact bytes) and compares it with `tests/fixtures/golden/`.
//! `AGENTRY_BLESS=1` writes the files instead (review the diff before committing).

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

fn golden_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden")
}

/// What a server received, one block per request, in the order received.
async fn received(server: &MockServer) -> String {
    let mut text = String::new();
    for request in server.received_requests().await.expect("recording") {
        text.push_str(&format!("{} {}\n", request.method, request.url.path()));
        let mut headers: Vec<(String, String)> = request
            .headers
            .iter()
            .filter(|(name, _)| !matches!(name.as_str(), "authorization" | "x-api-key" | "host" | "content-length"))
            .map(|(name, value)| (name.to_string(), value.to_str().unwrap_or("?").to_string()))
            .collect();
        headers.sort();
        for (name, value) in headers {
            text.push_str(&format!("{name}: {value}\n"));
        }
        text.push_str(&String::from_utf8_lossy(&request.body));
        text.push_str("\n\n");
    }
    text
}

fn compare(name: &str, actual: &str) {
    let file = golden_dir().join(format!("{name}.txt"));
    if std::env::var_os("AGENTRY_BLESS").is_some() {
        std::fs::create_dir_all(golden_dir()).expect("golden dir");
        std::fs::write(&file, actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    assert_eq!(actual, expected, "the bytes sent for `{name}` changed (tests/fixtures/golden/{name}.txt)");
}

fn anthropic_answer() -> serde_json::Value {
    json!({
        "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-x",
        "content": [{"type": "text", "text": "Hi."}], "stop_reason": "end_turn",
        "usage": {"input_tokens": 10, "output_tokens": 3}
    })
}

async fn server(protocol: &str, status: u16) -> MockServer {
    let server = MockServer::start().await;
    let (route, body) = match protocol {
        "anthropic" => ("/v1/messages", anthropic_answer()),
        _ => ("/v1/chat/completions", completion("Hi.", 10, 3)),
    };
    let template = if status == 200 {
        ResponseTemplate::new(200).set_body_json(body)
    } else {
        ResponseTemplate::new(status).set_body_json(json!({"error": {"message": "down", "type": "api_error"}}))
    };
    Mock::given(method("POST")).and(path(route)).respond_with(template).mount(&server).await;
    server
}

fn table(id: &str, protocol: &str, uri: &str, extra: &str) -> String {
    let kind = if protocol == "anthropic" { "anthropic" } else { "openai" };
    format!(
        "[providers.{id}]\ntype = \"{kind}\"\nendpoint = \"{uri}/v1\"\nmodel = \"{id}-model\"\napi_key_env = \"GOLDEN_KEY\"\nretries = 0\n{extra}\n"
    )
}

fn run(env: &Env, provider: &str, extra: &[&str]) {
    let mut args = vec!["task", "run", "--persona", "examples/qa-engineer", "--provider", provider, "Review the plan"];
    args.extend_from_slice(extra);
    let output = env.std_cmd(&args).env("GOLDEN_KEY", "golden-secret-key").output().expect("run");
    assert!(output.status.success(), "{args:?}: {}", stderr_of(&output));
}

#[tokio::test(flavor = "multi_thread")]
async fn the_bytes_each_protocol_sends_are_unchanged() {
    let cases: [(&str, &[&str]); 5] = [
        ("plain", &[]),
        ("streamed", &["--stream"]),
        ("context", &["--context", "line one\nline two \"quoted\" é"]),
        ("temperature-none", &["--temperature", "none"]),
        ("max-tokens", &["--max-tokens", "77", "--temperature", "0.25", "--model", "other-model"]),
    ];
    for protocol in ["openai", "anthropic"] {
        for (case, flags) in cases {
            let server = server(protocol, 200).await;
            let env = Env::new();
            env.write_providers(&table("p", protocol, &server.uri(), "params = { seed = 7 }"));
            run(&env, "p", flags);
            compare(&format!("{protocol}-{case}"), &received(&server).await);
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn failover_to_the_other_protocol_sends_each_its_own_shape() {
    for (from, to) in [("openai", "anthropic"), ("anthropic", "openai")] {
        let primary = server(from, 503).await;
        let fallback = server(to, 200).await;
        let env = Env::new();
        env.write_providers(&format!(
            "{}{}",
            table("first", from, &primary.uri(), "fallbacks = [\"second\"]"),
            table("second", to, &fallback.uri(), "")
        ));
        run(&env, "first", &["--max-tokens", "300"]);
        compare(
            &format!("failover-{from}-to-{to}"),
            &format!("{}{}", received(&primary).await, received(&fallback).await),
        );
    }
}
