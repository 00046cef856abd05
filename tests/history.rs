//! The history read back (issue #8): `task list` filters, `task show` with the request
//! and response kept beside the history, secrets kept out, retention.

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

fn ids(value: &Value) -> Vec<String> {
    value.as_array().expect("array").iter().map(|r| r["task_id"].as_str().unwrap_or("").to_string()).collect()
}

#[test]
fn task_list_filters_and_orders_newest_first() {
    let env = Env::new();
    env.write_providers("[providers.other]\ntype = \"mock\"\n");
    env.spawn("rev", "mock");
    let mut made = Vec::new();
    for (args, _) in [
        (vec!["task", "run", "rev", "one", "--json"], "rev"),
        (vec!["task", "run", "--persona", "examples/qa-engineer", "--provider", "other", "two", "--json"], ""),
        (vec!["task", "run", "rev", "three", "--json"], "rev"),
    ] {
        made.push(env.json(&args)["task_id"].as_str().expect("id").to_string());
    }
    let all = env.json(&["task", "list", "--json"]);
    assert_eq!(ids(&all), [made[2].clone(), made[1].clone(), made[0].clone()], "newest first");
    let first = &all[0];
    assert!(first.get("response").is_none(), "the list holds no response text");
    assert_eq!(
        (first["agent_name"].as_str(), first["persona"].as_str()),
        (Some("rev"), Some("examples/code-reviewer"))
    );
    assert_eq!(ids(&env.json(&["task", "list", "--agent", "rev", "--json"])), [made[2].clone(), made[0].clone()]);
    let agent_id = env.agent("rev")["id"].as_str().expect("id").to_string();
    assert_eq!(ids(&env.json(&["task", "list", "--agent", &agent_id, "--json"])).len(), 2);
    assert_eq!(ids(&env.json(&["task", "list", "--provider", "other", "--json"])), [made[1].clone()]);
    assert_eq!(ids(&env.json(&["task", "list", "--limit", "1", "--json"])), [made[2].clone()]);
    assert_eq!(ids(&env.json(&["task", "list", "--limit", "0", "--json"])).len(), 3);
    assert_eq!(ids(&env.json(&["task", "list", "--since", "1h", "--json"])).len(), 3);
    assert!(ids(&env.json(&["task", "list", "--since", "2999-01-01T00:00:00Z", "--json"])).is_empty());
    env.cmd(&["task", "list", "--since", "soon"]).assert().code(2);
    env.cmd(&["task", "show", "tk_nope"]).assert().code(3);
}

#[tokio::test]
async fn task_show_has_the_request_and_response_and_no_secret_anywhere() {
    if on_redis_suite() {
        return; // the file backend's own files (tests/redis.rs covers Redis)
    }
    const KEY: &str = "sk-history-secret-123456";
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion("the kept answer", 5, 3)))
        .mount(&server)
        .await;
    let env = Env::new();
    env.provider(
        &server.uri(),
        "api_key_env = \"TEST_HISTORY_KEY\"\nheaders = { \"X-Api-Key\" = \"hdr-history-secret\" }",
    );
    env.spawn("rev", "srv");
    let output =
        env.cmd(&["task", "run", "rev", "Review it", "--json"]).env("TEST_HISTORY_KEY", KEY).output().expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let id =
        serde_json::from_slice::<Value>(&output.stdout).expect("json")["task_id"].as_str().expect("id").to_string();
    let shown = env.json(&["task", "show", &id, "--json"]);
    assert_eq!(shown["response"], "the kept answer");
    assert_eq!(shown["request"]["method"], "POST");
    assert_eq!(shown["request"]["headers"]["Authorization"], "Bearer (redacted)");
    assert_eq!(shown["request"]["headers"]["X-Api-Key"], "(redacted)");
    assert_eq!(shown["request"]["body"]["messages"][1]["content"], "Review it");
    let prompt = env.json(&["persona", "show", "examples/code-reviewer", "--json"])["system_prompt"].clone();
    assert_eq!(shown["request"]["body"]["messages"][0]["content"], prompt, "the system prompt is put back");
    let text = env.cmd(&["task", "show", &id]).output().expect("show");
    assert!(stdout_of(&text).contains("Response:\nthe kept answer"), "{}", stdout_of(&text));
    // The key is in no file agentry wrote (the providers file names only its variable).
    let mut stack = vec![env.home()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n != "providers.toml") {
                let bytes = std::fs::read(&path).expect("read");
                let text = String::from_utf8_lossy(&bytes);
                assert!(
                    !text.contains(KEY) && !text.contains("hdr-history-secret"),
                    "{} holds a secret",
                    path.display()
                );
            }
        }
    }
    // Two tasks with one persona keep its prompt once.
    env.cmd(&["task", "run", "rev", "again"]).env("TEST_HISTORY_KEY", KEY).assert().success();
    assert_eq!(std::fs::read_dir(env.home().join("prompts")).expect("prompts").count(), 1);
}

