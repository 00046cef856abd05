//! `agentry mcp serve`: agentry's agents as MCP tools for other hosts, on stdio or
//! (`--http ADDR`) streamable HTTP behind a bearer token. One tool per agent
//! (`ask_AGENT`), plus `list_agents` and `agent_stats`. A call of `ask_AGENT` is a
//! normal task: this binary's own `task run AGENT … --json` as a child process, so
//! history, totals, budgets, limits, locks, memory, tools and `stop` apply exactly as
//! from a shell, and one task's failure cannot take the server down. The listing
//! tools read the state in process.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;

use rmcp::ServiceExt;
use rmcp::handler::server::ServerHandler;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::{RequestContext, RoleServer};
use serde_json::{Value, json};
use tokio::io::AsyncWriteExt;

use super::Invocation;
use crate::cli::McpServeArgs;
use crate::env_vars::EnvVars;
use crate::error::Failure;
use crate::mcp::toolbox::glob;

/// The bearer token `--http` requires.
const TOKEN_VAR: &str = "AGENTRY_MCP_TOKEN";

#[derive(Clone)]
struct Agents {
    ctx: Arc<Invocation>,
    /// This binary and the global flags its children need to see the same files.
    exe: PathBuf,
    globals: Vec<OsString>,
    /// `--agents`: which agents are offered (all when empty).
    globs: Vec<String>,
}

/// The tool name of an agent: `ask_` and its name in MCP's tool-name alphabet.
fn tool_name(agent: &str) -> String {
    let name: String =
        agent.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' }).collect();
    format!("ask_{name}")
}

fn object(value: &Value) -> Arc<serde_json::Map<String, Value>> {
    Arc::new(value.as_object().cloned().unwrap_or_default())
}

fn text_result(text: String, is_error: bool) -> CallToolResult {
    let content = vec![ContentBlock::text(text)];
    if is_error { CallToolResult::error(content) } else { CallToolResult::success(content) }
}

impl Agents {
    fn offered(&self, name: &str) -> bool {
        self.globs.is_empty() || self.globs.iter().any(|g| glob(g, name))
    }

    async fn agents(&self) -> anyhow::Result<Vec<crate::state::AgentRecord>> {
        let manager = self.ctx.manager().await?;
        let snapshot = manager.snapshot().await?;
        Ok(snapshot.agents.into_iter().filter(|a| self.offered(&a.name)).collect())
    }

    async fn tools(&self) -> anyhow::Result<Vec<Tool>> {
        let personas = self.ctx.personas();
        let mut tools = Vec::new();
        for agent in self.agents().await? {
            let persona = agent.persona.as_deref().and_then(|name| personas.load(name).ok()).map(|(p, _)| p);
            let about = persona.as_ref().map_or_else(String::new, |p| {
                let first = |text: &str| text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("").to_string();
                let mut words = first(&p.character);
                let mission = first(&p.mission);
                if !mission.is_empty() {
                    words.push(' ');
                    words.push_str(&mission);
                }
                words.chars().take(400).collect()
            });
            let description = format!(
                "Ask agentry agent `{}` (persona {}, provider {}) to do a task; returns its answer. {about}",
                agent.name,
                agent.persona.as_deref().unwrap_or("(none)"),
                agent.provider
            );
            let input = json!({
                "type": "object",
                "properties": {
                    "task": { "type": "string", "description": "What the agent should do" },
                    "context": { "type": "string", "description": "Material the task is about (a diff, a file, notes)" },
                },
                "required": ["task"],
            });
            let mut tool = Tool::new(tool_name(&agent.name), description.trim_end().to_string(), object(&input));
            if let Some(schema) = persona.as_ref().and_then(|p| p.schema.as_ref()) {
                let wire = schema.wire(false);
                if wire.get("type").and_then(Value::as_str) == Some("object") {
                    tool.output_schema = Some(object(&wire));
                }
            }
            tools.push(tool);
        }
        tools.push(Tool::new(
            "list_agents",
            "List agentry's agents offered here: name, persona, provider, status and totals.",
            object(&json!({ "type": "object", "properties": {} })),
        ));
        tools.push(Tool::new(
            "agent_stats",
            "Totals, cost and latency of one agent (or of every agent offered here).",
            object(&json!({ "type": "object", "properties": { "agent": { "type": "string" } } })),
        ));
        Ok(tools)
    }

