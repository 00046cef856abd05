//! The one HTTP transport: owns the reqwest client, puts the key on the request, caps
//! the body it reads, refuses redirects to another origin, and writes the redacted
//! `-v` lines. It knows nothing of any protocol's bodies; it is the only code that
//! touches reqwest.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;

use super::error::{Fault, ProviderError};
use super::redact::{REDACTED, Redactor, SafeUrl, SecretString, is_harmless_header};

pub const USER_AGENT: &str = concat!("agentry/", env!("CARGO_PKG_VERSION"));

/// How the key goes on the wire, decided by the protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Auth {
    None,
    /// `Authorization: Bearer KEY`
    Bearer,
    /// `x-api-key: KEY` (Anthropic's native API)
    ApiKeyHeader,
}

/// The request exactly as it goes on the wire, minus the key (added at send time).
#[derive(Debug, Clone)]
pub struct WireRequest {
    pub method: reqwest::Method,
    pub url: SafeUrl,
    /// Every header sent, in order, each name once; the key header is not here.
    pub headers: Vec<(String, String)>,
    pub auth: Auth,
    pub body: Option<serde_json::Value>,
    /// A body that is not JSON (a batch API's upload), sent as given.
    pub raw: Option<Vec<u8>>,
}

impl WireRequest {
    /// Build the header list: the protocol's defaults, the key header, then the
    /// provider's `headers`, each replacing a default of the same name (no header is
    /// ever sent twice).
    pub fn new(
        method: reqwest::Method,
        url: SafeUrl,
        defaults: &[(&str, &str)],
        auth: Auth,
        extra: &std::collections::BTreeMap<String, String>,
        body: Option<serde_json::Value>,
    ) -> Self {
        let mut headers: Vec<(String, String)> =
            defaults.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect();
        let mut auth = auth;
        for (name, value) in extra {
            if (auth == Auth::Bearer && name.eq_ignore_ascii_case("authorization"))
                || (auth == Auth::ApiKeyHeader && name.eq_ignore_ascii_case("x-api-key"))
            {
                auth = Auth::None;
            }
            match headers.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(name)) {
                Some(slot) => *slot = (name.clone(), value.clone()),
                None => headers.push((name.clone(), value.clone())),
            }
        }
        Self { method, url, headers, auth, body, raw: None }
    }

    /// Headers as sent, with the key and every value that may be a secret redacted.
    pub fn shown_headers(&self) -> Vec<(String, String)> {
        let mut shown = Vec::with_capacity(self.headers.len() + 1);
        match self.auth {
            Auth::Bearer => shown.push(("Authorization".to_string(), format!("Bearer {REDACTED}"))),
            Auth::ApiKeyHeader => shown.push(("x-api-key".to_string(), REDACTED.to_string())),
            Auth::None => {}
        }
        for (name, value) in &self.headers {
            let value = if is_harmless_header(name) { value.clone() } else { REDACTED.to_string() };
            shown.push((name.clone(), value));
        }
        shown
    }

    /// What `--dry-run --json` prints.
    pub fn dry_run_view(&self) -> DryRunView {
        DryRunView {
            method: self.method.to_string(),
            url: self.url.to_string(),
            headers: self.shown_headers().into_iter().map(|(k, v)| (k, serde_json::Value::String(v))).collect(),
            body: self.body.clone().unwrap_or(serde_json::Value::Null),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct DryRunView {
    pub method: String,
    pub url: String,
    pub headers: serde_json::Map<String, serde_json::Value>,
    pub body: serde_json::Value,
}

/// A complete response: status, headers and the body, read up to the cap.
#[derive(Debug)]
pub struct WireResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl WireResponse {
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }
}

/// A response whose status and headers have arrived; the body is read from `body`.
pub struct Opened {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: BodyReader,
}

impl Opened {
    /// A response read back from a cassette: `after` is how long the recorded one
    /// took to start, `chunks` its body pieces with when each came (after the
    /// headers), `cut` how it broke if it did; every wait is scaled by `speed` (0: none).
    pub fn replayed(
        provider: &str,
        status: u16,
        headers: HeaderMap,
        chunks: Vec<(Duration, Vec<u8>)>,
        cut: Option<Fault>,
        speed: f64,
    ) -> Self {
        Self {
            status,
            headers,
            body: BodyReader {
                source: Source::Replay { chunks: chunks.into(), cut, started: Instant::now(), speed },
                idle: Duration::MAX,
                limit: u64::MAX,
                read: 0,
                provider: provider.to_string(),
                trace: None,
                tape: None,
            },
        }
    }

    pub fn is_event_stream(&self) -> bool {
        self.headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.to_ascii_lowercase().starts_with("text/event-stream"))
    }

    /// Keep the status, the headers and every body piece read from now on, with when
    /// it came, for a cassette.
    pub fn start_tape(&mut self) {
        self.body.tape = Some(Tape {
            started: Instant::now(),
            status: self.status,
            headers: self.headers.clone(),
            stream: self.is_event_stream(),
            chunks: Vec::new(),
            broke: None,
        });
    }

    /// What the tape holds, once the body was read.
    pub fn take_tape(&mut self) -> Option<Tape> {
        self.body.tape.take()
    }

    /// Read the whole body, up to the cap. The headers go with it (a tape keeps its own).
    pub async fn read_all(&mut self) -> Result<WireResponse, ProviderError> {
        let mut body = Vec::new();
        while let Some(chunk) = self.body.chunk().await? {
            body.extend_from_slice(&chunk);
        }
        if let Some(trace) = &self.body.trace {
            trace(&format!("< ({} bytes)", body.len()));
        }
        Ok(WireResponse { status: self.status, headers: std::mem::take(&mut self.headers), body })
    }
}

