//! Anthropic's native Messages API, sans I/O: the request (`POST {endpoint}/messages`
//! with `x-api-key` and `anthropic-version`, the system prompt as the top-level
//! `system`, `max_tokens` always sent), the answer and its error bodies, the stream's
//! events, the paged model list and the `anthropic-ratelimit-*` headers. An
//! `anthropic` provider speaks it unless `api = "openai"`.

use std::time::Duration;

use super::{Capabilities, ModelPage, Protocol, StreamDecoder};
use crate::provider::error::ProviderError;
use crate::provider::http::{Auth, USER_AGENT, WireRequest, WireResponse};
use crate::provider::redact::{Redactor, SafeUrl};
use crate::provider::{ModelInfo, Provider, RateHints};
use crate::request::{
    ChatRequest, ChatResponse, FinishReason, Message, Part, Role, StreamEvent, StructuredMode, Usage, estimate_usage,
};

const VERSION: &str = "2023-06-01";
/// `max_tokens` is required by the API: the run's, the provider's, else this.
const DEFAULT_MAX_TOKENS: u32 = 4096;
const SNIPPET_CHARS: usize = 200;

pub(super) struct Anthropic;

impl Protocol for Anthropic {
    fn key(&self) -> &'static str {
        "Anthropic"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities { max_temperature: 1.0, json_schema: false, tools: true, streamed_usage: true }
    }

    fn auth(&self, provider: &Provider) -> Auth {
        auth(provider)
    }

    fn chat(&self, provider: &Provider, endpoint: &SafeUrl, request: &ChatRequest) -> WireRequest {
        chat(provider, endpoint, request)
    }

    fn parse_chat(
        &self,
        provider: &Provider,
        request: &ChatRequest,
        response: &WireResponse,
        redactor: &Redactor,
    ) -> Result<ChatResponse, ProviderError> {
        parse_chat(provider, request, response, redactor)
    }

    fn conversation(&self, body: &serde_json::Value) -> Option<Vec<Message>> {
        conversation(body)
    }

    fn stream(&self, request: &ChatRequest) -> Box<dyn StreamDecoder> {
        Box::new(Stream { forced: forced_tool(request).map(str::to_string), ..Stream::default() })
    }

    fn models(&self, provider: &Provider, endpoint: &SafeUrl, after: Option<&str>) -> WireRequest {
        models(provider, endpoint, after)
    }

    fn parse_models(
        &self,
        provider: &Provider,
        response: &WireResponse,
        redactor: &Redactor,
    ) -> Result<ModelPage, ProviderError> {
        parse_models(provider, response, redactor)
    }

    fn rate_hints(&self, headers: &reqwest::header::HeaderMap) -> RateHints {
        rate_hints(headers)
    }

    fn system_pointer(&self) -> &'static str {
        "/body/system"
    }

    fn answer_body(&self, response: &ChatResponse) -> serde_json::Value {
        let mut content = vec![serde_json::json!({ "type": "text", "text": response.content() })];
        for part in &response.parts {
            if let Part::ToolCall { id, name, arguments } = part {
                let input =
                    serde_json::from_str::<serde_json::Value>(arguments).unwrap_or_else(|_| serde_json::json!({}));
                content.push(serde_json::json!({ "type": "tool_use", "id": id, "name": name, "input": input }));
            }
        }
        let stop = response.finish.as_ref().map(|finish| match finish {
            FinishReason::Stop => "end_turn",
            FinishReason::Length => "max_tokens",
            FinishReason::ContentFilter => "refusal",
            FinishReason::ToolCalls => "tool_use",
            FinishReason::Other(other) => other.as_str(),
        });
        let usage = &response.usage;
        let cached = usage.cached_tokens.min(usage.prompt_tokens);
        serde_json::json!({
            "type": "message",
            "role": "assistant",
            "model": response.model,
            "content": content,
            "stop_reason": stop,
            "usage": {
                "input_tokens": usage.prompt_tokens - cached,
                "cache_read_input_tokens": cached,
                "output_tokens": usage.completion_tokens
            }
        })
    }

    fn api_words(&self) -> &'static str {
        "Anthropic's native API"
    }
}

