//! The OpenAI chat-completions protocol, sans I/O: shaping requests (also for
//! `--dry-run`) and reading answers, streams, model lists and error bodies into
//! typed results. Every `openai`, `local` and `custom` provider speaks it, and an
//! `anthropic` one with `api = "openai"`.

use std::time::Duration;

use super::{Capabilities, ModelPage, Protocol, StreamDecoder};
use crate::provider::error::ProviderError;
use crate::provider::http::{Auth, USER_AGENT, WireRequest, WireResponse};
use crate::provider::redact::{Redactor, SafeUrl};
use crate::provider::{MaxTokensField, ModelInfo, Provider, RateHints};
use crate::request::{
    ChatRequest, ChatResponse, FinishReason, Message, Part, Role, StreamEvent, StructuredMode, Usage, estimate_usage,
};

pub(super) struct OpenAi;

impl Protocol for OpenAi {
    fn key(&self) -> &'static str {
        "OpenAi"
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities { max_temperature: 2.0, json_schema: true, tools: true, streamed_usage: true }
    }

    fn auth(&self, provider: &Provider) -> Auth {
        auth(provider)
    }

    fn chat(&self, provider: &Provider, endpoint: &SafeUrl, request: &ChatRequest) -> WireRequest {
        chat_at(provider, endpoint, request)
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

    fn stream(&self, _request: &ChatRequest) -> Box<dyn StreamDecoder> {
        Box::new(Stream)
    }

    fn models(&self, provider: &Provider, endpoint: &SafeUrl, _after: Option<&str>) -> WireRequest {
        let [_, accept, agent] = defaults();
        WireRequest::new(
            reqwest::Method::GET,
            endpoint.join("models"),
            &[accept, agent],
            auth(provider),
            &provider.headers,
            None,
        )
    }

    fn parse_models(
        &self,
        provider: &Provider,
        response: &WireResponse,
        redactor: &Redactor,
    ) -> Result<ModelPage, ProviderError> {
        parse_models(provider, response, redactor).map(|models| (models, None))
    }

    fn rate_hints(&self, headers: &reqwest::header::HeaderMap) -> RateHints {
        rate_hints(headers)
    }

    fn system_pointer(&self) -> &'static str {
        "/body/messages/0/content"
    }

    fn answer_body(&self, response: &ChatResponse) -> serde_json::Value {
        let mut message = serde_json::json!({ "role": "assistant", "content": response.content() });
        let calls = tool_calls(&response.parts);
        if !calls.is_empty() {
            message["tool_calls"] = calls.into();
        }
        let usage = &response.usage;
        serde_json::json!({
            "object": "chat.completion",
            "model": response.model,
            "choices": [{ "index": 0, "message": message, "finish_reason": response.finish.as_ref().map(FinishReason::as_str) }],
            "usage": {
                "prompt_tokens": usage.prompt_tokens,
                "completion_tokens": usage.completion_tokens,
                "total_tokens": usage.total_tokens,
                "prompt_tokens_details": { "cached_tokens": usage.cached_tokens }
            }
        })
    }

    fn api_words(&self) -> &'static str {
        "an OpenAI-compatible chat-completions API"
    }
}

/// How much of a server's own error message is shown: whole, on one line, up to this.
pub(super) const MESSAGE_CHARS: usize = 4096;
/// How much of a body that is not what was expected is shown.
const SNIPPET_CHARS: usize = 200;

fn defaults() -> [(&'static str, &'static str); 3] {
    [("Content-Type", "application/json"), ("Accept", "application/json"), ("User-Agent", USER_AGENT)]
}

fn auth(provider: &Provider) -> Auth {
    if provider.has_key() { Auth::Bearer } else { Auth::None }
}

/// The tool calls among `parts`, as an assistant message's `tool_calls`.
fn tool_calls(parts: &[Part]) -> Vec<serde_json::Value> {
    parts
        .iter()
        .filter_map(|part| match part {
            Part::ToolCall { id, name, arguments } => Some(serde_json::json!({
                "id": id, "type": "function", "function": { "name": name, "arguments": arguments }
            })),
            Part::Text(_) | Part::ToolResult { .. } => None,
        })
        .collect()
}

