//! What can go wrong when agentry talks to a provider, kept as typed causes so that
//! callers can branch on them (retry, fail over, context length) and the command
//! edge can choose the exit code and hints. Nothing here picks an exit code.
//!
//! Every text in these errors that came from a body has already been through the
//! provider's [`Redactor`](super::redact::Redactor).

use std::time::Duration;

use crate::request::ErrorClass;

/// A provider call that did not produce a chat completion.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    /// The TCP or TLS connection could not be made.
    #[error("cannot reach provider `{provider}` at {url}: {detail}")]
    Connect { provider: String, url: String, detail: String },

    /// The connection was not made within the connect timeout.
    #[error("could not connect to provider `{provider}` at {url} within {} s (connect timeout)", after.as_secs())]
    ConnectTimeout { provider: String, url: String, after: Duration },

    /// No byte arrived for the idle timeout, before the headers or between body bytes.
    #[error("provider `{provider}` sent nothing for {} (idle timeout)", crate::units::duration_words(*after))]
    Idle { provider: String, after: Duration },

    /// The request failed after connecting (reset, broken pipe, protocol error).
    #[error("request to provider `{provider}` failed: {detail}")]
    Transport { provider: String, detail: String },

    /// The server answered with an error status, or a 200 whose body is an error object.
    #[error("provider `{provider}` answered HTTP {status} {}: {message}", status_text(*status))]
    Status {
        provider: String,
        status: u16,
        message: String,
        /// The error `code` from the body (`insufficient_quota`, `context_length_exceeded`).
        code: Option<String>,
        retry_after: Option<Duration>,
        /// OpenAI's `x-should-retry: true|false`, which overrides the status rule.
        should_retry: Option<bool>,
    },

    /// A complete answer that is not what the protocol promises.
    #[error("provider `{provider}` answered with {what}: {snippet}")]
    /// `api`: what the endpoint was expected to be, for the hint.
    Garbage { provider: String, what: &'static str, snippet: String, api: &'static str },

    /// The body stopped before it was complete.
    #[error("the answer of provider `{provider}` was cut off: {detail}")]
    Cut { provider: String, detail: String },

    /// The body is larger than the cap (`AGENTRY_MAX_BODY`).
    #[error("the answer of provider `{provider}` is larger than {limit} bytes; not read further")]
    TooLarge { provider: String, limit: u64 },

    /// A redirect to another origin: custom headers (keys) must not follow it.
    #[error("provider `{provider}` redirected {from} to another origin, {to}; not followed")]
    Redirect { provider: String, from: String, to: String },

    /// The key could not be had: an unset variable or a failing key command.
    #[error("{message}")]
    Key { provider: String, message: String, hint: Option<String> },

    /// A replayed provider's cassette has no interaction for this request.
    #[error("{message}")]
    ReplayMiss { provider: String, message: String },

    /// A cassette that cannot be read or is not one (a usage error, not a failed call).
    #[error("{message}")]
    Cassette { provider: String, message: String },
}

/// A failure of the transport (no answer, or an answer that broke), as a cassette
/// keeps it so that a replay fails the same way.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    Connect { detail: String },
    ConnectTimeout { after_ms: u64 },
    Idle { after_ms: u64 },
    Transport { detail: String },
    Cut { detail: String },
    TooLarge { limit: u64 },
    Redirect { from: String, to: String },
}

/// A duration in whole milliseconds, saturating (as cassettes keep times).
pub(crate) fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl Fault {
    /// Its `kind` as a cassette writes it.
    pub fn kind(&self) -> &'static str {
        match self {
            Fault::Connect { .. } => "connect",
            Fault::ConnectTimeout { .. } => "connect_timeout",
            Fault::Idle { .. } => "idle",
            Fault::Transport { .. } => "transport",
            Fault::Cut { .. } => "cut",
            Fault::TooLarge { .. } => "too_large",
            Fault::Redirect { .. } => "redirect",
        }
    }

    /// The error this fault is again, for `provider` (whose endpoint `url` was asked).
    pub fn error(&self, provider: &str, url: &str) -> ProviderError {
        let provider = provider.to_string();
        match self.clone() {
            Fault::Connect { detail } => ProviderError::Connect { provider, url: url.to_string(), detail },
            Fault::ConnectTimeout { after_ms } => {
                ProviderError::ConnectTimeout { provider, url: url.to_string(), after: Duration::from_millis(after_ms) }
            }
            Fault::Idle { after_ms } => ProviderError::Idle { provider, after: Duration::from_millis(after_ms) },
            Fault::Transport { detail } => ProviderError::Transport { provider, detail },
            Fault::Cut { detail } => ProviderError::Cut { provider, detail },
            Fault::TooLarge { limit } => ProviderError::TooLarge { provider, limit },
            Fault::Redirect { from, to } => ProviderError::Redirect { provider, from, to },
        }
    }
}

