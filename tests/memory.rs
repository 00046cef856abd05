//! Agent memory (issue #16): the last N exchanges on the wire in order, across
//! invocations, under parallel tasks on one agent, trimmed to the context window;
//! `agent forget`, `stop`, export/import and `--exist-ok`. On the file backend and
//! (when the suite runs on Redis) on Redis, with the same tests.

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

/// A server that answers "answer to <the last user turn>".
async fn echo_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(|request: &wiremock::Request| {
            let body: Value = serde_json::from_slice(&request.body).expect("json");
            let last = body["messages"].as_array().and_then(|m| m.last()).cloned().unwrap_or_default();
            ok(&format!("answer to {}", last["content"].as_str().unwrap_or("")))
        })
        .mount(&server)
        .await;
    server
}

async fn conversations(server: &MockServer) -> Vec<Vec<(String, String)>> {
    let requests = server.received_requests().await.expect("recording");
    requests
        .iter()
        .map(|r| {
            let body: Value = serde_json::from_slice(&r.body).expect("json");
            body["messages"]
                .as_array()
                .expect("messages")
                .iter()
                .map(|m| {
                    (m["role"].as_str().unwrap_or("").to_string(), m["content"].as_str().unwrap_or("").to_string())
                })
                .collect()
        })
        .collect()
}

fn turns(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs.iter().map(|(r, c)| ((*r).to_string(), (*c).to_string())).collect()
}

#[tokio::test]
async fn memory_of_three_sends_the_last_three_exchanges_in_order_across_invocations() {
    let server = echo_server().await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    env.cmd(&["agent", "spawn", "rev", "--provider", "srv", "--persona", "examples/code-reviewer", "--memory", "3"])
        .assert()
        .success();
    for n in 1..=5 {
        env.cmd(&["task", "run", "rev", &format!("task {n}")])
            .assert()
            .success()
            .stdout(format!("answer to task {n}\n"));
    }
    let all = conversations(&server).await;
    assert_eq!(all[0].len(), 2, "the first task has nothing to remember");
    let fifth = &all[4][1..];
    assert_eq!(
        fifth,
        turns(&[
            ("user", "task 2"),
            ("assistant", "answer to task 2"),
            ("user", "task 3"),
            ("assistant", "answer to task 3"),
            ("user", "task 4"),
            ("assistant", "answer to task 4"),
            ("user", "task 5"),
        ])
        .as_slice()
    );
    assert_eq!(all[4][0], all[0][0], "the system prompt stays first");
    let agent = env.agent("rev");
    assert_eq!((agent["memory"].clone(), agent["memory_turns"].clone()), (json!({"turns": 3, "tokens": 0}), json!(3)));
    assert!(agent["memory_tokens"].as_u64().is_some_and(|t| t > 0));
    // A dry run shows the request as it would go out, memory and all.
    let dry = env.json(&["task", "run", "rev", "task 6", "--dry-run", "--json"]);
    assert_eq!(dry["body"]["messages"].as_array().map(Vec::len), Some(8));

    // A failed task is not remembered.
    let failing = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(400)).mount(&failing).await;
    env.provider(&failing.uri(), "");
    env.cmd(&["task", "run", "rev", "task failed"]).assert().code(4);
    assert_eq!(env.agent("rev")["memory_turns"], 3);

    // forget empties it; stop removes it with the agent.
    let output = env.cmd(&["agent", "forget", "rev", "--json"]).output().expect("forget");
    assert_eq!(serde_json::from_slice::<Value>(&output.stdout).expect("json"), json!({"agent": "rev", "forgotten": 3}));
    assert_eq!(env.agent("rev")["memory_turns"], 0);
}

