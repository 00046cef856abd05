//! Regression tests for the second hardening round (issue #14): what a hostile server,
//! a hostile file and a killed batch still got through. Each test is named after what
//! it protects; those that touch state run on files, and again on Redis in CI's
//! second pass (`AGENTRY_TEST_BACKEND=redis`).

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::Duration;

use base64::Engine as _;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

const KEY: &str = "sk-hostile-0123456789abcdef";

async fn answering(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/v1/chat/completions")).respond_with(template).mount(&server).await;
    server
}

/// Everything agentry keeps: every file under the home (but the user's providers
/// file) and, on the Redis pass, every key and value of the test's namespace.
fn stored(env: &Env) -> String {
    let mut text = all_files_text(&env.home());
    if on_redis_suite() {
        text.push_str(&env.redis_text(""));
    }
    text
}

fn keyed(env: &Env, args: &[&str]) -> std::process::Output {
    env.cmd(args).env("HOSTILE_KEY", KEY).env("AGENTRY_BACKOFF_SCALE", "0.01").output().expect("run")
}

fn one_shot<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["task", "run", "--persona", "examples/qa-engineer", "--provider", "srv", "x"];
    args.extend_from_slice(extra);
    args
}

/// A batch file of `lines` lines, each `{"id": i, "description": …, TARGET}`.
fn batch_file(env: &Env, name: &str, lines: usize, target: &str) -> std::path::PathBuf {
    let file = env.work().join(name);
    let text: String =
        (0..lines).map(|i| format!("{{\"id\": {i}, \"description\": \"line {i}\", {target}}}\n")).collect();
    std::fs::write(&file, text).expect("write batch");
    file
}

const ONE_SHOT_SRV: &str = "\"persona\": \"examples/qa-engineer\", \"provider\": \"srv\"";

// 1. A key echoed in a successful answer's metadata is shown and stored redacted.
#[tokio::test]
async fn a_key_echoed_in_answer_metadata_is_never_shown_or_stored() {
    let plain = json!({
        "id": KEY, "object": "chat.completion", "created": 1, "model": format!("m-{KEY}"),
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "fine"}, "finish_reason": KEY}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}
    });
    let chunk = |delta: Value, finish: Value| {
        format!(
            "data: {}\n\n",
            json!({"id": KEY, "object": "chat.completion.chunk", "model": KEY,
                   "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
        )
    };
    let stream = format!(
        "{}{}data: [DONE]\n\n",
        chunk(json!({"content": "fine"}), Value::Null),
        chunk(json!({}), Value::String(KEY.into()))
    );
    let answers = [
        (ResponseTemplate::new(200).set_body_json(plain), "--no-cache"),
        (ResponseTemplate::new(200).set_body_raw(stream.into_bytes(), "text/event-stream"), "--stream"),
    ];
    for (template, mode) in answers {
        let server = answering(template).await;
        let env = Env::new();
        env.provider(&server.uri(), "api_key_env = \"HOSTILE_KEY\"");
        for args in [one_shot(&[mode, "--json"]), one_shot(&[mode, "-v"]), vec!["task", "list", "--json"]] {
            let output = keyed(&env, &args);
            assert!(output.status.success(), "{args:?}: {}", stderr_of(&output));
            let text = format!("{}{}", stdout_of(&output), stderr_of(&output));
            assert!(!text.contains(KEY), "{args:?} showed the key: {text}");
        }
        let result: Value = serde_json::from_slice(&keyed(&env, &one_shot(&[mode, "--json"])).stdout).expect("json");
        assert_eq!(result["finish_reason"], "(redacted)");
        let id = result["task_id"].as_str().expect("id").to_string();
        let shown = keyed(&env, &["task", "show", &id]);
        assert!(!stdout_of(&shown).contains(KEY), "{}", stdout_of(&shown));
        let file = batch_file(&env, "b.jsonl", 2, ONE_SHOT_SRV);
        let out = env.work().join("out.jsonl");
        let batch = ["task", "run", "--file", file.to_str().expect("p"), "--output", out.to_str().expect("p"), mode];
        let ran = keyed(&env, &batch);
        let written = std::fs::read_to_string(&out).expect("out");
        assert!(ran.status.success(), "{mode}: {}{written}", stderr_of(&ran));
        assert!(!written.contains(KEY));
        let kept = stored(&env);
        assert!(!kept.contains(KEY), "a stored copy holds the key ({mode})");
        assert!(kept.contains("(redacted)"), "nothing was stored ({mode})");
    }
}

#[tokio::test]
async fn a_key_echoed_in_an_anthropic_model_name_is_redacted() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "msg_1", "type": "message", "role": "assistant", "model": KEY,
            "content": [{"type": "text", "text": "fine"}], "stop_reason": KEY,
            "usage": {"input_tokens": 3, "output_tokens": 1}
        })))
        .mount(&server)
        .await;
    let env = Env::new();
    env.write_providers(&format!(
        "[providers.claude]\ntype = \"anthropic\"\nendpoint = \"{}/v1\"\nmodel = \"claude-haiku-4-5\"\napi_key_env = \"HOSTILE_KEY\"\n",
        server.uri()
    ));
    let output =
        keyed(&env, &["task", "run", "--persona", "examples/qa-engineer", "--provider", "claude", "x", "--json"]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let result: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!((result["model"].as_str(), result["finish_reason"].as_str()), (Some("(redacted)"), Some("(redacted)")));
    assert!(!stored(&env).contains(KEY));
}

