//! Providers: what a configured chat-completion endpoint is, and the one dispatch
//! ([`Client`]) through which every request goes: `task run`, `--dry-run` and
//! `provider models` alike. Each wire format is one [`Protocol`] in `protocols/`
//! (`openai`, `anthropic`, and the offline `mock`), picked by [`protocol`]; a new
//! format is a new module there and one arm in `protocols::of`. The transport
//! (`http`) is the only code that touches the network, and `redact` the only place
//! that decides what of a body may be shown. Requests and answers are the
//! protocol-neutral types of `crate::request`.
//!
//! This layer returns typed [`ProviderError`]s and never picks an exit code.

pub mod batch_api;
pub mod cassette;
pub mod credentials;
pub mod error;
pub mod http;
pub mod protocols;
pub mod redact;
pub mod registry;
pub mod sse;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use credentials::{KeyCache, KeySource};
pub use error::ProviderError;
use http::{Trace, Transport, TransportSettings, WireRequest};
pub use protocols::Protocol;
use redact::{Redactor, SafeUrl, is_harmless_header};

use crate::request::{Accumulator, ChatRequest, ChatResponse, StreamEvent};

/// The most pages of models a listing follows.
const MAX_MODEL_PAGES: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    Openai,
    Anthropic,
    Local,
    Custom,
    Mock,
    /// Answers from a cassette (`cassette = "FILE"`): no network, no key.
    Replay,
}

impl ProviderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Openai => "openai",
            ProviderKind::Anthropic => "anthropic",
            ProviderKind::Local => "local",
            ProviderKind::Custom => "custom",
            ProviderKind::Mock => "mock",
            ProviderKind::Replay => "replay",
        }
    }
}

/// Which API an `anthropic` provider speaks: its native Messages API (the default)
/// or its OpenAI-compatible layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Api {
    #[default]
    Native,
    Openai,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaxTokensField {
    MaxTokens,
    MaxCompletionTokens,
}

/// One instance of a provider: a base URL and its share of the calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub url: SafeUrl,
    pub weight: u32,
}

/// USD per million tokens, and the context window when known.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Price {
    pub input: f64,
    pub output: f64,
    pub cached_input: Option<f64>,
    pub context_window: Option<u64>,
    /// The prices of the provider's batch API, when known (else half the others).
    pub batch_input: Option<f64>,
    pub batch_output: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct Provider {
    pub id: String,
    pub name: String,
    pub kind: ProviderKind,
    /// The first of `endpoints`: what `--dry-run` and `provider models` use.
    /// Base URL with its version prefix; prints itself without credentials.
    pub endpoint: SafeUrl,
    /// Every instance calls are spread over by weight (one for `endpoint = ...`).
    pub endpoints: Vec<Endpoint>,
    /// Per-provider call settings; `None` falls back to the environment or default.
    pub retries: Option<u32>,
    pub timeout: Option<std::time::Duration>,
    pub idle_timeout: Option<std::time::Duration>,
    pub connect_timeout: Option<std::time::Duration>,
    pub cooldown: Option<std::time::Duration>,
    /// Providers tried in order when this one fails in a way that fails over.
    pub fallbacks: Vec<String>,
    pub rpm: Option<u32>,
    pub tpm: Option<u64>,
    /// The model's context window in tokens, for context-length failover.
    pub context_window: Option<u64>,
    /// A PEM file of extra root certificates (an internal CA).
    pub ca_cert: Option<std::path::PathBuf>,
    /// `[providers.ID.pricing]`: USD per million tokens, over the built-in table.
    pub pricing: Option<Price>,
    /// Answer identical requests from the response cache.
    pub cache: bool,
    /// For `type = "anthropic"`: native (the default) or the OpenAI-compatible layer.
    pub api: Api,
    /// USD this provider may spend a UTC day.
    pub budget_daily: Option<f64>,
    /// How a `--schema` is asked of this provider (`structured_output`).
    pub structured_output: crate::request::StructuredMode,
    pub model: String,
    pub key: KeySource,
    pub temperature: Option<f64>,
    pub max_tokens: Option<u32>,
    pub max_tokens_field: MaxTokensField,
    pub headers: BTreeMap<String, String>,
    pub params: serde_json::Map<String, serde_json::Value>,
    pub builtin: bool,
    /// The cassette this provider answers from instead of its endpoint: a replay
    /// provider's `cassette`, or any provider's under `--replay FILE`.
    pub cassette: Option<std::path::PathBuf>,
}

