//! The wire formats, sans I/O: one [`Protocol`] per format (`openai`, `anthropic`,
//! and the offline `mock`), each shaping a [`ChatRequest`] into a [`WireRequest`]
//! and reading answers, streams, model lists, error bodies and rate-limit headers
//! back into typed values. [`of`] is the only branch on a provider's kind; the
//! transport sends and `Client::attempt` ties the two together for every protocol.

mod anthropic;
mod mock;
mod openai;

use super::error::ProviderError;
use super::http::{Auth, WireRequest, WireResponse};
use super::redact::{Redactor, SafeUrl};
use super::{Api, ModelInfo, Provider, ProviderKind, RateHints};
use crate::request::{ChatRequest, ChatResponse, Message, StreamEvent};

/// What a wire format can carry.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Capabilities {
    /// The highest temperature the format takes (its lowest is 0).
    pub max_temperature: f64,
    /// A JSON Schema for the answer (`response_format` of type `json_schema`).
    pub json_schema: bool,
    /// Tool definitions and tool calls.
    pub tools: bool,
    /// Usage reported at the end of a stream.
    pub streamed_usage: bool,
}

/// One page of a model list, and where the next begins when there is one.
pub type ModelPage = (Vec<ModelInfo>, Option<String>);

/// One wire format. Nothing here does I/O: every method is a translation.
pub trait Protocol: Sync {
    /// The protocol's name in cache keys: kept as first written so caches stay valid.
    fn key(&self) -> &'static str;

    fn capabilities(&self) -> Capabilities;

    /// Body keys the request owns, which `params` may not replace, each with what sets it.
    fn reserved_params(&self) -> &'static [(&'static str, &'static str)] {
        RESERVED_PARAMS
    }

    /// How the key is sent.
    fn auth(&self, provider: &Provider) -> Auth;

    /// The chat request to one of the provider's endpoints.
    fn chat(&self, provider: &Provider, endpoint: &SafeUrl, request: &ChatRequest) -> WireRequest;

    /// A complete chat answer (any status) into the answer or the error it carries.
    fn parse_chat(
        &self,
        provider: &Provider,
        request: &ChatRequest,
        response: &WireResponse,
        redactor: &Redactor,
    ) -> Result<ChatResponse, ProviderError>;

    /// A decoder for the streamed answer to `request`.
    fn stream(&self, request: &ChatRequest) -> Box<dyn StreamDecoder>;

    /// The model list request for a page (`after`: where the page begins).
    fn models(&self, provider: &Provider, endpoint: &SafeUrl, after: Option<&str>) -> WireRequest;

    fn parse_models(
        &self,
        provider: &Provider,
        response: &WireResponse,
        redactor: &Redactor,
    ) -> Result<ModelPage, ProviderError>;

    /// What the response headers say about the provider's limits.
    fn rate_hints(&self, headers: &reqwest::header::HeaderMap) -> RateHints;

    /// Where the system prompt sits in a request body (a JSON pointer), so that the
    /// stored view can keep it apart.
    fn system_pointer(&self) -> &'static str;

    /// The API this format is, in the words of a hint: "is the endpoint {this}?".
    fn api_words(&self) -> &'static str;

    /// The conversation a request body of this protocol carries: the inverse of
    /// [`Protocol::chat`]'s messages, for `task run --continue` and `task show`.
    /// `None` for a body that is not one of this protocol's requests.
    fn conversation(&self, body: &serde_json::Value) -> Option<Vec<Message>>;

    /// The body a server of this protocol would answer `response` with: the inverse
    /// of [`Protocol::parse_chat`], for recorded answers and test servers.
    fn answer_body(&self, response: &ChatResponse) -> serde_json::Value;

    /// Whether a call goes over the network (and so needs a key, a transport and a
    /// writable state folder before it is sent). The protocols that do not answer with
    /// [`Protocol::offline`] and [`Protocol::offline_models`].
    fn is_offline(&self) -> bool {
        false
    }

    /// The answer given without the network, for a protocol that needs none.
    fn offline(&self, _request: &ChatRequest) -> Option<ChatResponse> {
        None
    }

    /// The model list given without the network.
    fn offline_models(&self) -> Option<Vec<ModelInfo>> {
        None
    }
}

/// Where a provider batch stands, as its API reports it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BatchStatus {
    /// The provider's batch id.
    pub id: String,
    /// The provider's own word (`in_progress`, `completed`, `ended`, …).
    pub status: String,
    /// Nothing more will change: the results can be read.
    pub ended: bool,
    pub total: u64,
    pub succeeded: u64,
    pub failed: u64,
    /// Where the results are read from (file ids, or a results URL).
    pub results: Vec<String>,
}

/// One line of a provider batch's results.
#[derive(Debug)]
pub enum BatchResult {
    /// An answer (any status) to be read like a chat response.
    Answer { status: u16, body: Vec<u8> },
    /// No answer: expired, cancelled, or an error without a body.
    Failed { class: crate::request::ErrorClass, message: String },
}