/// The body pieces of one response as they came, for a cassette.
#[derive(Debug)]
pub struct Tape {
    started: Instant,
    pub status: u16,
    pub headers: HeaderMap,
    /// The body is a stream of server-sent events.
    pub stream: bool,
    /// Each piece with the time since the headers came.
    pub chunks: Vec<(Duration, Vec<u8>)>,
    /// How the body broke, when it did.
    pub broke: Option<Fault>,
}

enum Source {
    Http(reqwest::Response),
    /// Pieces of a recorded body, given out at their recorded times (scaled).
    Replay {
        chunks: std::collections::VecDeque<(Duration, Vec<u8>)>,
        cut: Option<Fault>,
        started: Instant,
        speed: f64,
    },
}

/// The body of an open response, read chunk by chunk: each wait is bounded by the
/// idle timeout and the total by the body cap.
pub struct BodyReader {
    source: Source,
    idle: Duration,
    limit: u64,
    read: u64,
    provider: String,
    trace: Option<Trace>,
    tape: Option<Tape>,
}

impl BodyReader {
    pub async fn chunk(&mut self) -> Result<Option<Vec<u8>>, ProviderError> {
        let next = self.next_chunk().await;
        if let Some(tape) = &mut self.tape {
            match &next {
                Ok(Some(chunk)) => tape.chunks.push((tape.started.elapsed(), chunk.clone())),
                Ok(None) => {}
                Err(err) => tape.broke = err.fault(),
            }
        }
        next
    }

    async fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, ProviderError> {
        let response = match &mut self.source {
            Source::Http(response) => response,
            Source::Replay { chunks, cut, started, speed } => {
                let Some((at, chunk)) = chunks.pop_front() else {
                    return match cut.take() {
                        Some(fault) => Err(fault.error(&self.provider, "")),
                        None => Ok(None),
                    };
                };
                let wait = crate::limits::scaled(at, *speed);
                if !wait.is_zero() {
                    tokio::time::sleep_until((*started + wait).into()).await;
                }
                return Ok(Some(chunk));
            }
        };
        let Ok(next) = tokio::time::timeout(self.idle, response.chunk()).await else {
            return Err(ProviderError::Idle { provider: self.provider.clone(), after: self.idle });
        };
        match next {
            Ok(Some(chunk)) => {
                self.read += chunk.len() as u64;
                if self.read > self.limit {
                    return Err(ProviderError::TooLarge { provider: self.provider.clone(), limit: self.limit });
                }
                Ok(Some(chunk.to_vec()))
            }
            Ok(None) => Ok(None),
            Err(err) => Err(ProviderError::Cut {
                provider: self.provider.clone(),
                detail: format!("{} after {} bytes", root_cause(&err), self.read),
            }),
        }
    }
}