fn headers(stream: bool) -> [(&'static str, &'static str); 4] {
    [
        ("Content-Type", "application/json"),
        ("Accept", if stream { "text/event-stream" } else { "application/json" }),
        ("User-Agent", USER_AGENT),
        ("anthropic-version", VERSION),
    ]
}

fn auth(provider: &Provider) -> Auth {
    if provider.has_key() { Auth::ApiKeyHeader } else { Auth::None }
}

/// One message in the Messages shape: text alone as a string; with tool calls or
/// results, a list of blocks (a tool result is the user's turn).
fn shape(message: &Message) -> serde_json::Value {
    let role = match message.role {
        Role::Assistant => "assistant",
        Role::System | Role::User | Role::Tool => "user",
    };
    if let [Part::Text(text)] = message.parts.as_slice() {
        return serde_json::json!({ "role": role, "content": text });
    }
    let blocks: Vec<serde_json::Value> = message
        .parts
        .iter()
        .map(|part| match part {
            Part::Text(text) => serde_json::json!({ "type": "text", "text": text }),
            Part::ToolCall { id, name, arguments } => {
                let input = serde_json::from_str::<serde_json::Value>(arguments)
                    .ok()
                    .filter(serde_json::Value::is_object)
                    .unwrap_or_else(|| serde_json::json!({}));
                serde_json::json!({ "type": "tool_use", "id": id, "name": name, "input": input })
            }
            Part::ToolResult { call_id, content, is_error } => serde_json::json!({
                "type": "tool_result", "tool_use_id": call_id, "content": content, "is_error": is_error
            }),
        })
        .collect();
    serde_json::json!({ "role": role, "content": blocks })
}

/// The messages of a request body, as `chat` and `shape` wrote them: the top-level
/// `system` first; a user message of tool results is a [`Role::Tool`] message.
fn conversation(body: &serde_json::Value) -> Option<Vec<Message>> {
    let mut out = Vec::new();
    match body.get("system") {
        Some(serde_json::Value::String(text)) => out.push(Message::text(Role::System, text.clone())),
        Some(serde_json::Value::Array(blocks)) => {
            let text: String = blocks.iter().filter_map(|b| b.get("text").and_then(|t| t.as_str())).collect();
            out.push(Message::text(Role::System, text));
        }
        _ => {}
    }
    for message in body.get("messages")?.as_array()? {
        let mut role = match message.get("role")?.as_str()? {
            "user" => Role::User,
            "assistant" => Role::Assistant,
            _ => return None,
        };
        let parts = match message.get("content")? {
            serde_json::Value::String(text) => vec![Part::Text(text.clone())],
            serde_json::Value::Array(blocks) => blocks
                .iter()
                .filter_map(|block| {
                    let text = |key: &str| block.get(key).and_then(|v| v.as_str()).unwrap_or_default().to_string();
                    match block.get("type")?.as_str()? {
                        "text" => Some(Part::Text(text("text"))),
                        "tool_use" => Some(Part::ToolCall {
                            id: text("id"),
                            name: text("name"),
                            arguments: block.get("input").map_or_else(|| "{}".into(), serde_json::Value::to_string),
                        }),
                        "tool_result" => Some(Part::ToolResult {
                            call_id: text("tool_use_id"),
                            content: text("content"),
                            is_error: block.get("is_error").and_then(serde_json::Value::as_bool).unwrap_or(false),
                        }),
                        _ => None,
                    }
                })
                .collect(),
            _ => return None,
        };
        if role == Role::User && !parts.is_empty() && parts.iter().all(|p| matches!(p, Part::ToolResult { .. })) {
            role = Role::Tool;
        }
        out.push(Message { role, parts });
    }
    Some(out)
}

