//! One connection to one tool server through the official MCP SDK (`rmcp`): start a
//! stdio server as a child with a clean environment, or open a streamable-HTTP
//! session; list its tools; call one; close it. No JSON-RPC is written here. The
//! toolbox above decides which tools are offered and what a result becomes.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use rmcp::ServiceExt;
use rmcp::model::{CallToolRequestParams, CallToolResult, Tool};
use rmcp::service::{RoleClient, RunningService};

use super::spec::{Reach, ServerSpec};

/// How long a server may take to start and answer the MCP handshake.
pub const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The variables a stdio server gets from agentry's own environment; everything else
/// (provider keys above all) it gets only when `env` names it.
const PASSED_THROUGH: [&str; 4] = ["PATH", "HOME", "LANG", "TMPDIR"];

#[derive(Debug, thiserror::Error)]
pub enum McpError {
    /// Not started, or refused the handshake: nothing was asked of a model yet.
    #[error("tool server `{server}` did not start: {detail}")]
    Start { server: String, detail: String },
    #[error("tool server `{server}` is not in {place}")]
    Unknown { server: String, place: String },
    /// The tools of the servers named cannot all be offered (a name clash).
    #[error("{0}")]
    Tools(String),
    #[error("tool server `{server}`: {detail}")]
    Failed { server: String, detail: String },
}

/// Where a stdio server's stderr goes.
#[derive(Debug, Clone)]
pub enum Log {
    /// Through to agentry's stderr (`-v`).
    Inherit,
    /// Appended to this file (`logs/mcp/NAME.log` under the state folder).
    File(PathBuf),
}

/// Reads a variable of agentry's environment (any variable, not only agentry's own:
/// `{ env = "VAR" }` names what the user chose).
pub type EnvLookup = std::sync::Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// What starting a server needs from outside: the environment agentry runs in and
/// where a stdio server's stderr goes.
#[derive(Clone)]
pub struct StartOptions {
    pub env: EnvLookup,
    /// A folder for per-server logs; `None` passes stderr through.
    pub log_dir: Option<PathBuf>,
}

impl StartOptions {
    fn log(&self, server: &str) -> Log {
        match &self.log_dir {
            Some(dir) => Log::File(dir.join(format!("{server}.log"))),
            None => Log::Inherit,
        }
    }
}

/// The secret values of a server's table (every `env` and header value, resolved),
/// and credentials in an HTTP server's URL, which no stored copy or message may hold.
pub fn secrets(spec: &ServerSpec, options: &StartOptions) -> Vec<String> {
    let in_url = match &spec.reach {
        Reach::Http { url, .. } => crate::safe_url::SafeUrl::parse(url).map(|u| u.secrets()).unwrap_or_default(),
        Reach::Stdio { .. } => Vec::new(),
    };
    let values = match &spec.reach {
        Reach::Stdio { env, .. } => env.values().collect::<Vec<_>>(),
        Reach::Http { headers, .. } => headers
            .iter()
            .filter(|(name, _)| !crate::provider::redact::is_harmless_header(name))
            .map(|(_, v)| v)
            .collect(),
    };
    let mut secrets: Vec<String> = values.into_iter().filter_map(|value| value.resolve(&*options.env).ok()).collect();
    secrets.extend(in_url);
    secrets
}

/// A live MCP session with one server.
pub struct Connection {
    service: RunningService<RoleClient, ()>,
}