// 2. Secrets in other forms: Basic auth from URL credentials, re-encoded keys, a
// redirect target, a key quoted in the answer.
#[tokio::test]
async fn url_credentials_sent_as_basic_auth_are_redacted_when_echoed() {
    let basic = base64::engine::general_purpose::STANDARD.encode("alice:pw hostile/secret+99");
    let server = answering(ResponseTemplate::new(400).set_body_json(json!({"error": {"message": format!(
        "refused Authorization: Basic {basic}; password pw+hostile%2Fsecret%2B99, pw%20hostile%2fsecret%2b99, {}",
        "pw hostile\\/secret+99"
    )}})))
    .await;
    let env = Env::new();
    let uri = server.uri().replace("http://", "http://alice:pw%20hostile%2Fsecret%2B99@");
    env.provider(&uri, "");
    let output = env.cmd(&one_shot(&["--retries", "0", "-v"])).output().expect("run");
    assert_eq!(output.status.code(), Some(4), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("refused Authorization: Basic (redacted)"), "{stderr}");
    assert!(!stderr.contains(&basic) && !stderr.contains("hostile"), "{stderr}");
    let requests = server.received_requests().await.expect("recording");
    let sent = requests[0].headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    assert_eq!(sent, format!("Basic {basic}"), "the credentials were not sent as Basic auth");
    assert!(!stored(&env).contains("hostile"));
}

#[tokio::test]
async fn a_refused_redirect_shows_only_the_target_origin() {
    let elsewhere = answering(ok("stolen")).await;
    let server = answering(
        ResponseTemplate::new(307)
            .insert_header("location", format!("{}/{KEY}/v1/chat/completions?token={KEY}", elsewhere.uri())),
    )
    .await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    let output = env.cmd(&one_shot(&["--json"])).output().expect("run");
    assert_eq!(output.status.code(), Some(4));
    let text = format!("{}{}{}", stdout_of(&output), stderr_of(&output), stored(&env));
    assert!(text.contains(&format!("another origin, {}", elsewhere.uri())), "{text}");
    assert!(!text.contains(KEY) && !text.contains("sk-hostile"), "{text}");
}