fn chat(provider: &Provider, endpoint: &SafeUrl, request: &ChatRequest) -> WireRequest {
    let options = &request.options;
    let mut body = serde_json::Map::new();
    body.insert("model".into(), options.model.clone().into());
    let system: Vec<std::borrow::Cow<'_, str>> =
        request.messages.iter().filter(|m| m.role == Role::System).map(Message::content).collect();
    if !system.is_empty() {
        body.insert("system".into(), system.join("\n\n").into());
    }
    let messages: Vec<serde_json::Value> =
        request.messages.iter().filter(|m| m.role != Role::System).map(shape).collect();
    body.insert("messages".into(), messages.into());
    body.insert("max_tokens".into(), options.max_tokens.unwrap_or(DEFAULT_MAX_TOKENS).into());
    if let Some(temperature) = options.temperature {
        body.insert("temperature".into(), temperature.into());
    }
    if options.stream {
        body.insert("stream".into(), true.into());
    }
    let mut tools: Vec<serde_json::Value> = options
        .tools
        .iter()
        .map(|tool| serde_json::json!({ "name": tool.name, "description": tool.description, "input_schema": tool.input_schema }))
        .collect();
    if let Some(structured) = options.structured.as_ref().filter(|s| s.mode == StructuredMode::JsonSchema) {
        // The Messages API has no response format: a tool whose input is the
        // schema, and the model made to call it, gives the same. Beside other
        // tools the model must call one of them each turn, the answer's last.
        tools.push(serde_json::json!({
            "name": structured.name,
            "description": "Give your answer as this tool's input.",
            "input_schema": structured.schema,
        }));
        let choice = if options.tools.is_empty() {
            serde_json::json!({ "type": "tool", "name": structured.name })
        } else {
            serde_json::json!({ "type": "any" })
        };
        body.insert("tool_choice".into(), choice);
    }
    if !tools.is_empty() {
        body.insert("tools".into(), tools.into());
    }
    for (key, value) in &provider.params {
        body.entry(key.clone()).or_insert_with(|| value.clone());
    }
    WireRequest::new(
        reqwest::Method::POST,
        endpoint.join("messages"),
        &headers(options.stream),
        auth(provider),
        &provider.headers,
        Some(serde_json::Value::Object(body)),
    )
}

fn models(provider: &Provider, endpoint: &SafeUrl, after: Option<&str>) -> WireRequest {
    let mut url = endpoint.join("models");
    if let Some(after) = after {
        let mut raw = url.expose().clone();
        raw.query_pairs_mut().append_pair("after_id", after);
        url = SafeUrl::from_url(raw);
    }
    let [_, accept, agent, version] = headers(false);
    WireRequest::new(reqwest::Method::GET, url, &[accept, agent, version], auth(provider), &provider.headers, None)
}

/// The status an error type stands for when it arrives inside a stream.
fn status_of(kind: &str) -> u16 {
    match kind {
        "overloaded_error" => 529,
        "api_error" => 500,
        "rate_limit_error" => 429,
        "authentication_error" => 401,
        "permission_error" => 403,
        "not_found_error" => 404,
        "request_too_large" => 413,
        _ => 400,
    }
}

fn retry_after(response: &WireResponse) -> Option<Duration> {
    let value = response.headers.get("retry-after")?.to_str().ok()?.trim().parse::<f64>().ok()?;
    (value > 0.0).then(|| Duration::try_from_secs_f64(value).ok()).flatten()
}