impl Provider {
    pub fn has_key(&self) -> bool {
        !matches!(self.key, KeySource::None)
    }

    /// Everything of this provider that must never be shown: the key, the values
    /// of headers that may carry secrets, and credentials in the endpoint URL.
    pub fn redactor(&self, key: Option<&redact::SecretString>) -> Redactor {
        let mut secrets: Vec<String> = key.map(|k| k.expose().to_string()).into_iter().collect();
        if let KeySource::Literal(literal) = &self.key {
            secrets.push(literal.expose().to_string());
        }
        secrets.extend(self.headers.iter().filter(|(name, _)| !is_harmless_header(name)).map(|(_, v)| v.clone()));
        for endpoint in &self.endpoints {
            secrets.extend(endpoint.url.secrets());
        }
        Redactor::new(secrets)
    }
}

#[derive(Debug, Serialize)]
pub struct ProviderView {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ProviderKind,
    /// Null when there are several; see `endpoints`.
    pub endpoint: Option<String>,
    pub endpoints: Vec<String>,
    pub model: String,
    pub key_source: String,
    pub builtin: bool,
    pub fallbacks: Vec<String>,
    /// `native` or `openai` for an anthropic provider; null for the others.
    pub api: Option<Api>,
}

impl From<&Provider> for ProviderView {
    fn from(p: &Provider) -> Self {
        Self {
            id: p.id.clone(),
            name: p.name.clone(),
            kind: p.kind,
            endpoint: (!Client::is_offline(p) && p.endpoints.len() == 1).then(|| p.endpoint.to_string()),
            endpoints: if Client::is_offline(p) {
                Vec::new()
            } else {
                p.endpoints.iter().map(|e| e.url.to_string()).collect()
            },
            model: p.model.clone(),
            key_source: p.key.label(),
            builtin: p.builtin,
            fallbacks: p.fallbacks.clone(),
            api: (p.kind == ProviderKind::Anthropic).then_some(p.api),
        }
    }
}

/// Where streamed text goes as it arrives (and the whole text of an answer that was
/// not streamed, in one piece).
pub trait Deltas: Send {
    fn delta(&mut self, text: &str);
    /// Whether text given so far has reached the user: a break is then partial
    /// output, never retried.
    fn committed(&self) -> bool {
        false
    }
    /// The task is about to be attempted (after its agent was claimed).
    fn start(&mut self) {}
}

/// A sink that drops what it is given.
pub struct NoDeltas;

impl Deltas for NoDeltas {
    fn delta(&mut self, _: &str) {}
}

/// What a response's headers say about the provider's limits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RateHints {
    /// The provider will refuse requests for this long (a remaining count of 0).
    pub pause: Option<std::time::Duration>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ModelInfo {
    pub id: String,
    pub owned_by: Option<String>,
}

/// A provider id or agent name: `[A-Za-z0-9][A-Za-z0-9._-]{0,63}`.
pub fn is_valid_id(id: &str) -> bool {
    let bytes = id.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 64
        && bytes[0].is_ascii_alphanumeric()
        && bytes.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// The protocol `provider` speaks.
pub fn protocol(provider: &Provider) -> &'static dyn Protocol {
    protocols::of(provider.kind, provider.api)
}

/// The time limits of one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: std::time::Duration,
    pub idle: std::time::Duration,
}

/// What one attempt asks for.
#[derive(Debug, Clone, Copy)]
pub enum Call<'a> {
    Chat(&'a ChatRequest),
    Models,
}

/// What one attempt got.
#[derive(Debug, Clone)]
pub enum Answer {
    Chat(ChatResponse),
    Models(Vec<ModelInfo>),
}

