//! Streaming, events and stop (issue #7), against a raw tokio server that spaces its
//! SSE chunks in time and can cut a stream: wiremock can do neither.

use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::*;

/// What one connection of the server does.
#[derive(Clone)]
enum Reply {
    /// SSE: after the headers, each (delay before, text) piece; then close.
    Sse(Vec<(u64, String)>),
    /// A plain JSON body.
    Json(Value),
}

#[derive(Clone, Default)]
struct Log {
    requests: Arc<Mutex<Vec<Value>>>,
    /// When the server sent the last piece of each stream.
    last_piece: Arc<Mutex<Vec<Instant>>>,
}

/// A server that answers connection n with `replies[n]` (the last repeats).
async fn sse_server(replies: Vec<Reply>) -> (String, Log) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let log = Log::default();
    let server_log = log.clone();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut index = 0usize;
        while let Ok((mut socket, _)) = listener.accept().await {
            let reply = replies[index.min(replies.len() - 1)].clone();
            index += 1;
            let log = server_log.clone();
            tokio::spawn(async move {
                // Read the head, then the body by its content-length.
                let mut data = Vec::new();
                let mut buffer = [0u8; 4096];
                let body_start = loop {
                    let Ok(n) = socket.read(&mut buffer).await else { return };
                    if n == 0 {
                        return;
                    }
                    data.extend_from_slice(&buffer[..n]);
                    if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                        break at + 4;
                    }
                };
                let head = String::from_utf8_lossy(&data[..body_start]).to_ascii_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0)))
                    .unwrap_or(0);
                while data.len() < body_start + length {
                    let Ok(n) = socket.read(&mut buffer).await else { return };
                    if n == 0 {
                        break;
                    }
                    data.extend_from_slice(&buffer[..n]);
                }
                let body: Value = serde_json::from_slice(&data[body_start..]).unwrap_or(Value::Null);
                log.requests.lock().expect("log").push(body);
                match reply {
                    Reply::Json(value) => {
                        let body = value.to_string();
                        let response = format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                            body.len()
                        );
                        let _ = socket.write_all(response.as_bytes()).await;
                    }
                    Reply::Sse(pieces) => {
                        let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n";
                        if socket.write_all(head.as_bytes()).await.is_err() {
                            return;
                        }
                        for (delay, piece) in pieces {
                            tokio::time::sleep(Duration::from_millis(delay)).await;
                            if socket.write_all(piece.as_bytes()).await.is_err() {
                                return;
                            }
                            let _ = socket.flush().await;
                        }
                        log.last_piece.lock().expect("log").push(Instant::now());
                    }
                }
                let _ = socket.shutdown().await;
            });
        }
    });
    (format!("http://127.0.0.1:{port}"), log)
}