#[tokio::test]
async fn parallel_tasks_on_one_agent_see_each_others_exchanges_in_the_order_they_ran() {
    let server = echo_server().await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    env.cmd(&["agent", "spawn", "rev", "--provider", "srv", "--memory", "100"]).assert().success();
    let children: Vec<std::process::Child> = (0..16)
        .map(|n| {
            env.std_cmd(&["task", "run", "rev", &format!("p{n}")])
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for mut child in children {
        assert!(child.wait().expect("wait").success());
    }
    let mut all = conversations(&server).await;
    all.sort_by_key(Vec::len);
    // Request k (in the order they ran) carries exactly the k exchanges before it:
    // every request's memory is a prefix of the last one's, none lost or doubled.
    let last = all.last().expect("requests").clone();
    assert_eq!(last.len(), 1 + 2 * 15 + 1);
    for (k, conversation) in all.iter().enumerate() {
        assert_eq!(conversation.len(), 2 + 2 * k, "request {k} has {} messages", conversation.len());
        assert_eq!(conversation[..conversation.len() - 1], last[..conversation.len() - 1], "request {k}");
        let asked = &conversation.last().expect("user").1;
        if k < 15 {
            assert_eq!(&last[1 + 2 * k].1, asked, "request {k}'s own task is remembered in its place");
        }
    }
    let users: std::collections::BTreeSet<&str> =
        last.iter().filter(|(r, _)| r == "user").map(|(_, c)| c.as_str()).collect();
    assert_eq!(users.len(), 16, "sixteen distinct tasks");
    assert_eq!(env.agent("rev")["memory_turns"], 16);
}

#[tokio::test]
async fn the_context_window_drops_the_oldest_exchanges_first() {
    let server = echo_server().await;
    let env = Env::new();
    // The system prompt of an agent without a persona is a few tokens; each task
    // and answer here about 100 each.
    env.provider(&server.uri(), "context_window = 700");
    env.cmd(&["agent", "spawn", "rev", "--provider", "srv", "--memory", "10"]).assert().success();
    for n in 0..4 {
        let task = format!("t{n} {}", "x".repeat(390));
        env.cmd(&["task", "run", "rev", &task, "--max-tokens", "100"]).assert().success();
    }
    let output = env.cmd(&["task", "run", "rev", "last", "--max-tokens", "100", "-v"]).output().expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("memory: dropped the 2 oldest of 4 exchange(s) to fit the context window of srv"),
        "{}",
        stderr_of(&output)
    );
    let all = conversations(&server).await;
    let users: Vec<String> =
        all[4].iter().filter(|(r, _)| r == "user").map(|(_, c)| c.chars().take(2).collect()).collect();
    assert_eq!(users, ["t2", "t3", "la"], "the two newest exchanges, then the task");
}

#[tokio::test]
async fn memory_moves_with_export_and_import_and_exist_ok_compares_it() {
    let server = echo_server().await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    env.cmd(&["agent", "spawn", "rev", "--provider", "srv", "--memory", "2", "--memory-tokens", "5000"])
        .assert()
        .success();
    env.cmd(&["task", "run", "rev", "remember me"]).assert().success();
    env.cmd(&["agent", "spawn", "rev", "--provider", "srv", "--memory", "2", "--memory-tokens", "5000", "--exist-ok"])
        .assert()
        .success();
    let output = env.cmd(&["agent", "spawn", "rev", "--provider", "srv", "--exist-ok"]).output().expect("spawn");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("memory --memory 2 --memory-tokens 5000"), "{}", stderr_of(&output));

    let export = env.cmd(&["state", "export"]).output().expect("export");
    let text = stdout_of(&export);
    let line: Value = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|l| l["kind"] == "memory")
        .expect("a memory line");
    assert_eq!(line["exchange"]["user"], "remember me");
    assert_eq!(line["exchange"]["answer"], "answer to remember me");

    let other = Env::new();
    other.provider(&server.uri(), "");
    let file = other.work().join("export.jsonl");
    std::fs::write(&file, &text).expect("write");
    other.cmd(&["state", "import", file.to_str().expect("path")]).assert().success();
    assert_eq!(other.agent("rev")["memory_turns"], 1);
    other.cmd(&["task", "run", "rev", "again"]).assert().success();
    let all = conversations(&server).await;
    let last = all.last().expect("request");
    assert_eq!(last[1], ("user".to_string(), "remember me".to_string()), "the imported memory is sent");

    other.cmd(&["stop", "rev"]).assert().success();
    let after = other.cmd(&["state", "export"]).output().expect("export");
    assert!(!stdout_of(&after).contains("\"kind\":\"memory\""), "stop removes the memory");
    if !on_redis_suite() {
        let folder = other.home().join("memory");
        let left = std::fs::read_dir(&folder).map_or(0, Iterator::count);
        assert_eq!(left, 0, "no memory file is left in {}", folder.display());
    }
}

