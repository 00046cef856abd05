//! The tools one task (or one batch) may use: the servers named, started once and
//! shared by every call; the tools they offer, narrowed by `--allow-tool` and
//! `--deny-tool`, under the names a model calls them by (`server__tool`); and one
//! call of one tool, whose every failure (bad arguments, a timeout, a dead server)
//! becomes an error result the model sees. The worker's loop calls [`Toolbox::call`].

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use rmcp::model::{CallToolResult, ContentBlock};

use super::client::{CallFailure, Connection, McpError, StartOptions};
use super::spec::ServerSpec;
use crate::request::ToolDef;

/// Results longer than this are cut and marked, so one tool cannot fill the context.
pub const MAX_RESULT_BYTES: usize = 64 * 1024;
/// Calls of one step that run at once.
pub const MAX_CONCURRENT_CALLS: usize = 8;
/// The model's tool name: OpenAI's limit.
const MAX_NAME: usize = 64;

/// `--allow-tool` and `--deny-tool`: globs on `server.tool`; deny wins; no allow
/// pattern allows everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolFilter {
    pub allow: Vec<String>,
    pub deny: Vec<String>,
}

impl ToolFilter {
    pub fn offers(&self, server: &str, tool: &str) -> bool {
        let name = format!("{server}.{tool}");
        if self.deny.iter().any(|p| glob(p, &name)) {
            return false;
        }
        self.allow.is_empty() || self.allow.iter().any(|p| glob(p, &name))
    }
}

/// `*` any run of characters, `?` one character; everything else literal.
pub fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// The name a model calls `server`'s `tool` by: `server__tool` in OpenAI's
/// alphabet (`[A-Za-z0-9_-]`, at most 64), anything else as `_`.
pub fn wire_name(server: &str, tool: &str) -> String {
    let mut name: String = format!("{server}__{tool}")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' })
        .collect();
    name.truncate(MAX_NAME);
    name
}

/// A tool as offered to the model.
pub struct Offered {
    pub def: ToolDef,
    pub server: String,
    pub tool: String,
    /// Compiled on the tool's first call: a server may list dozens of tools a task
    /// never calls, and compiling a schema costs more than a whole step.
    validator: std::sync::OnceLock<Option<jsonschema::Validator>>,
}

struct Server {
    spec: ServerSpec,
    connection: tokio::sync::RwLock<Option<Arc<Connection>>>,
    /// A server that died is started again once per toolbox, no more.
    restarted: AtomicBool,
}

/// What one tool call gave back, as the model will see it.
#[derive(Debug, Clone)]
pub struct ToolOutput {
    pub content: String,
    pub is_error: bool,
    /// The result's size before any cut.
    pub bytes: usize,
    pub duration: Duration,
}

/// The running servers and every tool they offer, shared by the toolboxes of one
/// run (a task, or every line of a batch).
struct Shared {
    servers: Vec<Server>,
    tools: Vec<Arc<Offered>>,
    options: StartOptions,
    secrets: Vec<String>,
}

/// The servers a task uses and the tools it is offered: a view of shared servers.
pub struct Toolbox {
    shared: Arc<Shared>,
    offered: Vec<Arc<Offered>>,
}

impl Toolbox {
    /// Start every server (at once) and offer what `filter` lets through. A server
    /// that does not start, or two tools under one name, fail here, before any model
    /// call.
    pub async fn open(specs: Vec<ServerSpec>, filter: &ToolFilter, options: StartOptions) -> Result<Self, McpError> {
        let names: Vec<String> = specs.iter().map(|s| s.name.clone()).collect();
        let all = Self::open_all(specs, options).await?;
        match all.narrow(&names, filter) {
            Ok(toolbox) => Ok(toolbox),
            Err(err) => {
                all.close().await;
                Err(err)
            }
        }
    }

