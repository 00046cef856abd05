//! Cassettes: the requests a run sent and what came back, kept as JSON lines
//! (`--record FILE`) and answered from again with no network and no key (a provider
//! of `type = "replay"`, or `--replay FILE`).
//!
//! One line is one *interaction*: one attempt's request and its response (status,
//! the headers that matter, and the body whole, or a stream's SSE events with when
//! each came), or the transport failure it met. Everything is redacted with the
//! provider's `Redactor` before it is written, as the history's bodies are.
//!
//! A request finds its interaction by the hash of what it asks in no protocol's
//! words ([`asked`]: model, messages, sampling, schema, tools, params), so a replay
//! provider answers whichever protocol was recorded. The interactions of one hash
//! are handed out in the order they were recorded (a 429 then a 200 replays as a
//! retry); the last one answers any further asks. Nothing here writes to a cassette
//! being replayed: which interactions matched is kept for the caller to note in the
//! state (`cassette prune`).
//!
//! Contact points: `Client::attempt` replays and records through this module; the
//! `cassette` commands read and rewrite the file.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::Provider;
use super::error::{Fault, millis};
use super::http::{Opened, Tape, WireRequest};
use super::redact::Redactor;
use super::sse;
use crate::request::{ChatRequest, Message, Part};

/// A cassette larger than this is not one agentry wrote for a test suite.
pub const MAX_CASSETTE: u64 = 512 * 1024 * 1024;

/// Response headers a replay needs (content type, waits, limits, ids); no other is kept.
const KEPT_HEADERS: &[&str] =
    &["content-type", "retry-after", "retry-after-ms", "x-should-retry", "x-request-id", "request-id"];
const KEPT_HEADER_PREFIXES: &[&str] = &["x-ratelimit-", "anthropic-ratelimit-"];

/// One request sent and what came of it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Interaction {
    /// `ix_` and 16 hex digits.
    pub id: String,
    pub recorded_at: String,
    /// The provider it was sent to.
    pub provider: String,
    /// The wire format (`openai`, `anthropic`): how the response is read back.
    pub protocol: String,
    /// The hash of `asked`: what a replayed request is matched by.
    pub key: String,
    /// What was asked, in no protocol's words (see [`asked`]).
    pub asked: Value,
    /// The request as sent: method, URL, headers (secrets redacted) and body.
    pub request: Value,
    /// The answer, when one came.
    pub response: Option<Recorded>,
    /// The transport failure, when no answer came.
    pub failure: Option<Fault>,
}

/// A recorded answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Recorded {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    /// From sending to the headers.
    pub after_ms: u64,
    /// The whole body, for an answer that was not a stream.
    pub body: Option<String>,
    /// A stream's events, for one that was.
    pub events: Option<Vec<RecordedEvent>>,
    /// How the body broke, when it did.
    pub broke: Option<Fault>,
}

/// One server-sent event and when it came (after the headers).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecordedEvent {
    pub at_ms: u64,
    pub event: Option<String>,
    pub data: String,
}

/// A cassette that cannot be read or holds a line that is not an interaction.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct CassetteError {
    pub message: String,
}

/// What `request` asks of `provider`, in no protocol's words: what a replay matches.
pub fn asked(provider: &Provider, request: &ChatRequest) -> Value {
    let options = &request.options;
    json!({
        "model": options.model,
        "messages": request.messages.iter().map(message_view).collect::<Vec<_>>(),
        "temperature": options.temperature,
        "max_tokens": options.max_tokens,
        "stream": options.stream,
        "schema": options.structured.as_ref().map(|s| json!({
            "name": s.name,
            "schema": s.schema,
            "strict": s.strict,
            "multi": s.multi,
            "mode": format!("{:?}", s.mode),
        })),
        "tools": options.tools.iter().map(|t| json!({
            "name": t.name,
            "description": t.description,
            "parameters": t.input_schema,
        })).collect::<Vec<_>>(),
        "params": provider.params,
    })
}