#[tokio::test]
async fn a_schema_answer_is_remembered_as_its_json_value() {
    let (server, _) = scripted_on("/v1/chat/completions", vec![ok("```json\n{\"n\": 1}\n```"), ok("{\"n\": 2}")]).await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    env.cmd(&["agent", "spawn", "rev", "--provider", "srv", "--memory", "5"]).assert().success();
    env.cmd(&["task", "run", "rev", "count", "--schema", "n int"]).assert().success().stdout("{\"n\":1}\n");
    env.cmd(&["task", "run", "rev", "again", "--schema", "n int"]).assert().success();
    let all = conversations(&server).await;
    assert_eq!(all[1][2], ("assistant".to_string(), "{\"n\":1}".to_string()));
}

// `task run --continue`: the earlier conversation, rebuilt from its stored body.

#[tokio::test]
async fn continue_sends_the_whole_earlier_conversation_then_the_new_task() {
    let server = echo_server().await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    env.spawn("rev", "srv");
    let first = env.json(&["task", "run", "rev", "Review this", "--context", "fn main() {}", "--json"]);
    let id = first["task_id"].as_str().expect("id").to_string();
    env.cmd(&["task", "run", "--continue", &id, "And the tests?"]).assert().success();
    let all = request_bodies(&server).await;
    let mut expected = all[0]["messages"].as_array().expect("messages").clone();
    expected.push(json!({"role": "assistant", "content": "answer to Review this\n\nContext:\nfn main() {}"}));
    expected.push(json!({"role": "user", "content": "And the tests?"}));
    assert_eq!(all[1]["messages"], Value::Array(expected.clone()));
    assert_eq!(env.agent("rev")["tasks_completed"], 2, "the same agent went on");
    let line: Value = serde_json::from_str(env.history_text().lines().last().expect("line")).expect("history");
    assert_eq!(line["parent_task_id"], id.as_str());

    // `last` is the newest task; a chain goes on growing.
    env.cmd(&["task", "run", "--continue", "last", "Anything else?"]).assert().success();
    let all = request_bodies(&server).await;
    assert_eq!(all[2]["messages"].as_array().map(Vec::len), Some(expected.len() + 2));
    // task show gives the whole conversation, the answer last.
    let second = line["task_id"].as_str().expect("id");
    let shown = env.json(&["task", "show", second, "--json"]);
    let roles: Vec<&str> =
        shown["conversation"].as_array().expect("conversation").iter().filter_map(|m| m["role"].as_str()).collect();
    assert_eq!(roles, ["system", "user", "assistant", "user", "assistant"]);

    // Another persona named: its prompt, the same turns.
    env.cmd(&["task", "run", "--continue", &id, "--persona", "examples/qa-engineer", "--provider", "srv", "Once more"])
        .assert()
        .success();
    let all = request_bodies(&server).await;
    let last = all.last().expect("request");
    assert_ne!(last["messages"][0], all[0]["messages"][0]);
    assert_eq!(last["messages"].as_array().expect("messages")[1..3], expected[1..3]);
}

