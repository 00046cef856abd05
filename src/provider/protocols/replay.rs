//! A provider that answers from a cassette (`type = "replay"`). What it asks is
//! matched by `cassette::asked`, in no protocol's words, and each answer is read
//! with the protocol it was recorded with (see `Client::attempt`); this protocol
//! only gives the request the OpenAI shape for `--dry-run`, `task show` and
//! `--continue`, and says that no network or key is needed.

use super::{Capabilities, ModelPage, Protocol, StreamDecoder, openai::OpenAi};
use crate::provider::error::ProviderError;
use crate::provider::http::{Auth, WireRequest, WireResponse};
use crate::provider::redact::{Redactor, SafeUrl};
use crate::provider::{Provider, RateHints};
use crate::request::{ChatRequest, ChatResponse};

pub(super) struct Replay;

impl Protocol for Replay {
    fn key(&self) -> &'static str {
        "Replay"
    }

    fn capabilities(&self) -> Capabilities {
        // Whatever was recorded may be replayed: the widest of the formats.
        Capabilities { max_temperature: 2.0, json_schema: true, tools: true, streamed_usage: true }
    }

    fn auth(&self, _provider: &Provider) -> Auth {
        Auth::None
    }

    fn chat(&self, provider: &Provider, endpoint: &SafeUrl, request: &ChatRequest) -> WireRequest {
        OpenAi.chat(provider, endpoint, request)
    }

    fn parse_chat(
        &self,
        provider: &Provider,
        request: &ChatRequest,
        response: &WireResponse,
        redactor: &Redactor,
    ) -> Result<ChatResponse, ProviderError> {
        OpenAi.parse_chat(provider, request, response, redactor)
    }

    fn conversation(&self, body: &serde_json::Value) -> Option<Vec<crate::request::Message>> {
        OpenAi.conversation(body)
    }

    fn stream(&self, request: &ChatRequest) -> Box<dyn StreamDecoder> {
        OpenAi.stream(request)
    }

    fn models(&self, provider: &Provider, endpoint: &SafeUrl, after: Option<&str>) -> WireRequest {
        OpenAi.models(provider, endpoint, after)
    }

    fn parse_models(
        &self,
        provider: &Provider,
        response: &WireResponse,
        redactor: &Redactor,
    ) -> Result<ModelPage, ProviderError> {
        OpenAi.parse_models(provider, response, redactor)
    }

    fn rate_hints(&self, headers: &reqwest::header::HeaderMap) -> RateHints {
        OpenAi.rate_hints(headers)
    }

    fn system_pointer(&self) -> &'static str {
        OpenAi.system_pointer()
    }

    fn api_words(&self) -> &'static str {
        "a recorded cassette"
    }

    fn answer_body(&self, response: &ChatResponse) -> serde_json::Value {
        OpenAi.answer_body(response)
    }

    fn is_offline(&self) -> bool {
        true
    }
}
