//! The OpenAI chat-completions protocol over HTTP: shaping the request (also for
//! `--dry-run`), resolving the API key, sending, and reading the answer, with every
//! failure mapped to an exit code and a message that never contains the key.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{ChatRequest, ChatResponse, KeySource, MaxTokensField, Provider, SecretString, Usage, estimate_usage};
use crate::error::{Exit, Failure};
use crate::output::Printer;

const KEY_CMD_TIMEOUT: Duration = Duration::from_secs(10);
const REDACTED: &str = "(redacted)";

/// The request exactly as it goes on the wire, minus the key (added at send time).
#[derive(Debug, Serialize)]
pub struct HttpRequest {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: serde_json::Value,
    #[serde(skip)]
    pub wants_key: bool,
}

impl HttpRequest {
    /// Headers as they would be sent, with the key and secret-looking values redacted.
    pub fn redacted_headers(&self) -> Vec<(String, String)> {
        let mut headers: Vec<(String, String)> = Vec::new();
        if self.wants_key {
            headers.push(("Authorization".into(), format!("Bearer {REDACTED}")));
        }
        for (name, value) in &self.headers {
            let shown = if is_sensitive_header(name) { REDACTED.to_string() } else { value.clone() };
            headers.push((name.clone(), shown));
        }
        headers
    }
}

fn is_sensitive_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["authorization", "key", "token", "secret", "cookie", "password"].iter().any(|word| lower.contains(word))
}

pub fn chat_request(provider: &Provider, request: &ChatRequest) -> HttpRequest {
    let mut body = serde_json::Map::new();
    body.insert("model".into(), request.model.clone().into());
    body.insert("messages".into(), serde_json::to_value(&request.messages).unwrap_or_default());
    if let Some(temperature) = request.temperature {
        body.insert("temperature".into(), temperature.into());
    }
    if let Some(max_tokens) = request.max_tokens {
        let field = match provider.max_tokens_field {
            MaxTokensField::MaxTokens => "max_tokens",
            MaxTokensField::MaxCompletionTokens => "max_completion_tokens",
        };
        body.insert(field.into(), max_tokens.into());
    }
    for (key, value) in &provider.params {
        body.entry(key.clone()).or_insert_with(|| value.clone());
    }
    let mut headers = vec![("Content-Type".to_string(), "application/json".to_string())];
    headers.extend(provider.headers.iter().map(|(k, v)| (k.clone(), v.clone())));
    HttpRequest {
        method: "POST",
        url: provider.url("chat/completions"),
        headers,
        body: serde_json::Value::Object(body),
        wants_key: !matches!(provider.key, KeySource::None),
    }
}

/// Fails early, before any request, when a key variable is unset.
pub fn check_key_available(provider: &Provider) -> anyhow::Result<()> {
    if let KeySource::Env(var) = &provider.key {
        match std::env::var(var) {
            Ok(value) if !value.trim().is_empty() => {}
            _ => {
                return Err(Failure::usage(format!(
                    "environment variable {var} is not set; provider `{}` reads its API key from it",
                    provider.id
                ))
                .hint(format!("export {var}=… or change api_key_env for [providers.{}]", provider.id))
                .into());
            }
        }
    }
    Ok(())
}

/// Resolves keys at most once per invocation, and only when a request is about to go out.
#[derive(Default)]
pub struct KeyCache {
    keys: HashMap<String, Option<SecretString>>,
}

impl KeyCache {
    pub async fn get(&mut self, provider: &Provider) -> anyhow::Result<Option<SecretString>> {
        if let Some(key) = self.keys.get(&provider.id) {
            return Ok(key.clone());
        }
        let key = match &provider.key {
            KeySource::None => None,
            KeySource::Literal(key) => Some(key.clone()),
            KeySource::Env(var) => {
                check_key_available(provider)?;
                std::env::var(var).ok().map(|v| SecretString::new(v.trim().to_string()))
            }
            KeySource::Cmd(cmd) => Some(run_key_command(&provider.id, cmd).await?),
        };
        self.keys.insert(provider.id.clone(), key.clone());
        Ok(key)
    }
}