/// The reason phrase for a status, including the ones `http` does not know.
pub fn status_text(status: u16) -> &'static str {
    match status {
        529 => "overloaded",
        _ => reqwest::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("unknown status"),
    }
}

/// Message fragments that providers use for a prompt that does not fit.
const CONTEXT_LENGTH_WORDS: &[&str] = &[
    "context length",
    "context window",
    "maximum context",
    "too many tokens",
    "prompt is too long",
    "input is too long",
];

impl ProviderError {
    pub fn provider(&self) -> &str {
        match self {
            Self::Connect { provider, .. }
            | Self::ConnectTimeout { provider, .. }
            | Self::Idle { provider, .. }
            | Self::Transport { provider, .. }
            | Self::Status { provider, .. }
            | Self::Garbage { provider, .. }
            | Self::Cut { provider, .. }
            | Self::TooLarge { provider, .. }
            | Self::Redirect { provider, .. }
            | Self::Key { provider, .. }
            | Self::ReplayMiss { provider, .. }
            | Self::Cassette { provider, .. } => provider,
        }
    }

    /// The transport failure this is, as a cassette keeps it: `None` for an answer
    /// (statuses and bodies are kept as answers) and for what happens before sending.
    pub fn fault(&self) -> Option<Fault> {
        Some(match self {
            Self::Connect { detail, .. } => Fault::Connect { detail: detail.clone() },
            Self::ConnectTimeout { after, .. } => Fault::ConnectTimeout { after_ms: millis(*after) },
            Self::Idle { after, .. } => Fault::Idle { after_ms: millis(*after) },
            Self::Transport { detail, .. } => Fault::Transport { detail: detail.clone() },
            Self::Cut { detail, .. } => Fault::Cut { detail: detail.clone() },
            Self::TooLarge { limit, .. } => Fault::TooLarge { limit: *limit },
            Self::Redirect { from, to, .. } => Fault::Redirect { from: from.clone(), to: to.clone() },
            Self::Status { .. }
            | Self::Garbage { .. }
            | Self::Key { .. }
            | Self::ReplayMiss { .. }
            | Self::Cassette { .. } => {
                return None;
            }
        })
    }

