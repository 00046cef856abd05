//! `agentry mcp add|list|remove|tools` (the `[mcp.NAME]` tables of providers.toml)
//! and the start of the tool servers a task or batch names. `mcp serve` is
//! `commands::serve`.

use std::sync::Arc;

use super::Invocation;
use crate::cli::{McpAddArgs, McpCommand};
use crate::config::{self, Config, NewToolServer};
use crate::error::Failure;
use crate::files::LockMode;
use crate::mcp::{McpError, ServerSpec, StartOptions, ToolFilter, Toolbox};
use crate::request::TaskOptions;

pub(super) async fn run(ctx: &Invocation, command: McpCommand) -> anyhow::Result<()> {
    match command {
        McpCommand::Add(args) => add(ctx, args).await,
        McpCommand::List => list(ctx),
        McpCommand::Remove { name } => remove(ctx, &name).await,
        McpCommand::Tools { name } => tools(ctx, &name).await,
        McpCommand::Serve(args) => super::serve::run(ctx, args).await,
    }
}

async fn add(ctx: &Invocation, args: McpAddArgs) -> anyhow::Result<()> {
    let new = match (args.url, args.command.split_first()) {
        (Some(url), None) => {
            if !args.env.is_empty() {
                return Err(
                    Failure::usage("--env goes with a command; an HTTP server gets `headers` in its table").into()
                );
            }
            NewToolServer::Http { url }
        }
        (None, Some((command, rest))) => {
            let mut env = Vec::new();
            for pair in &args.env {
                let Some((key, var)) = pair.split_once('=').filter(|(k, v)| !k.is_empty() && !v.is_empty()) else {
                    return Err(Failure::usage(format!(
                        "--env takes KEY=VAR (the server's variable KEY gets agentry's VAR), not `{}`",
                        crate::units::one_line(pair)
                    ))
                    .into());
                };
                env.push((key.to_string(), var.to_string()));
            }
            NewToolServer::Stdio { command: command.clone(), args: rest.to_vec(), env }
        }
        (Some(_), Some(_)) => return Err(Failure::usage("give either --url or a command after `--`, not both").into()),
        (None, None) => {
            return Err(Failure::usage("mcp add needs a command after `--`, or --url")
                .hint(format!("e.g. agentry mcp add {} -- npx -y @modelcontextprotocol/server-filesystem .", args.name))
                .into());
        }
    };
    let path = ctx.paths.providers_file.path.clone();
    let _lock = config::lock(&path, LockMode::Exclusive, ctx.lock_timeout(), super::provider::waiting(ctx)).await?;
    config::add_tool_server(&path, &args.name, &new)?;
    ctx.printer.note(&format!("added tool server {} to {}", args.name, path.display()));
    if ctx.printer.json {
        return ctx.printer.json(&serde_json::json!({ "added": args.name }));
    }
    Ok(())
}

#[derive(serde::Serialize)]
struct ServerView<'a> {
    name: &'a str,
    transport: &'static str,
    /// The command line, or the URL without credentials.
    target: String,
    /// The names of the variables (stdio) or headers (HTTP) it gets; never values.
    env: Vec<&'a str>,
    headers: Vec<&'a str>,
}

fn view(spec: &ServerSpec) -> ServerView<'_> {
    let (env, headers) = match &spec.reach {
        crate::mcp::Reach::Stdio { env, .. } => (env.keys().map(String::as_str).collect(), Vec::new()),
        crate::mcp::Reach::Http { headers, .. } => (Vec::new(), headers.keys().map(String::as_str).collect()),
    };
    ServerView { name: &spec.name, transport: spec.transport_name(), target: spec.target(), env, headers }
}

fn list(ctx: &Invocation) -> anyhow::Result<()> {
    let config = ctx.config()?;
    let views: Vec<ServerView<'_>> = config.settings.tool_servers.values().map(view).collect();
    if ctx.printer.json {
        return ctx.printer.json(&views);
    }
    if views.is_empty() {
        ctx.printer.note("no tool servers yet; add one with `agentry mcp add NAME -- COMMAND ARGS…`");
        return Ok(());
    }
    let rows = views.into_iter().map(|v| vec![v.name.to_string(), v.transport.to_string(), v.target]).collect();
    Ok(ctx.printer.out(&ctx.printer.table(&["NAME", "TRANSPORT", "COMMAND OR URL"], rows, &[]))?)
}