fn message_view(message: &Message) -> Value {
    if message.parts.iter().all(|p| matches!(p, Part::Text(_))) {
        return json!({ "role": message.role.as_str(), "content": message.content() });
    }
    let parts: Vec<Value> = message
        .parts
        .iter()
        .map(|part| match part {
            Part::Text(text) => json!({ "text": text }),
            Part::ToolCall { id, name, arguments } => {
                json!({ "tool_call": { "id": id, "name": name, "arguments": arguments } })
            }
            Part::ToolResult { call_id, content, is_error } => {
                json!({ "tool_result": { "call_id": call_id, "content": content, "is_error": is_error } })
            }
        })
        .collect();
    json!({ "role": message.role.as_str(), "parts": parts })
}

/// The key of an `asked` view: a SHA-256 of its compact JSON.
pub fn key_of(asked: &Value) -> String {
    use sha2::Digest;
    format!("{:x}", sha2::Sha256::digest(asked.to_string().as_bytes()))
}

/// A cassette read for replaying: its interactions by key, and which were handed out.
#[derive(Debug)]
pub struct Cassette {
    pub path: PathBuf,
    pub interactions: Vec<Interaction>,
    by_key: HashMap<String, Vec<usize>>,
    /// How many times each key was asked in this run.
    asks: Mutex<HashMap<String, usize>>,
    /// Ids of the interactions handed out, for the state's notes.
    matched: Mutex<Vec<String>>,
}

impl Cassette {
    /// Read a cassette: every line must be an interaction (the error names the line).
    pub fn load(path: &Path) -> Result<Self, CassetteError> {
        let shown = path.display();
        let bytes = crate::files::read_capped(path, MAX_CASSETTE, "read cassette")
            .map_err(|err| CassetteError { message: format!("cannot read cassette {err}") })?;
        let Ok(text) = std::str::from_utf8(&bytes) else {
            return Err(CassetteError { message: format!("cassette {shown} is not UTF-8 text") });
        };
        let mut interactions = Vec::new();
        for (index, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let interaction: Interaction = serde_json::from_str(line).map_err(|err| CassetteError {
                message: format!("{shown}:{}: not a recorded interaction: {err}", index + 1),
            })?;
            interactions.push(interaction);
        }
        Ok(Self::new(path.to_path_buf(), interactions))
    }

    pub fn new(path: PathBuf, interactions: Vec<Interaction>) -> Self {
        let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
        for (index, interaction) in interactions.iter().enumerate() {
            by_key.entry(interaction.key.clone()).or_default().push(index);
        }
        Self { path, interactions, by_key, asks: Mutex::new(HashMap::new()), matched: Mutex::new(Vec::new()) }
    }

    /// The interaction answering the next ask of `key`: the recorded ones in order,
    /// then the last one again.
    pub fn next(&self, key: &str) -> Option<&Interaction> {
        let indexes = self.by_key.get(key)?;
        let mut asks = self.asks.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let count = asks.entry(key.to_string()).or_insert(0);
        let index = indexes[(*count).min(indexes.len() - 1)];
        *count += 1;
        let found = &self.interactions[index];
        self.matched.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(found.id.clone());
        Some(found)
    }

    /// The ids handed out so far (each once).
    pub fn matched(&self) -> Vec<String> {
        let mut ids = self.matched.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        ids.sort();
        ids.dedup();
        ids
    }

    /// The models recorded for `provider`, for a replayed model list.
    pub fn models(&self, provider: &str) -> Vec<String> {
        let mut models: Vec<String> = self
            .interactions
            .iter()
            .filter(|i| i.provider == provider)
            .filter_map(|i| i.asked.get("model").and_then(Value::as_str).map(str::to_string))
            .collect();
        models.sort();
        models.dedup();
        models
    }

