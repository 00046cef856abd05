//! What a task asks, in no protocol's words: the per-task [`TaskOptions`] (flags of
//! `task run` and keys of a batch line alike), and the conversation model a
//! provider is asked with ([`ChatRequest`] of [`Message`]s) and answers in
//! ([`ChatResponse`], [`StreamEvent`]). A leaf: it uses only `units`, and everything
//! from the command edge to the protocols uses it. Structured output's schemas,
//! their local check and the mock's sample value are [`Schema`] and [`Structured`].

mod class;
mod invalid;
mod message;
mod options;
mod schema;

pub use class::ErrorClass;
pub use invalid::Invalid;
pub use message::{
    Accumulator, ChatRequest, ChatResponse, Cost, FinishReason, Message, Part, PriceSource, RequestOptions, Role,
    StreamEvent, ToolDef, Usage, estimate_tokens, estimate_usage, text_of,
};
pub use options::{Limit, MaxTokens, Model, TaskOptions, Temperature};
pub use schema::{Schema, SchemaChoice, Structured, StructuredMode, Violation, sample, unfence};