/// Where `-v` lines go; the transport does not print.
pub type Trace = Arc<dyn Fn(&str) + Send + Sync>;

/// What a client is built with: one transport per distinct pair of connect timeout
/// and CA file.
#[derive(Debug, Clone, PartialEq)]
pub struct TransportSettings {
    pub connect_timeout: Duration,
    pub max_body: u64,
    pub ca_cert: Option<std::path::PathBuf>,
}

#[derive(Clone)]
pub struct Transport {
    client: reqwest::Client,
    settings: TransportSettings,
    trace: Option<Trace>,
}

/// Carried inside reqwest's redirect error so that the transport can name both URLs.
#[derive(Debug)]
struct CrossOrigin {
    from: String,
    to: String,
}

impl std::fmt::Display for CrossOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "redirect from {} to another origin, {}", self.from, self.to)
    }
}

impl std::error::Error for CrossOrigin {}

const MAX_REDIRECTS: usize = 10;

impl Transport {
    pub fn new(settings: TransportSettings, trace: Option<Trace>) -> Result<Self, ProviderError> {
        // Custom headers (X-Api-Key, api-key) would follow a redirect anywhere; reqwest
        // drops only Authorization. A redirect to another origin is refused instead.
        let policy = reqwest::redirect::Policy::custom(|attempt| {
            let Some(previous) = attempt.previous().last().cloned() else { return attempt.follow() };
            if attempt.url().origin() != previous.origin() {
                let error = CrossOrigin {
                    from: SafeUrl::from_url(previous).to_string(),
                    // Only the origin: the target's path or query may carry a key.
                    to: SafeUrl::from_url(attempt.url().clone()).origin(),
                };
                return attempt.error(error);
            }
            if attempt.previous().len() > MAX_REDIRECTS { attempt.stop() } else { attempt.follow() }
        });
        let mut builder = reqwest::Client::builder().connect_timeout(settings.connect_timeout).redirect(policy);
        if let Some(path) = &settings.ca_cert {
            // Checked when providers.toml was loaded; read again here, where it is used.
            let pem = crate::files::read_capped(path, crate::files::MAX_CERT_FILE, "read ca_cert").map_err(|err| {
                ProviderError::Transport { provider: String::new(), detail: format!("ca_cert: {err}") }
            })?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|err| ProviderError::Transport {
                provider: String::new(),
                detail: format!("ca_cert {} is not PEM: {}", path.display(), root_cause(&err)),
            })?;
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let client = builder
            .build()
            .map_err(|err| ProviderError::Transport { provider: String::new(), detail: root_cause(&err) })?;
        Ok(Self { client, settings, trace })
    }

    fn trace(&self, line: &str) {
        if let Some(trace) = &self.trace {
            trace(line);
        }
    }

    pub fn settings(&self) -> &TransportSettings {
        &self.settings
    }

    /// Send and read the whole answer. `idle` bounds every wait for a byte: for the
    /// headers (after the connect) and between body chunks.
    pub async fn send(
        &self,
        provider: &str,
        request: &WireRequest,
        key: Option<&SecretString>,
        redactor: &Redactor,
        idle: Duration,
    ) -> Result<WireResponse, ProviderError> {
        self.open(provider, request, key, redactor, idle).await?.read_all().await
    }

