//! Prices and cost tracking (issue #8, first part): the built-in table, a provider's
//! own pricing, the lookup rules, and costs in results and stats.

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

async fn answering(model: &str) -> MockServer {
    let server = MockServer::start().await;
    let mut body = completion("priced", 1_000, 500);
    body["model"] = json!(model);
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    server
}

fn run_json(env: &Env) -> Value {
    env.json(&["task", "run", "--persona", "examples/qa-engineer", "--provider", "srv", "x", "--json"])
}

fn close(a: &Value, b: f64) -> bool {
    a.as_f64().is_some_and(|a| (a - b).abs() < 1e-12)
}

#[tokio::test]
async fn cost_is_tokens_times_the_configured_price() {
    let server = answering("whatever-model").await;
    let env = Env::new();
    env.provider(&server.uri(), "pricing = { input = 2.0, output = 8.0 }");
    let result = run_json(&env);
    assert!(close(&result["cost_usd"], (1_000.0 * 2.0 + 500.0 * 8.0) / 1e6), "{result}");
    assert_eq!(result["cached"], false);
    let stats = env.json(&["stats", "--json"]);
    assert!(close(&stats["providers"][0]["cost_usd"], 0.006), "{stats}");
    assert!(close(&stats["totals"]["cost_usd"], 0.006));
    let history = env.history_text();
    let line: Value = serde_json::from_str(history.lines().last().expect("line")).expect("json");
    assert_eq!(line["price_source"], "pricing");
}

#[tokio::test]
async fn the_reported_model_finds_its_price_by_prefix_never_a_shorter_family() {
    // gpt-4o is $2.50 / $10 per million in the table; gpt-4 is $30 / $60.
    let gpt4o = (1_000.0 * 2.5 + 500.0 * 10.0) / 1e6;
    for reported in ["gpt-4o-2031-01-01", "gpt-4o-unknown"] {
        let server = answering(reported).await;
        let env = Env::new();
        env.provider(&server.uri(), "");
        let result = run_json(&env);
        assert!(close(&result["cost_usd"], gpt4o), "{reported}: {result}");
        let history = env.history_text();
        assert!(history.contains("\"price_source\":\"prefix\""), "{history}");
    }
}

#[tokio::test]
async fn an_unknown_price_is_null_never_zero_and_totals_say_so() {
    let server = answering("a-model-nobody-prices").await;
    let env = Env::new();
    env.write_providers(&format!(
        "[providers.srv]\ntype = \"openai\"\nendpoint = \"{}/v1\"\nmodel = \"a-model-nobody-prices\"\n",
        server.uri()
    ));
    let result = run_json(&env);
    assert_eq!(result["cost_usd"], Value::Null);
    let stats = env.json(&["stats", "--json"]);
    assert_eq!(
        (stats["totals"]["cost_incomplete"].as_bool(), stats["providers"][0]["cost_incomplete"].as_bool()),
        (Some(true), Some(true))
    );
    let table = env.cmd(&["stats"]).output().expect("stats");
    assert!(stdout_of(&table).contains("some prices unknown"), "{}", stdout_of(&table));
    // A failed task is not billed: 0.
    let failing = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {"message": "no"}})))
        .mount(&failing)
        .await;
    env.provider(&failing.uri(), "");
    let output = env
        .cmd(&["task", "run", "--persona", "examples/qa-engineer", "--provider", "srv", "x", "--json"])
        .output()
        .expect("run");
    let result: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(result["cost_usd"], json!(0.0));
}

#[test]
fn bad_pricing_is_exit_2() {
    let env = Env::new();
    env.write_providers("[providers.srv]\ntype = \"openai\"\nendpoint = \"http://h/v1\"\nmodel = \"m\"\npricing = { input = -1.0, output = 1.0 }\n");
    env.cmd(&["provider", "list"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("pricing figures must be 0 or more"));
}