/// One message in the chat-completions shape: text as a string; tool calls as the
/// assistant's `tool_calls`; each tool result as a `tool` message of its own.
fn push_message(message: &Message, out: &mut Vec<serde_json::Value>) {
    let text = message.content();
    let calls = tool_calls(&message.parts);
    let mut results = message.parts.iter().filter_map(|part| match part {
        Part::ToolResult { call_id, content, .. } => {
            Some(serde_json::json!({ "role": "tool", "tool_call_id": call_id, "content": content }))
        }
        Part::Text(_) | Part::ToolCall { .. } => None,
    });
    if message.role == Role::Tool {
        out.extend(results);
        return;
    }
    let mut shaped = serde_json::Map::new();
    shaped.insert("role".into(), message.role.as_str().into());
    if calls.is_empty() {
        shaped.insert("content".into(), text.into_owned().into());
    } else {
        let content = if text.is_empty() { serde_json::Value::Null } else { text.into_owned().into() };
        shaped.insert("content".into(), content);
        shaped.insert("tool_calls".into(), calls.into());
    }
    out.push(serde_json::Value::Object(shaped));
    out.extend(&mut results);
}

/// The messages of a request body, as `push_message` wrote them: a tool message is
/// a [`Role::Tool`] message of one result; text in parts is joined.
fn conversation(body: &serde_json::Value) -> Option<Vec<Message>> {
    let text_of = |content: &serde_json::Value| -> String {
        match content {
            serde_json::Value::String(text) => text.clone(),
            serde_json::Value::Array(parts) => {
                parts.iter().filter_map(|p| p.get("text").and_then(|t| t.as_str())).collect::<Vec<_>>().join("")
            }
            _ => String::new(),
        }
    };
    let mut out = Vec::new();
    for message in body.get("messages")?.as_array()? {
        let role = match message.get("role")?.as_str()? {
            "system" | "developer" => Role::System,
            "user" => Role::User,
            "assistant" => Role::Assistant,
            "tool" => Role::Tool,
            _ => return None,
        };
        if role == Role::Tool {
            let call_id = message.get("tool_call_id").and_then(|v| v.as_str()).unwrap_or_default().to_string();
            let content = text_of(message.get("content").unwrap_or(&serde_json::Value::Null));
            out.push(Message { role, parts: vec![Part::ToolResult { call_id, content, is_error: false }] });
            continue;
        }
        let mut parts = vec![Part::Text(text_of(message.get("content").unwrap_or(&serde_json::Value::Null)))];
        for call in message.get("tool_calls").and_then(|c| c.as_array()).into_iter().flatten() {
            let text = |pointer: &str| call.pointer(pointer).and_then(|v| v.as_str()).unwrap_or_default().to_string();
            parts.push(Part::ToolCall {
                id: text("/id"),
                name: text("/function/name"),
                arguments: text("/function/arguments"),
            });
        }
        if parts.len() > 1 && matches!(&parts[0], Part::Text(t) if t.is_empty()) {
            parts.remove(0);
        }
        out.push(Message { role, parts });
    }
    Some(out)
}