#[tokio::test]
async fn a_key_quoted_in_the_answer_is_printed_but_stored_redacted() {
    let answer = format!("your key is {KEY}, and encoded {}", base64::engine::general_purpose::STANDARD.encode(KEY));
    let server = answering(ok(&answer)).await;
    let env = Env::new();
    env.provider(&server.uri(), "api_key_env = \"HOSTILE_KEY\"\ncache = true");
    let output = keyed(&env, &one_shot(&[]));
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output), format!("{answer}\n"), "the answer is printed as it came");
    // The cache keeps the redacted copy, so a hit prints that.
    let again = keyed(&env, &one_shot(&["--json"]));
    let hit: Value = serde_json::from_slice(&again.stdout).expect("json");
    assert_eq!(hit["cached"], true);
    assert_eq!(hit["response"], "your key is (redacted), and encoded (redacted)");
    let file = batch_file(&env, "b.jsonl", 1, ONE_SHOT_SRV);
    let out = env.work().join("out.jsonl");
    let ran = keyed(
        &env,
        &["task", "run", "--file", file.to_str().expect("p"), "--output", out.to_str().expect("p"), "--no-cache"],
    );
    assert!(ran.status.success(), "{}", stderr_of(&ran));
    let written = std::fs::read_to_string(&out).expect("out");
    assert!(written.contains("your key is (redacted)") && !written.contains(KEY), "{written}");
    // A batch's results on stdout are the answers themselves.
    let piped = keyed(&env, &["task", "run", "--file", file.to_str().expect("p"), "--no-cache"]);
    assert!(stdout_of(&piped).contains(KEY));
    assert!(!stored(&env).contains(KEY), "a stored copy holds the key");
}

// 3. A killed batch never leaves a success line that the history lacks.
#[tokio::test(flavor = "multi_thread")]
async fn every_success_line_in_output_is_recorded_once_after_sigkill() {
    let server = answering(ok("done").set_delay(Duration::from_millis(15))).await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    let file = batch_file(&env, "b.jsonl", 120, ONE_SHOT_SRV);
    let out = env.work().join("out.jsonl");
    let args =
        ["task", "run", "--file", file.to_str().expect("p"), "--output", out.to_str().expect("p"), "--parallel", "8"];
    let check = |label: &str| {
        let history = env.history_text();
        let mut recorded = std::collections::HashMap::new();
        for line in history.lines() {
            let record: Value = serde_json::from_str(line).expect("history line");
            *recorded.entry(record["task_id"].as_str().expect("id").to_string()).or_insert(0) += 1;
        }
        assert!(recorded.values().all(|n| *n == 1), "{label}: a task recorded twice");
        let text = std::fs::read_to_string(&out).unwrap_or_default();
        for line in text.lines().filter(|l| !l.is_empty()) {
            let Ok(result) = serde_json::from_str::<Value>(line) else { continue };
            if result["success"] == true {
                let id = result["task_id"].as_str().expect("id");
                assert_eq!(recorded.get(id), Some(&1), "{label}: {id} is in --output but not in the history");
            }
        }
        let stats = env.json(&["stats", "--json"]);
        let srv = stats["providers"].as_array().expect("providers").iter().find(|p| p["id"] == "srv").cloned();
        let completed = srv.map_or(0, |p| p["tasks_completed"].as_u64().expect("n"));
        let successes = history.lines().filter(|l| l.contains("\"success\":true")).count() as u64;
        assert_eq!(completed, successes, "{label}: totals and history disagree");
    };
    for round in 0..6u64 {
        let mut child = env.background(&args);
        std::thread::sleep(Duration::from_millis(150 + fastrand::u64(0..400) + round * 20));
        let _ = child.child.kill();
        let _ = child.finish();
        check(&format!("after kill {round}"));
    }
    let output = env.cmd(&args).output().expect("rerun");
    assert!(output.status.success(), "{}", stderr_of(&output));
    check("after the rerun");
}