/// `{"type":"error","error":{"type":…,"message":…}}` into a typed error.
fn error_from(
    provider: &Provider,
    status: u16,
    body: &str,
    retry: Option<Duration>,
    redactor: &Redactor,
) -> ProviderError {
    let value: Option<serde_json::Value> = serde_json::from_str(body).ok();
    let error = value.as_ref().and_then(|v| v.get("error"));
    let message = error
        .and_then(|e| e.get("message"))
        .and_then(|m| m.as_str())
        .map_or_else(|| redactor.excerpt(body, SNIPPET_CHARS), |m| redactor.excerpt(m, super::openai::MESSAGE_CHARS));
    let code = error.and_then(|e| e.get("type")).and_then(|t| t.as_str()).map(str::to_string);
    ProviderError::Status {
        provider: provider.id.clone(),
        status,
        message,
        code,
        retry_after: retry,
        should_retry: None,
    }
}

fn garbage(provider: &Provider, what: &'static str, body: &str, redactor: &Redactor) -> ProviderError {
    ProviderError::Garbage {
        provider: provider.id.clone(),
        what,
        snippet: redactor.excerpt(body, SNIPPET_CHARS),
        api: "Anthropic's native API",
    }
}

/// Anthropic's finish reasons in OpenAI's words.
fn finish(stop_reason: Option<&str>) -> Option<FinishReason> {
    stop_reason.map(|reason| match reason {
        "end_turn" | "stop_sequence" => FinishReason::Stop,
        "max_tokens" => FinishReason::Length,
        "refusal" => FinishReason::ContentFilter,
        "tool_use" => FinishReason::ToolCalls,
        other => FinishReason::Other(other.to_string()),
    })
}

/// Usage where `prompt_tokens` counts every input token, as OpenAI's does: fresh
/// input, cache writes and cache reads; cache reads are also `cached_tokens`.
fn usage_of(value: Option<&serde_json::Value>, base: Usage) -> Usage {
    let Some(usage) = value else { return base };
    let field = |name: &str| usage.get(name).and_then(serde_json::Value::as_u64);
    let input = field("input_tokens").map(|input| {
        input
            .saturating_add(field("cache_creation_input_tokens").unwrap_or(0))
            .saturating_add(field("cache_read_input_tokens").unwrap_or(0))
    });
    let prompt = input.unwrap_or(base.prompt_tokens);
    let completion = field("output_tokens").unwrap_or(base.completion_tokens);
    Usage {
        prompt_tokens: prompt,
        completion_tokens: completion,
        total_tokens: prompt.saturating_add(completion),
        cached_tokens: field("cache_read_input_tokens").unwrap_or(base.cached_tokens),
        estimated: false,
    }
}

fn parse_chat(
    provider: &Provider,
    request: &ChatRequest,
    response: &WireResponse,
    redactor: &Redactor,
) -> Result<ChatResponse, ProviderError> {
    let body = response.text();
    if !(200..300).contains(&response.status) {
        return Err(error_from(provider, response.status, &body, retry_after(response), redactor));
    }
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&body) else {
        return Err(garbage(provider, "a body that is not JSON", &body, redactor));
    };
    if value.get("type").and_then(|t| t.as_str()) == Some("error") {
        let kind = value.pointer("/error/type").and_then(|t| t.as_str()).unwrap_or("api_error");
        return Err(error_from(provider, status_of(kind), &body, None, redactor));
    }
    let Some(blocks) = value.get("content").and_then(|c| c.as_array()) else {
        return Err(garbage(provider, "JSON that is not a message", &body, redactor));
    };
    let forced = forced_tool(request);
    let is_forced = |b: &serde_json::Value| {
        forced.is_some()
            && b.get("type").and_then(|t| t.as_str()) == Some("tool_use")
            && b.get("name").and_then(|n| n.as_str()) == forced
    };
    let content: String = match blocks.iter().find(|b| is_forced(b)) {
        // The forced schema tool's input is the answer.
        Some(block) => block.get("input").map(serde_json::Value::to_string).unwrap_or_default(),
        None => blocks
            .iter()
            .filter(|b| b.get("type").and_then(|t| t.as_str()) == Some("text"))
            .filter_map(|b| b["text"].as_str())
            .collect(),
    };
    let stop_reason = value.get("stop_reason").and_then(|s| s.as_str());
    let stop_reason = if forced.is_some() && stop_reason == Some("tool_use") { Some("end_turn") } else { stop_reason };
    let has_usage = value.pointer("/usage/input_tokens").and_then(serde_json::Value::as_u64).is_some()
        && value.pointer("/usage/output_tokens").and_then(serde_json::Value::as_u64).is_some();
    let usage = if has_usage {
        usage_of(value.get("usage"), Usage::default())
    } else {
        estimate_usage(&request.messages, &content)
    };
    let mut answer = ChatResponse::text(
        content,
        finish(stop_reason),
        value.get("model").and_then(|m| m.as_str()).map(str::to_string),
        usage,
    );
    for block in blocks.iter().filter(|b| b.get("type").and_then(|t| t.as_str()) == Some("tool_use") && !is_forced(b)) {
        let text = |key: &str| block.get(key).and_then(|v| v.as_str()).unwrap_or_default().to_string();
        let arguments = block.get("input").map_or_else(|| "{}".into(), serde_json::Value::to_string);
        answer.parts.push(Part::ToolCall { id: text("id"), name: text("name"), arguments });
    }
    Ok(answer)
}

