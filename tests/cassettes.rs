//! Recorded runs (issue #18): `--record FILE` against scripted servers (a 429 then a
//! 200, a stream, a failover after a refused connection, Anthropic's native API),
//! then the same runs replayed with the servers stopped and no key: the same stdout,
//! the same `--json` fields and exit codes; a changed request is `replay_miss`
//! naming what changed; no key in any cassette; `cassette show` and `prune`.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

const KEY: &str = "sk-cassette-secret-4242";

/// The `--json` fields a replay must reproduce (times and ids aside).
const SAME: &[&str] = &[
    "response",
    "finish_reason",
    "tokens_used",
    "prompt_tokens",
    "completion_tokens",
    "usage_estimated",
    "provider_id",
    "requested_provider_id",
    "model",
    "success",
    "error",
    "attempts",
    "error_class",
    "cost_usd",
    "cached",
    "data",
];

fn one_shot<'a>(provider: &'a str, description: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["task", "run", "--persona", "examples/code-reviewer", "--provider", provider, description];
    args.extend_from_slice(extra);
    args
}

/// Run with the key in the environment (recording) or without it (replaying).
fn run(env: &Env, args: &[&str], key: bool) -> std::process::Output {
    let mut cmd = env.std_cmd(args);
    cmd.env("AGENTRY_BACKOFF_SCALE", "0.01");
    if key {
        cmd.env("CASSETTE_KEY", KEY);
    }
    cmd.output().expect("run agentry")
}

fn json_of(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|err| panic!("not JSON ({err}): {}\n{}", stdout_of(output), stderr_of(output)))
}

fn assert_same(recorded: &Value, replayed: &Value) {
    for field in SAME {
        assert_eq!(recorded[field], replayed[field], "`{field}` differs:\nrecorded {recorded}\nreplayed {replayed}");
    }
}

fn lines(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .expect("read cassette")
        .lines()
        .map(|l| serde_json::from_str(l).expect("a cassette line is JSON"))
        .collect()
}