    /// Why nothing matched `asked`: the closest interaction (of the same provider when
    /// there is one) and the first field in which it differs.
    pub fn miss(&self, provider: &str, asked: &Value) -> String {
        let shown = self.path.display();
        let head = format!("provider `{provider}` has no recorded answer for this request in cassette {shown}");
        let same: Vec<&Interaction> = self.interactions.iter().filter(|i| i.provider == provider).collect();
        let pool: Vec<&Interaction> = if same.is_empty() { self.interactions.iter().collect() } else { same };
        let closest = pool
            .iter()
            .map(|i| (differences(&i.asked, asked), *i))
            .enumerate()
            // Fewest differences; of equals, the latest recorded.
            .min_by_key(|(index, (diffs, _))| (diffs.len(), usize::MAX - index));
        match closest {
            None => format!("{head}, which holds no interactions"),
            Some((_, (diffs, found))) => {
                let more = match diffs.len() {
                    0 | 1 => String::new(),
                    2 => " (and 1 more field)".to_string(),
                    n => format!(" (and {} more fields)", n - 1),
                };
                let first =
                    diffs.first().cloned().unwrap_or_else(|| "nothing (it was asked more often than recorded)".into());
                format!("{head}; the closest, {}, differs in {first}{more}", found.id)
            }
        }
    }
}

/// The fields in which `asked` differs from `recorded`, each worded with both values.
fn differences(recorded: &Value, asked: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(words) = message_difference(recorded.get("messages"), asked.get("messages")) {
        out.push(words);
    }
    for field in ["model", "temperature", "max_tokens", "stream", "schema", "tools", "params"] {
        let (a, b) = (recorded.get(field).unwrap_or(&Value::Null), asked.get(field).unwrap_or(&Value::Null));
        if a != b {
            out.push(format!("{field}: recorded `{}`, asked `{}`", short(&a.to_string()), short(&b.to_string())));
        }
    }
    // The model names the request best when it is what changed.
    if let Some(model) = out.iter().position(|d| d.starts_with("model:")) {
        let words = out.remove(model);
        out.insert(0, words);
    }
    out
}

fn message_difference(recorded: Option<&Value>, asked: Option<&Value>) -> Option<String> {
    let empty = Vec::new();
    let recorded = recorded.and_then(Value::as_array).unwrap_or(&empty);
    let asked = asked.and_then(Value::as_array).unwrap_or(&empty);
    for (index, (a, b)) in recorded.iter().zip(asked).enumerate() {
        if a == b {
            continue;
        }
        let role = |m: &Value| m.get("role").and_then(Value::as_str).unwrap_or("").to_string();
        if role(a) != role(b) {
            return Some(format!("messages[{index}]: recorded a `{}` message, asked a `{}` one", role(a), role(b)));
        }
        let text = |m: &Value| match m.get("content").and_then(Value::as_str) {
            Some(text) => text.to_string(),
            None => m.get("parts").map(Value::to_string).unwrap_or_default(),
        };
        let (a_text, b_text) = (text(a), text(b));
        let (a_shown, b_shown) = around_difference(&a_text, &b_text);
        return Some(format!("messages[{index}] ({}): recorded `{a_shown}`, asked `{b_shown}`", role(a)));
    }
    (recorded.len() != asked.len())
        .then(|| format!("messages: recorded {} messages, asked {}", recorded.len(), asked.len()))
}

/// Both texts from a little before their first difference, each cut short.
fn around_difference(a: &str, b: &str) -> (String, String) {
    let same = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let from = same.saturating_sub(20);
    let piece = |text: &str| {
        let mut shown: String = text.chars().skip(from).take(60).collect();
        if from > 0 {
            shown.insert(0, '…');
        }
        if text.chars().count() > from + 60 {
            shown.push('…');
        }
        crate::units::one_line(&shown)
    };
    (piece(a), piece(b))
}

fn short(text: &str) -> String {
    let mut shown: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        shown.push('…');
    }
    crate::units::one_line(&shown)
}