/// The chat request to one of the provider's endpoints.
fn chat_at(provider: &Provider, endpoint: &SafeUrl, request: &ChatRequest) -> WireRequest {
    let options = &request.options;
    let mut body = serde_json::Map::new();
    body.insert("model".into(), options.model.clone().into());
    let mut messages: Vec<serde_json::Value> = Vec::with_capacity(request.messages.len());
    for message in &request.messages {
        push_message(message, &mut messages);
    }
    body.insert("messages".into(), messages.into());
    if let Some(temperature) = options.temperature {
        body.insert("temperature".into(), temperature.into());
    }
    if let Some(max_tokens) = options.max_tokens {
        let field = match provider.max_tokens_field {
            MaxTokensField::MaxTokens => "max_tokens",
            MaxTokensField::MaxCompletionTokens => "max_completion_tokens",
        };
        body.insert(field.into(), max_tokens.into());
    }
    if options.stream {
        body.insert("stream".into(), true.into());
        body.insert("stream_options".into(), serde_json::json!({ "include_usage": true }));
    }
    if let Some(structured) = &options.structured {
        let format = match structured.mode {
            StructuredMode::JsonSchema => serde_json::json!({
                "type": "json_schema",
                "json_schema": { "name": structured.name, "schema": structured.schema, "strict": structured.strict },
            }),
            StructuredMode::JsonObject => serde_json::json!({ "type": "json_object" }),
            StructuredMode::Prompt => serde_json::Value::Null,
        };
        if !format.is_null() {
            body.insert("response_format".into(), format);
        }
    }
    if !options.tools.is_empty() {
        let tools: Vec<serde_json::Value> = options
            .tools
            .iter()
            .map(|tool| {
                serde_json::json!({
                    "type": "function",
                    "function": { "name": tool.name, "description": tool.description, "parameters": tool.input_schema },
                })
            })
            .collect();
        body.insert("tools".into(), tools.into());
    }
    for (key, value) in &provider.params {
        body.entry(key.clone()).or_insert_with(|| value.clone());
    }
    let mut headers = defaults();
    if options.stream {
        headers[1] = ("Accept", "text/event-stream");
    }
    WireRequest::new(
        reqwest::Method::POST,
        endpoint.join("chat/completions"),
        &headers,
        auth(provider),
        &provider.headers,
        Some(serde_json::Value::Object(body)),
    )
}

/// `retry-after-ms`, then `Retry-After` in seconds or as an HTTP date.
fn retry_after(response: &WireResponse) -> Option<Duration> {
    let header = |name: &str| response.headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(ms) = header("retry-after-ms").and_then(|v| v.parse::<f64>().ok()).filter(|v| *v > 0.0) {
        return Duration::try_from_secs_f64(ms / 1000.0).ok();
    }
    let value = header("retry-after")?;
    if let Ok(secs) = value.parse::<f64>() {
        return (secs > 0.0).then(|| Duration::try_from_secs_f64(secs).ok()).flatten();
    }
    let date = jiff::fmt::rfc2822::parse(value).ok()?;
    let wait = date.timestamp().duration_since(jiff::Timestamp::now());
    wait.is_positive().then(|| Duration::try_from(wait).ok()).flatten()
}

/// The server's own words about an error: `error.message`, `error` as a string,
/// `message`, or `detail` (Prism's 422 reason); else a snippet of the body.
fn error_message(value: Option<&serde_json::Value>, body: &str, redactor: &Redactor) -> (String, Option<String>) {
    let text = |v: Option<&serde_json::Value>| v.and_then(|v| v.as_str()).map(str::to_string);
    let Some(value) = value else { return (redactor.excerpt(body, SNIPPET_CHARS), None) };
    let error = value.get("error");
    let message = text(error.and_then(|e| e.get("message")))
        .or_else(|| text(error))
        .or_else(|| text(value.get("message")))
        .or_else(|| {
            let detail = text(value.get("detail"))?;
            Some(match text(value.get("title")) {
                Some(title) => format!("{title}: {detail}"),
                None => detail,
            })
        })
        .or_else(|| text(value.get("title")));
    let code = error.and_then(|e| e.get("code")).and_then(|c| match c {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    });
    let code = code.or_else(|| text(error.and_then(|e| e.get("type"))));
    match message {
        Some(message) => (redactor.excerpt(&message, MESSAGE_CHARS), code.map(|c| redactor.redact(&c))),
        None => (redactor.excerpt(body, SNIPPET_CHARS), code.map(|c| redactor.redact(&c))),
    }
}

fn status_error(provider: &Provider, status: u16, response: &WireResponse, redactor: &Redactor) -> ProviderError {
    let body = response.text();
    let value = serde_json::from_str::<serde_json::Value>(&body).ok();
    let (message, code) = error_message(value.as_ref(), &body, redactor);
    let should_retry = match response.headers.get("x-should-retry").and_then(|v| v.to_str().ok()).map(str::trim) {
        Some("true") => Some(true),
        Some("false") => Some(false),
        _ => None,
    };
    ProviderError::Status {
        provider: provider.id.clone(),
        status,
        message,
        code,
        retry_after: retry_after(response),
        should_retry,
    }
}