// 4. Import takes only ids and names of the forms agentry makes.
#[test]
fn import_refuses_ids_that_would_name_paths_outside_the_state() {
    let env = Env::new();
    env.cmd(&["task", "run", "--persona", "examples/qa-engineer", "--provider", "mock", "x"]).assert().success();
    let export = stdout_of(&env.cmd(&["state", "export"]).output().expect("export"));
    let history = export.lines().find(|l| l.contains("\"kind\":\"history\"")).expect("a history line").to_string();
    let task_id =
        serde_json::from_str::<Value>(&history).expect("json")["record"]["task_id"].as_str().expect("id").to_string();
    let outside = env.dir.path().join("outside.json");
    std::fs::write(&outside, "{}").expect("bait");
    for (bad, field) in [
        (history.replace(&task_id, "../../outside"), "task_id `../../outside`"),
        (history.replace("\"worker_id\":\"wk_", "\"worker_id\":\"../wk_"), "worker_id"),
        (
            json!({"kind": "agent", "agent": {"id": "ag_0123456789abcdef", "name": "../evil", "persona": null,
                   "project": "p", "provider": "mock", "worker_id": "wk_0123456789abcdef",
                   "created_at": "2026-12-01T00:00:00.000Z", "last_active": null}})
            .to_string(),
            "name `../evil`",
        ),
    ] {
        let file = env.work().join("import.jsonl");
        std::fs::write(&file, format!("{bad}\n")).expect("write");
        let other = Env::new();
        let output = other.cmd(&["state", "import", file.to_str().expect("p")]).output().expect("import");
        assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
        let stderr = stderr_of(&output);
        assert!(stderr.contains("import.jsonl:1:") && stderr.contains(field), "{stderr}");
        assert!(stdout_of(&other.cmd(&["task", "list", "--json"]).output().expect("list")).trim() == "[]");
    }
    assert!(outside.exists());
}

// 5. Budgets: bounded usage, spend recorded without a budget, no minus zero.
fn priced(uri: &str, extra: &str) -> String {
    format!(
        "[providers.srv]\ntype = \"openai\"\nendpoint = \"{uri}/v1\"\nmodel = \"test-model\"\npricing = {{ input = 0.0, output = 1000000.0 }}\n{extra}\n"
    )
}

#[tokio::test]
async fn usage_is_bounded_by_max_tokens_and_the_context_window() {
    let absurd = json!({
        "id": "c", "object": "chat.completion", "created": 1, "model": "test-model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 1_000_000_000_000u64, "completion_tokens": 1_000_000_000_000u64,
                  "total_tokens": 2_000_000_000_000u64}
    });
    let server = answering(ResponseTemplate::new(200).set_body_json(absurd)).await;
    let env = Env::new();
    env.write_providers(&priced(&server.uri(), "context_window = 1000"));
    let result = env.json(&one_shot(&["--max-tokens", "50", "--json"]));
    assert_eq!((result["prompt_tokens"].as_u64(), result["completion_tokens"].as_u64()), (Some(1000), Some(50)));
    assert_eq!(result["tokens_used"], 1050);
    assert_eq!(result["cost_usd"], 50.0);
    let result = env.json(&one_shot(&["--json"]));
    assert_eq!(result["completion_tokens"], 1000, "the window bounds completions without --max-tokens");
    let stats = env.json(&["stats", "--json"]);
    assert_eq!(stats["totals"]["tokens_used"].as_u64(), Some(3050), "{stats}");
}

#[tokio::test]
async fn spend_without_a_budget_counts_once_a_budget_is_set() {
    // 7 completion tokens reported, bounded to the 1 asked for: $1 at $1 a token.
    let server = answering(ok("x")).await;
    let env = Env::new();
    env.write_providers(&priced(&server.uri(), ""));
    env.cmd(&one_shot(&["--max-tokens", "1"])).assert().success();
    // $1 spent plus this task's $1 estimate passes $1.50.
    env.write_providers(&priced(&server.uri(), "budget_daily = 1.5"));
    let output = env.cmd(&one_shot(&["--max-tokens", "1"])).output().expect("run");
    assert_eq!(output.status.code(), Some(7), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("spent today $1.0000"), "{stderr}");
    assert_eq!(server.received_requests().await.expect("recording").len(), 1);
}

#[tokio::test]
async fn a_budget_of_zero_shows_no_minus_zero() {
    let server = answering(ok("x")).await;
    let env = Env::new();
    env.write_providers(&priced(&server.uri(), "budget_daily = 0"));
    let output = env.cmd(&one_shot(&["--max-tokens", "1"])).output().expect("run");
    assert_eq!(output.status.code(), Some(7), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("budget_daily of $0.0000") && !stderr.contains("$-"), "{stderr}");
}