impl Recorded {
    /// The answer as the transport would give it, its waits scaled by `speed`.
    pub fn opened(&self, provider: &str, speed: f64) -> Opened {
        let mut headers = HeaderMap::new();
        for (name, value) in &self.headers {
            // A server's wait is replayed at the replay's speed too (0: retried at once).
            let value = match (name.as_str(), value.trim().parse::<f64>()) {
                ("retry-after" | "retry-after-ms", Ok(number)) if number.is_finite() => {
                    let scaled = number * speed;
                    if name == "retry-after" { format!("{scaled:.3}") } else { format!("{}", scaled.round()) }
                }
                _ => value.clone(),
            };
            if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&value)) {
                headers.append(name, value);
            }
        }
        let chunks = match (&self.events, &self.body) {
            (Some(events), _) => events
                .iter()
                .map(|e| {
                    let mut text = String::new();
                    if let Some(name) = &e.event {
                        text.push_str(&format!("event: {name}\n"));
                    }
                    for line in e.data.split('\n') {
                        text.push_str(&format!("data: {line}\n"));
                    }
                    text.push('\n');
                    (Duration::from_millis(e.at_ms), text.into_bytes())
                })
                .collect(),
            (None, Some(body)) => vec![(Duration::ZERO, body.clone().into_bytes())],
            (None, None) => Vec::new(),
        };
        Opened::replayed(provider, self.status, headers, chunks, self.broke.clone(), speed)
    }
}

/// What one live attempt came to, for the recorder.
pub enum Outcome {
    /// Headers came: how long they took, and the tape of the status, headers and body.
    Answered { after: Duration, tape: Tape },
    /// No answer: the transport failure.
    Failed { fault: Fault },
}

/// Appends the interactions of a run to a cassette (`--record FILE`).
pub struct Recorder {
    path: PathBuf,
    /// Told when an interaction cannot be kept (a warning for the user).
    warn: std::sync::Arc<dyn Fn(&str) + Send + Sync>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder").field("path", &self.path).finish_non_exhaustive()
    }
}

impl Recorder {
    pub fn new(path: PathBuf, warn: std::sync::Arc<dyn Fn(&str) + Send + Sync>) -> Self {
        Self { path, warn }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Append one interaction, every secret of `redactor` removed. `answer` is the
    /// text a stream gave, to catch a secret split over its events.
    #[expect(
        clippy::too_many_arguments,
        reason = "one interaction's parts, each from a different stage of the attempt"
    )]
    pub fn record(
        &self,
        provider: &Provider,
        protocol: &str,
        request: &ChatRequest,
        wire: &WireRequest,
        outcome: Outcome,
        redactor: &Redactor,
        answer: Option<&str>,
    ) {
        let asked_view = asked(provider, request);
        let key = key_of(&asked_view);
        let (response, failure) = match outcome {
            Outcome::Failed { fault } => (None, Some(redact_fault(fault, redactor))),
            Outcome::Answered { after, tape } => {
                let Tape { status, headers, stream, chunks, broke, .. } = tape;
                let mut kept = BTreeMap::new();
                for (name, value) in &headers {
                    let name = name.as_str().to_ascii_lowercase();
                    let wanted = KEPT_HEADERS.contains(&name.as_str())
                        || KEPT_HEADER_PREFIXES.iter().any(|p| name.starts_with(p));
                    if let (true, Ok(value)) = (wanted, value.to_str()) {
                        kept.insert(name, redactor.redact(value));
                    }
                }
                let (body, events) = if stream {
                    if answer.is_some_and(|text| redactor.redact(text) != text) {
                        // Each event is redacted alone: a secret split over two would
                        // survive in the file, so this answer is not kept.
                        (self.warn)(&format!(
                            "not recorded in {}: the streamed answer of provider `{}` quotes one of its secrets; record it without --stream",
                            self.path.display(),
                            provider.id
                        ));
                        return;
                    }
                    (None, Some(events_of(&chunks, redactor)))
                } else {
                    let bytes: Vec<u8> = chunks.into_iter().flat_map(|(_, c)| c).collect();
                    (Some(redactor.redact(&String::from_utf8_lossy(&bytes))), None)
                };
                let recorded = Recorded {
                    status,
                    headers: kept,
                    after_ms: millis(after),
                    body,
                    events,
                    broke: broke.map(|f| redact_fault(f, redactor)),
                };
                (Some(recorded), None)
            }
        };
        let interaction = Interaction {
            id: crate::ids::new_id("ix"),
            recorded_at: crate::clock::now(),
            provider: provider.id.clone(),
            protocol: protocol.to_ascii_lowercase(),
            key,
            asked: redactor.redact_value(&asked_view),
            request: {
                let view = wire.dry_run_view();
                redactor.redact_value(&json!({
                    "method": view.method, "url": view.url, "headers": view.headers, "body": view.body,
                }))
            },
            response,
            failure,
        };
        if let Err(err) = append(&self.path, &[interaction]) {
            (self.warn)(&format!("not recorded: {err}"));
        }
    }
}