#[tokio::test]
async fn continue_on_native_anthropic_rebuilds_its_conversation_and_fails_over_with_it() {
    let answer = json!({
        "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-haiku-4-5",
        "content": [{"type": "text", "text": "Claude's answer"}], "stop_reason": "end_turn",
        "usage": {"input_tokens": 3, "output_tokens": 2}
    });
    let (anthropic, _) = scripted_on("/v1/messages", vec![ResponseTemplate::new(200).set_body_json(answer)]).await;
    let (openai, _) = scripted_on("/v1/chat/completions", vec![ok("OpenAI's answer")]).await;
    let env = Env::new();
    env.write_providers(&format!(
        "[providers.claude]\ntype = \"anthropic\"\nendpoint = \"{}/v1\"\nmodel = \"claude-haiku-4-5\"\napi_key_env = \"ANT_KEY\"\nretries = 0\nfallbacks = [\"gpt\"]\n\
         [providers.gpt]\ntype = \"openai\"\nendpoint = \"{}/v1\"\nmodel = \"m\"\n",
        anthropic.uri(),
        openai.uri()
    ));
    let run = |args: &[&str]| env.cmd(args).env("ANT_KEY", "sk-ant-1").output().expect("run");
    let output =
        run(&["task", "run", "--persona", "examples/code-reviewer", "--provider", "claude", "First", "--json"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let id =
        serde_json::from_slice::<Value>(&output.stdout).expect("json")["task_id"].as_str().expect("id").to_string();
    let output = run(&["task", "run", "--continue", &id, "Second"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let sent = request_bodies(&anthropic).await;
    assert_eq!(sent[1]["system"], sent[0]["system"]);
    assert_eq!(
        sent[1]["messages"],
        json!([{"role": "user", "content": "First"}, {"role": "assistant", "content": "Claude's answer"}, {"role": "user", "content": "Second"}])
    );
    // The same conversation, in the other protocol's shape, when Claude fails.
    anthropic.reset().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).mount(&anthropic).await;
    let output = run(&["task", "run", "--continue", &id, "Third"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output), "OpenAI's answer\n");
    let failover = &request_bodies(&openai).await[0];
    assert_eq!(failover["messages"][0]["content"], sent[0]["system"]);
    assert_eq!(
        failover["messages"].as_array().expect("messages")[1..],
        [
            json!({"role": "user", "content": "First"}),
            json!({"role": "assistant", "content": "Claude's answer"}),
            json!({"role": "user", "content": "Third"})
        ]
    );
}

#[tokio::test]
async fn continue_needs_the_stored_body_and_says_why_not() {
    let server = echo_server().await;
    let env = Env::new();
    env.write_providers(&format!(
        "[history]\nbodies = false\n[providers.srv]\ntype = \"openai\"\nendpoint = \"{}/v1\"\nmodel = \"m\"\n",
        server.uri()
    ));
    env.cmd(&["task", "run", "--persona", "examples/code-reviewer", "--provider", "srv", "x"]).assert().success();
    let output = env.cmd(&["task", "run", "--continue", "last", "y"]).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr_of(&output).contains("its conversation was not kept ([history] bodies = false, or pruned)"),
        "{}",
        stderr_of(&output)
    );

    env.provider(&server.uri(), "");
    let long = "z".repeat(70 * 1024);
    env.cmd(&["task", "run", "--persona", "examples/code-reviewer", "--provider", "srv", &long]).assert().success();
    let output = env.cmd(&["task", "run", "--continue", "last", "y"]).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("stored cut at 64 KiB"), "{}", stderr_of(&output));
    let output = env.cmd(&["task", "run", "--continue", "tk_00000000000000ff", "y"]).output().expect("run");
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(
        server.received_requests().await.expect("recording").len(),
        2,
        "nothing was sent for a refused --continue"
    );
}

#[tokio::test]
async fn a_batch_runs_an_agents_lines_in_file_order_each_remembering_the_last() {
    let server = echo_server().await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    env.cmd(&["agent", "spawn", "rev", "--provider", "srv", "--memory", "5"]).assert().success();
    let file = env.work().join("b.jsonl");
    let lines: String = (1..=4)
        .map(|n| format!("{}\n", json!({"id": n, "agent": "rev", "description": format!("line {n}")})))
        .collect();
    std::fs::write(&file, lines).expect("write");
    env.cmd(&["task", "run", "--file", file.to_str().expect("path"), "--parallel", "4"]).assert().success();
    let all = conversations(&server).await;
    let users: Vec<Vec<String>> =
        all.iter().map(|c| c.iter().filter(|(r, _)| r == "user").map(|(_, t)| t.clone()).collect()).collect();
    assert_eq!(
        users,
        [
            vec!["line 1"],
            vec!["line 1", "line 2"],
            vec!["line 1", "line 2", "line 3"],
            vec!["line 1", "line 2", "line 3", "line 4"]
        ]
    );
}

#[tokio::test]
async fn a_key_in_a_remembered_exchange_is_printed_as_it_came_and_kept_redacted() {
    const KEY: &str = "sk-memory-0123456789abcdef";
    let (server, _) = scripted_on("/v1/chat/completions", vec![ok(&format!("the key is {KEY}"))]).await;
    let env = Env::new();
    env.provider(&server.uri(), "api_key_env = \"MEM_KEY\"");
    env.cmd(&["agent", "spawn", "rev", "--provider", "srv", "--memory", "3"]).assert().success();
    let output =
        env.cmd(&["task", "run", "rev", &format!("remember {KEY}")]).env("MEM_KEY", KEY).output().expect("run");
    assert_eq!(stdout_of(&output), format!("the key is {KEY}\n"), "the answer is printed as it came");
    env.cmd(&["task", "run", "rev", "and now?"]).env("MEM_KEY", KEY).assert().success();
    let mut stored = all_files_text(&env.home());
    if on_redis_suite() {
        stored.push_str(&env.redis_text(""));
    }
    assert!(stored.contains("remember ") && !stored.contains(KEY), "a stored copy holds the key: {stored}");
    let sent = request_bodies(&server).await;
    let remembered = &sent[1]["messages"].as_array().expect("messages")[1..3];
    assert!(
        !serde_json::to_string(remembered).expect("json").contains(KEY),
        "memory sends what it kept: {remembered:?}"
    );
}

#[tokio::test]
async fn memory_tokens_keeps_only_what_fits_the_cap_newest_first() {
    let server = echo_server().await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    // Each exchange here is about 25 + 28 tokens by estimate; a cap of 120 keeps two.
    env.cmd(&["agent", "spawn", "rev", "--provider", "srv", "--memory-tokens", "120"]).assert().success();
    for n in 0..4 {
        env.cmd(&["task", "run", "rev", &format!("t{n} {}", "y".repeat(96))]).assert().success();
    }
    let agent = env.agent("rev");
    assert_eq!(agent["memory_turns"], 2, "{agent}");
    assert!(agent["memory_tokens"].as_u64().is_some_and(|t| t <= 120), "{agent}");
    env.cmd(&["task", "run", "rev", "last"]).assert().success();
    let all = conversations(&server).await;
    let users: Vec<String> =
        all[4].iter().filter(|(r, _)| r == "user").map(|(_, c)| c.chars().take(2).collect()).collect();
    assert_eq!(users, ["t2", "t3", "la"]);
}

#[tokio::test]
async fn a_continued_task_sends_the_conversation_instead_of_the_memory() {
    let server = echo_server().await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    env.cmd(&["agent", "spawn", "rev", "--provider", "srv", "--memory", "5"]).assert().success();
    env.cmd(&["task", "run", "rev", "one"]).assert().success();
    env.cmd(&["task", "run", "rev", "two"]).assert().success();
    env.cmd(&["task", "run", "--continue", "last", "three"]).assert().success();
    let all = conversations(&server).await;
    let users: Vec<&str> = all[2].iter().filter(|(r, _)| r == "user").map(|(_, c)| c.as_str()).collect();
    assert_eq!(users, ["one", "two", "three"], "each earlier turn once");
    assert_eq!(env.agent("rev")["memory_turns"], 3, "the continued task is remembered too");
}
