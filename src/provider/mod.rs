//! Providers: what a configured chat-completion endpoint is, and the one call path
//! (`complete`) every task goes through. `registry` reads and edits providers.toml,
//! `openai` speaks the OpenAI chat-completions API over HTTP, `mock` answers offline.
//! New protocols (a native Anthropic client) plug in as another arm of [`complete`].

pub mod mock;
pub mod openai;
pub mod registry;

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaxTokensField {
    MaxTokens,
    MaxCompletionTokens,
}

/// A secret that never shows in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct SecretString(String);

impl SecretString {
    pub fn new(value: String) -> Self {
        Self(value)
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("(redacted)")
    }
}

#[derive(Debug, Clone)]
pub enum KeySource {
    None,
    Env(String),
    Cmd(String),
    Literal(SecretString),
}

impl KeySource {
    /// How `provider list` describes it: never the key itself.
    pub fn label(&self) -> String {
        match self {
            KeySource::None => "none".into(),
            KeySource::Env(var) => format!("env:{var}"),
            KeySource::Cmd(_) => "cmd".into(),
            KeySource::Literal(_) => "file".into(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Provider {
    pub id: String,
    pub name: String,
    pub kind: ProviderKind,
    /// Base URL with its version prefix and without a trailing slash.
    pub endpoint: String,
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
    pub fn url(&self, path: &str) -> String {
        format!("{}/{}", self.endpoint.trim_end_matches('/'), path.trim_start_matches('/'))
    }
}

#[derive(Debug, Serialize)]
pub struct ProviderView {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ProviderKind,
    pub endpoint: Option<String>,
    pub model: String,
    pub key_source: String,
    pub builtin: bool,
}

impl From<&Provider> for ProviderView {
    fn from(p: &Provider) -> Self {
        Self {
            id: p.id.clone(),
            name: p.name.clone(),
            kind: p.kind,
            endpoint: (p.kind != ProviderKind::Mock).then(|| p.endpoint.clone()),
            model: p.model.clone(),
            key_source: p.key.label(),
            builtin: p.builtin,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Message {
    pub role: &'static str,
    pub content: String,
}

/// What a task asks of a provider, before it is shaped into a protocol's request.
#[derive(Debug, Clone)]
pub struct ChatRequest {
    pub model: String,
    pub messages: Vec<Message>,
    pub temperature: Option<f64>,
    pub max_tokens: Option<u32>,
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub total_tokens: u64,
    pub estimated: bool,
}

#[derive(Debug, Clone)]
pub struct ChatResponse {
    pub content: String,
    pub finish_reason: Option<String>,
    pub model: Option<String>,
    pub usage: Usage,
}

/// The token estimate used when a server sends no usage: ceil(UTF-8 bytes / 4).
pub fn estimate_tokens(text: &str) -> u64 {
    (text.len() as u64).div_ceil(4)
}

pub fn estimate_usage(messages: &[Message], completion: &str) -> Usage {
    let prompt_tokens = messages.iter().map(|m| estimate_tokens(&m.content)).sum();
    let completion_tokens = estimate_tokens(completion);
    Usage { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens, estimated: true }
}

/// A provider id or agent name: `[A-Za-z0-9][A-Za-z0-9._-]{0,63}`.
pub fn is_valid_id(id: &str) -> bool {
    let bytes = id.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 64
        && bytes[0].is_ascii_alphanumeric()
        && bytes.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
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
    fn url_joins_without_double_slash() {
        let mut p = registry::builtin_mock();
        p.endpoint = "http://h/v1/".into();
        assert_eq!(p.url("chat/completions"), "http://h/v1/chat/completions");
        p.endpoint = "http://h/v1".into();
        assert_eq!(p.url("/models"), "http://h/v1/models");
    }

    #[test]
    fn secret_debug_is_redacted() {
        let s = SecretString::new("sk-very-secret".into());
        assert_eq!(format!("{s:?}"), "(redacted)");
    }
}
