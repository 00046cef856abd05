//! The `[providers.*]` tables of providers.toml turned into [`Provider`]s, with
//! errors that name the file and line and never echo a value that may be a secret;
//! and the [`Registry`] that looks providers up. The file itself (reading, locking,
//! editing) is `config.rs`'s.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::redact::{SafeUrl, SecretString};
use super::{Endpoint, KeySource, MaxTokensField, Provider, ProviderKind, is_valid_id};
use crate::config_error::{ConfigError, invalid};

pub const MOCK_ID: &str = "mock";

/// One `[providers.ID]` table as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    name: Option<String>,
    #[serde(rename = "type")]
    kind: ProviderKind,
    endpoint: Option<String>,
    model: Option<String>,
    api_key_env: Option<String>,
    api_key_cmd: Option<String>,
    api_key: Option<SecretString>,
    temperature: Option<f64>,
    max_tokens: Option<u32>,
    max_tokens_field: Option<MaxTokensField>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    params: toml::Table,
    retries: Option<u32>,
    timeout: Option<DurationValue>,
    idle_timeout: Option<DurationValue>,
    connect_timeout: Option<DurationValue>,
    cooldown: Option<DurationValue>,
    #[serde(default)]
    fallbacks: Vec<String>,
    endpoints: Option<Vec<EndpointValue>>,
    rpm: Option<u32>,
    tpm: Option<u64>,
    context_window: Option<u64>,
    ca_cert: Option<std::path::PathBuf>,
    pricing: Option<PricingEntry>,
    #[serde(default)]
    cache: bool,
    budget_daily: Option<f64>,
    api: Option<super::Api>,
    structured_output: Option<crate::request::StructuredMode>,
    cassette: Option<std::path::PathBuf>,
}

/// `[providers.ID.pricing]`: USD per million tokens.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PricingEntry {
    input: f64,
    output: f64,
    cached_input: Option<f64>,
    batch_input: Option<f64>,
    batch_output: Option<f64>,
}

/// The highest price a `pricing` figure may name, USD per million tokens: far above
/// any model's, and low enough that no bounded usage costs an infinite amount.
const MAX_PRICE: f64 = 1_000_000.0;

/// A DURATION in providers.toml: a string (`"30s"`, `"1.5m"`) or a number of seconds.
#[derive(Deserialize)]
#[serde(untagged)]
enum DurationValue {
    Seconds(f64),
    Text(String),
}

/// One of `endpoints`: a URL, or `{ url = "...", weight = 2 }`.
#[derive(Deserialize)]
#[serde(untagged)]
enum EndpointValue {
    Url(String),
    Weighted {
        url: String,
        /// Any number, checked below: serde's own refusal of `-1` names no key.
        #[serde(default = "one")]
        weight: f64,
    },
}

fn one() -> f64 {
    1.0
}

/// The built-in offline provider: always present, never chosen in place of another.
pub fn builtin_mock() -> Provider {
    Provider {
        id: MOCK_ID.into(),
        name: "Built-in mock (offline, no model is called)".into(),
        kind: ProviderKind::Mock,
        endpoint: mock_endpoint(),
        endpoints: vec![Endpoint { url: mock_endpoint(), weight: 1 }],
        retries: None,
        timeout: None,
        idle_timeout: None,
        connect_timeout: None,
        cooldown: None,
        fallbacks: Vec::new(),
        rpm: None,
        tpm: None,
        context_window: None,
        ca_cert: None,
        pricing: None,
        cache: false,
        budget_daily: None,
        structured_output: crate::request::StructuredMode::JsonSchema,
        api: super::Api::Native,
        model: "mock".into(),
        key: KeySource::None,
        temperature: None,
        max_tokens: None,
        max_tokens_field: MaxTokensField::MaxTokens,
        headers: BTreeMap::new(),
        params: serde_json::Map::new(),
        builtin: true,
        cassette: None,
    }
}

fn replay_endpoint() -> SafeUrl {
    // A constant, not input: it always parses.
    SafeUrl::from_url(reqwest::Url::parse("replay://cassette").expect("a constant URL parses"))
}

fn mock_endpoint() -> SafeUrl {
    // A constant, not input: it always parses.
    SafeUrl::from_url(reqwest::Url::parse("mock://offline").expect("a constant URL parses"))
}