    /// Send and wait for the status and headers; the body is read from the result.
    pub async fn open(
        &self,
        provider: &str,
        request: &WireRequest,
        key: Option<&SecretString>,
        redactor: &Redactor,
        idle: Duration,
    ) -> Result<Opened, ProviderError> {
        let url_shown = request.url.to_string();
        let mut headers = HeaderMap::new();
        if let Some(key) = key
            && request.auth != Auth::None
        {
            let (name, text) = match request.auth {
                Auth::ApiKeyHeader => (HeaderName::from_static("x-api-key"), key.expose().to_string()),
                _ => (reqwest::header::AUTHORIZATION, format!("Bearer {}", key.expose())),
            };
            let mut value = HeaderValue::from_str(&text).map_err(|_| ProviderError::Key {
                provider: provider.to_string(),
                message: format!("the API key of provider `{provider}` has characters a header cannot carry"),
                hint: None,
            })?;
            value.set_sensitive(true);
            headers.insert(name, value);
        }
        for (name, value) in &request.headers {
            // Names and values were checked when providers.toml was loaded.
            if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
                headers.insert(name, value);
            }
        }
        self.trace(&format!("> {} {url_shown}", request.method));
        for (name, value) in request.shown_headers() {
            self.trace(&format!("> {name}: {value}"));
        }
        let mut builder = self.client.request(request.method.clone(), request.url.expose().clone()).headers(headers);
        if let Some(body) = &request.body {
            // A Value prints infallibly: nothing to swallow.
            let bytes = body.to_string().into_bytes();
            self.trace(&format!("> ({} bytes of JSON)", bytes.len()));
            builder = builder.body(bytes);
        } else if let Some(bytes) = &request.raw {
            self.trace(&format!("> ({} bytes)", bytes.len()));
            builder = builder.body(bytes.clone());
        }
        let started = Instant::now();
        // The idle limit counts from the moment the request starts, as the message
        // says: 1 s is 1 s, not the connect timeout plus 1 s. Connecting is bounded by
        // the connect timeout inside it, and is reported as such when that fires first.
        let sent = tokio::time::timeout(idle, builder.send()).await;
        let response = match sent {
            Err(_) => return Err(ProviderError::Idle { provider: provider.to_string(), after: idle }),
            Ok(result) => result.map_err(|err| self.failure(provider, &url_shown, &err))?,
        };
        let status = response.status().as_u16();
        self.trace(&format!("< HTTP {status} ({} ms)", started.elapsed().as_millis()));
        for name in ["content-type", "content-length", "x-request-id", "openai-processing-ms", "retry-after"] {
            if let Some(value) = response.headers().get(name).and_then(|v| v.to_str().ok()) {
                self.trace(&format!("< {name}: {}", redactor.redact(value)));
            }
        }
        let limit = self.settings.max_body;
        if response.content_length().is_some_and(|len| len > limit) {
            return Err(ProviderError::TooLarge { provider: provider.to_string(), limit });
        }
        Ok(Opened {
            status,
            headers: response.headers().clone(),
            body: BodyReader {
                source: Source::Http(response),
                idle,
                limit,
                read: 0,
                provider: provider.to_string(),
                trace: self.trace.clone(),
                tape: None,
            },
        })
    }

    fn failure(&self, provider: &str, url: &str, err: &reqwest::Error) -> ProviderError {
        let provider = provider.to_string();
        if let Some(cross) = find_source::<CrossOrigin>(err) {
            return ProviderError::Redirect { provider, from: cross.from.clone(), to: cross.to.clone() };
        }
        if err.is_connect() && (err.is_timeout() || root_cause(err).contains("timed out")) {
            return ProviderError::ConnectTimeout {
                provider,
                url: url.to_string(),
                after: self.settings.connect_timeout,
            };
        }
        if err.is_connect() {
            return ProviderError::Connect { provider, url: url.to_string(), detail: root_cause(err) };
        }
        if err.is_timeout() {
            return ProviderError::ConnectTimeout {
                provider,
                url: url.to_string(),
                after: self.settings.connect_timeout,
            };
        }
        ProviderError::Transport { provider, detail: root_cause(err) }
    }
}

fn find_source<'a, T: std::error::Error + 'static>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a T> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(cause) = current {
        if let Some(found) = cause.downcast_ref::<T>() {
            return Some(found);
        }
        current = cause.source();
    }
    None
}

/// The innermost cause: reqwest's own Display includes the URL, which may carry
/// credentials, so only the root cause is ever shown.
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut root = err;
    while let Some(source) = root.source() {
        root = source;
    }
    root.to_string()
}