/// Talks to providers for one invocation: transports built only when a request will
/// go out (one per connect timeout and CA file), keys resolved at most once.
///
/// Shared by every task of a batch (`&self` throughout): one connection pool, each key
/// command run once.
pub struct Client {
    max_body: u64,
    trace: Option<Trace>,
    transports: std::sync::Mutex<Vec<Transport>>,
    keys: tokio::sync::Mutex<KeyCache>,
    /// Each provider's redactor, built once its key is known (it holds every encoded
    /// form of every secret, so it is worth keeping).
    redactors: std::sync::Mutex<std::collections::HashMap<String, Redactor>>,
    /// `--record FILE`: every live attempt's interaction is appended there.
    recorder: Option<cassette::Recorder>,
    /// How fast recorded answers come back (0: at once, 1: as recorded).
    replay_speed: f64,
    /// The cassettes replayed from, each read once.
    cassettes: std::sync::Mutex<Vec<std::sync::Arc<cassette::Cassette>>>,
}

impl Client {
    pub fn new(max_body: u64, trace: Option<Trace>) -> Self {
        Self {
            max_body,
            trace,
            transports: std::sync::Mutex::new(Vec::new()),
            keys: tokio::sync::Mutex::new(KeyCache::default()),
            redactors: std::sync::Mutex::new(std::collections::HashMap::new()),
            recorder: None,
            replay_speed: 0.0,
            cassettes: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// The request a chat call would send, for `--dry-run` (the mock shows the
    /// OpenAI shape it answers offline).
    pub fn chat_request(provider: &Provider, request: &ChatRequest) -> WireRequest {
        protocol(provider).chat(provider, &provider.endpoint, request)
    }

    /// The conversation a stored request body of `provider`'s protocol carries.
    pub fn conversation(provider: &Provider, body: &serde_json::Value) -> Option<Vec<crate::request::Message>> {
        protocol(provider).conversation(body)
    }

    /// Whether a call would go over the network (and so needs a key and a writable
    /// state folder before it is sent).
    pub fn is_offline(provider: &Provider) -> bool {
        provider.cassette.is_some() || protocol(provider).is_offline()
    }

    /// Everything that can fail before a request goes out: the key variable, the key
    /// command. Errors here mean the call was never attempted.
    pub async fn prepare(&self, provider: &Provider) -> Result<(), ProviderError> {
        if Self::is_offline(provider) {
            return Ok(());
        }
        self.keys.lock().await.get(provider).await.map(drop)
    }

    /// Build what an attempt on `provider` needs before it is admitted by the rate
    /// limits, so that admission and sending are not far apart.
    pub fn warm(&self, provider: &Provider, connect: std::time::Duration) {
        if !Self::is_offline(provider) {
            let _ = self.transport(provider, connect);
        }
    }

    /// The transport for a connect timeout and CA file, built on first use.
    fn transport(&self, provider: &Provider, connect: std::time::Duration) -> Result<Transport, ProviderError> {
        let settings =
            TransportSettings { connect_timeout: connect, max_body: self.max_body, ca_cert: provider.ca_cert.clone() };
        let mut transports = self.transports.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(transport) = transports.iter().find(|t| t.settings() == &settings) {
            return Ok(transport.clone());
        }
        let transport = Transport::new(settings, self.trace.clone()).map_err(|err| match err {
            ProviderError::Transport { detail, .. } => {
                ProviderError::Transport { provider: provider.id.clone(), detail }
            }
            other => other,
        })?;
        transports.push(transport.clone());
        Ok(transport)
    }

    /// Everything of `provider` that must never be stored: its key (resolved at most
    /// once per run), secret headers and URL credentials.
    pub async fn redactor(&self, provider: &Provider) -> Redactor {
        if Self::is_offline(provider) {
            return Redactor::default();
        }
        let cached =
            self.redactors.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(&provider.id).cloned();
        if let Some(redactor) = cached {
            return redactor;
        }
        let key = self.keys.lock().await.get(provider).await.ok().flatten();
        let redactor = provider.redactor(key.as_ref());
        self.redactors
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(provider.id.clone(), redactor.clone());
        redactor
    }

    /// Answer `call` from `provider`'s cassette: the next interaction recorded for
    /// what it asks, read with the protocol it was recorded with, its waits scaled
    /// by the replay speed. No key is resolved and nothing is sent.
    async fn replay(
        &self,
        provider: &Provider,
        call: Call<'_>,
        redactor: &Redactor,
        deltas: &mut dyn Deltas,
    ) -> (Result<Answer, ProviderError>, RateHints) {
        let cassette = match self.cassette(provider) {
            Ok(cassette) => cassette,
            Err(err) => return (Err(err), RateHints::default()),
        };
        let request = match call {
            Call::Models => {
                let models = cassette.models(&provider.id).into_iter().map(|id| ModelInfo { id, owned_by: None });
                return (Ok(Answer::Models(models.collect())), RateHints::default());
            }
            Call::Chat(request) => request,
        };
        let asked = cassette::asked(provider, request);
        let Some(found) = cassette.next(&cassette::key_of(&asked)) else {
            let message = cassette.miss(&provider.id, &asked);
            return (Err(ProviderError::ReplayMiss { provider: provider.id.clone(), message }), RateHints::default());
        };
        let after = found.response.as_ref().map_or(0, |r| r.after_ms);
        let wait = crate::limits::scaled(std::time::Duration::from_millis(after), self.replay_speed);
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        if let Some(fault) = &found.failure {
            return (Err(fault.error(&provider.id, &provider.endpoint.to_string())), RateHints::default());
        }
        let Some(recorded) = &found.response else {
            let message = format!(
                "cassette {}: interaction {} has neither a response nor a failure",
                cassette.path.display(),
                found.id
            );
            return (Err(ProviderError::Cassette { provider: provider.id.clone(), message }), RateHints::default());
        };
        let recorded_protocol = protocols::by_key(&found.protocol).unwrap_or_else(|| self::protocol(provider));
        let mut opened = recorded.opened(&provider.id, self.replay_speed);
        let (result, mut hints) = read_chat(provider, request, recorded_protocol, &mut opened, redactor, deltas).await;
        hints.pause = hints.pause.map(|pause| crate::limits::scaled(pause, self.replay_speed)).filter(|p| !p.is_zero());
        (result.map(Answer::Chat), hints)
    }

    /// The cassette `provider` answers from, read once per run.
    fn cassette(&self, provider: &Provider) -> Result<std::sync::Arc<cassette::Cassette>, ProviderError> {
        let path = provider.cassette.clone().unwrap_or_default();
        let mut cassettes = self.cassettes.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(found) = cassettes.iter().find(|c| c.path == path) {
            return Ok(found.clone());
        }
        let loaded = cassette::Cassette::load(&path)
            .map_err(|err| ProviderError::Cassette { provider: provider.id.clone(), message: err.message })?;
        let loaded = std::sync::Arc::new(loaded);
        cassettes.push(loaded.clone());
        Ok(loaded)
    }

    /// Replay from `cassette` (read already) rather than reading its file again.
    pub fn preload(&self, cassette: cassette::Cassette) {
        self.cassettes.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(std::sync::Arc::new(cassette));
    }

    /// The ids of the recorded interactions this run replayed, for the state's notes.
    pub fn replayed(&self) -> Vec<String> {
        let cassettes = self.cassettes.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        cassettes.iter().flat_map(|c| c.matched()).collect()
    }

    /// Whether `provider` answers from a cassette rather than over the network.
    pub fn replays(provider: &Provider) -> bool {
        provider.cassette.is_some()
    }

    /// How fast recorded answers come back: 0 at once, 1 as recorded.
    pub fn replay_speed(&self) -> f64 {
        self.replay_speed
    }

    /// Record every live attempt to `recorder`'s cassette, and replay at `speed`.
    #[must_use]
    pub fn with_cassettes(mut self, recorder: Option<cassette::Recorder>, speed: f64) -> Self {
        self.recorder = recorder;
        self.replay_speed = speed;
        self
    }

    /// One attempt at one endpoint, with what the response headers said about limits:
    /// the same steps for every protocol. Streamed text goes to `deltas` as it
    /// arrives. Every text of the answer but the answer itself (the model's name, the
    /// finish reason, a model list) comes back redacted: a server may echo a key in
    /// any of them.
    pub async fn attempt(
        &self,
        provider: &Provider,
        endpoint: &SafeUrl,
        call: Call<'_>,
        timeouts: Timeouts,
        deltas: &mut dyn Deltas,
    ) -> (Result<Answer, ProviderError>, RateHints) {
        let protocol = protocol(provider);
        if let Some(answer) = offline(protocol, call, deltas) {
            return (Ok(answer), RateHints::default());
        }
        if provider.cassette.is_some() {
            let redactor = provider.redactor(None);
            let (result, hints) = self.replay(provider, call, &redactor, deltas).await;
            return (result.map(|answer| redact_metadata(answer, &redactor)), hints);
        }
        let key = match self.keys.lock().await.get(provider).await {
            Ok(key) => key,
            Err(err) => return (Err(err), RateHints::default()),
        };
        let redactor = self.redactor(provider).await;
        let transport = match self.transport(provider, timeouts.connect) {
            Ok(transport) => transport,
            Err(err) => return (Err(err), RateHints::default()),
        };
        let (result, hints) = match call {
            Call::Chat(request) => {
                let wire = protocol.chat(provider, endpoint, request);
                let sent = std::time::Instant::now();
                let mut opened = match transport.open(&provider.id, &wire, key.as_ref(), &redactor, timeouts.idle).await
                {
                    Ok(opened) => opened,
                    Err(err) => {
                        if let (Some(recorder), Some(fault)) = (&self.recorder, err.fault()) {
                            let outcome = cassette::Outcome::Failed { fault };
                            recorder.record(provider, protocol.key(), request, &wire, outcome, &redactor, None);
                        }
                        return (Err(err), RateHints::default());
                    }
                };
                let after = sent.elapsed();
                if self.recorder.is_some() {
                    opened.start_tape();
                }
                let (result, hints) = read_chat(provider, request, protocol, &mut opened, &redactor, deltas).await;
                if let Some(recorder) = &self.recorder {
                    let text = result.as_ref().ok().map(|r| r.content().into_owned());
                    let tape = opened.take_tape();
                    if let Some(tape) = tape {
                        let outcome = cassette::Outcome::Answered { after, tape };
                        recorder.record(provider, protocol.key(), request, &wire, outcome, &redactor, text.as_deref());
                    }
                }
                (result.map(Answer::Chat), hints)
            }
            Call::Models => {
                let mut models = Vec::new();
                let mut after: Option<String> = None;
                let mut hints = RateHints::default();
                let mut result = Ok(());
                for _ in 0..MAX_MODEL_PAGES {
                    let wire = protocol.models(provider, endpoint, after.as_deref());
                    let response =
                        match transport.send(&provider.id, &wire, key.as_ref(), &redactor, timeouts.idle).await {
                            Ok(response) => response,
                            Err(err) => {
                                result = Err(err);
                                break;
                            }
                        };
                    hints = protocol.rate_hints(&response.headers);
                    match protocol.parse_models(provider, &response, &redactor) {
                        Ok((page, next)) => {
                            models.extend(page);
                            match next {
                                Some(next) => after = Some(next),
                                None => break,
                            }
                        }
                        Err(err) => {
                            result = Err(err);
                            break;
                        }
                    }
                }
                (result.map(|()| Answer::Models(models)), hints)
            }
        };
        (result.map(|answer| redact_metadata(answer, &redactor)), hints)
    }
}

/// A chat answer whose headers came (live or from a cassette): read and decoded the
/// same way, streamed or whole.
async fn read_chat(
    provider: &Provider,
    request: &ChatRequest,
    protocol: &dyn Protocol,
    opened: &mut http::Opened,
    redactor: &Redactor,
    deltas: &mut dyn Deltas,
) -> (Result<ChatResponse, ProviderError>, RateHints) {
    let hints = protocol.rate_hints(&opened.headers);
    let streamed = request.options.stream && (200..300).contains(&opened.status) && opened.is_event_stream();
    let result = if streamed {
        read_stream(provider, request, opened, redactor, deltas, protocol.stream(request)).await
    } else {
        match opened.read_all().await {
            Ok(response) => protocol.parse_chat(provider, request, &response, redactor).inspect(|answer| {
                // A plain answer to a streamed request is printed at once, whole.
                let text = answer.content();
                if request.options.stream && !text.is_empty() {
                    deltas.delta(&text);
                }
            }),
            Err(err) => Err(err),
        }
    };
    (result, hints)
}

/// The answer of a protocol that needs no network (the mock), streamed word by word
/// when asked to be.
fn offline(protocol: &dyn Protocol, call: Call<'_>, deltas: &mut dyn Deltas) -> Option<Answer> {
    match call {
        Call::Chat(request) => {
            let response = protocol.offline(request)?;
            if request.options.stream {
                for word in response.content().split_inclusive(' ') {
                    deltas.delta(word);
                }
            }
            Some(Answer::Chat(response))
        }
        Call::Models => protocol.offline_models().map(Answer::Models),
    }
}

/// The answer with every text but the answer's own redacted.
fn redact_metadata(answer: Answer, redactor: &Redactor) -> Answer {
    let clean = |text: Option<String>| text.map(|t| redactor.redact(&t));
    match answer {
        Answer::Chat(mut response) => {
            response.model = clean(response.model);
            response.finish = response.finish.map(|f| match f {
                crate::request::FinishReason::Other(other) => {
                    crate::request::FinishReason::Other(redactor.redact(&other))
                }
                known => known,
            });
            Answer::Chat(response)
        }
        Answer::Models(models) => Answer::Models(
            models.into_iter().map(|m| ModelInfo { id: redactor.redact(&m.id), owned_by: clean(m.owned_by) }).collect(),
        ),
    }
}

/// Decode a server-sent-events answer, handing each text delta on as it arrives.
async fn read_stream(
    provider: &Provider,
    request: &ChatRequest,
    opened: &mut http::Opened,
    redactor: &Redactor,
    deltas: &mut dyn Deltas,
    mut decoder: Box<dyn protocols::StreamDecoder>,
) -> Result<ChatResponse, ProviderError> {
    let mut sse = sse::Decoder::new();
    let mut answer = Accumulator::default();
    let mut events: Vec<StreamEvent> = Vec::new();
    let mut take = |answer: &mut Accumulator, events: &mut Vec<StreamEvent>| {
        for event in events.drain(..) {
            if let Some(text) = answer.push(event) {
                deltas.delta(&text);
            }
        }
    };
    loop {
        let chunk = match opened.body.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(err) => {
                // A stream that already finished may be closed rudely.
                if answer.finished() {
                    break;
                }
                return Err(err);
            }
        };
        for event in sse.feed(&chunk) {
            decoder.event(provider, &event.data, redactor, &mut events)?;
            take(&mut answer, &mut events);
            if answer.done() {
                return Ok(answer.into_response(request));
            }
        }
    }
    if let Some(event) = sse.finish() {
        decoder.event(provider, &event.data, redactor, &mut events)?;
        take(&mut answer, &mut events);
    }
    if !answer.finished() {
        return Err(ProviderError::Cut {
            provider: provider.id.clone(),
            detail: format!("the stream ended {}, after {} characters", decoder.cut_words(), answer.chars()),
        });
    }
    Ok(answer.into_response(request))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_documented_pattern() {
        assert!(is_valid_id("a"));
        assert!(is_valid_id("gpt-4o.mini_2"));
        assert!(is_valid_id(&"x".repeat(64)));
        assert!(!is_valid_id(&"x".repeat(65)));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("-leading"));
        assert!(!is_valid_id("has space"));
        assert!(!is_valid_id("slash/no"));
    }