#[test]
fn retention_prunes_at_most_once_a_day_and_bodies_can_be_off() {
    if on_redis_suite() {
        return; // the file backend's own files (tests/redis.rs covers Redis)
    }
    let env = Env::new();
    env.write_providers("[history]\nmax_entries = 3\n");
    env.spawn("a", "mock");
    for n in 0..5 {
        env.cmd(&["task", "run", "a", &format!("task {n}")]).assert().success();
    }
    let lines = |env: &Env| env.history_text().lines().count();
    assert_eq!(lines(&env), 5, "pruned once at the first task, not again the same day");
    // A day later.
    let state_path = env.home().join("state.json");
    let mut state: Value = serde_json::from_str(&std::fs::read_to_string(&state_path).expect("state")).expect("json");
    state["pruned_at"] = json!("2000-01-01T00:00:00.000Z");
    std::fs::write(&state_path, state.to_string()).expect("write");
    env.cmd(&["task", "run", "a", "task 5"]).assert().success();
    assert_eq!(lines(&env), 3);
    let kept = ids(&env.json(&["task", "list", "--json"]));
    assert_eq!(kept.len(), 3);
    assert_eq!(
        std::fs::read_dir(env.home().join("bodies")).expect("bodies").count(),
        3,
        "bodies of pruned tasks go too"
    );
    assert_eq!(env.agent("a")["tasks_completed"], 6, "totals are not the history");
    env.cmd(&["task", "run", "a", "one more"]).assert().success();
    assert_eq!(env.agent("a")["tasks_completed"], 7);

    let env = Env::new();
    env.write_providers("[history]\nbodies = false\nmax_age = \"30d\"\n");
    env.cmd(&["task", "run", "--persona", "examples/qa-engineer", "--provider", "mock", "x"]).assert().success();
    assert!(!env.home().join("bodies").exists());
    env.write_providers("[history]\nmax_age = \"whenever\"\n");
    env.cmd(&["provider", "list"]).assert().code(2).stderr(predicates::str::contains("[history] max_age"));
}

#[test]
fn bodies_above_64_kib_are_stored_cut_and_marked() {
    if on_redis_suite() {
        return; // the file backend's own files (tests/redis.rs covers Redis)
    }
    let env = Env::new();
    let context = "x".repeat(70 * 1024);
    let id = env.json(&[
        "task",
        "run",
        "--persona",
        "examples/qa-engineer",
        "--provider",
        "mock",
        "big",
        "--context",
        &context,
        "--json",
    ])["task_id"]
        .as_str()
        .expect("id")
        .to_string();
    let shown = env.json(&["task", "show", &id, "--json"]);
    assert_eq!(shown["body_cut"], true);
    let kept = shown["request"]["body"]["messages"][1]["content"].as_str().expect("content");
    assert_eq!(kept.len(), 64 * 1024);
    assert!(std::fs::metadata(env.home().join(format!("bodies/{id}.json"))).expect("body").len() < 70 * 1024);
    let small =
        env.json(&["task", "run", "--persona", "examples/qa-engineer", "--provider", "mock", "small", "--json"]);
    let shown = env.json(&["task", "show", small["task_id"].as_str().expect("id"), "--json"]);
    assert_eq!(shown["body_cut"], false);
}