async fn run_key_command(provider_id: &str, cmd: &str) -> anyhow::Result<SecretString> {
    let mut command = if cfg!(windows) {
        let mut c = tokio::process::Command::new("cmd");
        c.arg("/C").arg(cmd);
        c
    } else {
        let mut c = tokio::process::Command::new("sh");
        c.arg("-c").arg(cmd);
        c
    };
    command
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true);
    let child = command
        .spawn()
        .map_err(|err| Failure::usage(format!("api_key_cmd for provider `{provider_id}` could not start: {err}")))?;
    let output = match tokio::time::timeout(KEY_CMD_TIMEOUT, child.wait_with_output()).await {
        Ok(Ok(output)) => output,
        Ok(Err(err)) => {
            return Err(Failure::usage(format!("api_key_cmd for provider `{provider_id}` failed: {err}")).into());
        }
        Err(_) => {
            return Err(Failure::usage(format!(
                "api_key_cmd for provider `{provider_id}` took more than {} s",
                KEY_CMD_TIMEOUT.as_secs()
            ))
            .into());
        }
    };
    if !output.status.success() {
        let status = output.status.code().map_or_else(|| "a signal".to_string(), |c| format!("status {c}"));
        return Err(Failure::usage(format!("api_key_cmd for provider `{provider_id}` exited with {status}"))
            .hint("run the command yourself to see what it says")
            .into());
    }
    let key = String::from_utf8_lossy(&output.stdout).trim().to_string();
    if key.is_empty() {
        return Err(Failure::usage(format!("api_key_cmd for provider `{provider_id}` printed nothing")).into());
    }
    Ok(SecretString::new(key))
}

/// One HTTP client for the invocation, with the deadline and the printer for `-v`.
pub struct Http<'a> {
    pub client: reqwest::Client,
    pub timeout: Duration,
    pub printer: &'a Printer,
}

impl<'a> Http<'a> {
    pub fn new(timeout: Duration, printer: &'a Printer) -> anyhow::Result<Self> {
        Ok(Self { client: http_client(timeout)?, timeout, printer })
    }
}

fn http_client(timeout: Duration) -> anyhow::Result<reqwest::Client> {
    Ok(reqwest::Client::builder()
        .user_agent(concat!("agentry/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(10).min(timeout))
        .timeout(timeout)
        .build()?)
}

fn redact(text: &str, key: Option<&SecretString>) -> String {
    match key {
        Some(key) if !key.expose().is_empty() => text.replace(key.expose(), REDACTED),
        _ => text.to_string(),
    }
}

fn transport_failure(provider: &Provider, url: &str, err: &reqwest::Error, timeout: Duration) -> Failure {
    if err.is_timeout() {
        return Failure::new(
            Exit::Deadline,
            format!("provider `{}` did not answer within {} s", provider.id, timeout.as_secs()),
        )
        .hint("raise --timeout, or check the server");
    }
    let mut root: &dyn std::error::Error = err;
    while let Some(source) = root.source() {
        root = source;
    }
    if err.is_connect() {
        return Failure::provider(format!("cannot reach provider `{}` at {url}: {root}", provider.id))
            .hint("is the server running and the endpoint right? see `agentry provider show`");
    }
    Failure::provider(format!("request to provider `{}` failed: {root}", provider.id))
}

async fn send(
    http: &Http<'_>,
    provider: &Provider,
    method: reqwest::Method,
    url: &str,
    headers: &[(String, String)],
    body: Option<&serde_json::Value>,
    key: Option<&SecretString>,
) -> anyhow::Result<(reqwest::StatusCode, String)> {
    let (printer, timeout) = (http.printer, http.timeout);
    let mut builder = http.client.request(method.clone(), url);
    printer.debug(&format!("> {method} {url}"));
    if let Some(key) = key {
        builder = builder.bearer_auth(key.expose());
        printer.debug(&format!("> Authorization: Bearer {REDACTED}"));
    }
    for (name, value) in headers {
        builder = builder.header(name, value);
        let shown = if is_sensitive_header(name) { REDACTED } else { value.as_str() };
        printer.debug(&format!("> {name}: {shown}"));
    }
    if let Some(body) = body {
        let bytes = serde_json::to_vec(body)?;
        printer.debug(&format!("> ({} bytes of JSON)", bytes.len()));
        builder = builder.body(bytes);
    }
    let started = Instant::now();
    let response = builder.send().await.map_err(|err| transport_failure(provider, url, &err, timeout))?;
    let status = response.status();
    printer.debug(&format!("< HTTP {} ({} ms)", status, started.elapsed().as_millis()));
    for name in ["content-type", "x-request-id", "openai-processing-ms"] {
        if let Some(value) = response.headers().get(name).and_then(|v| v.to_str().ok()) {
            printer.debug(&format!("< {name}: {value}"));
        }
    }
    let text = response.text().await.map_err(|err| transport_failure(provider, url, &err, timeout))?;
    printer.debug(&format!("< ({} bytes)", text.len()));
    Ok((status, text))
}

fn snippet(text: &str) -> String {
    let line = crate::error::one_line(text);
    let mut short: String = line.chars().take(200).collect();
    if short.len() < line.len() {
        short.push('…');
    }
    short
}

fn http_failure(provider: &Provider, status: reqwest::StatusCode, body: &str, key: Option<&SecretString>) -> Failure {
    let detail = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            let error = v.get("error")?;
            error
                .get("message")
                .and_then(|m| m.as_str())
                .map(str::to_string)
                .or_else(|| error.as_str().map(str::to_string))
        })
        .unwrap_or_else(|| snippet(body));
    let detail = redact(&snippet(&detail), key);
    let mut failure = Failure::provider(format!("provider `{}` answered HTTP {status}: {detail}", provider.id));
    failure = match status.as_u16() {
        401 | 403 => failure.hint("check the API key the provider is configured with (`agentry provider show`)"),
        404 => failure.hint("check the endpoint includes the version prefix (e.g. /v1) and the model name"),
        429 => failure.hint("the provider is rate limiting; wait and try again"),
        _ => failure,
    };
    failure
}