/// OpenAI's reset durations: `1s`, `6m0s`, `20ms`, `1h2m3.5s`.
fn parse_reset(text: &str) -> Option<Duration> {
    let mut rest = text.trim();
    let mut total = 0.0f64;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
        let number: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let (scale, used) = if rest.starts_with("ms") {
            (0.001, 2)
        } else if rest.starts_with('h') {
            (3600.0, 1)
        } else if rest.starts_with('m') {
            (60.0, 1)
        } else if rest.starts_with('s') {
            (1.0, 1)
        } else {
            return None;
        };
        total += number * scale;
        rest = &rest[used..];
    }
    Duration::try_from_secs_f64(total).ok()
}

/// `x-ratelimit-remaining-requests: 0` (or `-tokens: 0`) with its `x-ratelimit-reset-*`:
/// the provider will refuse until then, so every invocation should wait.
fn rate_hints(headers: &reqwest::header::HeaderMap) -> RateHints {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    let mut pause: Option<Duration> = None;
    for kind in ["requests", "tokens"] {
        let exhausted = header(&format!("x-ratelimit-remaining-{kind}")).is_some_and(|v| v.parse::<f64>() == Ok(0.0));
        if exhausted && let Some(reset) = header(&format!("x-ratelimit-reset-{kind}")).and_then(parse_reset) {
            pause = Some(pause.map_or(reset, |p| p.max(reset)));
        }
    }
    RateHints { pause }
}

fn garbage(provider: &Provider, what: &'static str, body: &str, redactor: &Redactor) -> ProviderError {
    ProviderError::Garbage {
        provider: provider.id.clone(),
        what,
        snippet: redactor.excerpt(body, SNIPPET_CHARS),
        api: "an OpenAI-compatible chat-completions API",
    }
}

fn content_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(text) => Some(text.clone()),
        serde_json::Value::Array(parts) => {
            Some(parts.iter().filter_map(|part| part.get("text").and_then(|t| t.as_str())).collect::<Vec<_>>().join(""))
        }
        serde_json::Value::Null => Some(String::new()),
        _ => None,
    }
}

/// Usage from a body's `usage`, or `None` when it is missing or unusable (a float,
/// a negative, a string, a number above u64): the caller estimates instead.
fn usage_of(value: Option<&serde_json::Value>) -> Option<Usage> {
    let usage = value?;
    let field = |name: &str| usage.get(name).and_then(serde_json::Value::as_u64);
    let (prompt, completion, total) = (field("prompt_tokens"), field("completion_tokens"), field("total_tokens"));
    let cached = usage
        .get("prompt_tokens_details")
        .and_then(|d| d.get("cached_tokens"))
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(0);
    match (prompt, completion, total) {
        (Some(p), Some(c), total) => Some(Usage {
            prompt_tokens: p,
            completion_tokens: c,
            total_tokens: total.unwrap_or(p.saturating_add(c)),
            cached_tokens: cached,
            estimated: false,
        }),
        (p, c, Some(t))
            if usage.get("prompt_tokens").is_none_or(|v| v.as_u64().is_some())
                && usage.get("completion_tokens").is_none_or(|v| v.as_u64().is_some()) =>
        {
            Some(Usage {
                prompt_tokens: p.unwrap_or(0),
                completion_tokens: c.unwrap_or(0),
                total_tokens: t,
                cached_tokens: cached,
                estimated: false,
            })
        }
        _ => None,
    }
}

