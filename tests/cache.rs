//! The response cache (issue #8): identical requests answered locally, --refresh,
//! streamed hits, what is stored and what is not.

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

fn one_shot<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["task", "run", "--persona", "examples/qa-engineer", "--provider", "srv", "same question"];
    args.extend_from_slice(extra);
    args
}

#[tokio::test]
async fn an_identical_request_is_answered_from_the_cache() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/v1/chat/completions")).respond_with(ok("the answer")).mount(&server).await;
    let env = Env::new();
    env.provider(&server.uri(), "api_key_env = \"TEST_CACHE_KEY\"");
    let run =
        |extra: &[&str]| env.cmd(&one_shot(extra)).env("TEST_CACHE_KEY", "sk-cache-secret-999").output().expect("run");
    let first = run(&["--cache", "--json"]);
    assert!(first.status.success(), "{}", stderr_of(&first));
    let first: Value = serde_json::from_slice(&first.stdout).expect("json");
    assert_eq!(first["cached"], false);
    let second = run(&["--cache", "--json"]);
    let second: Value = serde_json::from_slice(&second.stdout).expect("json");
    assert_eq!(second["response"], first["response"]);
    assert_eq!(
        (second["cached"].as_bool(), second["cost_usd"].as_f64(), second["tokens_used"].as_u64()),
        (Some(true), Some(0.0), Some(0))
    );
    assert_eq!(second["attempts"], 0);
    assert_eq!(server.received_requests().await.expect("recording").len(), 1, "the hit reached the server");
    // Text mode and a streamed run print the same answer from the cache.
    assert_eq!(stdout_of(&run(&["--cache"])), "the answer\n");
    assert_eq!(stdout_of(&run(&["--cache", "--stream"])), "the answer\n");
    assert_eq!(server.received_requests().await.expect("recording").len(), 1);
    // --refresh goes to the server and stores; --no-cache and no flag do not look.
    assert!(run(&["--refresh"]).status.success());
    assert!(run(&["--cache", "--no-cache"]).status.code() == Some(2));
    assert!(run(&[]).status.success());
    assert_eq!(server.received_requests().await.expect("recording").len(), 3);
    let stats = env.json(&["stats", "--json"]);
    assert_eq!(stats["totals"]["cache_hits"], 3);
    assert_eq!(stats["totals"]["tasks_completed"], 6);
    assert_eq!(stats["totals"]["tokens_used"], 3 * 18, "hits add no tokens");
    let cache = env.json(&["cache", "stats", "--json"]);
    assert_eq!((cache["entries"].as_u64(), cache["hits"].as_u64()), (Some(1), Some(3)));
    let text = env.cache_text();
    assert!(text.contains("the answer") && !text.contains("sk-cache-secret"), "{text}");
    assert_eq!(env.json(&["cache", "clear", "--json"]), json!({"removed": 1}));
    assert_eq!(env.json(&["cache", "stats", "--json"])["entries"], 0);
}

#[tokio::test]
async fn the_provider_and_agent_switch_it_on_and_only_complete_answers_are_kept() {
    let server = MockServer::start().await;
    let mut cut = completion("cut short", 3, 2);
    cut["choices"][0]["finish_reason"] = json!("length");
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(cut))
        .mount(&server)
        .await;
    let env = Env::new();
    env.provider(&server.uri(), "cache = true");
    env.cmd(&one_shot(&[])).assert().success();
    env.cmd(&one_shot(&[])).assert().success();
    assert_eq!(server.received_requests().await.expect("recording").len(), 2, "a cut answer was cached");
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/v1/chat/completions")).respond_with(ok("kept")).mount(&server).await;
    env.provider(&server.uri(), "");
    env.cmd(&["agent", "spawn", "rev", "--provider", "srv", "--cache"]).assert().success();
    env.cmd(&["task", "run", "rev", "x"]).assert().success();
    env.cmd(&["task", "run", "rev", "x"]).assert().success().stdout("kept\n");
    assert_eq!(server.received_requests().await.expect("recording").len(), 1);
    assert_eq!(env.agent("rev")["cache_hits"], 1);
    // --exist-ok compares the cache setting too.
    env.cmd(&["agent", "spawn", "rev", "--provider", "srv", "--exist-ok"]).assert().code(2);
    env.cmd(&["agent", "spawn", "rev", "--provider", "srv", "--cache", "--exist-ok"]).assert().success();
}