impl Connection {
    /// Start (stdio) or reach (HTTP) the server and complete the handshake within
    /// [`START_TIMEOUT`].
    pub async fn open(spec: &ServerSpec, options: &StartOptions) -> Result<Self, McpError> {
        let fail = |detail: String| McpError::Start { server: spec.name.clone(), detail };
        let started = match &spec.reach {
            Reach::Stdio { command, args, env, cwd } => {
                let mut cmd = tokio::process::Command::new(command);
                cmd.args(args).env_clear().kill_on_drop(true);
                for var in PASSED_THROUGH {
                    if let Some(value) = (options.env)(var) {
                        cmd.env(var, value);
                    }
                }
                for (var, value) in env {
                    cmd.env(var, value.resolve(&*options.env).map_err(|why| fail(format!("env {var}: {why}")))?);
                }
                if let Some(cwd) = cwd {
                    cmd.current_dir(cwd);
                }
                let stderr = match options.log(&spec.name) {
                    Log::Inherit => Stdio::inherit(),
                    Log::File(path) => Stdio::from(
                        open_log(&path)
                            .map_err(|err| fail(format!("cannot open its log {}: {err}", path.display())))?,
                    ),
                };
                let (transport, _) = rmcp::transport::TokioChildProcess::builder(cmd)
                    .stderr(stderr)
                    .spawn()
                    .map_err(|err| fail(format!("cannot run `{command}`: {err}")))?;
                tokio::time::timeout(START_TIMEOUT, ().serve(transport)).await
            }
            Reach::Http { url, headers } => {
                let mut custom = HashMap::new();
                for (name, value) in headers {
                    let value = value.resolve(&*options.env).map_err(|why| fail(format!("header {name}: {why}")))?;
                    let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
                        .map_err(|_| fail(format!("header name `{name}` is not valid")))?;
                    let value = reqwest::header::HeaderValue::from_str(&value)
                        .map_err(|_| fail(format!("the value of header `{name}` is not valid")))?;
                    custom.insert(name, value);
                }
                // reqwest 0.13 is built without a crypto provider of its own: ring,
                // which the provider transport already uses.
                let _ = rustls::crypto::ring::default_provider().install_default();
                let client = reqwest_mcp::Client::builder()
                    .connect_timeout(Duration::from_secs(10))
                    .build()
                    .map_err(|err| fail(format!("cannot build an HTTP client: {err}")))?;
                let config = rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig::with_uri(
                    url.as_str(),
                )
                .custom_headers(custom);
                let transport = rmcp::transport::StreamableHttpClientTransport::with_client(client, config);
                tokio::time::timeout(START_TIMEOUT, ().serve(transport)).await
            }
        };
        match started {
            Ok(Ok(service)) => Ok(Self { service }),
            Ok(Err(err)) => {
                // The HTTP client's errors name the URL, which may hold credentials.
                let redactor = crate::provider::redact::Redactor::new(secrets(spec, options));
                Err(fail(crate::units::one_line(&redactor.redact(&error_chain(&err)))))
            }
            Err(_) => Err(fail(format!("no MCP handshake within {}", crate::units::duration_words(START_TIMEOUT)))),
        }
    }

    /// Every tool the server offers, across pages.
    pub async fn tools(&self, server: &str) -> Result<Vec<Tool>, McpError> {
        self.service.list_all_tools().await.map_err(|err| McpError::Failed {
            server: server.to_string(),
            detail: format!("tools/list failed: {}", crate::units::one_line(&err.to_string())),
        })
    }

    /// `tools/call`. `Err` is a failure of the session (the server died, the
    /// transport closed); a tool's own error comes back as a result with `is_error`.
    pub async fn call(
        &self,
        tool: &str,
        arguments: serde_json::Map<String, serde_json::Value>,
    ) -> Result<CallToolResult, CallFailure> {
        let params = CallToolRequestParams::new(tool.to_string()).with_arguments(arguments);
        match self.service.call_tool(params).await {
            Ok(result) => Ok(result),
            Err(rmcp::ServiceError::McpError(data)) => Err(CallFailure::Refused(data.message.to_string())),
            Err(err) => Err(CallFailure::Lost(crate::units::one_line(&err.to_string()))),
        }
    }

    /// Whether the session is gone (the child exited, the transport closed).
    pub fn is_closed(&self) -> bool {
        self.service.is_closed() || self.service.peer().is_transport_closed()
    }

    /// End the session: a stdio server gets its stdin closed, then a signal.
    pub async fn close(mut self) {
        let _ = self.service.close_with_timeout(Duration::from_secs(2)).await;
    }
}

/// Why a `tools/call` got no result.
#[derive(Debug)]
pub enum CallFailure {
    /// The server answered with a JSON-RPC error (an unknown tool, bad params).
    Refused(String),
    /// The session is gone.
    Lost(String),
}

fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let words = cause.to_string();
        if !text.contains(&words) {
            text.push_str(": ");
            text.push_str(&words);
        }
        source = cause.source();
    }
    text
}

fn open_log(path: &std::path::Path) -> std::io::Result<std::fs::File> {
    if let Some(parent) = path.parent() {
        crate::files::create_private_dir(parent).map_err(|err| std::io::Error::other(err.to_string()))?;
    }
    crate::files::private_file_options().create(true).append(true).open(path)
}