    /// Start every server and gather all their tools, for [`Toolbox::narrow`] to
    /// offer per task (a batch starts each server once for all its lines).
    pub async fn open_all(specs: Vec<ServerSpec>, options: StartOptions) -> Result<Self, McpError> {
        let opened = futures_util::future::join_all(specs.iter().map(|spec| Connection::open(spec, &options))).await;
        let mut servers = Vec::with_capacity(specs.len());
        let mut tools: Vec<Arc<Offered>> = Vec::new();
        let mut first_error = None;
        let mut secrets = Vec::new();
        for (spec, connection) in specs.into_iter().zip(opened) {
            secrets.extend(super::client::secrets(&spec, &options));
            let connection = match connection {
                Ok(connection) => connection,
                Err(err) => {
                    first_error.get_or_insert(err);
                    continue;
                }
            };
            let listed = match connection.tools(&spec.name).await {
                Ok(listed) => listed,
                Err(err) => {
                    first_error.get_or_insert(err);
                    connection.close().await;
                    continue;
                }
            };
            for tool in listed {
                let schema = serde_json::Value::Object((*tool.input_schema).clone());
                tools.push(Arc::new(Offered {
                    def: ToolDef {
                        name: wire_name(&spec.name, &tool.name),
                        description: tool.description.as_deref().unwrap_or_default().to_string(),
                        input_schema: schema,
                    },
                    server: spec.name.clone(),
                    tool: tool.name.to_string(),
                    validator: std::sync::OnceLock::new(),
                }));
            }
            servers.push(Server {
                spec,
                connection: tokio::sync::RwLock::new(Some(Arc::new(connection))),
                restarted: AtomicBool::new(false),
            });
        }
        let offered = tools.clone();
        let toolbox = Self { shared: Arc::new(Shared { servers, tools, options, secrets }), offered };
        if let Some(err) = first_error {
            toolbox.close().await;
            return Err(err);
        }
        Ok(toolbox)
    }

    /// The tools of `servers` that `filter` lets through, on the same running
    /// servers. Two tools under one name are an error naming both.
    pub fn narrow(&self, servers: &[String], filter: &ToolFilter) -> Result<Toolbox, McpError> {
        let mut offered: Vec<Arc<Offered>> = Vec::new();
        for tool in &self.shared.tools {
            if !servers.contains(&tool.server) || !filter.offers(&tool.server, &tool.tool) {
                continue;
            }
            if let Some(other) = offered.iter().find(|o| o.def.name == tool.def.name) {
                return Err(McpError::Tools(format!(
                    "tools `{}.{}` and `{}.{}` would both be offered as `{}`; leave one out with --deny-tool",
                    other.server, other.tool, tool.server, tool.tool, tool.def.name
                )));
            }
            offered.push(tool.clone());
        }
        Ok(Toolbox { shared: self.shared.clone(), offered })
    }

    /// The tools as the request carries them.
    pub fn definitions(&self) -> Vec<ToolDef> {
        self.offered.iter().map(|o| o.def.clone()).collect()
    }

    pub fn offered(&self) -> &[Arc<Offered>] {
        &self.offered
    }

    /// Every `env` and header value of the servers, for the redactor.
    pub fn secrets(&self) -> &[String] {
        &self.shared.secrets
    }

    /// The server and tool a model's name stands for.
    pub fn locate(&self, name: &str) -> Option<(&str, &str)> {
        self.offered.iter().find(|o| o.def.name == name).map(|o| (o.server.as_str(), o.tool.as_str()))
    }

