//! Providers: what a configured chat-completion endpoint is, and the one dispatch
//! ([`Client`]) through which every request goes: `task run`, `--dry-run` and
//! `provider models` alike. Each wire protocol is one module behind [`Route`]
//! (`openai`, and the offline `mock`); a new protocol is a new module and one arm
//! here. The transport (`http`) is the only code that touches the network, and
//! `redact` the only place that decides what of a body may be shown.
//!
//! This layer returns typed [`ProviderError`]s and never picks an exit code.

pub mod credentials;
pub mod error;
pub mod http;
pub mod mock;
pub mod openai;
pub mod redact;
pub mod registry;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use credentials::{KeyCache, KeySource};
pub use error::ProviderError;
use http::{Trace, Transport, TransportSettings, WireRequest};
use redact::{Redactor, SafeUrl, is_harmless_header};

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

#[derive(Debug, Clone)]
pub struct Provider {
    pub id: String,
    pub name: String,
    pub kind: ProviderKind,
    /// Base URL with its version prefix; prints itself without credentials.
    pub endpoint: SafeUrl,
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
    pub fn has_key(&self) -> bool {
        !matches!(self.key, KeySource::None)
    }

    /// Everything of this provider that must never be shown: the key, the values
    /// of headers that may carry secrets, and credentials in the endpoint URL.
    pub fn redactor(&self, key: Option<&redact::SecretString>) -> Redactor {
        let mut secrets: Vec<String> = key.map(|k| k.expose().to_string()).into_iter().collect();
        if let KeySource::Literal(literal) = &self.key {
            secrets.push(literal.expose().to_string());
        }
        secrets.extend(self.headers.iter().filter(|(name, _)| !is_harmless_header(name)).map(|(_, v)| v.clone()));
        secrets.extend(self.endpoint.secrets());
        Redactor::new(secrets)
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
            endpoint: (route(p) != Route::Mock).then(|| p.endpoint.to_string()),
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

/// What a task asks of a provider, before a protocol shapes it into a request.
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

#[derive(Debug, Clone, Serialize)]
pub struct ModelInfo {
    pub id: String,
    pub owned_by: Option<String>,
}

/// The token estimate used when a server sends no usable usage: ceil(UTF-8 bytes / 4).
pub fn estimate_tokens(text: &str) -> u64 {
    (text.len() as u64).div_ceil(4)
}

pub fn estimate_usage(messages: &[Message], completion: &str) -> Usage {
    let prompt_tokens = messages.iter().map(|m| estimate_tokens(&m.content)).fold(0u64, u64::saturating_add);
    let completion_tokens = estimate_tokens(completion);
    Usage {
        prompt_tokens,
        completion_tokens,
        total_tokens: prompt_tokens.saturating_add(completion_tokens),
        estimated: true,
    }
}

/// A provider id or agent name: `[A-Za-z0-9][A-Za-z0-9._-]{0,63}`.
pub fn is_valid_id(id: &str) -> bool {
    let bytes = id.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 64
        && bytes[0].is_ascii_alphanumeric()
        && bytes.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Which protocol module speaks for a provider. The only branch on the kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    OpenAi,
    Mock,
}

pub fn route(provider: &Provider) -> Route {
    match provider.kind {
        ProviderKind::Mock => Route::Mock,
        ProviderKind::Openai | ProviderKind::Anthropic | ProviderKind::Local | ProviderKind::Custom => Route::OpenAi,
    }
}

/// Talks to providers for one invocation: one transport (built only when a request
/// will go out), keys resolved at most once.
pub struct Client {
    settings: TransportSettings,
    trace: Option<Trace>,
    transport: Option<Transport>,
    keys: KeyCache,
}

impl Client {
    pub fn new(settings: TransportSettings, trace: Option<Trace>) -> Self {
        Self { settings, trace, transport: None, keys: KeyCache::default() }
    }

    /// The request a chat call would send, for `--dry-run` (the mock shows the
    /// OpenAI shape it answers offline).
    pub fn chat_request(provider: &Provider, request: &ChatRequest) -> WireRequest {
        match route(provider) {
            Route::OpenAi | Route::Mock => openai::chat(provider, request),
        }
    }

    /// Whether a call would go over the network (and so needs a key and a writable
    /// state folder before it is sent).
    pub fn is_offline(provider: &Provider) -> bool {
        route(provider) == Route::Mock
    }

    /// Everything that can fail before a request goes out: the key variable, the key
    /// command, the HTTP client. Errors here mean the call was never attempted.
    pub async fn prepare(&mut self, provider: &Provider) -> Result<(), ProviderError> {
        if route(provider) == Route::Mock {
            return Ok(());
        }
        self.keys.get(provider).await?;
        if self.transport.is_none() {
            let transport = Transport::new(self.settings, self.trace.clone()).map_err(|err| match err {
                ProviderError::Transport { detail, .. } => {
                    ProviderError::Transport { provider: provider.id.clone(), detail }
                }
                other => other,
            })?;
            self.transport = Some(transport);
        }
        Ok(())
    }

    async fn send(
        &mut self,
        provider: &Provider,
        wire: &WireRequest,
    ) -> Result<(http::WireResponse, Redactor), ProviderError> {
        self.prepare(provider).await?;
        let key = self.keys.get(provider).await?;
        let redactor = provider.redactor(key.as_ref());
        let Some(transport) = &self.transport else {
            return Err(ProviderError::Transport { provider: provider.id.clone(), detail: "no HTTP client".into() });
        };
        let response = transport.send(&provider.id, wire, key.as_ref(), &redactor).await?;
        Ok((response, redactor))
    }

    pub async fn complete(
        &mut self,
        provider: &Provider,
        request: &ChatRequest,
    ) -> Result<ChatResponse, ProviderError> {
        match route(provider) {
            Route::Mock => Ok(mock::complete(request)),
            Route::OpenAi => {
                let wire = openai::chat(provider, request);
                let (response, redactor) = self.send(provider, &wire).await?;
                openai::parse_chat(provider, request, &response, &redactor)
            }
        }
    }

    pub async fn models(&mut self, provider: &Provider) -> Result<Vec<ModelInfo>, ProviderError> {
        match route(provider) {
            Route::Mock => Ok(mock::models()),
            Route::OpenAi => {
                let wire = openai::models(provider);
                let (response, redactor) = self.send(provider, &wire).await?;
                openai::parse_models(provider, &response, &redactor)
            }
        }
    }
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
    fn provider_headers_replace_defaults_and_the_key_header() {
        let mut provider = registry::builtin_mock();
        provider.key = KeySource::Env("K".into());
        provider.headers.insert("authorization".into(), "Token abc".into());
        provider.headers.insert("content-type".into(), "application/json; charset=utf-8".into());
        let wire = openai::chat(
            &provider,
            &ChatRequest { model: "m".into(), messages: vec![], temperature: None, max_tokens: None },
        );
        assert_eq!(wire.auth, http::Auth::None);
        let names: Vec<String> = wire.headers.iter().map(|(k, _)| k.to_ascii_lowercase()).collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(names.len(), unique.len(), "{names:?}");
        assert!(wire.headers.contains(&("content-type".into(), "application/json; charset=utf-8".into())));
    }
}