pub fn is_env_var_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Parse the `[providers.*]` tables of a whole file; errors name the file and line.
#[cfg(test)]
pub fn parse_providers(text: &str, path: &Path) -> Result<Vec<Provider>, ConfigError> {
    #[derive(Deserialize)]
    struct ProvidersOnly {
        #[serde(default)]
        providers: BTreeMap<String, toml::Spanned<Entry>>,
    }
    let doc: ProvidersOnly = toml::from_str(text).map_err(|err| invalid(path, text, err.span(), err.message()))?;
    providers_from(doc.providers, text, path)
}

/// Turn parsed `[providers.*]` tables into providers, checking what serde cannot;
/// `text` and `path` are for the file and line in errors.
pub fn providers_from(
    entries: BTreeMap<String, toml::Spanned<Entry>>,
    text: &str,
    path: &Path,
) -> Result<Vec<Provider>, ConfigError> {
    let mut providers = Vec::new();
    let mut spans = Vec::new();
    for (id, spanned) in entries {
        let span = Some(spanned.span());
        let fail = |message: String| invalid(path, text, span.clone(), &message);
        let entry = spanned.into_inner();
        if id == MOCK_ID {
            return Err(fail(format!(
                "the id `{MOCK_ID}` is reserved for the built-in mock provider; pick another id"
            )));
        }
        if !is_valid_id(&id) {
            return Err(fail(format!(
                "invalid provider id `{id}`: use letters, digits, `.`, `_` or `-`, starting with a letter or digit, at most 64 characters"
            )));
        }
        let key = match (entry.api_key_env, entry.api_key_cmd, entry.api_key) {
            (None, None, None) => KeySource::None,
            (Some(var), None, None) => {
                // A key pasted here by mistake must not be echoed back anywhere.
                if !is_env_var_name(&var) {
                    return Err(fail(format!(
                        "[providers.{id}] api_key_env must name an environment variable such as OPENAI_API_KEY (the value is not shown; if it is a key, rotate it)"
                    )));
                }
                KeySource::Env(var)
            }
            (None, Some(cmd), None) => KeySource::Cmd(cmd),
            (None, None, Some(key)) => KeySource::Literal(key),
            _ => {
                return Err(fail(format!(
                    "[providers.{id}] sets more than one of api_key_env, api_key_cmd, api_key; keep one"
                )));
            }
        };
        let model = match (entry.model, entry.kind) {
            (Some(model), _) if !model.trim().is_empty() => model,
            (_, ProviderKind::Mock) => "mock".to_string(),
            _ => return Err(fail(format!("[providers.{id}] needs a `model`"))),
        };
        let parse_url = |raw: &str, what: &str| match SafeUrl::parse(raw.trim()) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(url),
            // The value is not echoed: an endpoint may carry credentials.
            _ => Err(fail(format!("[providers.{id}] {what} is not an http(s) URL (e.g. https://api.openai.com/v1)"))),
        };
        let endpoints: Vec<Endpoint> = match (entry.endpoint, entry.endpoints, entry.kind) {
            (Some(_), Some(_), _) => {
                return Err(fail(format!("[providers.{id}] sets both `endpoint` and `endpoints`; keep one")));
            }
            (Some(endpoint), None, _) => vec![Endpoint { url: parse_url(&endpoint, "endpoint")?, weight: 1 }],
            (None, Some(list), _) => {
                if list.is_empty() {
                    return Err(fail(format!("[providers.{id}] `endpoints` is empty")));
                }
                let mut endpoints = Vec::with_capacity(list.len());
                for (index, value) in list.into_iter().enumerate() {
                    let (raw, weight) = match value {
                        EndpointValue::Url(url) => (url, 1.0),
                        EndpointValue::Weighted { url, weight } => (url, weight),
                    };
                    if !(weight >= 1.0 && weight <= f64::from(u32::MAX) && weight.fract() == 0.0) {
                        return Err(fail(format!(
                            "[providers.{id}] endpoints[{index}] weight must be a whole number from 1 to {}, not {weight}",
                            u32::MAX
                        )));
                    }
                    let weight = weight as u32;
                    endpoints.push(Endpoint { url: parse_url(&raw, &format!("endpoints[{index}]"))?, weight });
                }
                endpoints
            }
            (None, None, ProviderKind::Mock) => vec![Endpoint { url: mock_endpoint(), weight: 1 }],
            (None, None, ProviderKind::Replay) => vec![Endpoint { url: replay_endpoint(), weight: 1 }],
            (None, None, _) => {
                return Err(fail(format!("[providers.{id}] needs an `endpoint` (e.g. https://api.openai.com/v1)")));
            }
        };
        let duration = |value: Option<DurationValue>, key: &str| -> Result<Option<std::time::Duration>, ConfigError> {
            let Some(value) = value else { return Ok(None) };
            let parsed = match &value {
                DurationValue::Seconds(secs) => crate::units::duration_from_secs(*secs),
                DurationValue::Text(text) => crate::units::parse_duration(text),
            };
            match parsed {
                Some(d) => Ok(Some(d)),
                None => Err(fail(format!(
                    "[providers.{id}] {key} must be a duration such as \"30s\", \"1.5m\" or a number of seconds"
                ))),
            }
        };
        let timeout = duration(entry.timeout, "timeout")?;
        if timeout.is_some_and(|d| d.is_zero()) {
            return Err(fail(format!("[providers.{id}] timeout must be more than 0")));
        }
        let idle_timeout = duration(entry.idle_timeout, "idle_timeout")?;
        let connect_timeout = duration(entry.connect_timeout, "connect_timeout")?;
        for (key, value) in [("idle_timeout", idle_timeout), ("connect_timeout", connect_timeout)] {
            if value.is_some_and(|d| d.is_zero()) {
                return Err(fail(format!("[providers.{id}] {key} must be more than 0")));
            }
        }
        let cooldown = duration(entry.cooldown, "cooldown")?;
        if entry.rpm == Some(0) || entry.tpm == Some(0) {
            return Err(fail(format!("[providers.{id}] rpm and tpm must be at least 1 (leave them out for no limit)")));
        }
        if entry.context_window == Some(0) {
            return Err(fail(format!("[providers.{id}] context_window must be at least 1")));
        }
        if let Some(ca) = &entry.ca_cert {
            let pem = crate::files::read_capped(ca, crate::files::MAX_CERT_FILE, "read").map_err(|err| match err {
                crate::files::ReadError::Io(err) => {
                    fail(format!("[providers.{id}] ca_cert {} cannot be read: {}", ca.display(), err.source))
                }
                other => fail(format!("[providers.{id}] ca_cert {other}")),
            })?;
            if reqwest::Certificate::from_pem_bundle(&pem).map_or(true, |certs| certs.is_empty()) {
                return Err(fail(format!("[providers.{id}] ca_cert {} holds no PEM certificate", ca.display())));
            }
        }
        let pricing = match &entry.pricing {
            None => None,
            Some(p)
                if [Some(p.input), Some(p.output), p.cached_input, p.batch_input, p.batch_output]
                    .iter()
                    .flatten()
                    .all(|v| (0.0..=MAX_PRICE).contains(v)) =>
            {
                Some(super::Price {
                    input: p.input,
                    output: p.output,
                    cached_input: p.cached_input,
                    context_window: None,
                    batch_input: p.batch_input,
                    batch_output: p.batch_output,
                })
            }
            Some(_) => {
                return Err(fail(format!(
                    "[providers.{id}] pricing figures must be 0 or more and at most {MAX_PRICE} (USD per million tokens)"
                )));
            }
        };
        let budget_daily = match entry.budget_daily {
            None => None,
            Some(usd) if usd.is_finite() && usd >= 0.0 => Some(usd),
            Some(_) => return Err(fail(format!("[providers.{id}] budget_daily must be 0 or more (USD a UTC day)"))),
        };
        for fallback in &entry.fallbacks {
            if fallback == &id {
                return Err(fail(format!("[providers.{id}] lists itself in `fallbacks`")));
            }
            if fallback == MOCK_ID {
                return Err(fail(format!(
                    "[providers.{id}] fallback `{MOCK_ID}` is the offline mock: a failed task must never succeed with a mock answer"
                )));
            }
        }
        if let Some(t) = entry.temperature
            && !(0.0..=crate::request::Temperature::MAX).contains(&t)
        {
            return Err(fail(format!("[providers.{id}] temperature {t} is outside 0 to 2")));
        }
        let cassette = match (entry.cassette, entry.kind) {
            (None, ProviderKind::Replay) => {
                return Err(fail(format!(
                    "[providers.{id}] needs a `cassette`: the file `--record FILE` wrote, which it answers from"
                )));
            }
            (Some(_), kind) if kind != ProviderKind::Replay => {
                return Err(fail(format!(
                    "[providers.{id}] `cassette` is only for type = \"replay\"; to replay any provider, pass `--replay FILE`"
                )));
            }
            // Relative to the file that names it, so a committed providers.toml and
            // its cassettes move together.
            (Some(file), _) => Some(path.parent().map_or_else(|| file.clone(), |dir| dir.join(&file))),
            (None, _) => None,
        };
        if entry.api.is_some() && entry.kind != ProviderKind::Anthropic {
            return Err(fail(format!("[providers.{id}] `api` is only for type = \"anthropic\"")));
        }
        let protocol = super::protocols::of(entry.kind, entry.api.unwrap_or_default());
        let max = protocol.capabilities().max_temperature;
        if entry.temperature.is_some_and(|t| t > max) {
            return Err(fail(format!(
                "[providers.{id}] temperature above {max} is refused by {} (0 to {max})",
                protocol.api_words()
            )));
        }
        if entry.max_tokens == Some(0) {
            return Err(fail(format!("[providers.{id}] max_tokens must be at least 1")));
        }
        for (name, header_value) in &entry.headers {
            if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
                return Err(fail(format!("[providers.{id}] header name `{name}` is not a valid HTTP header name")));
            }
            if reqwest::header::HeaderValue::from_str(header_value).is_err() {
                return Err(fail(format!(
                    "[providers.{id}] the value of header `{name}` has characters a header cannot carry (line breaks, control characters)"
                )));
            }
        }
        if let Some((reserved, instead)) = super::protocols::of(entry.kind, entry.api.unwrap_or_default())
            .reserved_params()
            .iter()
            .find(|(k, _)| entry.params.contains_key(*k))
        {
            return Err(fail(format!("[providers.{id}] params may not set `{reserved}`; use {instead}")));
        }
        let Ok(serde_json::Value::Object(params)) = serde_json::to_value(&entry.params) else {
            return Err(fail(format!("[providers.{id}] params cannot be sent as JSON")));
        };
        providers.push(Provider {
            name: entry.name.unwrap_or_else(|| id.clone()),
            id,
            kind: entry.kind,
            endpoint: endpoints[0].url.clone(),
            endpoints,
            model,
            key,
            temperature: entry.temperature,
            max_tokens: entry.max_tokens,
            max_tokens_field: entry.max_tokens_field.unwrap_or(MaxTokensField::MaxTokens),
            headers: entry.headers,
            params,
            builtin: false,
            cassette,
            retries: entry.retries,
            timeout,
            idle_timeout,
            connect_timeout,
            cooldown,
            fallbacks: entry.fallbacks,
            rpm: entry.rpm,
            tpm: entry.tpm,
            context_window: entry.context_window,
            ca_cert: entry.ca_cert,
            pricing,
            cache: entry.cache,
            budget_daily,
            structured_output: entry.structured_output.unwrap_or_default(),
            api: entry.api.unwrap_or_default(),
        });
        spans.push(span.clone());
    }
    // Fallbacks name providers of this file, and never a mock one.
    for (provider, span) in providers.iter().zip(&spans) {
        for fallback in &provider.fallbacks {
            let fail = |message: String| invalid(path, text, span.clone(), &message);
            match providers.iter().find(|p| &p.id == fallback) {
                None => {
                    return Err(fail(format!(
                        "[providers.{}] fallback `{fallback}` is not a provider in this file",
                        provider.id
                    )));
                }
                Some(target) if target.kind == ProviderKind::Mock => {
                    return Err(fail(format!(
                        "[providers.{}] fallback `{fallback}` is a mock provider: a failed task must never succeed with a mock answer",
                        provider.id
                    )));
                }
                Some(_) => {}
            }
        }
    }
    Ok(providers)
}

