//! Why a task failed, as one word: the `error_class` of `--json`, the history and the
//! metrics. Each layer classifies its own errors into it (`ProviderError::class`,
//! `TaskError::class`); the words are a documented interface and never change.

use serde::{Serialize, Serializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorClass {
    ContextLength,
    RateLimited,
    Overloaded,
    Auth,
    NotFound,
    ServerError,
    ClientError,
    Connect,
    /// The headers came; the body broke.
    Cut,
    Timeout,
    Garbage,
    Interrupted,
    State,
    Partial,
    Cancelled,
    Budget,
    /// The answer did not match its `--schema`.
    Schema,
    /// The model still asked for tools after `--max-steps` calls.
    MaxSteps,
    /// A replayed provider's cassette has no answer for the request.
    ReplayMiss,
    /// A provider batch ended before the request was processed.
    Expired,
}

impl ErrorClass {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorClass::ContextLength => "context_length",
            ErrorClass::RateLimited => "rate_limited",
            ErrorClass::Overloaded => "overloaded",
            ErrorClass::Auth => "auth",
            ErrorClass::NotFound => "not_found",
            ErrorClass::ServerError => "server_error",
            ErrorClass::ClientError => "client_error",
            ErrorClass::Connect => "connect",
            ErrorClass::Cut => "cut",
            ErrorClass::Timeout => "timeout",
            ErrorClass::Garbage => "garbage",
            ErrorClass::Interrupted => "interrupted",
            ErrorClass::State => "state",
            ErrorClass::Partial => "partial",
            ErrorClass::Cancelled => "cancelled",
            ErrorClass::Budget => "budget",
            ErrorClass::Schema => "schema",
            ErrorClass::MaxSteps => "max_steps",
            ErrorClass::ReplayMiss => "replay_miss",
            ErrorClass::Expired => "expired",
        }
    }
}

impl Serialize for ErrorClass {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}
