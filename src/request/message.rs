//! A conversation in no protocol's words: [`Message`]s of [`Part`]s, the
//! [`ChatRequest`] a provider is asked, the [`ChatResponse`] it gives (with its cost,
//! worked out once), and the [`StreamEvent`]s of a streamed answer gathered by one
//! [`Accumulator`]. Each protocol in `provider::protocols` translates these to and
//! from its wire shape; nothing here knows a wire shape.

use std::borrow::Cow;

use serde::{Serialize, Serializer};

/// Who speaks a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
    /// The result of a tool the assistant called.
    Tool,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::System => "system",
            Role::User => "user",
            Role::Assistant => "assistant",
            Role::Tool => "tool",
        }
    }
}

/// One piece of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Text(String),
    /// The assistant asks for a tool: `arguments` is the JSON text the model wrote.
    ToolCall {
        id: String,
        name: String,
        arguments: String,
    },
    /// What a tool gave back for the call `call_id`.
    ToolResult {
        call_id: String,
        content: String,
        is_error: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub role: Role,
    pub parts: Vec<Part>,
}

impl Message {
    /// A message of one text part.
    pub fn text(role: Role, text: impl Into<String>) -> Self {
        Self { role, parts: vec![Part::Text(text.into())] }
    }

    /// The text parts, joined; borrowed when there is one.
    pub fn content(&self) -> Cow<'_, str> {
        text_of(&self.parts)
    }
}

/// The text parts of `parts`, joined; borrowed when there is one.
pub fn text_of(parts: &[Part]) -> Cow<'_, str> {
    let mut texts = parts.iter().filter_map(|part| match part {
        Part::Text(text) => Some(text.as_str()),
        Part::ToolCall { .. } | Part::ToolResult { .. } => None,
    });
    match (texts.next(), texts.next()) {
        (None, _) => Cow::Borrowed(""),
        (Some(one), None) => Cow::Borrowed(one),
        (Some(first), Some(second)) => {
            let mut joined = String::from(first);
            joined.push_str(second);
            texts.for_each(|text| joined.push_str(text));
            Cow::Owned(joined)
        }
    }
}

/// What a request carries besides its messages, resolved for one provider (the
/// flag, the provider's table or the default; see `settings::RequestSettings`).
#[derive(Debug, Clone, PartialEq)]
pub struct RequestOptions {
    pub model: String,
    pub temperature: Option<f64>,
    pub max_tokens: Option<u32>,
    /// Ask for the answer as a stream of deltas.
    pub stream: bool,
    /// The JSON Schema the answer must match (`--schema`), and how to ask for it.
    pub structured: Option<super::Structured>,
    /// The tools the model is offered (`--tools`), by the names it calls them.
    pub tools: Vec<ToolDef>,
}

/// A tool as a model is offered it: the name it calls it by (`server__tool`), what
/// it does, and the JSON Schema of its arguments.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolDef {
    pub name: String,
    pub description: String,
    pub input_schema: serde_json::Value,
}

/// What a task asks of a provider, before a protocol shapes it into a request.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatRequest {
    pub messages: Vec<Message>,
    pub options: RequestOptions,
}

impl ChatRequest {
    /// The system prompt, when the request has one.
    pub fn system(&self) -> Option<Cow<'_, str>> {
        self.messages.iter().find(|m| m.role == Role::System).map(Message::content)
    }
}

/// Why the model stopped, in OpenAI's words (each protocol maps its own to these).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FinishReason {
    Stop,
    Length,
    ToolCalls,
    ContentFilter,
    /// A reason agentry has no name for, as the server gave it.
    Other(String),
}

impl FinishReason {
    pub fn parse(text: &str) -> Self {
        match text {
            "stop" => FinishReason::Stop,
            "length" => FinishReason::Length,
            "tool_calls" => FinishReason::ToolCalls,
            "content_filter" => FinishReason::ContentFilter,
            other => FinishReason::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            FinishReason::Stop => "stop",
            FinishReason::Length => "length",
            FinishReason::ToolCalls => "tool_calls",
            FinishReason::ContentFilter => "content_filter",
            FinishReason::Other(other) => other,
        }
    }
}

impl Serialize for FinishReason {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub total_tokens: u64,
    /// Prompt tokens read from the provider's cache (priced at `cached_input`).
    pub cached_tokens: u64,
    pub estimated: bool,
}

impl Usage {
    /// Two calls' usage together (the rounds of one task): estimated if either was.
    #[must_use]
    pub fn plus(self, other: Usage) -> Usage {
        Usage {
            prompt_tokens: self.prompt_tokens.saturating_add(other.prompt_tokens),
            completion_tokens: self.completion_tokens.saturating_add(other.completion_tokens),
            total_tokens: self.total_tokens.saturating_add(other.total_tokens),
            cached_tokens: self.cached_tokens.saturating_add(other.cached_tokens),
            estimated: self.estimated || other.estimated,
        }
    }
}

/// The token estimate used when a server sends no usable usage: ceil(UTF-8 bytes / 4).
pub fn estimate_tokens(text: &str) -> u64 {
    (text.len() as u64).div_ceil(4)
}

/// Usage estimated from the request's text and the answer's.
pub fn estimate_usage(messages: &[Message], completion: &str) -> Usage {
    let prompt_tokens = messages
        .iter()
        .flat_map(|m| &m.parts)
        .map(|part| match part {
            Part::Text(text) => estimate_tokens(text),
            Part::ToolCall { name, arguments, .. } => estimate_tokens(name).saturating_add(estimate_tokens(arguments)),
            Part::ToolResult { content, .. } => estimate_tokens(content),
        })
        .fold(0u64, u64::saturating_add);
    let completion_tokens = estimate_tokens(completion);
    Usage {
        prompt_tokens,
        completion_tokens,
        total_tokens: prompt_tokens.saturating_add(completion_tokens),
        cached_tokens: 0,
        estimated: true,
    }
}

