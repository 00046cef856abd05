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
    let requests = server.received_requests().await.expect("recording");
    assert_eq!(requests.len(), 3);
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
        ))
    };
    write("max_tokens_field = \"max_completion_tokens\"\nparams = { seed = 3, top_p = 0.5 }");
    env.spawn("rev", "prism");
    for args in [
        vec!["task", "run", "rev", "plain", "--json"],
        vec!["task", "run", "rev", "all", "--context", "ctx", "--max-tokens", "9", "--temperature", "0", "--json"],
        vec!["task", "run", "rev", "none", "--temperature", "none", "--model", "gpt-4o", "--json"],
        vec!["task", "run", "--persona", "examples/decision-maker", "--provider", "prism", "one-shot", "--json"],
    ] {
        let output = env.cmd(&args).env("PRISM_KEY", "sk-prism").output().expect("run");
        assert!(output.status.success(), "{args:?}: Prism rejected the request: {}", stderr_of(&output));
        let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
        assert_eq!(result["response"], "Hello! How can I assist you today?", "Prism's example response");
        assert_eq!(result["tokens_used"], 29);
    }
    env.cmd(&["provider", "models", "prism"])
        .env("PRISM_KEY", "sk-prism")
        .assert()
        .success()
        .stdout("model-id-0\nmodel-id-1\nmodel-id-2\n");
    // The check is not vacuous: a body the spec forbids is refused, and agentry says so.
    write("params = { n = \"three\" }");
    env.cmd(&["task", "run", "rev", "bad"])
        .env("PRISM_KEY", "sk-prism")
        .assert()
        .code(4)
        .stderr(predicates::str::contains("HTTP 422"));
}