/// The providers of one invocation, the built-in mock last.
#[derive(Debug)]
pub struct Registry {
    providers: Vec<Provider>,
    /// Where a provider would have been found, for "not found" messages.
    place: String,
}

impl Registry {
    pub fn new(mut providers: Vec<Provider>, place: String) -> Self {
        providers.push(builtin_mock());
        Self { providers, place }
    }

    /// `--replay FILE`: every provider but the offline mocks answers from `cassette`.
    pub fn replay_all(&mut self, cassette: &Path) {
        for provider in &mut self.providers {
            if provider.kind != ProviderKind::Mock {
                provider.cassette = Some(cassette.to_path_buf());
            }
        }
    }

    pub fn all(&self) -> &[Provider] {
        &self.providers
    }

    pub fn get(&self, id: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.id == id)
    }

    pub fn place(&self) -> &str {
        &self.place
    }

    pub fn require(&self, id: &str) -> Result<&Provider, ConfigError> {
        self.get(id).ok_or_else(|| ConfigError::UnknownProvider { id: id.to_string(), place: self.place.clone() })
    }
}

/// A known service `provider add --preset` fills in.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    pub name: &'static str,
    pub kind: ProviderKind,
    pub endpoint: &'static str,
    pub key_env: Option<&'static str>,
    /// A cheap, current, non-reasoning chat model in the price table; `None` for
    /// local servers, whose models are the user's.
    pub model: Option<&'static str>,
    pub max_tokens_field: Option<MaxTokensField>,
}