    #[test]
    fn estimate_rounds_up_bytes_over_four() {
        use crate::request::estimate_tokens;
        assert_eq!(estimate_tokens(""), 0);
        assert_eq!(estimate_tokens("abc"), 1);
        assert_eq!(estimate_tokens("abcd"), 1);
        assert_eq!(estimate_tokens("abcde"), 2);
        assert_eq!(estimate_tokens("é"), 1);
    }

    #[test]
    fn provider_headers_replace_defaults_and_the_key_header() {
        let mut provider = registry::builtin_mock();
        provider.key = KeySource::Env("K".into());
        provider.headers.insert("authorization".into(), "Token abc".into());
        provider.headers.insert("content-type".into(), "application/json; charset=utf-8".into());
        provider.kind = ProviderKind::Openai;
        let request = ChatRequest {
            messages: vec![],
            options: crate::request::RequestOptions {
                model: "m".into(),
                temperature: None,
                max_tokens: None,
                stream: false,
                structured: None,
                tools: Vec::new(),
            },
        };
        let wire = Client::chat_request(&provider, &request);
        assert_eq!(wire.auth, http::Auth::None);
        let names: Vec<String> = wire.headers.iter().map(|(k, _)| k.to_ascii_lowercase()).collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(names.len(), unique.len(), "{names:?}");
        assert!(wire.headers.contains(&("content-type".into(), "application/json; charset=utf-8".into())));
    }
}