fn chunk(content: Option<&str>, finish: Option<&str>) -> String {
    let delta = match content {
        Some(text) => json!({"content": text}),
        None => json!({}),
    };
    format!(
        "data: {}\n\n",
        json!({"id": "c", "object": "chat.completion.chunk", "model": "streamed-model",
               "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
    )
}

fn usage_chunk(prompt: u64, completion: u64) -> String {
    // LiteLLM's shape: choices with an empty delta.
    format!(
        "data: {}\n\n",
        json!({"id": "c", "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {}}],
               "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}})
    )
}

fn whole_stream(pieces: &[&str]) -> Vec<(u64, String)> {
    let mut out: Vec<(u64, String)> = vec![(0, ": keep-alive\n\n".into())];
    out.extend(pieces.iter().map(|p| (0, chunk(Some(p), None))));
    out.push((0, chunk(None, Some("stop"))));
    out.push((0, usage_chunk(9, 4)));
    out.push((0, "data: [DONE]\n\n".into()));
    out
}

fn one_shot(extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = ["task", "run", "--persona", "examples/qa-engineer", "--provider", "srv", "hello"]
        .iter()
        .map(std::string::ToString::to_string)
        .collect();
    args.extend(extra.iter().map(std::string::ToString::to_string));
    args
}

async fn run(env: &Env, args: Vec<String>) -> std::process::Output {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut cmd = env.std_cmd(&refs);
    cmd.env("AGENTRY_BACKOFF_SCALE", "0.01");
    tokio::task::spawn_blocking(move || cmd.output().expect("run")).await.expect("join")
}

#[tokio::test]
async fn streamed_text_reaches_stdout_before_the_server_finishes() {
    let mut pieces = vec![(0, ": ping\n\n".to_string()), (0, chunk(Some("First words"), None))];
    pieces.push((1500, chunk(Some(", then the rest."), Some("stop"))));
    pieces.push((0, usage_chunk(9, 4)));
    pieces.push((0, "data: [DONE]\n\n".into()));
    let (uri, log) = sse_server(vec![Reply::Sse(pieces)]).await;
    let env = Env::new();
    env.provider(&uri, "");
    let args = one_shot(&["--stream"]);
    let (first_text, stdout, code) = tokio::task::spawn_blocking(move || {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let mut child = env
            .std_cmd(&refs)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        let mut stdout = child.stdout.take().expect("stdout");
        let mut seen = Vec::new();
        let mut first_text = None;
        let mut byte = [0u8; 1];
        while let Ok(1) = stdout.read(&mut byte) {
            first_text.get_or_insert_with(Instant::now);
            seen.push(byte[0]);
        }
        let code = child.wait().expect("wait").code();
        (first_text, String::from_utf8_lossy(&seen).into_owned(), code)
    })
    .await
    .expect("join");
    assert_eq!(code, Some(0));
    assert_eq!(stdout, "First words, then the rest.\n");
    let last_piece = log.last_piece.lock().expect("log")[0];
    assert!(first_text.expect("some text") < last_piece, "no text arrived before the server sent its last chunk");
    let body = &log.requests.lock().expect("log")[0];
    assert_eq!((body["stream"].clone(), body["stream_options"].clone()), (json!(true), json!({"include_usage": true})));
}

#[tokio::test]
async fn usage_comes_from_the_final_chunk_and_bytes_match_a_plain_run() {
    let (uri, _) = sse_server(vec![Reply::Sse(whole_stream(&["\nHello,\n", "\n", "world.\n\n"]))]).await;
    let env = Env::new();
    env.provider(&uri, "");
    let output = run(&env, one_shot(&["--stream", "--json"])).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let result: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(result["response"], "\nHello,\n\nworld.\n\n");
    assert_eq!((result["prompt_tokens"].as_u64(), result["completion_tokens"].as_u64()), (Some(9), Some(4)));
    assert_eq!((result["usage_estimated"].as_bool(), result["model"].as_str()), (Some(false), Some("streamed-model")));
    let streamed = run(&env, one_shot(&["--stream"])).await;
    let plain_server = sse_server(vec![Reply::Json(completion("\nHello,\n\nworld.\n\n", 9, 4))]).await.0;
    env.provider(&plain_server, "");
    let plain = run(&env, one_shot(&[])).await;
    assert_eq!(stdout_of(&streamed), stdout_of(&plain), "a stream and a plain run write different bytes");
    assert_eq!(stdout_of(&plain), "\nHello,\n\nworld.\n");
}

#[tokio::test]
async fn a_stream_cut_after_text_is_exit_6_and_never_resent() {
    let cut = vec![(0, chunk(Some("Half an "), None)), (0, chunk(Some("answer"), None))];
    let (uri, log) = sse_server(vec![Reply::Sse(cut.clone())]).await;
    let env = Env::new();
    env.provider(&uri, "");
    let output = run(&env, one_shot(&["--stream"])).await;
    assert_eq!(output.status.code(), Some(6), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output), "Half an answer\n", "the end writes exactly one newline after a cut too");
    assert!(stderr_of(&output).contains("stdout holds only the part that came"), "{}", stderr_of(&output));
    assert_eq!(log.requests.lock().expect("log").len(), 1, "a stream that reached stdout was re-run");
    // With --json nothing is printed until the end: cut streams are retried, and when
    // the last one still breaks after text, that text is the response.
    let (uri, log) = sse_server(vec![Reply::Sse(cut)]).await;
    env.provider(&uri, "");
    let output = run(&env, one_shot(&["--stream", "--json"])).await;
    assert_eq!(output.status.code(), Some(6), "{}", stderr_of(&output));
    let result: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(result["success"], false);
    assert_eq!(result["response"], "Half an answer");
    assert_eq!(result["finish_reason"], Value::Null);
    assert_eq!(result["error_class"], "partial");
    assert_eq!((result["attempts"].as_u64(), log.requests.lock().expect("log").len()), (Some(3), 3));
}

#[tokio::test]
async fn a_stream_cut_before_text_or_with_an_error_chunk_is_retried() {
    let (uri, log) = sse_server(vec![
        Reply::Sse(vec![(0, ": nothing yet\n\n".into())]),
        Reply::Sse(vec![(0, format!("data: {}\n\n", json!({"error": {"message": "overloaded", "code": 503}})))]),
        Reply::Sse(whole_stream(&["third ", "time"])),
    ])
    .await;
    let env = Env::new();
    env.provider(&uri, "");
    let output = run(&env, one_shot(&["--stream"])).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output), "third time\n");
    assert_eq!(log.requests.lock().expect("log").len(), 3);
    let stderr = stderr_of(&output);
    assert!(stderr.contains("after cut (attempt 2 of 3)") && stderr.contains("after 503 (attempt 3 of 3)"), "{stderr}");
}

#[tokio::test]
async fn a_finish_reason_without_done_and_plain_json_both_complete() {
    let (uri, _) = sse_server(vec![Reply::Sse(vec![
        (0, chunk(Some("no "), None)),
        (0, chunk(Some("done marker"), Some("stop"))),
    ])])
    .await;
    let env = Env::new();
    env.provider(&uri, "");
    let output = run(&env, one_shot(&["--stream"])).await;
    assert_eq!((output.status.code(), stdout_of(&output)), (Some(0), "no done marker\n".to_string()));
    let (uri, _) = sse_server(vec![Reply::Json(completion("plain answer", 3, 2))]).await;
    env.provider(&uri, "");
    let output = run(&env, one_shot(&["--stream"])).await;
    assert_eq!((output.status.code(), stdout_of(&output)), (Some(0), "plain answer\n".to_string()));
}

#[tokio::test]
async fn the_mock_streams_word_deltas_and_events_come_in_order() {
    let env = Env::new();
    let mock = |extra: &[&str]| {
        let mut args: Vec<String> =
            ["task", "run", "--persona", "examples/qa-engineer", "--provider", "mock", "Plan it"]
                .iter()
                .map(std::string::ToString::to_string)
                .collect();
        args.extend(extra.iter().map(std::string::ToString::to_string));
        args
    };
    let plain = run(&env, mock(&[])).await;
    let streamed = run(&env, mock(&["--stream"])).await;
    assert_eq!(stdout_of(&plain), stdout_of(&streamed));
    let output = run(&env, mock(&["--stream", "--events"])).await;
    assert_eq!(output.status.code(), Some(0));
    let events: Vec<Value> = stdout_of(&output).lines().map(|l| serde_json::from_str(l).expect("NDJSON")).collect();
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap_or("")).collect();
    assert_eq!(kinds.first(), Some(&"start"));
    assert_eq!(&kinds[kinds.len() - 2..], ["usage", "done"]);
    assert!(kinds[1..kinds.len() - 2].iter().all(|k| *k == "delta") && kinds.len() > 5, "{kinds:?}");
    let text: String = events.iter().filter(|e| e["type"] == "delta").filter_map(|e| e["text"].as_str()).collect();
    let done = events.last().expect("done");
    assert_eq!(done["result"]["response"].as_str(), Some(text.as_str()));
    assert!(events.iter().all(|e| e["task_id"] == done["result"]["task_id"] && is_rfc3339_ms(&e["time"])));
    // Not streamed: the whole text in one delta.
    let output = run(&env, mock(&["--events"])).await;
    let kinds: Vec<String> = stdout_of(&output)
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).expect("NDJSON")["type"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(kinds, ["start", "delta", "usage", "done"]);
    // --json and --events exclude each other.
    assert_eq!(run(&env, mock(&["--events", "--json"])).await.status.code(), Some(2));
}