    /// Worth sending again to the same provider: load, a passing fault, a cut body.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Connect { .. }
            | Self::ConnectTimeout { .. }
            | Self::Idle { .. }
            | Self::Transport { .. }
            | Self::Cut { .. } => true,
            Self::Status { should_retry: Some(told), .. } => *told,
            Self::Status { status, code, .. } => {
                matches!(status, 408 | 409 | 429 | 500..=599) && code.as_deref() != Some("insufficient_quota")
            }
            Self::Garbage { .. }
            | Self::TooLarge { .. }
            | Self::Redirect { .. }
            | Self::Key { .. }
            | Self::ReplayMiss { .. }
            | Self::Cassette { .. } => false,
        }
    }

    /// Worth trying on a fallback provider: what is retryable, a wrong key or model,
    /// a quota, and a complete answer that is not a chat completion.
    pub fn fails_over(&self) -> bool {
        self.is_retryable()
            || matches!(self, Self::Garbage { .. })
            || matches!(self, Self::Status { status: 401 | 403 | 404, .. })
            || matches!(self, Self::Status { code: Some(code), .. } if code == "insufficient_quota")
    }

    /// A 400 that says the prompt does not fit the model's window.
    pub fn is_context_length(&self) -> bool {
        let Self::Status { status: 400 | 413, message, code, .. } = self else { return false };
        if code.as_deref() == Some("context_length_exceeded") {
            return true;
        }
        let lower = message.to_ascii_lowercase();
        CONTEXT_LENGTH_WORDS.iter().any(|w| lower.contains(w))
    }

    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Status { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The limit a context-length error states (`maximum context length is 8192
    /// tokens`), when it states one.
    pub fn stated_context_window(&self) -> Option<u64> {
        let Self::Status { message, .. } = self else { return None };
        let lower = message.to_ascii_lowercase();
        let start = CONTEXT_LENGTH_WORDS.iter().filter_map(|w| lower.find(w)).min()?;
        lower[start..].split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse::<u64>().ok()).find(|n| *n >= 256)
    }

    /// The `error_class` of `--json` and the history.
    pub fn class(&self) -> ErrorClass {
        match self {
            _ if self.is_context_length() => ErrorClass::ContextLength,
            Self::Status { status: 429, .. } => ErrorClass::RateLimited,
            Self::Status { status: 503 | 529, .. } => ErrorClass::Overloaded,
            Self::Status { status: 401 | 403, .. } | Self::Key { .. } => ErrorClass::Auth,
            Self::ReplayMiss { .. } | Self::Cassette { .. } => ErrorClass::ReplayMiss,
            Self::Status { status: 404, .. } => ErrorClass::NotFound,
            Self::Status { status: 500..=599, .. } => ErrorClass::ServerError,
            Self::Status { .. } | Self::Redirect { .. } => ErrorClass::ClientError,
            Self::Connect { .. } | Self::Transport { .. } => ErrorClass::Connect,
            // The headers came; the body broke: not a connection that failed to open.
            Self::Cut { .. } => ErrorClass::Cut,
            Self::ConnectTimeout { .. } | Self::Idle { .. } => ErrorClass::Timeout,
            Self::Garbage { .. } | Self::TooLarge { .. } => ErrorClass::Garbage,
        }
    }

    /// How a retry or failover line names the cause: the status, or the class.
    pub fn reason(&self) -> String {
        match self {
            Self::Status { status, .. } => status.to_string(),
            other => other.class().as_str().replace('_', " "),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(status: u16, code: Option<&str>, message: &str) -> ProviderError {
        ProviderError::Status {
            provider: "p".into(),
            status,
            message: message.into(),
            code: code.map(str::to_string),
            retry_after: None,
            should_retry: None,
        }
    }

    #[test]
    fn retry_and_failover_follow_the_status_table() {
        for (code, retry, over) in [
            (400, false, false),
            (401, false, true),
            (403, false, true),
            (404, false, true),
            (408, true, true),
            (409, true, true),
            (422, false, false),
            (429, true, true),
            (500, true, true),
            (503, true, true),
            (529, true, true),
        ] {
            let err = status(code, None, "x");
            assert_eq!(err.is_retryable(), retry, "{code} retry");
            assert_eq!(err.fails_over(), over, "{code} failover");
        }
        let quota = status(429, Some("insufficient_quota"), "billing");
        assert!(!quota.is_retryable() && quota.fails_over());
        let ProviderError::Status { provider, status: code, message, code: c, retry_after, .. } =
            status(400, None, "x")
        else {
            unreachable!()
        };
        let told =
            ProviderError::Status { provider, status: code, message, code: c, retry_after, should_retry: Some(true) };
        assert!(told.is_retryable(), "x-should-retry: true overrides the rule");
    }

    #[test]
    fn classes_and_stated_windows() {
        assert_eq!(status(429, None, "x").class().as_str(), "rate_limited");
        assert_eq!(status(529, None, "x").class().as_str(), "overloaded");
        assert_eq!(status(502, None, "x").class().as_str(), "server_error");
        assert_eq!(status(401, None, "x").class().as_str(), "auth");
        assert_eq!(status(404, None, "x").class().as_str(), "not_found");
        assert_eq!(status(422, None, "x").class().as_str(), "client_error");
        let err = status(400, None, "This model's maximum context length is 8192 tokens. However, you requested 9000");
        assert_eq!(err.class().as_str(), "context_length");
        assert_eq!(err.stated_context_window(), Some(8192));
    }

    #[test]
    fn context_length_is_recognised_by_code_or_words() {
        assert!(status(400, Some("context_length_exceeded"), "x").is_context_length());
        assert!(status(400, None, "This model's maximum context length is 8192 tokens").is_context_length());
        assert!(status(400, None, "prompt is too long: 200001 tokens").is_context_length());
        assert!(!status(400, None, "bad temperature").is_context_length());
        assert!(!status(500, None, "context window").is_context_length());
    }

    #[test]
    fn a_fault_names_its_kind_as_a_cassette_writes_it() {
        for fault in [
            Fault::Connect { detail: "x".into() },
            Fault::ConnectTimeout { after_ms: 1 },
            Fault::Idle { after_ms: 1 },
            Fault::Transport { detail: "x".into() },
            Fault::Cut { detail: "x".into() },
            Fault::TooLarge { limit: 1 },
            Fault::Redirect { from: "a".into(), to: "b".into() },
        ] {
            let written = serde_json::to_value(&fault).expect("json");
            assert_eq!(written["kind"], fault.kind());
        }
    }

    #[test]
    fn status_529_is_named_overloaded() {
        let text = status(529, None, "busy").to_string();
        assert_eq!(text, "provider `p` answered HTTP 529 overloaded: busy");
        assert_eq!(status(429, None, "slow").to_string(), "provider `p` answered HTTP 429 Too Many Requests: slow");
    }
}