const fn preset(
    name: &'static str,
    kind: ProviderKind,
    endpoint: &'static str,
    key_env: Option<&'static str>,
    model: Option<&'static str>,
) -> Preset {
    Preset { name, kind, endpoint, key_env, model, max_tokens_field: None }
}

pub const PRESETS: &[Preset] = &[
    Preset {
        max_tokens_field: Some(MaxTokensField::MaxCompletionTokens),
        ..preset(
            "openai",
            ProviderKind::Openai,
            "https://api.openai.com/v1",
            Some("OPENAI_API_KEY"),
            Some("gpt-4o-mini"),
        )
    },
    preset(
        "anthropic",
        ProviderKind::Anthropic,
        "https://api.anthropic.com/v1",
        Some("ANTHROPIC_API_KEY"),
        Some("claude-haiku-4-5"),
    ),
    preset("ollama", ProviderKind::Local, "http://localhost:11434/v1", None, None),
    preset("vllm", ProviderKind::Local, "http://localhost:8000/v1", None, None),
    preset("lmstudio", ProviderKind::Local, "http://localhost:1234/v1", None, None),
    preset(
        "openrouter",
        ProviderKind::Openai,
        "https://openrouter.ai/api/v1",
        Some("OPENROUTER_API_KEY"),
        Some("openai/gpt-4o-mini"),
    ),
    preset(
        "groq",
        ProviderKind::Openai,
        "https://api.groq.com/openai/v1",
        Some("GROQ_API_KEY"),
        Some("openai/gpt-oss-20b"),
    ),
    preset(
        "together",
        ProviderKind::Openai,
        "https://api.together.xyz/v1",
        Some("TOGETHER_API_KEY"),
        Some("meta-llama/Llama-3.2-3B-Instruct"),
    ),
    preset(
        "deepseek",
        ProviderKind::Openai,
        "https://api.deepseek.com/v1",
        Some("DEEPSEEK_API_KEY"),
        Some("deepseek-chat"),
    ),
    preset(
        "mistral",
        ProviderKind::Openai,
        "https://api.mistral.ai/v1",
        Some("MISTRAL_API_KEY"),
        Some("ministral-8b-latest"),
    ),
];