#[tokio::test]
async fn events_for_a_failure_and_before_any_attempt() {
    let (uri, _) = sse_server(vec![Reply::Json(json!({"error": {"message": "bad request", "code": 400}}))]).await;
    let env = Env::new();
    env.provider(&uri, "");
    let output = run(&env, one_shot(&["--events", "--retries", "0"])).await;
    assert_eq!(output.status.code(), Some(4));
    let events: Vec<Value> = stdout_of(&output).lines().map(|l| serde_json::from_str(l).expect("NDJSON")).collect();
    let kinds: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap_or("")).collect();
    assert_eq!(kinds, ["start", "usage", "error", "done"]);
    assert_eq!(events[2]["exit_code"], 4);
    assert_eq!(events[3]["result"]["success"], false);
    // An unknown persona: nothing was attempted, one lone error event.
    let output = run(
        &env,
        vec![
            "task".into(),
            "run".into(),
            "--persona".into(),
            "nobody".into(),
            "--provider".into(),
            "srv".into(),
            "x".into(),
            "--events".into(),
        ],
    )
    .await;
    assert_eq!(output.status.code(), Some(3));
    let events: Vec<Value> = stdout_of(&output).lines().map(|l| serde_json::from_str(l).expect("NDJSON")).collect();
    assert_eq!(events.len(), 1);
    assert_eq!((events[0]["type"].as_str(), events[0]["exit_code"].as_u64()), (Some("error"), Some(3)));
}

#[test]
fn a_stop_that_cannot_get_the_agent_shows_stopping_and_gives_up() {
    if on_redis_suite() {
        return; // the file backend's own files (tests/redis.rs covers Redis)
    }
    let env = Env::new();
    env.spawn("held", "mock");
    let id = env.agent("held")["id"].as_str().expect("id").to_string();
    // Something else holds the agent and never looks at the stop mark.
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(env.home().join(format!("locks/agent-{id}.lock")))
        .expect("open");
    lock.lock().expect("lock");
    let mut stop = env.background(&["stop", "held", "--timeout", "2s"]);
    stop.wait_for_stderr("waiting for agent held to cancel its task", Duration::from_secs(10));
    assert_eq!(env.agent("held")["stopping"], true);
    let started = Instant::now();
    let (code, _, lines) = stop.finish();
    assert_eq!(code, Some(5), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("agent `held` did not stop within 2 s; it is still there")), "{lines:?}");
    let _ = started;
    drop(lock);
    let agent = env.agent("held");
    assert_eq!((agent["stopping"].as_bool(), agent["status"].as_str()), (Some(false), Some("idle")));
}