async fn remove(ctx: &Invocation, name: &str) -> anyhow::Result<()> {
    let config = ctx.config()?;
    let path = config.file.path.clone();
    let _lock = config::lock(&path, LockMode::Exclusive, ctx.lock_timeout(), super::provider::waiting(ctx)).await?;
    let users: Vec<String> = ctx
        .store()
        .await?
        .snapshot()
        .await?
        .agents
        .into_iter()
        .filter(|a| a.tools.iter().any(|t| t == name))
        .map(|a| a.name)
        .collect();
    if !users.is_empty() {
        return Err(Failure::usage(format!("tool server `{name}` is in use by agent(s) {}", users.join(", ")))
            .hint(format!("stop those agents first: `agentry stop {}`", users.join(" ")))
            .into());
    }
    config::remove_tool_server(&path, name)?;
    ctx.printer.note(&format!("removed tool server {name} from {}", path.display()));
    if ctx.printer.json {
        return ctx.printer.json(&serde_json::json!({ "removed": name }));
    }
    Ok(())
}

async fn tools(ctx: &Invocation, name: &str) -> anyhow::Result<()> {
    let config = ctx.config()?;
    let toolbox = open(ctx, &config, &[name.to_string()], ToolFilter::default()).await?;
    let Some(toolbox) = toolbox else { return Ok(()) };
    let listed: Vec<serde_json::Value> = toolbox
        .offered()
        .iter()
        .map(|o| {
            serde_json::json!({
                "server": o.server, "name": o.tool, "model_name": o.def.name,
                "description": o.def.description, "input_schema": o.def.input_schema,
            })
        })
        .collect();
    let text = if ctx.printer.json {
        None
    } else {
        let mut text = String::new();
        for o in toolbox.offered() {
            text.push_str(&format!("{}  (the model calls it {})\n", o.tool, o.def.name));
            for line in o.def.description.lines().filter(|l| !l.trim().is_empty()) {
                text.push_str(&format!("  {line}\n"));
            }
            text.push_str(&format!("  input: {}\n", o.def.input_schema));
        }
        Some(text)
    };
    close(Some(Arc::new(toolbox))).await;
    match text {
        None => ctx.printer.json(&listed),
        Some(text) if text.is_empty() => {
            ctx.printer.note(&format!("tool server {name} offers no tools"));
            Ok(())
        }
        Some(text) => Ok(ctx.printer.out(&text)?),
    }
}

/// The servers named (each once, in order): `[mcp.NAME]` tables of `config`.
pub(super) fn specs(config: &Config, names: &[String]) -> Result<Vec<ServerSpec>, McpError> {
    let mut specs: Vec<ServerSpec> = Vec::new();
    for name in names {
        if specs.iter().any(|s| &s.name == name) {
            continue;
        }
        let spec = config.settings.tool_servers.get(name).ok_or_else(|| McpError::Unknown {
            server: name.clone(),
            place: if config.file_exists {
                config.file.path.display().to_string()
            } else {
                "providers.toml (there is no providers file yet)".to_string()
            },
        })?;
        specs.push(spec.clone());
    }
    Ok(specs)
}

/// Start the servers named, offering what `filter` lets through: `None` when no
/// server is named. Each server's stderr goes to `logs/mcp/NAME.log` in the state
/// folder, or through with `-v`.
pub(super) async fn open(
    ctx: &Invocation,
    config: &Config,
    names: &[String],
    filter: ToolFilter,
) -> anyhow::Result<Option<Toolbox>> {
    let specs = specs(config, names)?;
    if specs.is_empty() {
        return Ok(None);
    }
    let toolbox = Toolbox::open(specs, &filter, start_options(ctx)).await?;
    if toolbox.offered().is_empty() {
        ctx.printer.warn("the tool servers named offer no tools (or --allow-tool/--deny-tool left none)");
    }
    Ok(Some(toolbox))
}

/// Start every server named, with all their tools, for a batch's lines to narrow:
/// `None` when no server is named.
pub(super) async fn open_all(ctx: &Invocation, config: &Config, names: &[String]) -> anyhow::Result<Option<Toolbox>> {
    let specs = specs(config, names)?;
    if specs.is_empty() {
        return Ok(None);
    }
    Ok(Some(Toolbox::open_all(specs, start_options(ctx)).await?))
}

fn start_options(ctx: &Invocation) -> StartOptions {
    StartOptions {
        env: Arc::new(|name: &str| std::env::var(name).ok()),
        log_dir: (!ctx.printer.verbose).then(|| ctx.paths.state_dir.path.join("logs").join("mcp")),
    }
}

/// The servers and filter a task's options and agent name.
pub(super) fn task_tools(options: &TaskOptions, agent_tools: &[String]) -> (Vec<String>, ToolFilter) {
    let mut names: Vec<String> = agent_tools.to_vec();
    names.extend(options.tools.iter().map(|n| n.trim().to_string()).filter(|n| !n.is_empty()));
    (names, ToolFilter { allow: options.allow_tools.clone(), deny: options.deny_tools.clone() })
}

/// End the servers' sessions.
pub(super) async fn close(toolbox: Option<Arc<Toolbox>>) {
    if let Some(toolbox) = toolbox {
        toolbox.close().await;
    }
}