// 6. Pipes and FIFOs never hang; long values list in one pass.
#[test]
fn a_fifo_as_output_is_appended_to_without_resuming() {
    let env = Env::new();
    let file = batch_file(&env, "b.jsonl", 3, "\"persona\": \"examples/qa-engineer\", \"provider\": \"mock\"");
    let fifo = env.work().join("results.fifo");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo").success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).expect("read fifo"))
    };
    let output = env
        .cmd(&["task", "run", "--file", file.to_str().expect("p"), "--output", fifo.to_str().expect("p")])
        .timeout(Duration::from_secs(60))
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(reader.join().expect("reader").lines().count(), 3);
    // /dev/stdout when stdout is a pipe: the lines arrive there.
    let output = env
        .cmd(&["task", "run", "--file", file.to_str().expect("p"), "--output", "/dev/stdout"])
        .timeout(Duration::from_secs(60))
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output).lines().count(), 3);
}

#[test]
fn a_fifo_as_a_persona_file_is_refused() {
    let env = Env::new();
    let folder = env.work().join("personas").join("piped");
    std::fs::create_dir_all(&folder).expect("mkdir");
    assert!(std::process::Command::new("mkfifo").arg(folder.join("SKILL.md")).status().expect("mkfifo").success());
    let output = env
        .cmd(&["task", "run", "--persona", "piped", "--provider", "mock", "x"])
        .timeout(Duration::from_secs(30))
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("SKILL.md is not a regular file"), "{}", stderr_of(&output));
}

#[test]
fn a_long_value_lists_whole_in_its_column() {
    let env = Env::new();
    let model = "m".repeat(4 * 1024 * 1024);
    env.write_providers(&format!(
        "[providers.big]\ntype = \"local\"\nendpoint = \"http://127.0.0.1:9/v1\"\nmodel = \"{model}\"\n"
    ));
    let output = env.cmd(&["provider", "list"]).output().expect("list");
    assert!(output.status.success(), "{}", stderr_of(&output));
    let stdout = stdout_of(&output);
    let row = stdout.lines().find(|l| l.starts_with("big ")).expect("a row for big");
    assert!(row.contains(&format!("  {model}  ")), "the model is not whole in its column");
}

// 7. Every capped read refuses /dev/zero with exit 2 naming it.
#[test]
fn dev_zero_is_refused_by_every_capped_read() {
    let env = Env::new();
    let output =
        env.cmd(&["task", "run", "--file", "/dev/zero"]).timeout(Duration::from_secs(120)).output().expect("run");
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("/dev/zero:1: the line is longer than 64 MiB"), "{}", stderr_of(&output));
    let output = env.cmd(&["state", "import", "/dev/zero"]).timeout(Duration::from_secs(120)).output().expect("run");
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("/dev/zero:1:"), "{}", stderr_of(&output));
    let folder = env.work().join("personas").join("zero");
    std::fs::create_dir_all(&folder).expect("mkdir");
    std::os::unix::fs::symlink("/dev/zero", folder.join("SKILL.md")).expect("symlink");
    let output = env.cmd(&["task", "run", "--persona", "zero", "--provider", "mock", "x"]).output().expect("run");
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    // --output /dev/zero is not read back: the batch runs and writes into it.
    let file = batch_file(&env, "b.jsonl", 1, "\"persona\": \"examples/qa-engineer\", \"provider\": \"mock\"");
    let output = env
        .cmd(&["task", "run", "--file", file.to_str().expect("p"), "--output", "/dev/zero"])
        .timeout(Duration::from_secs(60))
        .output()
        .expect("run");
    assert!(output.status.success(), "{}", stderr_of(&output));
    env.write_providers("[providers.tls]\ntype = \"local\"\nendpoint = \"https://127.0.0.1:9/v1\"\nmodel = \"m\"\nca_cert = \"/dev/zero\"\n");
    let output = env.cmd(&["provider", "list"]).timeout(Duration::from_secs(30)).output().expect("run");
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("ca_cert /dev/zero is not a regular file"), "{}", stderr_of(&output));
}