#[derive(Deserialize)]
struct WireCompletion {
    model: Option<String>,
    #[serde(default)]
    choices: Vec<WireChoice>,
    usage: Option<WireUsage>,
}

#[derive(Deserialize)]
struct WireChoice {
    message: Option<WireMessage>,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct WireMessage {
    content: Option<serde_json::Value>,
    refusal: Option<String>,
}

#[derive(Deserialize)]
struct WireUsage {
    prompt_tokens: Option<u64>,
    completion_tokens: Option<u64>,
    total_tokens: Option<u64>,
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

pub fn parse_completion(provider: &Provider, request: &ChatRequest, body: &str) -> anyhow::Result<ChatResponse> {
    let garbage = |why: &str| {
        Failure::provider(format!("provider `{}` answered with {why}: {}", provider.id, snippet(body)))
            .hint("is the endpoint an OpenAI-compatible chat-completions API? try `agentry task run --dry-run`")
    };
    let value: serde_json::Value = serde_json::from_str(body).map_err(|_| garbage("a body that is not JSON"))?;
    if let Some(error) = value.get("error").filter(|_| value.get("choices").is_none()) {
        let message = error.get("message").and_then(|m| m.as_str()).unwrap_or("no message");
        return Err(Failure::provider(format!(
            "provider `{}` answered with an error: {}",
            provider.id,
            snippet(message)
        ))
        .into());
    }
    let wire: WireCompletion =
        serde_json::from_value(value).map_err(|_| garbage("JSON that is not a chat completion"))?;
    let choice = wire.choices.into_iter().next().ok_or_else(|| garbage("no choices"))?;
    let message = choice.message.ok_or_else(|| garbage("a choice without a message"))?;
    let content = match (&message.content, &message.refusal) {
        (Some(content), _) if !content.is_null() => {
            content_text(content).ok_or_else(|| garbage("message content that is not text"))?
        }
        (_, Some(refusal)) => refusal.clone(),
        _ => String::new(),
    };
    let usage = match wire.usage {
        Some(WireUsage { prompt_tokens: Some(p), completion_tokens: Some(c), total_tokens }) => Usage {
            prompt_tokens: p,
            completion_tokens: c,
            total_tokens: total_tokens.unwrap_or(p + c),
            estimated: false,
        },
        Some(WireUsage { total_tokens: Some(t), prompt_tokens, completion_tokens }) => Usage {
            prompt_tokens: prompt_tokens.unwrap_or(0),
            completion_tokens: completion_tokens.unwrap_or(0),
            total_tokens: t,
            estimated: false,
        },
        _ => estimate_usage(&request.messages, &content),
    };
    Ok(ChatResponse { content, finish_reason: choice.finish_reason, model: wire.model, usage })
}

pub async fn complete(
    http: &Http<'_>,
    provider: &Provider,
    request: &ChatRequest,
    key: Option<&SecretString>,
) -> anyhow::Result<ChatResponse> {
    let wire = chat_request(provider, request);
    let (status, body) =
        send(http, provider, reqwest::Method::POST, &wire.url, &wire.headers, Some(&wire.body), key).await?;
    if !status.is_success() {
        return Err(http_failure(provider, status, &body, key).into());
    }
    parse_completion(provider, request, &body)
}

#[derive(Debug, Serialize)]
pub struct ModelInfo {
    pub id: String,
    pub owned_by: Option<String>,
}

pub async fn models(
    http: &Http<'_>,
    provider: &Provider,
    key: Option<&SecretString>,
) -> anyhow::Result<Vec<ModelInfo>> {
    let url = provider.url("models");
    let headers: Vec<(String, String)> = provider.headers.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let (status, body) = send(http, provider, reqwest::Method::GET, &url, &headers, None, key).await?;
    if !status.is_success() {
        return Err(http_failure(provider, status, &body, key).into());
    }
    #[derive(Deserialize)]
    struct List {
        data: Vec<Entry>,
    }
    #[derive(Deserialize)]
    struct Entry {
        id: String,
        owned_by: Option<String>,
    }
    let list: List = serde_json::from_str(&body).map_err(|_| {
        Failure::provider(format!(
            "provider `{}` answered GET {url} with something that is not a model list: {}",
            provider.id,
            snippet(&body)
        ))
    })?;
    Ok(list.data.into_iter().map(|e| ModelInfo { id: e.id, owned_by: e.owned_by }).collect())
}
