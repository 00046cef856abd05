//! A chat-completions server for benchmarks: every answer after a fixed latency,
//! HTTP/1.1 with keep-alive, many connections at once. Streamed requests get SSE, and
//! the server logs when it wrote each stream's first chunk (ns since the epoch), so a
//! client's time to first byte can be compared on the same clock.
//!
//! A request that offers tools and does not say `answer-at-once` is a step of a tool
//! loop (bench/tools.py): the answer asks for `every__echo` until the request holds
//! BENCH_TOOL_STEPS tool results (default 9), then answers: a 10-step loop.
//!
//! With a log, each step of a tool loop is logged as `step N RECEIVED_NS ANSWERED_NS`.
//!
//! Usage: cargo run --release --example bench-server -- PORT_FILE LATENCY_MS [LOG]

use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

const ANSWER: &str = r#"{"id":"b","object":"chat.completion","created":1,"model":"bench-model","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the bench server."},"finish_reason":"stop"}],"usage":{"prompt_tokens":10,"completion_tokens":6,"total_tokens":16}}"#;

fn now_ns() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

async fn serve(
    mut socket: tokio::net::TcpStream,
    latency: Duration,
    log: Arc<std::sync::Mutex<Option<std::fs::File>>>,
) {
    let mut data = Vec::new();
    let mut buffer = [0u8; 16 * 1024];
    loop {
        // One request: the head, then its body by content-length.
        let head_end = loop {
            if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            match socket.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(n) => data.extend_from_slice(&buffer[..n]),
            }
        };
        let head = String::from_utf8_lossy(&data[..head_end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:").and_then(|v| v.trim().parse().ok()))
            .unwrap_or(0);
        while data.len() < head_end + length {
            match socket.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(n) => data.extend_from_slice(&buffer[..n]),
            }
        }
        let received = now_ns();
        let body = String::from_utf8_lossy(&data[head_end..head_end + length]).into_owned();
        data.drain(..head_end + length);
        // tokio rounds a timer up to its next millisecond tick, so even a zero sleep
        // would add up to a millisecond to every answer.
        if !latency.is_zero() {
            tokio::time::sleep(latency).await;
        }
        let ok = if body.contains("\"stream\":true") {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";
            let chunk = |text: &str| format!("{:x}\r\n{text}\r\n", text.len());
            let first = chunk("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"}}]}\n\n");
            let mut ok =
                socket.write_all(head.as_bytes()).await.is_ok() && socket.write_all(first.as_bytes()).await.is_ok();
            let _ = socket.flush().await;
            if let Ok(mut guard) = log.lock()
                && let Some(file) = guard.as_mut()
            {
                let _ = writeln!(file, "{}", now_ns());
            }
            for piece in [
                "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" from the bench server.\"},\"finish_reason\":\"stop\"}]}\n\n",
                "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":6,\"total_tokens\":16}}\n\n",
                "data: [DONE]\n\n",
            ] {
                ok = ok && socket.write_all(chunk(piece).as_bytes()).await.is_ok();
            }
            ok && socket.write_all(b"0\r\n\r\n").await.is_ok()
        } else {
            let step = tool_step(&body);
            let looping = step.is_some() || body.contains("\"role\":\"tool\"");
            let answer = step.unwrap_or_else(|| ANSWER.to_string());
            let response = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{answer}",
                answer.len()
            );
            let ok = socket.write_all(response.as_bytes()).await.is_ok();
            // A tool loop's steps: when each request came and its answer left, so the
            // client's time between steps is measured on the server's clock.
            if looping
                && let Ok(mut guard) = log.lock()
                && let Some(file) = guard.as_mut()
            {
                let _ = writeln!(file, "step {} {received} {}", body.matches("\"role\":\"tool\"").count(), now_ns());
            }
            ok
        };
        if !ok {
            return;
        }
    }
}

/// The answer of a tool loop's step, when `body` is one.
fn tool_step(body: &str) -> Option<String> {
    if !body.contains("\"tools\":[") || body.contains("answer-at-once") {
        return None;
    }
    let steps: usize = std::env::var("BENCH_TOOL_STEPS").ok().and_then(|v| v.parse().ok()).unwrap_or(9);
    let done = body.matches("\"role\":\"tool\"").count();
    if done >= steps {
        return None;
    }
    Some(format!(
        r#"{{"id":"b","object":"chat.completion","created":1,"model":"bench-model","choices":[{{"index":0,"message":{{"role":"assistant","content":null,"tool_calls":[{{"id":"call_{done}","type":"function","function":{{"name":"every__echo","arguments":"{{\"message\":\"step {done}\"}}"}}}}]}},"finish_reason":"tool_calls"}}],"usage":{{"prompt_tokens":10,"completion_tokens":6,"total_tokens":16}}}}"#
    ))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let port_file = args.next().unwrap_or_else(|| "port".into());
    let latency = Duration::from_millis(args.next().and_then(|v| v.parse().ok()).unwrap_or(100));
    let log = args.next().and_then(|path| std::fs::File::create(path).ok());
    let log = Arc::new(std::sync::Mutex::new(log));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    std::fs::write(&port_file, listener.local_addr()?.port().to_string())?;
    loop {
        let (socket, _) = listener.accept().await?;
        let _ = socket.set_nodelay(true);
        tokio::spawn(serve(socket, latency, log.clone()));
    }
}