/// Where a task's price came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PriceSource {
    /// The provider's `[providers.ID.pricing]` (or the mock's 0).
    Pricing,
    /// An exact entry of the built-in table.
    Table,
    /// The longest known prefix of the model name.
    Prefix,
    /// A batch API's own price (the table's or the provider's `pricing`).
    BatchTable,
    /// Half the normal price: a batch API whose own price is not known.
    BatchHalf,
    None,
}

impl PriceSource {
    pub fn as_str(self) -> &'static str {
        match self {
            PriceSource::Pricing => "pricing",
            PriceSource::Table => "table",
            PriceSource::Prefix => "prefix",
            PriceSource::BatchTable => "batch_table",
            PriceSource::BatchHalf => "batch_half",
            PriceSource::None => "none",
        }
    }
}

/// What an answer cost: USD when its price is known, and where the price came from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cost {
    pub usd: Option<f64>,
    pub source: PriceSource,
}

impl Cost {
    pub const UNKNOWN: Cost = Cost { usd: None, source: PriceSource::None };
    /// Nothing spent yet: what a sum of costs starts from.
    pub const NOTHING: Cost = Cost { usd: Some(0.0), source: PriceSource::None };

    /// Two calls' cost together: unknown if either price was; the first known source.
    #[must_use]
    pub fn plus(self, other: Cost) -> Cost {
        let usd = match (self.usd, other.usd) {
            (Some(a), Some(b)) => Some(a + b),
            _ => None,
        };
        Cost { usd, source: if self.source == PriceSource::None { other.source } else { self.source } }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChatResponse {
    pub parts: Vec<Part>,
    pub finish: Option<FinishReason>,
    /// The model the server says answered.
    pub model: Option<String>,
    pub usage: Usage,
    /// Priced once, where the answer arrives (the call loop); unknown until then.
    pub cost: Cost,
    /// Answered from the response cache, not by the provider.
    pub cached: bool,
}

impl ChatResponse {
    /// A text answer, not yet priced.
    pub fn text(text: String, finish: Option<FinishReason>, model: Option<String>, usage: Usage) -> Self {
        Self { parts: vec![Part::Text(text)], finish, model, usage, cost: Cost::UNKNOWN, cached: false }
    }

    /// The answer's text parts, joined.
    pub fn content(&self) -> Cow<'_, str> {
        text_of(&self.parts)
    }
}

/// One thing a streamed answer said, decoded by a protocol.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    Text(String),
    /// A piece of the tool call at `index`: its id and name arrive once, its
    /// arguments in pieces.
    ToolCall {
        index: usize,
        id: Option<String>,
        name: Option<String>,
        arguments: String,
    },
    /// The usage so far, whole (a protocol that reports it in pieces adds them up).
    Usage(Usage),
    Finish(FinishReason),
    Model(String),
    /// The stream says it is complete (`[DONE]`, `message_stop`).
    Done,
}

/// A tool call being streamed.
#[derive(Debug, Clone, Default)]
struct CallDraft {
    id: String,
    name: String,
    arguments: String,
}

/// Gathers the events of one streamed answer into a [`ChatResponse`]: the one place
/// that knows how a stream adds up, whatever the protocol.
#[derive(Debug, Default)]
pub struct Accumulator {
    text: String,
    calls: Vec<CallDraft>,
    finish: Option<FinishReason>,
    model: Option<String>,
    usage: Option<Usage>,
    done: bool,
}

impl Accumulator {
    /// Take one event; the text it adds, if any, to hand on as a delta.
    pub fn push(&mut self, event: StreamEvent) -> Option<String> {
        match event {
            StreamEvent::Text(text) => {
                self.text.push_str(&text);
                return Some(text);
            }
            StreamEvent::ToolCall { index, id, name, arguments } => {
                if self.calls.len() <= index {
                    self.calls.resize_with(index + 1, CallDraft::default);
                }
                let call = &mut self.calls[index];
                if let Some(id) = id {
                    call.id = id;
                }
                if let Some(name) = name {
                    call.name.push_str(&name);
                }
                call.arguments.push_str(&arguments);
            }
            StreamEvent::Usage(usage) => self.usage = Some(usage),
            StreamEvent::Finish(reason) => self.finish = Some(reason),
            StreamEvent::Model(model) => self.model = Some(model),
            StreamEvent::Done => self.done = true,
        }
        None
    }

    /// The stream said it is complete.
    pub fn done(&self) -> bool {
        self.done
    }

    /// Complete enough that a rude close afterwards loses nothing: done, or a finish
    /// reason arrived (some servers close without `[DONE]`).
    pub fn finished(&self) -> bool {
        self.done || self.finish.is_some()
    }

    /// Characters of text so far, for the words of a cut stream.
    pub fn chars(&self) -> usize {
        self.text.chars().count()
    }

    /// The answer; usage estimated from `request` when the stream gave none.
    pub fn into_response(self, request: &ChatRequest) -> ChatResponse {
        let usage = self.usage.unwrap_or_else(|| estimate_usage(&request.messages, &self.text));
        let mut parts = Vec::with_capacity(1 + self.calls.len());
        parts.push(Part::Text(self.text));
        parts.extend(self.calls.into_iter().map(|c| Part::ToolCall { id: c.id, name: c.name, arguments: c.arguments }));
        ChatResponse { parts, finish: self.finish, model: self.model, usage, cost: Cost::UNKNOWN, cached: false }
    }
}
