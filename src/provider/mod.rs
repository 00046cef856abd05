//! Providers: what a configured chat-completion endpoint is, and the one dispatch
//! ([`Client`]) through which every request goes: `task run`, `--dry-run` and
//! `provider models` alike. Each wire protocol is one module behind [`Route`]
//! (`openai`, and the offline `mock`); a new protocol is a new module and one arm
//! here. The transport (`http`) is the only code that touches the network, and
//! `redact` the only place that decides what of a body may be shown.
//!
//! This layer returns typed [`ProviderError`]s and never picks an exit code.

pub mod anthropic;
pub mod credentials;
pub mod error;
pub mod http;
pub mod mock;
pub mod openai;
pub mod redact;
pub mod registry;
pub mod sse;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use credentials::{KeyCache, KeySource};
pub use error::ProviderError;
use http::{Trace, Transport, TransportSettings, WireRequest};
use redact::{Redactor, SafeUrl, is_harmless_header};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    Openai,
    Anthropic,
    Local,
    Custom,
    Mock,
}

impl ProviderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Openai => "openai",
            ProviderKind::Anthropic => "anthropic",
            ProviderKind::Local => "local",
            ProviderKind::Custom => "custom",
            ProviderKind::Mock => "mock",
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
    pub model: String,
    pub key: KeySource,
    pub temperature: Option<f64>,
    pub max_tokens: Option<u32>,
    pub max_tokens_field: MaxTokensField,
    pub headers: BTreeMap<String, String>,
    pub params: serde_json::Map<String, serde_json::Value>,
    pub builtin: bool,
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
            endpoint: (route(p) != Route::Mock && p.endpoints.len() == 1).then(|| p.endpoint.to_string()),
            endpoints: if route(p) == Route::Mock {
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

#[derive(Debug, Clone, Serialize)]
pub struct Message {
    pub role: &'static str,
    pub content: String,
}

/// What a task asks of a provider, before a protocol shapes it into a request.
#[derive(Debug, Clone)]
pub struct ChatRequest {
    pub model: String,
    pub messages: Vec<Message>,
    pub temperature: Option<f64>,
    pub max_tokens: Option<u32>,
    /// Ask for the answer as a stream of deltas.
    pub stream: bool,
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

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub total_tokens: u64,
    /// Prompt tokens read from the provider's cache (priced at `cached_input`).
    pub cached_tokens: u64,
    pub estimated: bool,
}

#[derive(Debug, Clone)]
pub struct ChatResponse {
    pub content: String,
    pub finish_reason: Option<String>,
    pub model: Option<String>,
    pub usage: Usage,
    /// Answered from the response cache, not by the provider.
    pub cached: bool,
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

/// The token estimate used when a server sends no usable usage: ceil(UTF-8 bytes / 4).
pub fn estimate_tokens(text: &str) -> u64 {
    (text.len() as u64).div_ceil(4)
}

pub fn estimate_usage(messages: &[Message], completion: &str) -> Usage {
    let prompt_tokens = messages.iter().map(|m| estimate_tokens(&m.content)).fold(0u64, u64::saturating_add);
    let completion_tokens = estimate_tokens(completion);
    Usage {
        prompt_tokens,
        completion_tokens,
        total_tokens: prompt_tokens.saturating_add(completion_tokens),
        cached_tokens: 0,
        estimated: true,
    }
}

/// A provider id or agent name: `[A-Za-z0-9][A-Za-z0-9._-]{0,63}`.
pub fn is_valid_id(id: &str) -> bool {
    let bytes = id.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 64
        && bytes[0].is_ascii_alphanumeric()
        && bytes.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Which protocol module speaks for a provider. The only branch on the kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    OpenAi,
    /// Anthropic's native Messages API (`type = "anthropic"`, `api = "native"`).
    Anthropic,
    Mock,
}

impl Route {
    /// The highest temperature the protocol takes: 2 for OpenAI's, 1 for Anthropic's.
    pub fn max_temperature(self) -> f64 {
        match self {
            Route::Anthropic => 1.0,
            Route::OpenAi | Route::Mock => 2.0,
        }
    }
}

pub fn route(provider: &Provider) -> Route {
    route_of(provider.kind, provider.api)
}

/// The route of a kind and `api` setting, for checks made before a `Provider` exists.
pub fn route_of(kind: ProviderKind, api: Api) -> Route {
    match kind {
        ProviderKind::Mock => Route::Mock,
        ProviderKind::Anthropic if api == Api::Native => Route::Anthropic,
        ProviderKind::Openai | ProviderKind::Anthropic | ProviderKind::Local | ProviderKind::Custom => Route::OpenAi,
    }
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
}

impl Client {
    pub fn new(max_body: u64, trace: Option<Trace>) -> Self {
        Self {
            max_body,
            trace,
            transports: std::sync::Mutex::new(Vec::new()),
            keys: tokio::sync::Mutex::new(KeyCache::default()),
            redactors: std::sync::Mutex::new(std::collections::HashMap::new()),
        }
    }

    /// The request a chat call would send, for `--dry-run` (the mock shows the
    /// OpenAI shape it answers offline).
    pub fn chat_request(provider: &Provider, request: &ChatRequest) -> WireRequest {
        match route(provider) {
            Route::Anthropic => anthropic::chat(provider, &provider.endpoint, request),
            Route::OpenAi | Route::Mock => openai::chat(provider, request),
        }
    }

    /// Whether a call would go over the network (and so needs a key and a writable
    /// state folder before it is sent).
    pub fn is_offline(provider: &Provider) -> bool {
        route(provider) == Route::Mock
    }

    /// Everything that can fail before a request goes out: the key variable, the key
    /// command. Errors here mean the call was never attempted.
    pub async fn prepare(&self, provider: &Provider) -> Result<(), ProviderError> {
        if route(provider) == Route::Mock {
            return Ok(());
        }
        self.keys.lock().await.get(provider).await.map(drop)
    }

    /// Build what an attempt on `provider` needs before it is admitted by the rate
    /// limits, so that admission and sending are not far apart.
    pub fn warm(&self, provider: &Provider, connect: std::time::Duration) {
        if route(provider) != Route::Mock {
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
        if route(provider) == Route::Mock {
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

    /// One attempt at one endpoint, with what the response headers said about limits.
    /// Streamed text goes to `deltas` as it arrives. Every text of the answer but the
    /// answer itself (the model's name, the finish reason, a model list) comes back
    /// redacted: a server may echo a key in any of them.
    pub async fn attempt(
        &self,
        provider: &Provider,
        endpoint: &SafeUrl,
        call: Call<'_>,
        timeouts: Timeouts,
        deltas: &mut dyn Deltas,
    ) -> (Result<Answer, ProviderError>, RateHints) {
        let (result, hints) = self.attempt_raw(provider, endpoint, call, timeouts, deltas).await;
        let result = match result {
            Ok(answer) if route(provider) != Route::Mock => {
                let redactor = self.redactor(provider).await;
                Ok(redact_metadata(answer, &redactor))
            }
            other => other,
        };
        (result, hints)
    }

    async fn attempt_raw(
        &self,
        provider: &Provider,
        endpoint: &SafeUrl,
        call: Call<'_>,
        timeouts: Timeouts,
        deltas: &mut dyn Deltas,
    ) -> (Result<Answer, ProviderError>, RateHints) {
        if route(provider) == Route::Mock {
            let answer = match call {
                Call::Chat(request) => {
                    let response = mock::complete(request);
                    if request.stream {
                        for word in mock::words(&response.content) {
                            deltas.delta(word);
                        }
                    }
                    Answer::Chat(response)
                }
                Call::Models => Answer::Models(mock::models()),
            };
            return (Ok(answer), RateHints::default());
        }
        let key = match self.keys.lock().await.get(provider).await {
            Ok(key) => key,
            Err(err) => return (Err(err), RateHints::default()),
        };
        let redactor = self.redactor(provider).await;
        if route(provider) == Route::Anthropic {
            return self.attempt_anthropic(provider, endpoint, call, timeouts, deltas, key.as_ref(), &redactor).await;
        }
        let wire = match call {
            Call::Chat(request) => openai::chat_at(provider, endpoint, request),
            Call::Models => {
                let mut wire = openai::models(provider);
                wire.url = endpoint.join("models");
                wire
            }
        };
        let transport = match self.transport(provider, timeouts.connect) {
            Ok(transport) => transport,
            Err(err) => return (Err(err), RateHints::default()),
        };
        let opened = match transport.open(&provider.id, &wire, key.as_ref(), &redactor, timeouts.idle).await {
            Ok(opened) => opened,
            Err(err) => return (Err(err), RateHints::default()),
        };
        let hints = openai::rate_hints(&opened.headers);
        let result = match call {
            Call::Chat(request)
                if request.stream && (200..300).contains(&opened.status) && opened.is_event_stream() =>
            {
                read_stream(provider, request, opened, &redactor, deltas, openai::StreamState::default())
                    .await
                    .map(Answer::Chat)
            }
            Call::Chat(request) => match opened.read_all().await {
                Ok(response) => openai::parse_chat(provider, request, &response, &redactor).map(|answer| {
                    // A plain answer to a streamed request is printed at once, whole.
                    if request.stream && !answer.content.is_empty() {
                        deltas.delta(&answer.content);
                    }
                    Answer::Chat(answer)
                }),
                Err(err) => Err(err),
            },
            Call::Models => match opened.read_all().await {
                Ok(response) => openai::parse_models(provider, &response, &redactor).map(Answer::Models),
                Err(err) => Err(err),
            },
        };
        (result, hints)
    }
}

impl Client {
    /// One attempt on Anthropic's native API: a message (plain or streamed), or the
    /// model list followed through its pages (at most 20).
    #[expect(clippy::too_many_arguments, reason = "the attempt's parts, passed through from attempt_raw once")]
    async fn attempt_anthropic(
        &self,
        provider: &Provider,
        endpoint: &SafeUrl,
        call: Call<'_>,
        timeouts: Timeouts,
        deltas: &mut dyn Deltas,
        key: Option<&redact::SecretString>,
        redactor: &Redactor,
    ) -> (Result<Answer, ProviderError>, RateHints) {
        let transport = match self.transport(provider, timeouts.connect) {
            Ok(transport) => transport,
            Err(err) => return (Err(err), RateHints::default()),
        };
        match call {
            Call::Chat(request) => {
                let wire = anthropic::chat(provider, endpoint, request);
                let opened = match transport.open(&provider.id, &wire, key, redactor, timeouts.idle).await {
                    Ok(opened) => opened,
                    Err(err) => return (Err(err), RateHints::default()),
                };
                let hints = anthropic::rate_hints(&opened.headers);
                let result = if request.stream && (200..300).contains(&opened.status) && opened.is_event_stream() {
                    read_stream(provider, request, opened, redactor, deltas, anthropic::StreamState::default()).await
                } else {
                    match opened.read_all().await {
                        Ok(response) => {
                            anthropic::parse_chat(provider, request, &response, redactor).inspect(|answer| {
                                if request.stream && !answer.content.is_empty() {
                                    deltas.delta(&answer.content);
                                }
                            })
                        }
                        Err(err) => Err(err),
                    }
                };
                (result.map(Answer::Chat), hints)
            }
            Call::Models => {
                let mut models = Vec::new();
                let mut after: Option<String> = None;
                let mut hints = RateHints::default();
                for _ in 0..anthropic::MAX_MODEL_PAGES {
                    let wire = anthropic::models(provider, endpoint, after.as_deref());
                    let response = match transport.send(&provider.id, &wire, key, redactor, timeouts.idle).await {
                        Ok(response) => response,
                        Err(err) => return (Err(err), hints),
                    };
                    hints = anthropic::rate_hints(&response.headers);
                    match anthropic::parse_models(provider, &response, redactor) {
                        Ok((page, next)) => {
                            models.extend(page);
                            match next {
                                Some(next) => after = Some(next),
                                None => break,
                            }
                        }
                        Err(err) => return (Err(err), hints),
                    }
                }
                (Ok(Answer::Models(models)), hints)
            }
        }
    }
}

/// The answer with every text but the answer's own redacted.
fn redact_metadata(answer: Answer, redactor: &Redactor) -> Answer {
    let clean = |text: Option<String>| text.map(|t| redactor.redact(&t));
    match answer {
        Answer::Chat(mut response) => {
            response.model = clean(response.model);
            response.finish_reason = clean(response.finish_reason);
            Answer::Chat(response)
        }
        Answer::Models(models) => Answer::Models(
            models.into_iter().map(|m| ModelInfo { id: redactor.redact(&m.id), owned_by: clean(m.owned_by) }).collect(),
        ),
    }
}

/// What a protocol's stream decoder does with the events of one answer.
trait StreamDecoder {
    fn event(&mut self, provider: &Provider, data: &str, redactor: &Redactor) -> Result<Option<String>, ProviderError>;
    /// The stream said it is complete (`[DONE]`, `message_stop`).
    fn done(&self) -> bool;
    /// Complete enough that a rude close afterwards loses nothing.
    fn finished(&self) -> bool;
    fn end(self, provider: &Provider, request: &ChatRequest) -> Result<ChatResponse, ProviderError>;
}

impl StreamDecoder for openai::StreamState {
    fn event(&mut self, provider: &Provider, data: &str, redactor: &Redactor) -> Result<Option<String>, ProviderError> {
        openai::stream_event(self, provider, data, redactor)
    }
    fn done(&self) -> bool {
        self.done
    }
    fn finished(&self) -> bool {
        openai::StreamState::finished(self)
    }
    fn end(self, provider: &Provider, request: &ChatRequest) -> Result<ChatResponse, ProviderError> {
        openai::stream_end(self, provider, request)
    }
}

impl StreamDecoder for anthropic::StreamState {
    fn event(&mut self, provider: &Provider, data: &str, redactor: &Redactor) -> Result<Option<String>, ProviderError> {
        anthropic::stream_event(self, provider, data, redactor)
    }
    fn done(&self) -> bool {
        self.done
    }
    fn finished(&self) -> bool {
        self.done || self.finish_reason.is_some()
    }
    fn end(self, provider: &Provider, request: &ChatRequest) -> Result<ChatResponse, ProviderError> {
        anthropic::stream_end(self, provider, request)
    }
}

/// Decode a server-sent-events answer, handing each text delta on as it arrives.
async fn read_stream(
    provider: &Provider,
    request: &ChatRequest,
    mut opened: http::Opened,
    redactor: &Redactor,
    deltas: &mut dyn Deltas,
    mut state: impl StreamDecoder,
) -> Result<ChatResponse, ProviderError> {
    let mut decoder = sse::Decoder::new();
    loop {
        let chunk = match opened.body.chunk().await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => break,
            Err(err) => {
                // A stream that already finished may be closed rudely.
                if state.finished() {
                    break;
                }
                return Err(err);
            }
        };
        for event in decoder.feed(&chunk) {
            if let Some(text) = state.event(provider, &event.data, redactor)? {
                deltas.delta(&text);
            }
            if state.done() {
                return state.end(provider, request);
            }
        }
    }
    if let Some(event) = decoder.finish()
        && let Some(text) = state.event(provider, &event.data, redactor)?
    {
        deltas.delta(&text);
    }
    state.end(provider, request)
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
        let wire = openai::chat(
            &provider,
            &ChatRequest { model: "m".into(), messages: vec![], temperature: None, max_tokens: None, stream: false },
        );
        assert_eq!(wire.auth, http::Auth::None);
        let names: Vec<String> = wire.headers.iter().map(|(k, _)| k.to_ascii_lowercase()).collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(names.len(), unique.len(), "{names:?}");
        assert!(wire.headers.contains(&("content-type".into(), "application/json; charset=utf-8".into())));
    }
}