    /// Call the tool the model named `name` with the JSON text it wrote, within
    /// `timeout`. Never fails: each failure is an error result for the model.
    pub async fn call(&self, name: &str, arguments: &str, timeout: Duration) -> ToolOutput {
        let started = Instant::now();
        let error = |text: String| {
            let bytes = text.len();
            ToolOutput { content: text, is_error: true, bytes, duration: started.elapsed() }
        };
        let Some(offered) = self.offered.iter().find(|o| o.def.name == name) else {
            return error(format!("there is no tool `{name}`; use one of the tools offered"));
        };
        let arguments = if arguments.trim().is_empty() { "{}" } else { arguments };
        let value: serde_json::Value = match serde_json::from_str(arguments) {
            Ok(value) => value,
            Err(err) => return error(format!("the arguments are not valid JSON ({err}); send a JSON object")),
        };
        let serde_json::Value::Object(map) = value else {
            return error("the arguments must be a JSON object".into());
        };
        // A schema that does not compile checks nothing: the server has the last word.
        let validator = offered.validator.get_or_init(|| {
            jsonschema::options().with_draft(jsonschema::Draft::Draft7).build(&offered.def.input_schema).ok()
        });
        if let Some(validator) = validator {
            let problems: Vec<String> = validator
                .iter_errors(&serde_json::Value::Object(map.clone()))
                .take(5)
                .map(|e| {
                    let at = e.instance_path.to_string();
                    if at.is_empty() { e.to_string() } else { format!("{at}: {e}") }
                })
                .collect();
            if !problems.is_empty() {
                return error(format!(
                    "the arguments do not match the tool's input schema: {}; the tool was not called",
                    problems.join("; ")
                ));
            }
        }
        let Some(server) = self.shared.servers.iter().find(|s| s.spec.name == offered.server) else {
            return error(format!("tool server `{}` is not running", offered.server));
        };
        let Some(connection) = self.connection(server).await else {
            return error(format!("tool server `{}` stopped and could not be started again", offered.server));
        };
        let called = tokio::time::timeout(timeout, connection.call(&offered.tool, map)).await;
        let mut output = match called {
            Err(_) => error(format!(
                "the tool did not answer within {} (--tool-timeout)",
                crate::units::duration_words(timeout)
            )),
            Ok(Err(CallFailure::Refused(why))) => error(format!("the server refused the call: {why}")),
            Ok(Err(CallFailure::Lost(why))) => {
                // Pending calls fail; the next call starts the server again (once).
                let mut slot = server.connection.write().await;
                if slot.as_ref().is_some_and(|c| Arc::ptr_eq(c, &connection)) {
                    *slot = None;
                }
                error(format!("tool server `{}` stopped during the call: {why}", offered.server))
            }
            Ok(Ok(result)) => result_text(&result),
        };
        output.duration = started.elapsed();
        output
    }

    /// The server's live session; one that died is started again once.
    async fn connection(&self, server: &Server) -> Option<Arc<Connection>> {
        if let Some(live) = server.connection.read().await.as_ref().filter(|c| !c.is_closed()) {
            return Some(live.clone());
        }
        let mut slot = server.connection.write().await;
        if let Some(live) = slot.as_ref().filter(|c| !c.is_closed()) {
            return Some(live.clone());
        }
        if server.restarted.swap(true, Ordering::SeqCst) {
            return None;
        }
        let connection = Arc::new(Connection::open(&server.spec, &self.shared.options).await.ok()?);
        *slot = Some(connection.clone());
        Some(connection)
    }

    /// End every server's session (of every toolbox sharing them): a stdio server
    /// gets its stdin closed, then a signal. Later calls find no server.
    pub async fn close(&self) {
        let mut closing = Vec::new();
        for server in &self.shared.servers {
            // Nothing restarts a server after this.
            server.restarted.store(true, Ordering::SeqCst);
            if let Some(connection) = server.connection.write().await.take().and_then(Arc::into_inner) {
                closing.push(connection.close());
            }
        }
        futures_util::future::join_all(closing).await;
    }
}