/// Append interactions to a cassette, one line each, in one write (lines of
/// parallel recorders do not interleave); the file is created 0600.
pub fn append(path: &Path, interactions: &[Interaction]) -> Result<(), CassetteError> {
    let mut text = Vec::new();
    for interaction in interactions {
        let line = serde_json::to_vec(interaction).map_err(|err| CassetteError {
            message: format!("cannot write an interaction to cassette {}: {err}", path.display()),
        })?;
        text.extend_from_slice(&line);
        text.push(b'\n');
    }
    crate::files::append(path, &text).map(drop).map_err(|err| CassetteError { message: format!("cannot {err}") })
}

/// The events of a streamed body, each with when the piece that ended it came.
fn events_of(chunks: &[(Duration, Vec<u8>)], redactor: &Redactor) -> Vec<RecordedEvent> {
    let mut decoder = sse::Decoder::new();
    let mut events = Vec::new();
    let mut at = Duration::ZERO;
    for (when, chunk) in chunks {
        at = *when;
        for event in decoder.feed(chunk) {
            events.push(RecordedEvent {
                at_ms: millis(at),
                event: event.event.map(|e| redactor.redact(&e)),
                data: redactor.redact(&event.data),
            });
        }
    }
    if let Some(event) = decoder.finish() {
        events.push(RecordedEvent {
            at_ms: millis(at),
            event: event.event.map(|e| redactor.redact(&e)),
            data: redactor.redact(&event.data),
        });
    }
    events
}

fn redact_fault(fault: Fault, redactor: &Redactor) -> Fault {
    match fault {
        Fault::Connect { detail } => Fault::Connect { detail: redactor.redact(&detail) },
        Fault::Transport { detail } => Fault::Transport { detail: redactor.redact(&detail) },
        Fault::Cut { detail } => Fault::Cut { detail: redactor.redact(&detail) },
        Fault::Redirect { from, to } => Fault::Redirect { from: redactor.redact(&from), to: redactor.redact(&to) },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(text: &str, model: &str) -> Value {
        json!({"model": model, "messages": [{"role": "system", "content": "s"}, {"role": "user", "content": text}],
               "temperature": null, "max_tokens": null, "stream": false, "schema": null, "tools": [], "params": {}})
    }

    #[test]
    fn a_changed_prompt_is_named_with_both_texts() {
        let diffs = differences(&view("Say hello to the world", "m"), &view("Say goodbye to the world", "m"));
        assert_eq!(
            diffs,
            vec!["messages[1] (user): recorded `Say hello to the world`, asked `Say goodbye to the world`"]
        );
        let diffs = differences(&view("x", "a"), &view("x", "b"));
        assert_eq!(diffs, vec!["model: recorded `\"a\"`, asked `\"b\"`"]);
    }

    #[test]
    fn a_long_text_is_shown_from_just_before_its_difference() {
        let a = format!("{}tail one", "a".repeat(100));
        let b = format!("{}tail two", "a".repeat(100));
        let (x, y) = around_difference(&a, &b);
        assert!(x.starts_with('…') && x.ends_with("tail one"), "{x}");
        assert!(y.ends_with("tail two"), "{y}");
    }

    #[test]
    fn asks_of_one_key_get_the_recorded_answers_in_order_then_the_last() {
        let make = |id: &str| Interaction {
            id: id.into(),
            recorded_at: String::new(),
            provider: "p".into(),
            protocol: "openai".into(),
            key: "k".into(),
            asked: Value::Null,
            request: Value::Null,
            response: None,
            failure: None,
        };
        let cassette = Cassette::new(PathBuf::from("c.jsonl"), vec![make("a"), make("b")]);
        let order: Vec<String> = (0..3).filter_map(|_| cassette.next("k").map(|i| i.id.clone())).collect();
        assert_eq!(order, ["a", "b", "b"]);
        assert!(cassette.next("other").is_none());
        assert_eq!(cassette.matched(), ["a", "b"]);
    }
}