fn parse_chat(
    provider: &Provider,
    request: &ChatRequest,
    response: &WireResponse,
    redactor: &Redactor,
) -> Result<ChatResponse, ProviderError> {
    if !(200..300).contains(&response.status) {
        return Err(status_error(provider, response.status, response, redactor));
    }
    let body = response.text();
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&body) else {
        return Err(garbage(provider, "a body that is not JSON", &body, redactor));
    };
    if value.get("error").is_some_and(|e| !e.is_null()) && value.get("choices").is_none() {
        // A 200 carrying an error object is handled as the status it names.
        let carried = value
            .get("error")
            .and_then(|e| e.get("code").or_else(|| e.get("status")))
            .and_then(serde_json::Value::as_u64)
            .and_then(|n| u16::try_from(n).ok())
            .filter(|n| (400..600).contains(n))
            .unwrap_or(500);
        return Err(status_error(provider, carried, response, redactor));
    }
    let Some(choices) = value.get("choices").and_then(|c| c.as_array()) else {
        return Err(garbage(provider, "JSON that is not a chat completion", &body, redactor));
    };
    let Some(choice) = choices.first() else { return Err(garbage(provider, "no choices", &body, redactor)) };
    let Some(message) = choice.get("message").filter(|m| m.is_object()) else {
        return Err(garbage(provider, "a choice without a message", &body, redactor));
    };
    let content = match (message.get("content").filter(|c| !c.is_null()), message.get("refusal")) {
        (Some(content), _) => match content_text(content) {
            Some(text) => text,
            None => return Err(garbage(provider, "message content that is not text", &body, redactor)),
        },
        (None, Some(serde_json::Value::String(refusal))) => refusal.clone(),
        _ => String::new(),
    };
    let finish = choice.get("finish_reason").and_then(|f| f.as_str()).map(FinishReason::parse);
    let model = value.get("model").and_then(|m| m.as_str()).map(str::to_string);
    let usage = usage_of(value.get("usage")).unwrap_or_else(|| estimate_usage(&request.messages, &content));
    let mut answer = ChatResponse::text(content, finish, model, usage);
    if let Some(calls) = message.get("tool_calls").and_then(|c| c.as_array()) {
        for call in calls {
            let text = |pointer: &str| call.pointer(pointer).and_then(|v| v.as_str()).unwrap_or_default().to_string();
            answer.parts.push(Part::ToolCall {
                id: text("/id"),
                name: text("/function/name"),
                arguments: text("/function/arguments"),
            });
        }
    }
    Ok(answer)
}

/// A chat-completions stream: every chunk says what it carries, so it needs no memory.
struct Stream;

impl StreamDecoder for Stream {
    /// Chunks without `choices` or with an empty `delta` (LiteLLM's usage chunk) are
    /// fine; a chunk carrying `error` is the error it carries.
    fn event(
        &mut self,
        provider: &Provider,
        data: &str,
        redactor: &Redactor,
        events: &mut Vec<StreamEvent>,
    ) -> Result<(), ProviderError> {
        let data = data.trim();
        if data == "[DONE]" {
            events.push(StreamEvent::Done);
            return Ok(());
        }
        if data.is_empty() {
            return Ok(());
        }
        let Ok(value) = serde_json::from_str::<serde_json::Value>(data) else {
            return Err(garbage(provider, "a stream chunk that is not JSON", data, redactor));
        };
        if let Some(error) = value.get("error").filter(|e| !e.is_null()) {
            let status = error
                .get("code")
                .or_else(|| error.get("status"))
                .and_then(serde_json::Value::as_u64)
                .and_then(|n| u16::try_from(n).ok())
                .filter(|n| (400..600).contains(n))
                .unwrap_or(500);
            let (message, code) = error_message(Some(&value), data, redactor);
            return Err(ProviderError::Status {
                provider: provider.id.clone(),
                status,
                message,
                code,
                retry_after: None,
                should_retry: None,
            });
        }
        if let Some(model) = value.get("model").and_then(|m| m.as_str()) {
            events.push(StreamEvent::Model(model.to_string()));
        }
        if let Some(usage) = usage_of(value.get("usage").filter(|u| !u.is_null())) {
            events.push(StreamEvent::Usage(usage));
        }
        let Some(choice) = value.get("choices").and_then(|c| c.as_array()).and_then(|c| c.first()) else {
            return Ok(());
        };
        if let Some(reason) = choice.get("finish_reason").and_then(|f| f.as_str()) {
            events.push(StreamEvent::Finish(FinishReason::parse(reason)));
        }
        let delta = choice.get("delta");
        let text = delta
            .and_then(|d| d.get("content"))
            .and_then(|c| c.as_str())
            .or_else(|| delta.and_then(|d| d.get("refusal")).and_then(|r| r.as_str()))
            .filter(|t| !t.is_empty());
        if let Some(text) = text {
            events.push(StreamEvent::Text(text.to_string()));
        }
        for call in delta.and_then(|d| d.get("tool_calls")).and_then(|c| c.as_array()).into_iter().flatten() {
            let text = |pointer: &str| call.pointer(pointer).and_then(|v| v.as_str()).map(str::to_string);
            events.push(StreamEvent::ToolCall {
                index: call
                    .get("index")
                    .and_then(serde_json::Value::as_u64)
                    .and_then(|i| usize::try_from(i).ok())
                    .unwrap_or(0),
                id: text("/id"),
                name: text("/function/name"),
                arguments: text("/function/arguments").unwrap_or_default(),
            });
        }
        Ok(())
    }

