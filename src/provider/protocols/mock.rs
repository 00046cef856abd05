//! The built-in offline provider. It calls no model: the reply is derived from the
//! request so that the same request always gets the same answer, and it says
//! plainly that it is a mock so nobody mistakes it for a model's output. Its wire
//! shape (for `--dry-run`) is OpenAI's, the one it stands in for.

use super::{Capabilities, ModelPage, Protocol, StreamDecoder, openai::OpenAi};
use crate::provider::error::ProviderError;
use crate::provider::http::{Auth, WireRequest, WireResponse};
use crate::provider::redact::{Redactor, SafeUrl};
use crate::provider::{ModelInfo, Provider, RateHints};
use crate::request::{ChatRequest, ChatResponse, FinishReason, Part, Role, estimate_usage};

pub(super) struct Mock;

impl Protocol for Mock {
    fn key(&self) -> &'static str {
        "Mock"
    }

    fn capabilities(&self) -> Capabilities {
        OpenAi.capabilities()
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

    fn rate_hints(&self, _headers: &reqwest::header::HeaderMap) -> RateHints {
        RateHints::default()
    }

    fn system_pointer(&self) -> &'static str {
        OpenAi.system_pointer()
    }

    fn api_words(&self) -> &'static str {
        "agentry's offline mock"
    }

    fn answer_body(&self, response: &ChatResponse) -> serde_json::Value {
        OpenAi.answer_body(response)
    }

    fn is_offline(&self) -> bool {
        true
    }

    fn offline(&self, request: &ChatRequest) -> Option<ChatResponse> {
        Some(complete(request))
    }

    fn offline_models(&self) -> Option<Vec<ModelInfo>> {
        Some(vec![ModelInfo { id: "mock".into(), owned_by: Some("agentry".into()) }])
    }
}

/// FNV-1a: a stable digest of the request, the same on every platform and run.
fn digest(request: &ChatRequest) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    feed(request.options.model.as_bytes());
    for message in &request.messages {
        feed(message.role.as_str().as_bytes());
        feed(&[0]);
        for part in &message.parts {
            match part {
                Part::Text(text) => feed(text.as_bytes()),
                Part::ToolCall { id, name, arguments } => {
                    for piece in [id, name, arguments] {
                        feed(piece.as_bytes());
                    }
                }
                Part::ToolResult { call_id, content, .. } => {
                    feed(call_id.as_bytes());
                    feed(content.as_bytes());
                }
            }
        }
        feed(&[0]);
    }
    hash
}

fn complete(request: &ChatRequest) -> ChatResponse {
    // Under a schema, a value built from it: a pipeline can be dry-run offline.
    if let Some(structured) = &request.options.structured {
        let content = crate::request::sample(&structured.schema).to_string();
        let usage = estimate_usage(&request.messages, &content);
        return ChatResponse::text(content, Some(FinishReason::Stop), Some("mock".into()), usage);
    }
    let task = request.messages.iter().rev().find(|m| m.role == Role::User).map(|m| m.content()).unwrap_or_default();
    let first_line = task.lines().next().unwrap_or("").trim();
    let mut shown: String = first_line.chars().take(120).collect();
    if shown.len() < first_line.len() {
        shown.push('…');
    }
    let content = format!(
        "[mock] agentry's offline mock provider answered; no model was called. Task: \"{shown}\" (request digest {:016x})",
        digest(request)
    );
    let usage = estimate_usage(&request.messages, &content);
    ChatResponse::text(content, Some(FinishReason::Stop), Some("mock".into()), usage)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{Message, RequestOptions};

    fn request(task: &str) -> ChatRequest {
        ChatRequest {
            messages: vec![Message::text(Role::System, "You are x, an AI agent."), Message::text(Role::User, task)],
            options: RequestOptions {
                model: "mock".into(),
                temperature: Some(0.7),
                max_tokens: None,
                stream: false,
                structured: None,
                tools: Vec::new(),
            },
        }
    }

    #[test]
    fn same_request_same_reply_and_it_says_mock() {
        let a = complete(&request("Summarise the plan"));
        let b = complete(&request("Summarise the plan"));
        let c = complete(&request("Summarise the other plan"));
        assert_eq!(a.content(), b.content());
        assert_ne!(a.content(), c.content());
        assert!(a.content().starts_with("[mock]"));
        assert!(a.content().contains("Summarise the plan"));
        assert!(a.usage.estimated);
        assert_eq!(a.usage.prompt_tokens, 6 + 5);
    }
}