// 8. Batches and their output: a closed stream, two runs on one file, a stopped agent.
#[tokio::test(flavor = "multi_thread")]
async fn a_batch_piped_into_head_stops_sending() {
    let server = answering(ok("done").set_delay(Duration::from_millis(300))).await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    let file = batch_file(&env, "b.jsonl", 60, ONE_SHOT_SRV);
    let mut child = env
        .std_cmd(&["task", "run", "--file", file.to_str().expect("p"), "--parallel", "2"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut first).expect("one line");
    // `head -1` has its line and goes away: the pipe is closed here.
    let output = child.wait_with_output().expect("wait");
    assert!(first.contains("\"success\":true"), "{first}");
    assert_eq!(output.status.code(), Some(130), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("the results stream was closed"), "{}", stderr_of(&output));
    let sent = server.received_requests().await.expect("recording").len();
    assert!(sent < 20, "{sent} of 60 lines were sent after stdout closed");
    assert_eq!(env.history_text().lines().count(), sent, "every task that was sent is recorded");
}

#[tokio::test(flavor = "multi_thread")]
async fn two_batches_on_one_output_run_each_line_once() {
    // The first batch takes over a second: the second starts while it holds the file.
    let server = answering(ok("done").set_delay(Duration::from_millis(300))).await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    let file = batch_file(&env, "b.jsonl", 8, ONE_SHOT_SRV);
    let out = env.work().join("out.jsonl");
    let args =
        ["task", "run", "--file", file.to_str().expect("p"), "--output", out.to_str().expect("p"), "--parallel", "2"];
    let first = env.background(&args);
    std::thread::sleep(Duration::from_millis(150));
    let second = env.background(&args);
    let (a, _, _) = first.finish();
    let (b, _, lines) = second.finish();
    assert_eq!((a, b), (Some(0), Some(0)), "{lines:?}");
    assert_eq!(server.received_requests().await.expect("recording").len(), 8, "a line ran twice");
    assert!(lines.iter().any(|l| l.contains("waiting for --output")), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("8 skipped (done before)")), "{lines:?}");
}

#[test]
fn a_finished_batch_reruns_when_its_agent_was_stopped() {
    let env = Env::new();
    env.spawn("a", "mock");
    let file = batch_file(&env, "b.jsonl", 2, "\"agent\": \"a\"");
    let out = env.work().join("out.jsonl");
    let args = ["task", "run", "--file", file.to_str().expect("p"), "--output", out.to_str().expect("p")];
    env.cmd(&args).assert().success();
    env.cmd(&["stop", "a"]).assert().success();
    let output = env.cmd(&args).output().expect("rerun");
    assert!(output.status.success(), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("2 skipped (done before)"), "{}", stderr_of(&output));
}

// 9. Smaller defects.
#[tokio::test]
async fn a_huge_backoff_scale_does_not_panic() {
    let (server, _) = scripted_on("/v1/chat/completions", vec![ResponseTemplate::new(500), ok("late")]).await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    let output = env.cmd(&one_shot(&["--timeout", "5s"])).env("AGENTRY_BACKOFF_SCALE", "1e20").output().expect("run");
    assert_eq!(output.status.code(), Some(5), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("before retrying provider `srv`"), "{}", stderr_of(&output));
}

#[tokio::test]
async fn the_idle_timeout_before_the_headers_is_the_idle_timeout() {
    let server = answering(ok("late").set_delay(Duration::from_secs(20))).await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    // Connect (10 s) plus idle (1 s) would outlast --timeout 8s (exit 5); idle alone does not.
    let output =
        env.cmd(&one_shot(&["--idle-timeout", "1s", "--retries", "0", "--timeout", "8s"])).output().expect("run");
    assert_eq!(output.status.code(), Some(4), "{}", stderr_of(&output));
    assert!(stderr_of(&output).contains("sent nothing for 1 s (idle timeout)"), "{}", stderr_of(&output));
}