fn openai_provider(env: &Env, uri: &str) {
    env.write_providers(&format!(
        "[providers.srv]\ntype = \"openai\"\nendpoint = \"{uri}/v1\"\nmodel = \"test-model\"\napi_key_env = \"CASSETTE_KEY\"\n"
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_recorded_retry_replays_with_the_server_stopped_and_no_key() {
    let env = Env::new();
    let limited = ResponseTemplate::new(429)
        .insert_header("retry-after", "0.2")
        .set_body_json(json!({"error": {"message": "slow down", "type": "rate_limit_error"}}));
    let (server, script) = scripted_on("/v1/chat/completions", vec![limited, ok("Hello from the recording")]).await;
    openai_provider(&env, &server.uri());
    let recorded = run(&env, &one_shot("srv", "Say hello", &["--record", "ci.jsonl", "--json"]), true);
    assert!(recorded.status.success(), "{}", stderr_of(&recorded));
    assert_eq!(script.count(), 2, "a 429 then a 200");
    let cassette = env.work().join("ci.jsonl");
    let recorded_lines = lines(&cassette);
    assert_eq!(
        recorded_lines.iter().map(|l| l["response"]["status"].as_u64()).collect::<Vec<_>>(),
        [Some(429), Some(200)]
    );
    let text = std::fs::read_to_string(&cassette).expect("read");
    assert!(!text.contains(KEY), "a key in the cassette: {text}");
    assert!(text.contains("Bearer (redacted)"), "the key header is marked: {text}");
    #[cfg(unix)]
    assert_eq!(mode_of(&cassette), 0o600);
    drop(server);

    let replayed = run(&env, &one_shot("srv", "Say hello", &["--replay", "ci.jsonl", "--json"]), false);
    assert!(replayed.status.success(), "{}", stderr_of(&replayed));
    let (recorded, replayed_json) = (json_of(&recorded), json_of(&replayed));
    assert_same(&recorded, &replayed_json);
    assert_eq!(replayed_json["attempts"], 2, "the 429 replays as a retry");
    assert!(stderr_of(&replayed).contains("retrying srv"), "{}", stderr_of(&replayed));
    // Replaying never writes to the cassette.
    assert_eq!(std::fs::read_to_string(&cassette).expect("read"), text);

    // Plain text: the same stdout byte for byte, and the same exit code.
    let plain = run(&env, &one_shot("srv", "Say hello", &["--replay", "ci.jsonl"]), false);
    assert_eq!(plain.status.code(), Some(0), "{}", stderr_of(&plain));
    assert_eq!(stdout_of(&plain), "Hello from the recording\n");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_key_the_model_quotes_is_printed_when_recorded_and_never_kept() {
    let env = Env::new();
    let quoted = format!("The key is {KEY}.");
    let (server, _) = scripted_on("/v1/chat/completions", vec![ok(&quoted)]).await;
    openai_provider(&env, &server.uri());
    let recorded = run(&env, &one_shot("srv", "Quote it", &["--record", "ci.jsonl"]), true);
    assert_eq!(stdout_of(&recorded), format!("{quoted}\n"), "the answer is printed as it came");
    // A stream that spells the key over two events is not kept at all.
    let split =
        ResponseTemplate::new(200).set_body_raw(sse(&["The key is sk-cassette-", "secret-4242."]), "text/event-stream");
    let (streaming, _) = scripted_on("/v1/chat/completions", vec![split]).await;
    openai_provider(&env, &streaming.uri());
    let streamed = run(&env, &one_shot("srv", "Stream it", &["--stream", "--record", "ci.jsonl"]), true);
    assert_eq!(stdout_of(&streamed), format!("{quoted}\n"));
    assert!(stderr_of(&streamed).contains("warning: not recorded in ci.jsonl"), "{}", stderr_of(&streamed));
    let text = std::fs::read_to_string(env.work().join("ci.jsonl")).expect("read");
    assert_eq!(text.lines().count(), 1, "{text}");
    for form in [KEY, "c2stY2Fzc2V0dGUtc2VjcmV0LTQyNDI", "sk-cassette-secret"] {
        assert!(!text.contains(form), "`{form}` in the cassette: {text}");
    }
    drop((server, streaming));
    let replayed = run(&env, &one_shot("srv", "Quote it", &["--replay", "ci.jsonl"]), false);
    assert_eq!(stdout_of(&replayed), "The key is (redacted).\n", "{}", stderr_of(&replayed));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_changed_prompt_is_replay_miss_naming_the_difference() {
    let env = Env::new();
    let (server, _) = scripted_on("/v1/chat/completions", vec![ok("Hello")]).await;
    openai_provider(&env, &server.uri());
    let recorded = run(&env, &one_shot("srv", "Say hello to the team", &["--record", "ci.jsonl"]), true);
    assert!(recorded.status.success(), "{}", stderr_of(&recorded));
    drop(server);
    let missed = run(&env, &one_shot("srv", "Say goodbye to the team", &["--replay", "ci.jsonl", "--json"]), false);
    assert_eq!(missed.status.code(), Some(4), "{}", stderr_of(&missed));
    let result = json_of(&missed);
    assert_eq!(result["error_class"], "replay_miss");
    assert_eq!(result["success"], false);
    let error = result["error"].as_str().expect("error");
    assert!(
        error.contains("messages[1] (user): recorded `Say hello to the team`, asked `Say goodbye to the team`"),
        "{error}"
    );
    let stderr = stderr_of(&missed);
    assert!(stderr.contains("error: provider `srv` has no recorded answer") && stderr.contains("ci.jsonl"), "{stderr}");
    // Another model is named as the difference.
    let other = run(&env, &one_shot("srv", "Say hello to the team", &["--replay", "ci.jsonl", "--model", "m2"]), false);
    assert_eq!(other.status.code(), Some(4));
    assert!(stderr_of(&other).contains("model: recorded `\"test-model\"`, asked `\"m2\"`"), "{}", stderr_of(&other));
    assert!(stdout_of(&other).is_empty());
}

/// An OpenAI stream of `pieces`, with usage and `[DONE]`.
fn sse(pieces: &[&str]) -> String {
    let mut text = String::new();
    for piece in pieces {
        let chunk = json!({"id": "c1", "object": "chat.completion.chunk", "model": "served-model",
                           "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": null}]});
        text.push_str(&format!("data: {chunk}\n\n"));
    }
    let end = json!({"id": "c1", "object": "chat.completion.chunk", "model": "served-model",
                     "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
                     "usage": {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12}});
    text.push_str(&format!("data: {end}\n\ndata: [DONE]\n\n"));
    text
}

#[tokio::test(flavor = "multi_thread")]
async fn a_recorded_stream_replays_its_events_at_the_chosen_speed() {
    let env = Env::new();
    let stream = ResponseTemplate::new(200).set_body_raw(sse(&["Hel", "lo, ", "stream"]), "text/event-stream");
    let (server, _) = scripted_on("/v1/chat/completions", vec![stream]).await;
    openai_provider(&env, &server.uri());
    let recorded = run(&env, &one_shot("srv", "Stream it", &["--stream", "--record", "ci.jsonl"]), true);
    assert!(recorded.status.success(), "{}", stderr_of(&recorded));
    assert_eq!(stdout_of(&recorded), "Hello, stream\n");
    drop(server);
    let cassette = env.work().join("ci.jsonl");
    let mut recorded_lines = lines(&cassette);
    let events = recorded_lines[0]["response"]["events"].as_array().expect("a stream keeps its events").len();
    assert_eq!(events, 5, "three pieces, the finish and [DONE]: {}", recorded_lines[0]);

    let replayed = run(&env, &one_shot("srv", "Stream it", &["--stream", "--replay", "ci.jsonl"]), false);
    assert_eq!(replayed.status.code(), Some(0), "{}", stderr_of(&replayed));
    assert_eq!(stdout_of(&replayed), "Hello, stream\n");

    // The recorded timing, as if the last events came 700 ms after the headers:
    // replayed at speed 1 the run takes at least that long.
    for event in recorded_lines[0]["response"]["events"].as_array_mut().expect("events").iter_mut().skip(3) {
        event["at_ms"] = json!(700);
    }
    std::fs::write(&cassette, format!("{}\n", recorded_lines[0])).expect("write");
    let started = Instant::now();
    let timed =
        run(&env, &one_shot("srv", "Stream it", &["--stream", "--replay", "ci.jsonl", "--replay-speed", "1"]), false);
    assert!(started.elapsed() >= Duration::from_millis(700), "replayed in {:?}", started.elapsed());
    assert_eq!(stdout_of(&timed), "Hello, stream\n", "{}", stderr_of(&timed));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failover_after_a_refused_connection_replays() {
    let env = Env::new();
    let (server, _) = scripted_on("/v1/chat/completions", vec![ok("from the fallback")]).await;
    env.write_providers(&format!(
        "[providers.down]\ntype = \"openai\"\nendpoint = \"http://127.0.0.1:{}/v1\"\nmodel = \"test-model\"\napi_key_env = \"CASSETTE_KEY\"\nretries = 0\nfallbacks = [\"up\"]\n\
         [providers.up]\ntype = \"openai\"\nendpoint = \"{}/v1\"\nmodel = \"test-model\"\napi_key_env = \"CASSETTE_KEY\"\n",
        closed_port(),
        server.uri()
    ));
    let recorded = run(&env, &one_shot("down", "Fail over", &["--record", "ci.jsonl", "--json"]), true);
    assert!(recorded.status.success(), "{}", stderr_of(&recorded));
    let kept = lines(&env.work().join("ci.jsonl"));
    assert_eq!(kept[0]["failure"]["kind"], "connect", "{}", kept[0]);
    assert_eq!((kept[1]["provider"].as_str(), kept[1]["response"]["status"].as_u64()), (Some("up"), Some(200)));
    drop(server);
    let replayed = run(&env, &one_shot("down", "Fail over", &["--replay", "ci.jsonl", "--json"]), false);
    assert!(replayed.status.success(), "{}", stderr_of(&replayed));
    let replayed_json = json_of(&replayed);
    assert_same(&json_of(&recorded), &replayed_json);
    assert_eq!(replayed_json["provider_id"], "up");
    assert!(stderr_of(&replayed).contains("failing over from down to up after connect"), "{}", stderr_of(&replayed));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_replay_provider_answers_an_anthropic_recording_from_its_file() {
    let env = Env::new();
    let server = MockServer::start().await;
    let answer = json!({
        "id": "msg_1", "type": "message", "role": "assistant", "model": "claude-haiku-4-5-20251001",
        "content": [{"type": "text", "text": "Native hello."}], "stop_reason": "end_turn",
        "usage": {"input_tokens": 10, "output_tokens": 4}
    });
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .mount(&server)
        .await;
    env.write_providers(&format!(
        "[providers.claude]\ntype = \"anthropic\"\nendpoint = \"{}/v1\"\nmodel = \"claude-haiku-4-5\"\napi_key_env = \"CASSETTE_KEY\"\n",
        server.uri()
    ));
    let recorded = run(&env, &one_shot("claude", "Hello", &["--record", "ci.jsonl", "--json"]), true);
    assert!(recorded.status.success(), "{}", stderr_of(&recorded));
    assert_eq!(lines(&env.work().join("ci.jsonl"))[0]["protocol"], "anthropic");
    drop(server);
    // CI's own providers file: the same id, answering from the committed cassette
    // (a path relative to the providers file).
    std::fs::create_dir_all(env.home().join("cassettes")).expect("mkdir");
    std::fs::copy(env.work().join("ci.jsonl"), env.home().join("cassettes/ci.jsonl")).expect("copy");
    env.write_providers(
        "[providers.claude]\ntype = \"replay\"\ncassette = \"cassettes/ci.jsonl\"\nmodel = \"claude-haiku-4-5\"\n",
    );
    let replayed = run(&env, &one_shot("claude", "Hello", &["--json"]), false);
    assert!(replayed.status.success(), "{}", stderr_of(&replayed));
    assert_same(&json_of(&recorded), &json_of(&replayed));
    assert!(stderr_of(&replayed).contains("answers from the cassette"), "{}", stderr_of(&replayed));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_recorded_batch_replays_line_for_line() {
    let env = Env::new();
    let server = MockServer::start().await;
    for word in ["alpha", "beta"] {
        Mock::given(method("POST"))
            .and(path("/v1/chat/completions"))
            .and(wiremock::matchers::body_string_contains(format!("About {word}")))
            .respond_with(ok(&format!("answer on {word}")))
            .mount(&server)
            .await;
    }
    openai_provider(&env, &server.uri());
    let batch = "{\"id\":\"a\",\"persona\":\"examples/code-reviewer\",\"provider\":\"srv\",\"description\":\"About alpha\"}\n\
                 {\"id\":\"b\",\"persona\":\"examples/code-reviewer\",\"provider\":\"srv\",\"description\":\"About beta\"}\n";
    std::fs::write(env.work().join("tasks.jsonl"), batch).expect("write");
    let recorded = run(&env, &["task", "run", "--file", "tasks.jsonl", "--ordered", "--record", "ci.jsonl"], true);
    assert!(recorded.status.success(), "{}", stderr_of(&recorded));
    drop(server);
    let replayed = run(&env, &["task", "run", "--file", "tasks.jsonl", "--ordered", "--replay", "ci.jsonl"], false);
    assert!(replayed.status.success(), "{}", stderr_of(&replayed));
    let results = |o: &std::process::Output| -> Vec<(String, String)> {
        stdout_of(o)
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).expect("line"))
            .map(|v| (v["id"].as_str().unwrap_or("").to_string(), v["response"].as_str().unwrap_or("").to_string()))
            .collect()
    };
    assert_eq!(results(&replayed), results(&recorded));
    assert_eq!(results(&replayed)[1], ("b".to_string(), "answer on beta".to_string()));
}

fn rfc3339_now() -> String {
    let out = std::process::Command::new("date").args(["-u", "+%Y-%m-%dT%H:%M:%S.%3NZ"]).output().expect("date");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[tokio::test(flavor = "multi_thread")]
async fn cassette_show_lists_and_prune_drops_what_no_replay_matched() {
    let env = Env::new();
    let (server, _) = scripted_on("/v1/chat/completions", vec![ok("fine")]).await;
    openai_provider(&env, &server.uri());
    for prompt in ["First prompt", "Second prompt"] {
        let out = run(&env, &one_shot("srv", prompt, &["--record", "ci.jsonl"]), true);
        assert!(out.status.success(), "{}", stderr_of(&out));
    }
    drop(server);
    let listed = env.json(&["cassette", "show", "ci.jsonl", "--json"]);
    let listed = listed.as_array().expect("a list");
    assert_eq!(listed.len(), 2);
    assert_eq!(
        keys(&listed[0]),
        sorted(&[
            "id",
            "recorded_at",
            "provider",
            "protocol",
            "model",
            "status",
            "failure",
            "stream",
            "last_replayed",
            "asked"
        ])
    );
    assert_eq!((listed[1]["asked"].as_str(), listed[1]["last_replayed"].is_null()), (Some("Second prompt"), true));
    std::thread::sleep(Duration::from_millis(30));
    let between = rfc3339_now();
    std::thread::sleep(Duration::from_millis(30));
    let replayed = run(&env, &one_shot("srv", "Second prompt", &["--replay", "ci.jsonl"]), false);
    assert!(replayed.status.success(), "{}", stderr_of(&replayed));
    let listed = env.json(&["cassette", "show", "ci.jsonl", "--json"]);
    assert!(listed[0]["last_replayed"].is_null() && is_rfc3339_ms(&listed[1]["last_replayed"]), "{listed}");
    let table = env.cmd(&["cassette", "show", "ci.jsonl"]).output().expect("show");
    let table = stdout_of(&table);
    assert!(table.starts_with("ID") && table.contains("never") && table.contains("First prompt"), "{table}");

    let dry = env.json(&["cassette", "prune", "ci.jsonl", "--since", &between, "--dry-run", "--json"]);
    assert_eq!((dry["kept"].as_u64(), dry["dropped"].as_array().map(Vec::len)), (Some(1), Some(1)));
    assert_eq!(lines(&env.work().join("ci.jsonl")).len(), 2, "a dry run changes nothing");
    let pruned = env.json(&["cassette", "prune", "ci.jsonl", "--since", &between, "--json"]);
    assert_eq!(pruned["dropped"][0], listed[0]["id"]);
    let left = lines(&env.work().join("ci.jsonl"));
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["id"], listed[1]["id"]);
    // What is left still replays.
    let again = run(&env, &one_shot("srv", "Second prompt", &["--replay", "ci.jsonl"]), false);
    assert_eq!(stdout_of(&again), "fine\n", "{}", stderr_of(&again));
}

#[test]
fn bad_cassettes_and_flags_are_exit_2_naming_them() {
    let env = Env::new();
    env.write_providers("[providers.srv]\ntype = \"openai\"\nendpoint = \"http://127.0.0.1:9/v1\"\nmodel = \"m\"\n");
    let missing = env.cmd(&one_shot("srv", "x", &["--replay", "nowhere.jsonl"])).output().expect("run");
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr_of(&missing).contains("nowhere.jsonl"), "{}", stderr_of(&missing));
    std::fs::write(env.work().join("torn.jsonl"), "{\"id\": \"ix_1\"\n").expect("write");
    let torn = env.cmd(&one_shot("srv", "x", &["--replay", "torn.jsonl"])).output().expect("run");
    assert_eq!(torn.status.code(), Some(2));
    assert!(stderr_of(&torn).contains("torn.jsonl:1: not a recorded interaction"), "{}", stderr_of(&torn));
    let shown = env.cmd(&["cassette", "show", "torn.jsonl"]).output().expect("run");
    assert_eq!(shown.status.code(), Some(2));
    let both = env.cmd(&one_shot("srv", "x", &["--replay", "a", "--record", "b"])).output().expect("run");
    assert_eq!(both.status.code(), Some(2));
    std::fs::write(env.work().join("empty.jsonl"), "").expect("write");
    let speed =
        env.cmd(&one_shot("srv", "x", &["--replay", "empty.jsonl", "--replay-speed", "-1"])).output().expect("run");
    assert_eq!(speed.status.code(), Some(2));
    assert!(stderr_of(&speed).contains("--replay-speed"), "{}", stderr_of(&speed));
    // An empty cassette answers nothing: a miss, saying so.
    let empty = env.cmd(&one_shot("srv", "x", &["--replay", "empty.jsonl"])).output().expect("run");
    assert_eq!(empty.status.code(), Some(4));
    assert!(stderr_of(&empty).contains("holds no interactions"), "{}", stderr_of(&empty));
    let added = env.cmd(&["provider", "add", "r", "--type", "replay", "--model", "m"]).output().expect("run");
    assert_eq!(added.status.code(), Some(2));
    assert!(stderr_of(&added).contains("cassette = \"FILE\""), "{}", stderr_of(&added));
    env.write_providers("[providers.r]\ntype = \"replay\"\nmodel = \"m\"\n");
    let no_file = env.cmd(&["provider", "list"]).output().expect("run");
    assert_eq!(no_file.status.code(), Some(2));
    assert!(stderr_of(&no_file).contains("providers.toml:1") && stderr_of(&no_file).contains("needs a `cassette`"));
    env.write_providers(
        "[providers.o]\ntype = \"openai\"\nendpoint = \"http://h/v1\"\nmodel = \"m\"\ncassette = \"c\"\n",
    );
    let misplaced = env.cmd(&["provider", "list"]).output().expect("run");
    assert_eq!(misplaced.status.code(), Some(2));
    assert!(stderr_of(&misplaced).contains("only for type = \"replay\""), "{}", stderr_of(&misplaced));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_recorded_failure_replays_with_the_same_exit_code_and_error() {
    let env = Env::new();
    let refused = ResponseTemplate::new(400).set_body_json(
        json!({"error": {"message": "temperature is not supported by this model", "type": "invalid_request_error"}}),
    );
    let (server, _) = scripted_on("/v1/chat/completions", vec![refused]).await;
    openai_provider(&env, &server.uri());
    let recorded = run(&env, &one_shot("srv", "Fail", &["--record", "ci.jsonl", "--json"]), true);
    assert_eq!(recorded.status.code(), Some(4), "{}", stderr_of(&recorded));
    drop(server);
    let replayed = run(&env, &one_shot("srv", "Fail", &["--replay", "ci.jsonl", "--json"]), false);
    assert_eq!(replayed.status.code(), Some(4), "{}", stderr_of(&replayed));
    assert_same(&json_of(&recorded), &json_of(&replayed));
    assert_eq!(json_of(&replayed)["error_class"], "client_error");
}
