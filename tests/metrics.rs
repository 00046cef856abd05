//! Metrics in `stats` (issue #8): counters by class, retries, fallbacks, latency
//! quantiles, and the Prometheus text exposition.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

#[tokio::test]
async fn stats_count_retries_failures_fallbacks_and_latency() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_string_contains("refuse me"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {"message": "no"}})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({"error": {"message": "busy"}})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST")).and(path("/v1/chat/completions")).respond_with(ok("fine")).mount(&server).await;
    let backup = MockServer::start().await;
    Mock::given(method("POST")).and(path("/v1/chat/completions")).respond_with(ok("backup")).mount(&backup).await;
    let down = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": {"message": "key"}})))
        .mount(&down)
        .await;
    let env = Env::new();
    env.write_providers(&format!(
        "max_agents = 8\n[providers.srv]\ntype = \"openai\"\nendpoint = \"{}/v1\"\nmodel = \"m\"\n\
         [providers.down]\ntype = \"openai\"\nendpoint = \"{}/v1\"\nmodel = \"m\"\nfallbacks = [\"backup\"]\n\
         [providers.backup]\ntype = \"openai\"\nendpoint = \"{}/v1\"\nmodel = \"m\"\n",
        server.uri(),
        down.uri(),
        backup.uri()
    ));
    env.spawn("rev", "srv");
    let run = |args: &[&str]| env.cmd(args).env("AGENTRY_BACKOFF_SCALE", "0.01").output().expect("run");
    assert!(run(&["task", "run", "rev", "first"]).status.success(), "503 then 200");
    assert_eq!(run(&["task", "run", "rev", "refuse me"]).status.code(), Some(4));
    assert!(run(&["task", "run", "--persona", "examples/qa-engineer", "--provider", "down", "x"]).status.success());
    let stats = env.json(&["stats", "--json"]);
    let provider =
        |id: &str| stats["providers"].as_array().expect("providers").iter().find(|p| p["id"] == id).cloned().expect(id);
    let srv = provider("srv");
    assert_eq!(
        (srv["retries"].as_u64(), srv["tasks_completed"].as_u64(), srv["tasks_failed"].as_u64()),
        (Some(1), Some(1), Some(1))
    );
    assert_eq!(srv["failures"], json!({"client_error": 1}));
    assert!(srv["latency_p50_ms"].as_f64().is_some() && srv["latency_p99_ms"].as_f64().is_some(), "{srv}");
    assert_eq!(
        (provider("backup")["fallbacks"].as_u64(), provider("down")["latency_p50_ms"].clone()),
        (Some(1), Value::Null)
    );
    let agent = &stats["agents"][0];
    assert_eq!((agent["retries"].as_u64(), agent["failures"]["client_error"].as_u64()), (Some(1), Some(1)));
    assert_eq!(
        (stats["totals"]["tasks_completed"].as_u64(), stats["totals"]["fallbacks"].as_u64()),
        (Some(2), Some(1))
    );

    let output = env.cmd(&["stats", "--format", "prometheus"]).output().expect("prometheus");
    assert!(output.status.success());
    let text = stdout_of(&output);
    let mut declared = BTreeSet::new();
    let mut seen = BTreeSet::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            declared.insert(rest.split(' ').next().expect("name").to_string());
            continue;
        }
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let kind = rest.split(' ').nth(1).expect("kind");
            assert!(["counter", "gauge", "summary"].contains(&kind), "{line}");
            continue;
        }
        // name{label="value",...} number — no timestamp.
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("no value: {line}"));
        value.parse::<f64>().unwrap_or_else(|_| panic!("not a number: {line}"));
        let name = series.split('{').next().expect("name");
        let family = name.trim_end_matches("_sum").trim_end_matches("_count");
        assert!(declared.contains(name) || declared.contains(family), "undeclared: {line}");
        if let Some(labels) = series.strip_prefix(name) {
            assert!(labels.is_empty() || (labels.starts_with('{') && labels.ends_with('}')), "{line}");
            for pair in labels.trim_matches(['{', '}']).split(',').filter(|p| !p.is_empty()) {
                let (key, value) = pair.split_once('=').unwrap_or_else(|| panic!("{line}"));
                assert!(key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "{line}");
                assert!(value.starts_with('"') && value.ends_with('"'), "{line}");
            }
        }
        seen.insert(family.to_string());
    }
    for family in [
        "agentry_tasks_total",
        "agentry_requests_total",
        "agentry_retries_total",
        "agentry_fallbacks_total",
        "agentry_tokens_total",
        "agentry_cost_usd_total",
        "agentry_request_duration_seconds",
        "agentry_workers",
        "agentry_max_workers",
    ] {
        assert!(seen.contains(family), "{family} has no sample:\n{text}");
    }
    assert!(text.contains("agentry_tasks_total{provider=\"srv\",agent=\"rev\",outcome=\"failure\"} 1"), "{text}");
    assert!(text.contains("agentry_tasks_total{provider=\"backup\",agent=\"\",outcome=\"success\"} 1"), "{text}");
    assert!(text.contains("agentry_fallbacks_total{from=\"down\",to=\"backup\"} 1"), "{text}");
    assert!(text.contains("agentry_max_workers 8"), "{text}");
    env.cmd(&["stats", "--json", "--format", "prometheus"]).assert().code(2);
    assert_eq!(env.json(&["stats", "--format", "json"]), env.json(&["stats", "--json"]));
}