#[tokio::test]
async fn control_characters_from_outside_are_escaped() {
    let server = answering(
        ResponseTemplate::new(400)
            .set_body_json(json!({"error": {"message": "bad \u{1b}[2J\u{1b}]0;owned\u{7} request"}})),
    )
    .await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    let output = env.cmd(&one_shot(&[])).output().expect("run");
    let stderr = stderr_of(&output);
    assert!(!stderr.contains('\u{1b}') && !stderr.contains('\u{7}'), "{stderr:?}");
    assert!(stderr.contains("bad \\u{1b}[2J"), "{stderr}");
    env.cmd(&["agent", "spawn", "a", "--provider", "mock", "--project", "p\u{1b}[31mred\u{7}"]).assert().success();
    let shown = env.cmd(&["agent", "show", "a"]).output().expect("show");
    assert!(!stdout_of(&shown).contains('\u{1b}') && stdout_of(&shown).contains("p\\u{1b}[31mred\\u{7}"));
    // JSON carries the value as it is.
    assert_eq!(env.agent("a")["project"], "p\u{1b}[31mred\u{7}");
}

#[test]
fn bodies_left_by_a_kill_are_pruned_after_a_day() {
    if on_redis_suite() {
        return; // bodies on Redis expire with the history's max_age
    }
    let env = Env::new();
    let bodies = env.home().join("bodies");
    std::fs::create_dir_all(&bodies).expect("mkdir");
    let old = bodies.join("tk_00000000000000aa.json");
    let young = bodies.join("tk_00000000000000bb.json");
    std::fs::write(&old, "{}").expect("write");
    std::fs::write(&young, "{}").expect("write");
    let two_days = std::time::SystemTime::now() - Duration::from_secs(2 * 86_400);
    std::fs::File::options().write(true).open(&old).expect("open").set_modified(two_days).expect("mtime");
    // Temp files a writer killed before its rename left; bodies and prompts are not
    // swept on every write (their folders grow with the history), the daily prune does it.
    let prompts = env.home().join("prompts");
    std::fs::create_dir_all(&prompts).expect("mkdir");
    let stale_body = bodies.join(".tk_00000000000000cc.json.tmp-dead01");
    let stale_prompt = prompts.join(".0000.txt.tmp-dead02");
    let fresh_temp = bodies.join(".tk_00000000000000dd.json.tmp-live03");
    for file in [&stale_body, &stale_prompt, &fresh_temp] {
        std::fs::write(file, "{").expect("write");
    }
    let hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
    for file in [&stale_body, &stale_prompt] {
        std::fs::File::options().write(true).open(file).expect("open").set_modified(hour_ago).expect("mtime");
    }
    env.cmd(&["task", "run", "--persona", "examples/qa-engineer", "--provider", "mock", "x"]).assert().success();
    assert!(!old.exists(), "an orphaned body older than a day is kept");
    assert!(young.exists(), "a fresh body was removed");
    assert!(!stale_body.exists() && !stale_prompt.exists(), "a killed writer's temp file is kept");
    assert!(fresh_temp.exists(), "a temp file a live writer may still rename was removed");
}

// 10. Unclear errors get one line naming what is wrong.
#[test]
fn bad_batch_bytes_name_their_line_and_a_bom_is_fine() {
    let env = Env::new();
    let file = env.work().join("b.jsonl");
    let line = json!({"id": 1, "description": "x", "persona": "examples/qa-engineer", "provider": "mock"});
    std::fs::write(&file, [b"\xEF\xBB\xBF".as_slice(), line.to_string().as_bytes(), b"\n"].concat()).expect("write");
    env.cmd(&["task", "run", "--file", file.to_str().expect("p")]).assert().success();
    std::fs::write(&file, [line.to_string().as_bytes(), b"\n{\"id\": 2, \"description\": \"\xff\"}\n"].concat())
        .expect("write");
    let output = env.cmd(&["task", "run", "--file", file.to_str().expect("p")]).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("b.jsonl:2: the line is not UTF-8 text"), "{}", stderr_of(&output));
}