    async fn views(&self, only: Option<&str>) -> anyhow::Result<Value> {
        let manager = self.ctx.manager().await?;
        let records: Vec<_> = self.agents().await?.into_iter().filter(|a| only.is_none_or(|n| a.name == n)).collect();
        if let Some(name) = only
            && records.is_empty()
        {
            anyhow::bail!("no agent `{name}` is offered here");
        }
        Ok(serde_json::to_value(manager.views(&records).await?)?)
    }

    /// `ask_AGENT`: `task run AGENT TASK --json` as a child of this binary.
    async fn ask(&self, agent: &str, arguments: &serde_json::Map<String, Value>) -> CallToolResult {
        let Some(task) = arguments.get("task").and_then(Value::as_str).filter(|t| !t.trim().is_empty()) else {
            return text_result("`task` is required: say what the agent should do".into(), true);
        };
        let context = arguments.get("context").and_then(Value::as_str);
        let mut cmd = tokio::process::Command::new(&self.exe);
        cmd.args(&self.globals).args(["task", "run", "--json", "--no-stdin"]);
        if context.is_some() {
            cmd.args(["--context-file", "-"]);
        }
        cmd.arg("--").arg(agent).arg(task);
        cmd.stdin(if context.is_some() { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = match cmd.spawn() {
            Ok(child) => child,
            Err(err) => return text_result(format!("cannot run agentry: {err}"), true),
        };
        if let (Some(context), Some(mut stdin)) = (context, child.stdin.take()) {
            let _ = stdin.write_all(context.as_bytes()).await;
        }
        let output = match child.wait_with_output().await {
            Ok(output) => output,
            Err(err) => return text_result(format!("the task did not finish: {err}"), true),
        };
        let stderr = String::from_utf8_lossy(&output.stderr);
        let error_line = stderr
            .lines()
            .find_map(|l| l.strip_prefix("error: "))
            .map_or_else(|| stderr.trim().lines().last().unwrap_or("").to_string(), str::to_string);
        let code = output.status.code().unwrap_or(1);
        let Ok(result) = serde_json::from_slice::<Value>(&output.stdout) else {
            return text_result(format!("exit {code}: {error_line}"), true);
        };
        if result["success"] == true && output.status.success() {
            let data = result.get("data").filter(|d| !d.is_null()).cloned();
            let text = match &data {
                Some(data) => data.to_string(),
                None => result["response"].as_str().unwrap_or_default().to_string(),
            };
            let mut done = text_result(text, false);
            done.structured_content = data;
            return done;
        }
        let why = result["error"].as_str().map_or(error_line, str::to_string);
        text_result(format!("exit {code}: {why} (task {})", result["task_id"].as_str().unwrap_or("?")), true)
    }
}

impl ServerHandler for Agents {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("agentry", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "Each ask_AGENT tool runs a task on one of agentry's agents, with its budgets, limits and failover.",
            )
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, rmcp::ErrorData> {
        match self.tools().await {
            Ok(tools) => Ok(ListToolsResult::with_all_items(tools)),
            Err(err) => Err(rmcp::ErrorData::internal_error(crate::error::classify(&err).1, None)),
        }
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, rmcp::ErrorData> {
        let arguments = request.arguments.clone().unwrap_or_default();
        let listing = match request.name.as_ref() {
            "list_agents" => Some(self.views(None).await),
            "agent_stats" => Some(self.views(arguments.get("agent").and_then(Value::as_str)).await),
            _ => None,
        };
        if let Some(listing) = listing {
            return Ok(match listing {
                Ok(value) => text_result(value.to_string(), false).into(),
                Err(err) => text_result(crate::error::classify(&err).1, true).into(),
            });
        }
        let agents = match self.agents().await {
            Ok(agents) => agents,
            Err(err) => return Ok(text_result(crate::error::classify(&err).1, true).into()),
        };
        let Some(agent) = agents.iter().find(|a| tool_name(&a.name) == request.name) else {
            return Err(rmcp::ErrorData::invalid_params(format!("no tool `{}` here", request.name), None));
        };
        Ok(self.ask(&agent.name, &arguments).await.into())
    }
}

pub(super) async fn run(ctx: &Invocation, args: McpServeArgs) -> anyhow::Result<()> {
    let exe = std::env::current_exe().map_err(|err| {
        Failure::new(crate::error::ExitCode::Internal, format!("cannot find agentry's own binary: {err}"))
    })?;
    let absolute = |p: &std::path::Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut globals: Vec<OsString> = Vec::new();
    if let Some(home) = &ctx.paths.home {
        globals.extend(["--home".into(), absolute(&home.path).into_os_string()]);
    }
    // Where a providers file would be created is not one to name: the child finds
    // the same default itself.
    if ctx.paths.providers_file.path.exists() {
        globals.extend(["--providers".into(), absolute(&ctx.paths.providers_file.path).into_os_string()]);
    }
    if let Some(personas) = &ctx.paths.personas_dir {
        globals.extend(["--personas".into(), absolute(&personas.path).into_os_string()]);
    }
    if let Some(state) = &ctx.state_flag {
        globals.extend(["--state".into(), state.into()]);
    }
    // Fail now, not at the first call, when the state cannot be read.
    ctx.manager().await?.snapshot().await?;
    let handler = Agents { ctx: Arc::new(ctx.clone()), exe, globals, globs: args.agents };
    match args.http {
        None => {
            let service = handler
                .serve(rmcp::transport::stdio())
                .await
                .map_err(|err| Failure::usage(format!("the MCP handshake on stdio failed: {err}")))?;
            let _ = service.waiting().await;
            Ok(())
        }
        Some(addr) => serve_http(ctx, handler, &addr).await,
    }
}

async fn serve_http(ctx: &Invocation, handler: Agents, addr: &str) -> anyhow::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo};
    use rmcp::transport::streamable_http_server::{StreamableHttpService, session::local::LocalSessionManager};
    let token = ctx.env.get(EnvVars::AGENTRY_MCP_TOKEN).map(str::to_string).filter(|t| t.len() >= 16).ok_or_else(|| {
        Failure::usage(format!("--http needs a bearer token of 16 characters or more in {TOKEN_VAR}"))
            .hint(format!("e.g. export {TOKEN_VAR}=$(head -c 24 /dev/urandom | base64); hosts send `Authorization: Bearer $TOKEN`"))
    })?;
    let socket: std::net::SocketAddr = addr
        .parse()
        .map_err(|_| Failure::usage(format!("--http takes a local address such as 127.0.0.1:8765, not `{addr}`")))?;
    if !socket.ip().is_loopback() {
        return Err(Failure::usage(format!(
            "--http serves on a loopback address only (127.0.0.1 or ::1), not {}",
            socket.ip()
        ))
        .into());
    }
    let listener = tokio::net::TcpListener::bind(socket)
        .await
        .map_err(|err| Failure::usage(format!("cannot listen on {socket}: {err}")))?;
    let bound = listener.local_addr().unwrap_or(socket);
    ctx.printer.note(&format!("serving agentry's agents over MCP at http://{bound}/mcp"));
    let service = StreamableHttpService::new(
        move || Ok(handler.clone()),
        LocalSessionManager::default().into(),
        rmcp::transport::streamable_http_server::StreamableHttpServerConfig::default(),
    );
    let token = Arc::new(token);
    let shutdown = crate::shutdown::Shutdown::listen();
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(_) => continue,
            },
            _ = shutdown.recv() => return Ok(()),
        };
        let service = service.clone();
        let token = token.clone();
        tokio::spawn(async move {
            let checked = hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                let service = service.clone();
                let token = token.clone();
                async move {
                    if authorized(request.headers(), &token) {
                        Ok::<_, std::convert::Infallible>(
                            service.handle(request).await.map(http_body_util::Either::Left),
                        )
                    } else {
                        let mut refused = hyper::Response::new(http_body_util::Either::Right(
                            http_body_util::Full::new(hyper::body::Bytes::from_static(b"a bearer token is required\n")),
                        ));
                        *refused.status_mut() = hyper::StatusCode::UNAUTHORIZED;
                        refused
                            .headers_mut()
                            .insert(hyper::header::WWW_AUTHENTICATE, hyper::header::HeaderValue::from_static("Bearer"));
                        Ok(refused)
                    }
                }
            });
            let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(stream), checked)
                .await;
        });
    }
}

/// `Authorization: Bearer TOKEN`, compared in time that does not depend on where
/// the first difference is.
fn authorized(headers: &hyper::HeaderMap, token: &str) -> bool {
    let Some(given) = headers.get(hyper::header::AUTHORIZATION).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let Some(given) = given.strip_prefix("Bearer ").map(str::trim) else { return false };
    let (a, b) = (given.as_bytes(), token.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_names_and_tokens() {
        assert_eq!(tool_name("reviewer.v2"), "ask_reviewer_v2");
        let mut headers = hyper::HeaderMap::new();
        assert!(!authorized(&headers, "secret-token-123456"));
        headers.insert(hyper::header::AUTHORIZATION, "Bearer secret-token-123456".parse().expect("header"));
        assert!(authorized(&headers, "secret-token-123456"));
        assert!(!authorized(&headers, "secret-token-654321"));
    }
}