/// What a Messages stream has said so far that later events build on: usage comes
/// in two halves (input at the start, output at the end), tool calls by block index.
#[derive(Debug, Default)]
struct Stream {
    usage: Usage,
    /// Content block index to tool-call index.
    calls: Vec<usize>,
    /// The name of the schema tool the request forced, whose input is the answer.
    forced: Option<String>,
    /// The content block of that tool's call.
    forced_block: Option<usize>,
}

/// The tool a `--schema` request forces (`structured_output = "json_schema"`).
fn forced_tool(request: &ChatRequest) -> Option<&str> {
    request.options.structured.as_ref().filter(|s| s.mode == StructuredMode::JsonSchema).map(|s| s.name.as_str())
}

impl StreamDecoder for Stream {
    /// `ping` and the block bookkeeping events carry nothing; an `error` event is the
    /// error it names.
    fn event(
        &mut self,
        provider: &Provider,
        data: &str,
        redactor: &Redactor,
        events: &mut Vec<StreamEvent>,
    ) -> Result<(), ProviderError> {
        let data = data.trim();
        if data.is_empty() {
            return Ok(());
        }
        let Ok(value) = serde_json::from_str::<serde_json::Value>(data) else {
            return Err(garbage(provider, "a stream event that is not JSON", data, redactor));
        };
        let block = || value.get("index").and_then(serde_json::Value::as_u64).and_then(|i| usize::try_from(i).ok());
        match value.get("type").and_then(|t| t.as_str()).unwrap_or("") {
            "message_start" => {
                if let Some(model) = value.pointer("/message/model").and_then(|m| m.as_str()) {
                    events.push(StreamEvent::Model(model.to_string()));
                }
                if value.pointer("/message/usage/input_tokens").is_some() {
                    self.usage = usage_of(value.pointer("/message/usage"), self.usage);
                    events.push(StreamEvent::Usage(self.usage));
                }
            }
            "content_block_start" => {
                let is_tool = value.pointer("/content_block/type").and_then(|t| t.as_str()) == Some("tool_use");
                let name = value.pointer("/content_block/name").and_then(|n| n.as_str());
                if is_tool && self.forced.is_some() && name == self.forced.as_deref() {
                    self.forced_block = block();
                } else if is_tool && let Some(block) = block() {
                    let text = |key: &str| value.pointer(key).and_then(|v| v.as_str()).map(str::to_string);
                    let index = self.calls.len();
                    self.calls.push(block);
                    events.push(StreamEvent::ToolCall {
                        index,
                        id: text("/content_block/id"),
                        name: text("/content_block/name"),
                        arguments: String::new(),
                    });
                }
            }
            "content_block_delta" => {
                if let Some(text) = value.pointer("/delta/text").and_then(|t| t.as_str()).filter(|t| !t.is_empty()) {
                    events.push(StreamEvent::Text(text.to_string()));
                }
                if let Some(json) = value.pointer("/delta/partial_json").and_then(|t| t.as_str())
                    && self.forced_block.is_some()
                    && block() == self.forced_block
                {
                    if !json.is_empty() {
                        events.push(StreamEvent::Text(json.to_string()));
                    }
                } else if let Some(json) = value.pointer("/delta/partial_json").and_then(|t| t.as_str())
                    && let Some(index) = block().and_then(|b| self.calls.iter().position(|c| *c == b))
                {
                    events.push(StreamEvent::ToolCall { index, id: None, name: None, arguments: json.to_string() });
                }
            }
            "message_delta" => {
                let reason = value.pointer("/delta/stop_reason").and_then(|s| s.as_str());
                let reason =
                    if self.forced.is_some() && reason == Some("tool_use") { Some("end_turn") } else { reason };
                if let Some(reason) = finish(reason) {
                    events.push(StreamEvent::Finish(reason));
                }
                if value.pointer("/usage/output_tokens").is_some() {
                    self.usage = usage_of(value.get("usage"), self.usage);
                    events.push(StreamEvent::Usage(self.usage));
                }
            }
            "message_stop" => events.push(StreamEvent::Done),
            "error" => {
                let kind = value.pointer("/error/type").and_then(|t| t.as_str()).unwrap_or("api_error");
                return Err(error_from(provider, status_of(kind), data, None, redactor));
            }
            _ => {} // ping, content_block_stop, unknown
        }
        Ok(())
    }