    fn cut_words(&self) -> &'static str {
        "without [DONE] or a finish reason"
    }
}

fn parse_models(
    provider: &Provider,
    response: &WireResponse,
    redactor: &Redactor,
) -> Result<Vec<ModelInfo>, ProviderError> {
    if !(200..300).contains(&response.status) {
        return Err(status_error(provider, response.status, response, redactor));
    }
    let body = response.text();
    let data = serde_json::from_str::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v.get("data").and_then(|d| d.as_array()).cloned());
    let Some(data) = data else { return Err(garbage(provider, "something that is not a model list", &body, redactor)) };
    let mut models = Vec::with_capacity(data.len());
    for entry in data {
        let Some(id) = entry.get("id").and_then(|i| i.as_str()) else {
            return Err(garbage(provider, "a model list entry without an id", &body, redactor));
        };
        let owned_by = entry.get("owned_by").and_then(|o| o.as_str()).map(str::to_string);
        models.push(ModelInfo { id: id.to_string(), owned_by });
    }
    Ok(models)
}

/// A `multipart/form-data` body of `purpose=batch` and the JSONL file, with its
/// content type: the one upload agentry makes.
fn batch_upload_body(lines: &[serde_json::Value]) -> (String, Vec<u8>) {
    let boundary = format!("agentry-{:016x}", fastrand::u64(..));
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n").as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"agentry-batch.jsonl\"\r\nContent-Type: application/jsonl\r\n\r\n"
        )
        .as_bytes(),
    );
    for line in lines {
        body.extend_from_slice(line.to_string().as_bytes());
        body.push(b'\n');
    }
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl super::BatchWire for OpenAi {
    fn words(&self) -> &'static str {
        "OpenAI's Batch API"
    }

    fn limits(&self) -> (usize, usize) {
        (50_000, 200 * 1024 * 1024)
    }

    fn line(
        &self,
        provider: &Provider,
        endpoint: &SafeUrl,
        custom_id: &str,
        request: &ChatRequest,
    ) -> serde_json::Value {
        let body = chat_at(provider, endpoint, request).body.unwrap_or_default();
        serde_json::json!({ "custom_id": custom_id, "method": "POST", "url": "/v1/chat/completions", "body": body })
    }

    fn upload(&self, provider: &Provider, endpoint: &SafeUrl, lines: &[serde_json::Value]) -> Option<WireRequest> {
        let (content_type, bytes) = batch_upload_body(lines);
        let [_, accept, agent] = defaults();
        let mut wire = WireRequest::new(
            reqwest::Method::POST,
            endpoint.join("files"),
            &[("Content-Type", content_type.as_str()), accept, agent],
            auth(provider),
            &provider.headers,
            None,
        );
        wire.raw = Some(bytes);
        Some(wire)
    }

    fn uploaded(
        &self,
        provider: &Provider,
        response: &WireResponse,
        redactor: &Redactor,
    ) -> Result<String, ProviderError> {
        if !(200..300).contains(&response.status) {
            return Err(status_error(provider, response.status, response, redactor));
        }
        let text = response.text();
        serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("id").and_then(|id| id.as_str()).map(str::to_string))
            .ok_or_else(|| garbage(provider, "an upload answer without a file id", &text, redactor))
    }

    fn create(
        &self,
        provider: &Provider,
        endpoint: &SafeUrl,
        _lines: &[serde_json::Value],
        upload: Option<&str>,
    ) -> WireRequest {
        let body = serde_json::json!({
            "input_file_id": upload.unwrap_or_default(),
            "endpoint": "/v1/chat/completions",
            "completion_window": "24h",
            "metadata": { "created_by": "agentry" },
        });
        WireRequest::new(
            reqwest::Method::POST,
            endpoint.join("batches"),
            &defaults(),
            auth(provider),
            &provider.headers,
            Some(body),
        )
    }

    fn status(&self, provider: &Provider, endpoint: &SafeUrl, batch_id: &str) -> WireRequest {
        let [_, accept, agent] = defaults();
        let url = endpoint.join(&format!("batches/{}", super::path_segment(batch_id)));
        WireRequest::new(reqwest::Method::GET, url, &[accept, agent], auth(provider), &provider.headers, None)
    }

    fn cancel(&self, provider: &Provider, endpoint: &SafeUrl, batch_id: &str) -> WireRequest {
        let [_, accept, agent] = defaults();
        let url = endpoint.join(&format!("batches/{}/cancel", super::path_segment(batch_id)));
        WireRequest::new(reqwest::Method::POST, url, &[accept, agent], auth(provider), &provider.headers, None)
    }

    fn parse_status(
        &self,
        provider: &Provider,
        response: &WireResponse,
        redactor: &Redactor,
    ) -> Result<super::BatchStatus, ProviderError> {
        if !(200..300).contains(&response.status) {
            return Err(status_error(provider, response.status, response, redactor));
        }
        let text = response.text();
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|_| garbage(provider, "a batch that is not JSON", &text, redactor))?;
        let field = |name: &str| value.get(name).and_then(|v| v.as_str()).map(str::to_string);
        let (Some(id), Some(status)) = (field("id"), field("status")) else {
            return Err(garbage(provider, "a batch without an id and status", &text, redactor));
        };
        let count = |name: &str| value.pointer(&format!("/request_counts/{name}")).and_then(serde_json::Value::as_u64);
        let ended = matches!(status.as_str(), "completed" | "failed" | "expired" | "cancelled");
        let results = ["output_file_id", "error_file_id"].into_iter().filter_map(field).collect();
        Ok(super::BatchStatus {
            id: redactor.redact(&id),
            status: redactor.redact(&status),
            ended,
            total: count("total").unwrap_or(0),
            succeeded: count("completed").unwrap_or(0),
            failed: count("failed").unwrap_or(0),
            results,
        })
    }

    fn results(&self, provider: &Provider, endpoint: &SafeUrl, status: &super::BatchStatus) -> Vec<WireRequest> {
        let [_, _, agent] = defaults();
        status
            .results
            .iter()
            .map(|file| {
                let url = endpoint.join(&format!("files/{}/content", super::path_segment(file)));
                WireRequest::new(reqwest::Method::GET, url, &[agent], auth(provider), &provider.headers, None)
            })
            .collect()
    }

    fn parse_result(&self, line: &str) -> Option<(String, super::BatchResult)> {
        let value: serde_json::Value = serde_json::from_str(line).ok()?;
        let custom_id = value.get("custom_id")?.as_str()?.to_string();
        if let Some(response) = value.get("response").filter(|r| !r.is_null()) {
            let status = response.get("status_code").and_then(serde_json::Value::as_u64).unwrap_or(200);
            let body = response.get("body").map(ToString::to_string).unwrap_or_default().into_bytes();
            return Some((
                custom_id,
                super::BatchResult::Answer { status: u16::try_from(status).unwrap_or(500), body },
            ));
        }
        let error = value.get("error");
        let code = error.and_then(|e| e.get("code")).and_then(|c| c.as_str()).unwrap_or("error");
        let message = error.and_then(|e| e.get("message")).and_then(|m| m.as_str()).unwrap_or(code);
        let class = if code == "batch_expired" {
            crate::request::ErrorClass::Expired
        } else {
            crate::request::ErrorClass::ServerError
        };
        Some((custom_id, super::BatchResult::Failed { class, message: format!("{code}: {message}") }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::RequestOptions;

    fn response(status: u16, body: &str) -> WireResponse {
        WireResponse { status, headers: reqwest::header::HeaderMap::default(), body: body.as_bytes().to_vec() }
    }

    fn request() -> ChatRequest {
        ChatRequest {
            messages: vec![Message::text(Role::User, "abcd")],
            options: RequestOptions {
                model: "m".into(),
                temperature: None,
                max_tokens: None,
                stream: false,
                structured: None,
                tools: Vec::new(),
            },
        }
    }

    #[test]
    fn unusable_usage_is_estimated_not_fatal() {
        let provider = crate::provider::registry::builtin_mock();
        for usage in [
            r#"{"prompt_tokens": 1.5, "completion_tokens": 2}"#,
            r#"{"prompt_tokens": -1, "completion_tokens": 2}"#,
            r#"{"prompt_tokens": "3", "completion_tokens": 2}"#,
            r#"{"prompt_tokens": 99999999999999999999999, "completion_tokens": 2}"#,
            r#""lots""#,
        ] {
            let body =
                format!(r#"{{"choices":[{{"message":{{"content":"hi"}},"finish_reason":"stop"}}],"usage":{usage}}}"#);
            let parsed = parse_chat(&provider, &request(), &response(200, &body), &Redactor::default())
                .unwrap_or_else(|e| panic!("{usage}: {e}"));
            assert!(parsed.usage.estimated, "{usage}");
            assert_eq!(parsed.content(), "hi");
        }
    }

    #[test]
    fn rate_limit_headers_become_a_pause() {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-ratelimit-remaining-requests", "0".parse().expect("value"));
        headers.insert("x-ratelimit-reset-requests", "6m0s".parse().expect("value"));
        headers.insert("x-ratelimit-remaining-tokens", "10".parse().expect("value"));
        headers.insert("x-ratelimit-reset-tokens", "20ms".parse().expect("value"));
        assert_eq!(rate_hints(&headers).pause, Some(Duration::from_secs(360)));
        assert_eq!(parse_reset("1h2m3.5s"), Some(Duration::from_millis(3_723_500)));
        assert_eq!(parse_reset("20ms"), Some(Duration::from_millis(20)));
        assert_eq!(parse_reset("soon"), None);
    }

    #[test]
    fn huge_counts_saturate() {
        let provider = crate::provider::registry::builtin_mock();
        let body = format!(
            r#"{{"choices":[{{"message":{{"content":"hi"}}}}],"usage":{{"prompt_tokens":{},"completion_tokens":{}}}}}"#,
            u64::MAX,
            u64::MAX
        );
        let parsed = parse_chat(&provider, &request(), &response(200, &body), &Redactor::default()).expect("parse");
        assert_eq!(parsed.usage.total_tokens, u64::MAX);
    }

    #[test]
    fn error_body_message_and_code() {
        let provider = crate::provider::registry::builtin_mock();
        let long = "word ".repeat(100);
        let body = format!(r#"{{"error":{{"message":"{long}","code":"context_length_exceeded"}}}}"#);
        let err = parse_chat(&provider, &request(), &response(400, &body), &Redactor::default()).expect_err("400");
        assert!(err.is_context_length());
        assert!(err.to_string().len() > 450, "whole message shown: {err}");
        let err = parse_chat(
            &provider,
            &request(),
            &response(200, r#"{"error":{"message":"x","code":429}}"#),
            &Redactor::default(),
        )
        .expect_err("error in 200");
        assert!(matches!(err, ProviderError::Status { status: 429, .. }), "{err:?}");
    }
}