#[test]
fn hostile_settings_get_agentry_s_own_one_line_errors() {
    let env = Env::new();
    let endpoint = |weight: &str| {
        format!(
            "[providers.w]\ntype = \"local\"\nmodel = \"m\"\nendpoints = [{{ url = \"http://127.0.0.1:9/v1\", weight = {weight} }}]\n"
        )
    };
    for weight in ["-1", "nan", "1.5"] {
        env.write_providers(&endpoint(weight));
        let output = env.cmd(&["provider", "list"]).output().expect("run");
        assert_eq!(output.status.code(), Some(2));
        assert!(stderr_of(&output).contains("endpoints[0] weight must be a whole number"), "{}", stderr_of(&output));
    }
    for price in ["inf", "1e300"] {
        env.write_providers(&format!("[providers.p]\ntype = \"local\"\nendpoint = \"http://127.0.0.1:9/v1\"\nmodel = \"m\"\npricing = {{ input = {price}, output = 1 }}\n"));
        let output = env.cmd(&["provider", "list"]).output().expect("run");
        assert_eq!(output.status.code(), Some(2), "{price}");
        assert!(stderr_of(&output).contains("at most 1000000"), "{}", stderr_of(&output));
    }
    env.write_providers("[cache]\nmax_size = \"1PB\"\n");
    env.cmd(&["provider", "list"]).assert().success();
    // One duration rule: flag, variable and file alike.
    env.write_providers("[providers.t]\ntype = \"mock\"\ntimeout = \"0.5ms\"\n");
    assert_eq!(env.cmd(&["provider", "list"]).output().expect("run").status.code(), Some(2));
    env.write_providers("");
    let mock = ["task", "run", "--persona", "examples/qa-engineer", "--provider", "mock", "x"];
    let with = |args: &[&str], var: Option<(&str, &str)>| {
        let mut cmd = env.cmd(args);
        if let Some((name, value)) = var {
            cmd.env(name, value);
        }
        cmd.output().expect("run")
    };
    for (extra, var) in [
        (vec!["--timeout", "0.5ms"], None),
        (vec![], Some(("AGENTRY_TIMEOUT", "0.5ms"))),
        (vec!["--timeout", "9999999999999d"], None),
    ] {
        let args: Vec<&str> = mock.iter().copied().chain(extra.iter().copied()).collect();
        let output = with(&args, var);
        assert_eq!(output.status.code(), Some(2), "{args:?} {var:?}: {}", stderr_of(&output));
    }
    let args: Vec<&str> = mock.iter().copied().chain(["--timeout", "1e9s"]).collect();
    assert!(with(&args, None).status.success());
    for args in [vec!["stop", "a", "--timeout", "-1s"], vec!["task", "list", "--since", "-1s"]] {
        let output = env.cmd(&args).output().expect("run");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = stderr_of(&output);
        assert!(stderr.contains("takes a duration") && !stderr.contains("unexpected argument"), "{stderr}");
    }
}

#[cfg(unix)]
#[test]
fn variables_holding_bytes_that_are_not_text_are_named() {
    use std::os::unix::ffi::OsStrExt;
    let env = Env::new();
    let not_text = std::ffi::OsStr::from_bytes(b"redis://\xff");
    let output = env.cmd(&["agent", "list"]).env("AGENTRY_STATE", not_text).output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr_of(&output).contains("AGENTRY_STATE holds bytes that are not UTF-8 text"), "{}", stderr_of(&output));
    env.write_providers("[providers.k]\ntype = \"local\"\nendpoint = \"http://127.0.0.1:9/v1\"\nmodel = \"m\"\napi_key_env = \"HOSTILE_BYTES\"\n");
    let output = env
        .cmd(&["task", "run", "--persona", "examples/qa-engineer", "--provider", "k", "x"])
        .env("HOSTILE_BYTES", std::ffi::OsStr::from_bytes(b"sk-\xff"))
        .output()
        .expect("run");
    assert_ne!(output.status.code(), Some(0));
    assert!(stderr_of(&output).contains("HOSTILE_BYTES holds bytes that are not UTF-8 text"), "{}", stderr_of(&output));
}