    fn cut_words(&self) -> &'static str {
        "before message_stop"
    }
}

/// One page of models and the id to continue after, when there are more.
fn parse_models(
    provider: &Provider,
    response: &WireResponse,
    redactor: &Redactor,
) -> Result<(Vec<ModelInfo>, Option<String>), ProviderError> {
    let body = response.text();
    if !(200..300).contains(&response.status) {
        return Err(error_from(provider, response.status, &body, retry_after(response), redactor));
    }
    let value: Option<serde_json::Value> = serde_json::from_str(&body).ok();
    let Some(data) = value.as_ref().and_then(|v| v.get("data")).and_then(|d| d.as_array()) else {
        return Err(garbage(provider, "something that is not a model list", &body, redactor));
    };
    let mut models = Vec::with_capacity(data.len());
    for entry in data {
        let Some(id) = entry.get("id").and_then(|i| i.as_str()) else {
            return Err(garbage(provider, "a model list entry without an id", &body, redactor));
        };
        models.push(ModelInfo { id: id.to_string(), owned_by: Some("anthropic".into()) });
    }
    let more = value.as_ref().and_then(|v| v.get("has_more")).and_then(serde_json::Value::as_bool) == Some(true);
    let next =
        value.as_ref().and_then(|v| v.get("last_id")).and_then(|l| l.as_str()).filter(|_| more).map(str::to_string);
    Ok((models, next))
}

/// `anthropic-ratelimit-*-remaining: 0` with its `-reset` time: a pause for everyone.
fn rate_hints(headers: &reqwest::header::HeaderMap) -> RateHints {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let mut pause: Option<Duration> = None;
    for kind in ["requests", "tokens", "input-tokens", "output-tokens"] {
        let exhausted = header(&format!("anthropic-ratelimit-{kind}-remaining")).is_some_and(|v| v == "0");
        let reset = header(&format!("anthropic-ratelimit-{kind}-reset"))
            .and_then(|v| v.parse::<jiff::Timestamp>().ok())
            .map(|at| at.duration_since(jiff::Timestamp::now()))
            .filter(jiff::SignedDuration::is_positive)
            .and_then(|d| Duration::try_from(d).ok());
        if exhausted && let Some(reset) = reset {
            pause = Some(pause.map_or(reset, |p| p.max(reset)));
        }
    }
    RateHints { pause }
}