/// A tool's result as text: text content joined, other content as a short
/// placeholder, the whole cut at [`MAX_RESULT_BYTES`].
pub fn result_text(result: &CallToolResult) -> ToolOutput {
    let mut pieces: Vec<String> = result
        .content
        .iter()
        .map(|block| match block {
            ContentBlock::Text(text) => text.text.clone(),
            ContentBlock::Image(image) => format!("[image: {}]", image.mime_type),
            ContentBlock::Audio(audio) => format!("[audio: {}]", audio.mime_type),
            ContentBlock::Resource(_) => "[embedded resource]".to_string(),
            ContentBlock::ResourceLink(link) => format!("[resource link: {}]", link.uri),
            _ => "[content agentry cannot show]".to_string(),
        })
        .collect();
    if pieces.is_empty()
        && let Some(value) = &result.structured_content
    {
        pieces.push(value.to_string());
    }
    let text = pieces.join("\n");
    let bytes = text.len();
    ToolOutput { content: cut(text), is_error: result.is_error.unwrap_or(false), bytes, duration: Duration::ZERO }
}

fn cut(mut text: String) -> String {
    if text.len() <= MAX_RESULT_BYTES {
        return text;
    }
    let total = text.len();
    let mut end = MAX_RESULT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.truncate(end);
    text.push_str(&format!("\n[agentry: result cut at 64 KiB of {total} bytes]"));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_and_filters() {
        assert!(glob("fs.*", "fs.read_file") && glob("*", "") && glob("*.read_?ile", "fs.read_file"));
        assert!(!glob("fs.*", "git.log") && !glob("fs.read", "fs.read_file"));
        let filter = ToolFilter { allow: vec!["fs.*".into()], deny: vec!["fs.write*".into()] };
        assert!(filter.offers("fs", "read_file"));
        assert!(!filter.offers("fs", "write_file") && !filter.offers("git", "log"));
        assert!(ToolFilter::default().offers("any", "thing"));
    }

    #[test]
    fn wire_names_follow_openai_rules() {
        assert_eq!(wire_name("fs", "read_file"), "fs__read_file");
        assert_eq!(wire_name("fs", "get.file name"), "fs__get_file_name");
        assert_eq!(wire_name("s", &"x".repeat(100)).len(), 64);
    }

    fn offered(server: &str, tool: &str) -> Arc<Offered> {
        Arc::new(Offered {
            def: ToolDef {
                name: wire_name(server, tool),
                description: String::new(),
                input_schema: serde_json::json!({}),
            },
            server: server.into(),
            tool: tool.into(),
            validator: std::sync::OnceLock::new(),
        })
    }

    #[test]
    fn two_tools_under_one_name_are_refused_unless_one_is_left_out() {
        let options = StartOptions { env: Arc::new(|_: &str| None), log_dir: None };
        let all = Toolbox {
            shared: Arc::new(Shared {
                servers: Vec::new(),
                tools: vec![offered("fs", "get.file"), offered("fs", "get_file"), offered("git", "log")],
                options,
                secrets: Vec::new(),
            }),
            offered: Vec::new(),
        };
        let names = ["fs".to_string(), "git".to_string()];
        let err = all.narrow(&names, &ToolFilter::default()).err().expect("a clash");
        assert_eq!(
            err.to_string(),
            "tools `fs.get.file` and `fs.get_file` would both be offered as `fs__get_file`; leave one out with --deny-tool"
        );
        let filter = ToolFilter { allow: Vec::new(), deny: vec!["fs.get.file".into()] };
        let narrowed = all.narrow(&names, &filter).expect("no clash");
        assert_eq!(narrowed.locate("fs__get_file"), Some(("fs", "get_file")));
        assert_eq!(all.narrow(&names[1..], &ToolFilter::default()).expect("git only").offered().len(), 1);
    }

    #[test]
    fn long_results_are_cut_on_a_char_boundary_and_marked() {
        let text = "é".repeat(MAX_RESULT_BYTES);
        let out = cut(text);
        assert!(out.len() < MAX_RESULT_BYTES + 80);
        assert!(out.ends_with(&format!("[agentry: result cut at 64 KiB of {} bytes]", MAX_RESULT_BYTES * 2)));
    }
}