/// A provider's batch API, sans I/O: the requests that submit, poll, cancel and
/// read a batch of chat requests, and their answers read back.
pub trait BatchWire: Sync {
    /// In messages: "OpenAI's Batch API".
    fn words(&self) -> &'static str;
    /// The most requests and bytes one provider batch may hold.
    fn limits(&self) -> (usize, usize);
    /// One request as a line of the batch (`custom_id` and the chat request).
    fn line(
        &self,
        provider: &Provider,
        endpoint: &SafeUrl,
        custom_id: &str,
        request: &ChatRequest,
    ) -> serde_json::Value;
    /// The upload a batch needs first, if any (OpenAI's input file).
    fn upload(&self, provider: &Provider, endpoint: &SafeUrl, lines: &[serde_json::Value]) -> Option<WireRequest>;
    /// The id an upload answered with.
    fn uploaded(
        &self,
        provider: &Provider,
        response: &WireResponse,
        redactor: &Redactor,
    ) -> Result<String, ProviderError>;
    /// The request that creates the batch (after the upload, with its id).
    fn create(
        &self,
        provider: &Provider,
        endpoint: &SafeUrl,
        lines: &[serde_json::Value],
        upload: Option<&str>,
    ) -> WireRequest;
    fn status(&self, provider: &Provider, endpoint: &SafeUrl, batch_id: &str) -> WireRequest;
    fn cancel(&self, provider: &Provider, endpoint: &SafeUrl, batch_id: &str) -> WireRequest;
    /// A batch object (the answer to create, status and cancel).
    fn parse_status(
        &self,
        provider: &Provider,
        response: &WireResponse,
        redactor: &Redactor,
    ) -> Result<BatchStatus, ProviderError>;
    /// The requests that read an ended batch's results.
    fn results(&self, provider: &Provider, endpoint: &SafeUrl, status: &BatchStatus) -> Vec<WireRequest>;
    /// One line of the results: its custom id and what it came to.
    fn parse_result(&self, line: &str) -> Option<(String, BatchResult)>;
}

/// The batch API of a provider, when it has one: OpenAI's for `type = "openai"`,
/// Anthropic's Message Batches for a native `anthropic` one; local and custom
/// servers have none.
pub fn batch_api(kind: ProviderKind, api: Api) -> Option<&'static dyn BatchWire> {
    match kind {
        ProviderKind::Openai => Some(&openai::OpenAi),
        ProviderKind::Anthropic if api == Api::Native => Some(&anthropic::Anthropic),
        _ => None,
    }
}

/// An id from a server (a batch's, a file's), made safe as one URL path segment.
fn path_segment(id: &str) -> String {
    id.chars().filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')).collect()
}

/// Reads the events of one streamed answer.
pub trait StreamDecoder: Send {
    /// One SSE `data` payload: the events it carries go to `events`.
    fn event(
        &mut self,
        provider: &Provider,
        data: &str,
        redactor: &Redactor,
        events: &mut Vec<StreamEvent>,
    ) -> Result<(), ProviderError>;

    /// How a stream that ended early is worded: "the stream ended {this}, after N characters".
    fn cut_words(&self) -> &'static str;
}

/// Keys the request body owns: `params` may not replace them.
const RESERVED_PARAMS: &[(&str, &str)] = &[
    ("model", "the `model` key or --model"),
    ("messages", "the persona and the task"),
    ("stream", "agentry"),
    ("temperature", "the `temperature` key or --temperature"),
    ("max_tokens", "the `max_tokens` key or --max-tokens"),
    ("max_completion_tokens", "`max_tokens` with `max_tokens_field = \"max_completion_tokens\"`"),
];

/// The protocol a provider speaks: the only branch on the provider's kind.
pub fn of(kind: ProviderKind, api: Api) -> &'static dyn Protocol {
    match kind {
        ProviderKind::Mock => &mock::Mock,
        ProviderKind::Anthropic if api == Api::Native => &anthropic::Anthropic,
        // A replay provider shapes its requests as OpenAI's for `--dry-run`, `task show`
        // and `--continue`; its answers are read with the protocol they were recorded
        // with, and it needs no key or network (`Client::is_offline`).
        ProviderKind::Openai
        | ProviderKind::Anthropic
        | ProviderKind::Local
        | ProviderKind::Custom
        | ProviderKind::Replay => &openai::OpenAi,
    }
}

/// The protocol whose `key` is `key` (any case), for an answer read back from a
/// cassette; `None` for one no build of agentry wrote.
pub fn by_key(key: &str) -> Option<&'static dyn Protocol> {
    let all: [&'static dyn Protocol; 3] = [&openai::OpenAi, &anthropic::Anthropic, &mock::Mock];
    all.into_iter().find(|p| p.key().eq_ignore_ascii_case(key))
}

/// What `task show` keeps of a request: the `--dry-run` view with the system prompt
/// taken out (its text returned apart, to be stored once per distinct prompt) and
/// every other message's text cut at `cut_at` bytes.
#[derive(Debug)]
pub struct StoredView {
    pub request: serde_json::Value,
    pub system: Option<String>,
    /// Some text was cut.
    pub cut: bool,
}

/// The stored view of `wire`, a request of `protocol`; `cut` shortens a text.
pub fn stored_view(
    protocol: &dyn Protocol,
    wire: &WireRequest,
    cut: impl Fn(&str) -> (String, bool),
) -> Result<StoredView, serde_json::Error> {
    let mut view = serde_json::to_value(wire.dry_run_view())?;
    let mut system = None;
    if let Some(slot) = view.pointer_mut(protocol.system_pointer())
        && let Some(text) = slot.as_str().map(str::to_string)
    {
        system = Some(text);
        *slot = serde_json::Value::Null;
    }
    let mut was_cut = false;
    if let Some(messages) = view.pointer_mut("/body/messages").and_then(|m| m.as_array_mut()) {
        for message in messages {
            if let Some(content) = message.get("content").and_then(|c| c.as_str())
                && message.get("role").and_then(|r| r.as_str()) != Some("system")
            {
                let (text, shortened) = cut(content);
                was_cut |= shortened;
                message["content"] = text.into();
            }
        }
    }
    Ok(StoredView { request: view, system, cut: was_cut })
}