impl super::BatchWire for Anthropic {
    fn words(&self) -> &'static str {
        "Anthropic's Message Batches API"
    }

    fn limits(&self) -> (usize, usize) {
        (100_000, 256 * 1024 * 1024)
    }

    fn line(
        &self,
        provider: &Provider,
        endpoint: &SafeUrl,
        custom_id: &str,
        request: &ChatRequest,
    ) -> serde_json::Value {
        let params = chat(provider, endpoint, request).body.unwrap_or_default();
        serde_json::json!({ "custom_id": custom_id, "params": params })
    }

    fn upload(&self, _provider: &Provider, _endpoint: &SafeUrl, _lines: &[serde_json::Value]) -> Option<WireRequest> {
        None
    }

    fn uploaded(
        &self,
        provider: &Provider,
        response: &WireResponse,
        redactor: &Redactor,
    ) -> Result<String, ProviderError> {
        Err(garbage(provider, "an upload answer", &response.text(), redactor))
    }

    fn create(
        &self,
        provider: &Provider,
        endpoint: &SafeUrl,
        lines: &[serde_json::Value],
        _upload: Option<&str>,
    ) -> WireRequest {
        WireRequest::new(
            reqwest::Method::POST,
            endpoint.join("messages/batches"),
            &headers(false),
            auth(provider),
            &provider.headers,
            Some(serde_json::json!({ "requests": lines })),
        )
    }

    fn status(&self, provider: &Provider, endpoint: &SafeUrl, batch_id: &str) -> WireRequest {
        let [_, accept, agent, version] = headers(false);
        let url = endpoint.join(&format!("messages/batches/{}", super::path_segment(batch_id)));
        WireRequest::new(reqwest::Method::GET, url, &[accept, agent, version], auth(provider), &provider.headers, None)
    }

    fn cancel(&self, provider: &Provider, endpoint: &SafeUrl, batch_id: &str) -> WireRequest {
        let [_, accept, agent, version] = headers(false);
        let url = endpoint.join(&format!("messages/batches/{}/cancel", super::path_segment(batch_id)));
        WireRequest::new(reqwest::Method::POST, url, &[accept, agent, version], auth(provider), &provider.headers, None)
    }

    fn parse_status(
        &self,
        provider: &Provider,
        response: &WireResponse,
        redactor: &Redactor,
    ) -> Result<super::BatchStatus, ProviderError> {
        let text = response.text();
        let value: Option<serde_json::Value> = serde_json::from_str(&text).ok();
        if !(200..300).contains(&response.status) {
            return Err(error_from(provider, response.status, &text, retry_after(response), redactor));
        }
        let Some(value) = value else { return Err(garbage(provider, "a batch that is not JSON", &text, redactor)) };
        let field = |name: &str| value.get(name).and_then(|v| v.as_str()).map(str::to_string);
        let (Some(id), Some(status)) = (field("id"), field("processing_status")) else {
            return Err(garbage(provider, "a batch without an id and processing_status", &text, redactor));
        };
        let count = |name: &str| {
            value.pointer(&format!("/request_counts/{name}")).and_then(serde_json::Value::as_u64).unwrap_or(0)
        };
        let failed = count("errored") + count("canceled") + count("expired");
        Ok(super::BatchStatus {
            id: redactor.redact(&id),
            ended: status == "ended",
            status: redactor.redact(&status),
            total: count("processing") + count("succeeded") + failed,
            succeeded: count("succeeded"),
            failed,
            results: field("results_url").into_iter().collect(),
        })
    }

    fn results(&self, provider: &Provider, endpoint: &SafeUrl, status: &super::BatchStatus) -> Vec<WireRequest> {
        let [_, _, agent, version] = headers(false);
        // The results URL the API gave, when it is on the provider's own origin (the
        // key goes with it); else the documented path.
        let given = status.results.first().and_then(|url| SafeUrl::parse(url).ok());
        let url = match given {
            Some(url) if url.origin() == endpoint.origin() => url,
            _ => endpoint.join(&format!("messages/batches/{}/results", super::path_segment(&status.id))),
        };
        vec![WireRequest::new(reqwest::Method::GET, url, &[agent, version], auth(provider), &provider.headers, None)]
    }

    fn parse_result(&self, line: &str) -> Option<(String, super::BatchResult)> {
        let value: serde_json::Value = serde_json::from_str(line).ok()?;
        let custom_id = value.get("custom_id")?.as_str()?.to_string();
        let result = value.get("result")?;
        let outcome = match result.get("type").and_then(|t| t.as_str()) {
            Some("succeeded") => {
                let body = result.get("message").map(ToString::to_string).unwrap_or_default().into_bytes();
                super::BatchResult::Answer { status: 200, body }
            }
            Some("errored") => {
                let error = result.get("error").cloned().unwrap_or_default();
                let kind = error.pointer("/error/type").and_then(|t| t.as_str()).unwrap_or("api_error");
                super::BatchResult::Answer { status: status_of(kind), body: error.to_string().into_bytes() }
            }
            Some("expired") => super::BatchResult::Failed {
                class: crate::request::ErrorClass::Expired,
                message: "expired: the batch ended before this request was processed".into(),
            },
            Some("canceled") => super::BatchResult::Failed {
                class: crate::request::ErrorClass::Cancelled,
                message: "canceled: the batch was cancelled before this request was processed".into(),
            },
            _ => return None,
        };
        Some((custom_id, outcome))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::RequestOptions;

    fn provider() -> Provider {
        let mut p = crate::provider::registry::builtin_mock();
        p.kind = crate::provider::ProviderKind::Anthropic;
        p.key = crate::provider::KeySource::Env("K".into());
        p
    }

    fn request() -> ChatRequest {
        ChatRequest {
            messages: vec![Message::text(Role::System, "Be brief."), Message::text(Role::User, "Hi")],
            options: RequestOptions {
                model: "claude-x".into(),
                temperature: Some(0.7),
                max_tokens: None,
                stream: false,
                structured: None,
                tools: Vec::new(),
            },
        }
    }

    #[test]
    fn the_request_has_system_on_top_and_max_tokens_always() {
        let p = provider();
        let wire = chat(&p, &p.endpoint, &request());
        let body = wire.body.expect("body");
        assert_eq!(body["system"], "Be brief.");
        assert_eq!(body["messages"], serde_json::json!([{"role": "user", "content": "Hi"}]));
        assert_eq!(body["max_tokens"], 4096);
        assert_eq!(wire.auth, Auth::ApiKeyHeader);
        assert!(wire.headers.contains(&("anthropic-version".into(), VERSION.into())));
    }

    #[test]
    fn usage_counts_every_input_token_and_finish_reasons_map() {
        let usage = usage_of(
            Some(
                &serde_json::json!({"input_tokens": 10, "cache_creation_input_tokens": 5, "cache_read_input_tokens": 20, "output_tokens": 7}),
            ),
            Usage::default(),
        );
        assert_eq!((usage.prompt_tokens, usage.cached_tokens, usage.total_tokens), (35, 20, 42));
        for (from, to) in
            [("end_turn", "stop"), ("stop_sequence", "stop"), ("max_tokens", "length"), ("refusal", "content_filter")]
        {
            assert_eq!(finish(Some(from)).as_ref().map(FinishReason::as_str), Some(to));
        }
        assert_eq!(status_of("overloaded_error"), 529);
        assert_eq!(status_of("rate_limit_error"), 429);
        assert_eq!(status_of("api_error"), 500);
        assert_eq!(status_of("invalid_request_error"), 400);
    }
}