pub fn find_preset(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

/// What `provider add` writes.
pub struct NewProvider {
    pub id: String,
    pub kind: ProviderKind,
    pub endpoint: Option<String>,
    pub model: Option<String>,
    pub name: Option<String>,
    pub api_key_env: Option<String>,
    pub api_key_cmd: Option<String>,
    pub max_tokens_field: Option<MaxTokensField>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_err(text: &str) -> String {
        match parse_providers(text, Path::new("p.toml")) {
            Ok(_) => panic!("expected an error for {text}"),
            Err(err) => err.to_string(),
        }
    }

    #[test]
    fn unknown_key_names_file_line_and_key() {
        let err =
            parse_err("[providers.a]\ntype = \"openai\"\nendpoint = \"http://x/v1\"\nmodel = \"m\"\ntempreature = 1\n");
        assert!(err.starts_with("p.toml:5: unknown key `tempreature`"), "{err}");
    }

    #[test]
    fn unknown_type_and_duplicate_ids_are_errors() {
        let err = parse_err("[providers.a]\ntype = \"grpc\"\nmodel = \"m\"\n");
        // The unknown value is not echoed: it may be a key pasted into the wrong place.
        assert!(err.contains("p.toml:2") && err.contains("unknown value") && !err.contains("grpc"), "{err}");
        let err = parse_err("[providers.a]\ntype = \"mock\"\n[providers.a]\ntype = \"mock\"\n");
        assert!(err.contains("p.toml:3") && err.contains("duplicate"), "{err}");
    }

    #[test]
    fn reserved_and_invalid_ids_and_key_conflicts() {
        assert!(parse_err("[providers.mock]\ntype=\"mock\"\n").contains("reserved"));
        assert!(parse_err("[providers.\"a b\"]\ntype=\"mock\"\n").contains("invalid provider id"));
        assert!(
            parse_err(
                "[providers.a]\ntype=\"openai\"\nendpoint=\"http://x\"\nmodel=\"m\"\napi_key_env=\"A\"\napi_key=\"k\"\n"
            )
            .contains("more than one")
        );
        assert!(parse_err("[providers.a]\ntype=\"openai\"\nendpoint=\"http://x\"\n").contains("needs a `model`"));
        assert!(
            parse_err("[providers.a]\ntype=\"openai\"\nendpoint=\"ftp://x\"\nmodel=\"m\"\n")
                .contains("not an http(s) URL")
        );
        let providers = parse_providers("[providers.offline]\ntype=\"mock\"\n", Path::new("p.toml")).expect("mock");
        assert_eq!(providers[0].model, "mock");
    }

    #[test]
    fn bad_headers_and_reserved_params_are_refused_at_load() {
        let base = "[providers.a]\ntype=\"openai\"\nendpoint=\"http://x/v1\"\nmodel=\"m\"\n";
        let err = parse_err(&format!("{base}headers = {{ \"Bad Name\" = \"x\" }}\n"));
        assert!(err.starts_with("p.toml:1:") && err.contains("`Bad Name`"), "{err}");
        let err = parse_err(&format!("{base}headers = {{ \"X-Key\" = \"a\\nb\" }}\n"));
        assert!(err.contains("`X-Key`") && err.contains("cannot carry"), "{err}");
        for (key, instead) in [
            ("temperature", "`temperature`"),
            ("max_tokens", "`max_tokens`"),
            ("max_completion_tokens", "max_tokens_field"),
        ] {
            let err = parse_err(&format!("{base}params = {{ {key} = 1 }}\n"));
            assert!(err.contains(&format!("may not set `{key}`")) && err.contains(instead), "{err}");
        }
    }

    #[test]
    fn hosted_presets_are_priced_and_local_ones_need_a_model() {
        for preset in PRESETS {
            let mut provider = builtin_mock();
            provider.kind = preset.kind;
            provider.endpoint = SafeUrl::parse(preset.endpoint).expect("url");
            match preset.model {
                Some(model) => {
                    let (price, _) = crate::pricing::lookup(&provider, None, model);
                    assert!(price.is_some(), "preset {} model {model} has no price", preset.name);
                    assert!(preset.key_env.is_some(), "{}", preset.name);
                }
                None => assert_eq!(preset.kind, ProviderKind::Local, "{}", preset.name),
            }
        }
        assert_eq!(PRESETS.len(), 10);
    }

    #[test]
    fn full_entry_parses() {
        let text = r#"
[providers.router]
name = "Router"
type = "custom"
endpoint = "https://example.test/api/v1/?api-version=2"
model = "m"
api_key_cmd = "pass show x"
temperature = 0.2
max_tokens = 50
max_tokens_field = "max_completion_tokens"
headers = { "HTTP-Referer" = "https://agentry.test" }
params = { seed = 7, top_p = 0.9 }
"#;
        let providers = parse_providers(text, Path::new("p.toml")).expect("parses");
        let p = &providers[0];
        assert_eq!(
            p.endpoint.join("chat/completions").expose().as_str(),
            "https://example.test/api/v1/chat/completions?api-version=2"
        );
        assert_eq!(p.max_tokens_field, MaxTokensField::MaxCompletionTokens);
        assert_eq!(p.params["seed"], 7);
        assert_eq!(p.headers["HTTP-Referer"], "https://agentry.test");
        assert_eq!(p.key.label(), "cmd");
    }
}
