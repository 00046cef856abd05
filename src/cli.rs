//! Command-line types only: what can be typed and what `--help` says about it. The
//! per-task options (`--model`, `--temperature`, the time limits, `--retries`) are
//! `request::TaskOptions`, flattened into `task run` and shared with batch lines.
//! Resolution into settings and the work itself live in `commands/`.

// Doc comments here are `--help` text for a terminal, where a URL is plain text.
#![allow(rustdoc::bare_urls, reason = "help texts show URLs as the terminal prints them, not as links")]

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0    success (a closed stdout counts as success)
  1    internal error, or the answer was printed but could not be recorded
  2    usage, bad config or bad input (taken name, full pool, invalid or reserved id,
       unset key variable, failing key command, removing a provider in use, a state
       folder that cannot be written, a lock not had within AGENTRY_LOCK_TIMEOUT)
  3    not found (agent, provider, persona, task)
  4    provider or task failure once retries and failover are spent (HTTP error,
       unreachable, connect or idle timeout, cut or garbage answer, answer over
       AGENTRY_MAX_BODY)
  5    the whole task took longer than --timeout, or a wait would have outlasted it
  6    partial output (a stream broke after some text)
  7    refused by a budget (--max-cost, an agent's --budget, budget_daily)
  8    a batch (--file) finished with failed tasks
  9    task cancelled by `stop`
  10   the answer did not match its --schema after the repair rounds, or was cut
       at the token limit under a schema
  11   the model still asked for tools after --max-steps model calls
  130  interrupted (SIGINT), or a batch whose results stream was closed
  143  terminated (SIGTERM)";

/// Run AI agents as workers: providers, personas, agents and tasks from the command line.
#[derive(Debug, Parser)]
#[command(name = "agentry", version, after_long_help = EXIT_CODES_HELP, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Default, Args)]
pub struct GlobalArgs {
    /// Folder for agentry's state and default config [env: AGENTRY_HOME]
    #[arg(long, global = true, help_heading = "Global options", value_name = "DIR")]
    pub home: Option<PathBuf>,

    /// The providers file to use [env: AGENTRY_PROVIDERS]
    #[arg(long, global = true, help_heading = "Global options", value_name = "FILE")]
    pub providers: Option<PathBuf>,

    /// The folder to look up personas in [env: AGENTRY_PERSONAS]
    #[arg(long, global = true, help_heading = "Global options", value_name = "DIR")]
    pub personas: Option<PathBuf>,

    /// Where the state lives: `file` or a redis://, rediss:// or redis+unix:// URL (valkey forms too) [env: AGENTRY_STATE]
    #[arg(long, global = true, help_heading = "Global options", value_name = "URL")]
    pub state: Option<String>,

    /// Print machine-readable JSON on stdout
    #[arg(long, global = true, help_heading = "Global options")]
    pub json: bool,

    /// Silence notes and progress (errors and warnings still show)
    #[arg(short, long, global = true, help_heading = "Global options", conflicts_with = "verbose")]
    pub quiet: bool,

    /// Print request and response metadata on stderr (secrets redacted)
    #[arg(short, long, global = true, help_heading = "Global options")]
    pub verbose: bool,

    /// When to use colour on stderr and in tables [env: NO_COLOR turns it off] [default: auto]
    // No `default_value`: clap would fill the default in at every level of every run;
    // `None` is `auto` (see `output::Printer::new`).
    #[arg(long, global = true, help_heading = "Global options", value_enum, value_name = "WHEN")]
    pub color: Option<ColorChoice>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// The top-level commands. `Subcommand` and `FromArgMatches` are written out below
/// (not derived) so that each command's own arguments are built only when it is the
/// one run (`Command::defer`): building every command's arguments for every run cost a
/// tenth of a task's instructions. The words here are the help's; keep them with the
/// variants.
#[derive(Debug)]
pub enum Command {
    /// Register, inspect and remove providers
    Provider(ProviderCommand),

    /// List personas and show the system prompt they build
    Persona(PersonaCommand),

    /// Spawn, list and inspect agents
    Agent(AgentCommand),

    /// Run tasks on agents or one-shot on a persona and provider
    Task(TaskCommand),

    /// Show the worker pool, every agent and the per-provider totals and metrics
    Stats(StatsArgs),

    /// Stop agents: they leave the pool; their history and totals stay
    Stop(StopArgs),

    /// Inspect or empty the response cache
    Cache(CacheCommand),

    /// Move agents, totals, budgets and history between state backends
    State(StateCommand),

    /// Print the files and folders in use and where each choice came from
    Paths,

    /// Print the JSON Schema a --schema SPEC makes
    Schema(SchemaCommand),

    /// Tool servers (MCP) agents may call, and agentry as an MCP server
    Mcp(McpCommand),

    /// Show and prune the cassettes `task run --record FILE` writes
    Cassette(CassetteCommand),

    /// Provider batches: list, show and cancel what `task run --via batch-api` submitted
    Batch(BatchCommand),

    /// Print a shell completion script to stdout
    Completions {
        /// The shell to generate for
        shell: clap_complete::Shell,
    },
}

/// How the top-level commands' own arguments are built: when one is run (`Later`), or
/// at once (`Now`: [`whole_command`]).
#[derive(Clone, Copy)]
enum Build {
    Now,
    Later,
}

/// One top-level command: its name, its one-line help, and how its arguments are built.
fn top(
    build: Build,
    name: &'static str,
    about: &'static str,
    args: fn(clap::Command) -> clap::Command,
) -> clap::Command {
    let cmd = clap::Command::new(name).about(about).long_about(None);
    match build {
        Build::Now => args(cmd),
        Build::Later => cmd.defer(args),
    }
}

/// A top-level command whose own subcommands are required.
fn group(
    build: Build,
    name: &'static str,
    about: &'static str,
    args: fn(clap::Command) -> clap::Command,
) -> clap::Command {
    top(build, name, about, args).subcommand_required(true).arg_required_else_help(true)
}

fn completions_args(cmd: clap::Command) -> clap::Command {
    cmd.arg(
        clap::Arg::new("shell")
            .value_name("SHELL")
            .required(true)
            .value_parser(clap::builder::EnumValueParser::<clap_complete::Shell>::new())
            .action(clap::ArgAction::Set)
            .help("The shell to generate for")
            .long_help(None),
    )
}

fn commands(cmd: clap::Command, build: Build) -> clap::Command {
    cmd.subcommand(group(
        build,
        "provider",
        "Register, inspect and remove providers",
        ProviderCommand::augment_subcommands,
    ))
    .subcommand(group(
        build,
        "persona",
        "List personas and show the system prompt they build",
        PersonaCommand::augment_subcommands,
    ))
    .subcommand(group(build, "agent", "Spawn, list and inspect agents", AgentCommand::augment_subcommands))
    .subcommand(group(
        build,
        "task",
        "Run tasks on agents or one-shot on a persona and provider",
        TaskCommand::augment_subcommands,
    ))
    .subcommand(top(
        build,
        "stats",
        "Show the worker pool, every agent and the per-provider totals and metrics",
        StatsArgs::augment_args,
    ))
    .subcommand(
        top(build, "stop", "Stop agents: they leave the pool; their history and totals stay", StopArgs::augment_args)
            .after_long_help(EXIT_CODES_HELP),
    )
    .subcommand(group(build, "cache", "Inspect or empty the response cache", CacheCommand::augment_subcommands))
    .subcommand(group(
        build,
        "state",
        "Move agents, totals, budgets and history between state backends",
        StateCommand::augment_subcommands,
    ))
    .subcommand(top(build, "paths", "Print the files and folders in use and where each choice came from", |c| c))
    .subcommand(group(
        build,
        "schema",
        "Print the JSON Schema a --schema SPEC makes",
        SchemaCommand::augment_subcommands,
    ))
    .subcommand(group(
        build,
        "mcp",
        "Tool servers (MCP) agents may call, and agentry as an MCP server",
        McpCommand::augment_subcommands,
    ))
    .subcommand(group(
        build,
        "cassette",
        "Show and prune the cassettes `task run --record FILE` writes",
        CassetteCommand::augment_subcommands,
    ))
    .subcommand(group(
        build,
        "batch",
        "Provider batches: list, show and cancel what `task run --via batch-api` submitted",
        BatchCommand::augment_subcommands,
    ))
    .subcommand(top(build, "completions", "Print a shell completion script to stdout", completions_args))
}

/// Set while [`whole_command`] builds the tree.
static WHOLE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The whole command tree, every command's arguments built at once and in the order
/// the derive gives them: what the completion scripts (and their `help` entries) are
/// generated from. A run builds only the command it runs.
pub(crate) fn whole_command() -> clap::Command {
    use clap::CommandFactory;
    WHOLE.store(true, std::sync::atomic::Ordering::Relaxed);
    let cmd = Cli::command();
    WHOLE.store(false, std::sync::atomic::Ordering::Relaxed);
    cmd
}

impl Subcommand for Command {
    fn augment_subcommands(cmd: clap::Command) -> clap::Command {
        let build = if WHOLE.load(std::sync::atomic::Ordering::Relaxed) { Build::Now } else { Build::Later };
        commands(cmd, build)
    }

    fn augment_subcommands_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_subcommands(cmd)
    }

    fn has_subcommand(name: &str) -> bool {
        matches!(
            name,
            "provider"
                | "persona"
                | "agent"
                | "task"
                | "stats"
                | "stop"
                | "cache"
                | "state"
                | "paths"
                | "schema"
                | "mcp"
                | "cassette"
                | "batch"
                | "completions"
        )
    }
}

impl clap::FromArgMatches for Command {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        Self::from_arg_matches_mut(&mut matches.clone())
    }

    fn from_arg_matches_mut(matches: &mut clap::ArgMatches) -> Result<Self, clap::Error> {
        use clap::error::ErrorKind;
        let Some((name, mut sub)) = matches.remove_subcommand() else {
            return Err(clap::Error::raw(ErrorKind::MissingSubcommand, "a command is required"));
        };
        let sub = &mut sub;
        Ok(match name.as_str() {
            "provider" => Command::Provider(ProviderCommand::from_arg_matches_mut(sub)?),
            "persona" => Command::Persona(PersonaCommand::from_arg_matches_mut(sub)?),
            "agent" => Command::Agent(AgentCommand::from_arg_matches_mut(sub)?),
            "task" => Command::Task(TaskCommand::from_arg_matches_mut(sub)?),
            "stats" => Command::Stats(StatsArgs::from_arg_matches_mut(sub)?),
            "stop" => Command::Stop(StopArgs::from_arg_matches_mut(sub)?),
            "cache" => Command::Cache(CacheCommand::from_arg_matches_mut(sub)?),
            "state" => Command::State(StateCommand::from_arg_matches_mut(sub)?),
            "paths" => Command::Paths,
            "schema" => Command::Schema(SchemaCommand::from_arg_matches_mut(sub)?),
            "mcp" => Command::Mcp(McpCommand::from_arg_matches_mut(sub)?),
            "cassette" => Command::Cassette(CassetteCommand::from_arg_matches_mut(sub)?),
            "batch" => Command::Batch(BatchCommand::from_arg_matches_mut(sub)?),
            "completions" => Command::Completions {
                shell: sub
                    .remove_one::<clap_complete::Shell>("shell")
                    .ok_or_else(|| clap::Error::raw(ErrorKind::MissingRequiredArgument, "the shell is required"))?,
            },
            other => {
                return Err(clap::Error::raw(ErrorKind::InvalidSubcommand, format!("unknown command `{other}`")));
            }
        })
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(matches)?;
        Ok(())
    }
}

/// How a batch's lines reach their providers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Via {
    /// One request each, through the worker pool
    Requests,
    /// Each provider's batch API
    BatchApi,
}

#[derive(Debug, Subcommand)]
pub enum BatchCommand {
    /// The provider batches submitted by `task run --via batch-api`, with status and counts
    List,
    /// One provider batch (agentry's `pb_` id or the provider's id), asking the provider where it stands
    Show {
        #[arg(value_name = "ID")]
        id: String,
    },
    /// Ask the provider to cancel a provider batch; the same `task run` collects what was done
    Cancel {
        #[arg(value_name = "ID")]
        id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum CassetteCommand {
    /// List a cassette's interactions: provider, model, status, and when each was last replayed
    Show {
        /// The cassette (`task run --record FILE` wrote it)
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// Drop the interactions no replay has matched since TIME (what was recorded since then stays)
    Prune {
        /// The cassette to rewrite
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// An RFC 3339 time, a date, or a DURATION back from now (`30d`)
        #[arg(long, value_name = "TIME|DURATION")]
        since: String,
        /// Say what would be dropped; change nothing
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum McpCommand {
    /// Add a tool server to the providers file: `mcp add NAME -- COMMAND ARGS…` or `mcp add NAME --url URL`
    Add(McpAddArgs),
    /// List the tool servers (commands and URLs; never an env or header value)
    List,
    /// Remove a tool server from the providers file
    Remove {
        /// The [mcp.NAME] to remove
        name: String,
    },
    /// Start a tool server and list its tools with their descriptions and input schemas
    Tools {
        /// The [mcp.NAME] to ask
        name: String,
    },
    /// Offer agentry's agents as MCP tools on stdio (or streamable HTTP with --http)
    Serve(McpServeArgs),
}

#[derive(Debug, clap::Args)]
pub struct McpAddArgs {
    /// The name tasks use in --tools (letters, digits, `-`, `_`)
    pub name: String,
    /// A streamable-HTTP server's URL, instead of a command
    #[arg(long, value_name = "URL", conflicts_with = "command")]
    pub url: Option<String>,
    /// Pass the variable VAR of agentry's environment to the server as KEY (KEY=VAR, repeatable)
    #[arg(long = "env", value_name = "KEY=VAR")]
    pub env: Vec<String>,
    /// The command that starts a stdio server, and its arguments (after `--`)
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

#[derive(Debug, clap::Args)]
pub struct McpServeArgs {
    /// Serve streamable HTTP on this local address (e.g. 127.0.0.1:8765); needs AGENTRY_MCP_TOKEN
    #[arg(long, value_name = "ADDR")]
    pub http: Option<String>,
    /// Offer only the agents whose names match GLOB (repeatable)
    #[arg(long = "agents", value_name = "GLOB")]
    pub agents: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum SchemaCommand {
    /// Print the JSON Schema a SPEC makes: what --schema (or, with --multi, --schema-multi) sends
    Show {
        // The help is an attribute: rustdoc would read `[string]` in a doc comment as a link.
        #[arg(
            help = "Inline JSON (`{…}`), a .json/.yaml/.yml file, or fields such as 'name, age int, tags [string], summary: one sentence'"
        )]
        spec: String,
        /// The schema --schema-multi sends: an object with one `items` array of SPEC's objects
        #[arg(long)]
        multi: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ProviderCommand {
    /// Add a provider to the providers file in use (comments and order are kept)
    Add(ProviderAddArgs),
    /// List the providers (the key is never shown)
    List,
    /// Show one provider
    Show {
        /// Provider id
        id: String,
    },
    /// Remove a provider (refused while an agent uses it)
    Remove {
        /// Provider id
        id: String,
    },
    /// List the models the provider serves (GET {endpoint}/models)
    Models {
        /// Provider id
        id: String,
    },
}

#[derive(Debug, Args)]
pub struct ProviderAddArgs {
    /// Provider id: letters, digits, `.`, `_`, `-`; at most 64 characters
    pub id: String,

    /// What kind of service it is (required without --preset)
    #[arg(long = "type", value_enum, value_name = "TYPE")]
    pub kind: Option<crate::provider::ProviderKind>,

    /// Fill type, endpoint, key variable and model for a known service: openai, anthropic,
    /// ollama, vllm, lmstudio, openrouter, groq, together, deepseek, mistral
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,

    /// Base URL including the version prefix, e.g. https://api.openai.com/v1
    #[arg(long, value_name = "URL")]
    pub endpoint: Option<String>,

    /// Model to request, e.g. gpt-4o-mini
    #[arg(long, value_name = "MODEL")]
    pub model: Option<String>,

    /// Display name (defaults to the id)
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Read the API key from this environment variable
    #[arg(long, value_name = "VAR", conflicts_with = "api_key_cmd")]
    pub api_key_env: Option<String>,

    /// Run this command with `sh -c`; its trimmed stdout is the API key
    #[arg(long, value_name = "CMD")]
    pub api_key_cmd: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum PersonaCommand {
    /// List personas with where each comes from
    List,
    /// Print the exact system prompt a persona builds
    Show {
        /// Persona name, e.g. examples/code-reviewer
        name: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AgentCommand {
    /// Spawn an agent: one worker bound to a persona, a provider and a project
    Spawn(AgentSpawnArgs),
    /// List agents
    List {
        /// Only agents of this project
        #[arg(long, value_name = "PROJECT")]
        project: Option<String>,
    },
    /// Show one agent (by name or id)
    Show {
        /// Agent name or id
        agent: String,
    },
    /// Empty an agent's memory (waits for its running task)
    Forget {
        /// Agent name or id
        agent: String,
    },
}

#[derive(Debug, Args)]
pub struct AgentSpawnArgs {
    /// Agent name: letters, digits, `.`, `_`, `-`; at most 64 characters
    pub name: String,

    /// Provider id the agent sends its tasks to
    #[arg(long, value_name = "ID")]
    pub provider: String,

    /// Persona that builds the system prompt (default: "You are NAME, an AI agent.")
    #[arg(long, value_name = "PERSONA")]
    pub persona: Option<String>,

    /// Project the agent works for
    #[arg(long, value_name = "PROJECT", default_value = "default")]
    pub project: String,

    /// Succeed when an agent of that name with the same persona, provider, project, budget, cache and memory exists
    #[arg(long)]
    pub exist_ok: bool,

    /// USD the agent may spend a UTC day (tasks past it are refused, exit 7)
    #[arg(long, value_name = "USD")]
    pub budget: Option<f64>,

    /// Answer the agent's identical requests from the response cache
    #[arg(long)]
    pub cache: bool,

    /// Remember the last N exchanges (task and answer) and send them before each new task [default: 0, none]
    #[arg(long, value_name = "N")]
    pub memory: Option<u32>,

    /// Keep at most T tokens (estimated) of exchanges in memory, instead of or as well as --memory
    #[arg(long, value_name = "T")]
    pub memory_tokens: Option<u64>,

    /// Let its tasks call the tools of these [mcp.NAME] servers
    #[arg(long, value_name = "NAME[,NAME]", value_delimiter = ',')]
    pub tools: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum TaskCommand {
    /// Run one task and print the response on stdout
    #[command(
        after_long_help = TASK_FORMS_HELP,
        override_usage = "agentry task run [OPTIONS] AGENT DESCRIPTION\n       agentry task run [OPTIONS] --persona P --provider ID DESCRIPTION"
    )]
    Run(Box<TaskRunArgs>),
    /// List finished tasks from the history, newest first
    List(TaskListArgs),
    /// Show one finished task: its history line, request and response
    Show {
        /// Task id (tk_…)
        id: String,
    },
}

#[derive(Debug, Args)]
pub struct TaskListArgs {
    /// Only tasks of this agent (name or id)
    #[arg(long, value_name = "AGENT")]
    pub agent: Option<String>,

    /// Only tasks that asked for or were answered by this provider
    #[arg(long, value_name = "ID")]
    pub provider: Option<String>,

    /// Only tasks since this long ago (e.g. 2h, 7d) or since an RFC 3339 time or date
    #[arg(long, value_name = "DURATION|TIME", allow_hyphen_values = true)]
    pub since: Option<String>,

    /// At most this many, newest first; 0 lists all
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
}

pub const TASK_FORMS_HELP: &str = "\
Forms:
  agentry task run AGENT DESCRIPTION                         on a spawned agent (name or id)
  agentry task run --persona P --provider ID DESCRIPTION     one-shot, no agent

DESCRIPTION `-` reads the description from stdin. When stdin is a pipe or a file and no
context option is given, stdin is read as the context (turn that off with --no-stdin).";

#[derive(Debug, Args)]
pub struct TaskRunArgs {
    /// AGENT then DESCRIPTION; or only DESCRIPTION with --persona and --provider (`-` reads stdin)
    #[arg(value_name = "AGENT|DESCRIPTION", num_args = 0..=2)]
    pub args: Vec<String>,

    /// One-shot: the persona to use (needs --provider, takes no AGENT)
    #[arg(long, value_name = "PERSONA")]
    pub persona: Option<String>,

    /// One-shot: the provider to use (needs --persona, takes no AGENT)
    #[arg(long, value_name = "ID")]
    pub provider: Option<String>,

    /// Context appended to the description
    #[arg(long, value_name = "TEXT", conflicts_with = "context_file")]
    pub context: Option<String>,

    /// Read the context from a file (`-` is stdin)
    #[arg(long, value_name = "FILE")]
    pub context_file: Option<PathBuf>,

    /// Never read stdin as context
    #[arg(long)]
    pub no_stdin: bool,

    #[command(flatten)]
    pub options: crate::request::TaskOptions,

    /// Write the answer to stdout as it is generated (under a schema: the wire streams, stdout waits for the checked value)
    #[arg(long)]
    pub stream: bool,

    /// Under a schema: print the value indented instead of on one line
    #[arg(long)]
    pub pretty: bool,

    /// Go on from task TASK_ID (`last`: the newest task): its whole conversation and answer are sent before this description, to its agent (or persona and provider) unless others are named
    #[arg(long = "continue", value_name = "TASK_ID")]
    pub continue_from: Option<String>,

    /// Answer identical requests from the response cache
    #[arg(long, conflicts_with = "no_cache")]
    pub cache: bool,

    /// Never use the response cache for this run
    #[arg(long)]
    pub no_cache: bool,

    /// Skip the cache lookup and store the new answer
    #[arg(long, conflicts_with = "no_cache")]
    pub refresh: bool,

    /// Refuse tasks once this run's spend would pass USD (a batch is one run; exit 7)
    #[arg(long, value_name = "USD")]
    pub max_cost: Option<f64>,

    /// Append every request sent and what came back to the cassette FILE (JSON lines, secrets removed); the cache is not looked up
    #[arg(long, value_name = "FILE", conflicts_with = "replay")]
    pub record: Option<PathBuf>,

    /// Answer every provider's requests from the cassette FILE: no network, no key (no match: exit 4, `replay_miss`)
    #[arg(long, value_name = "FILE")]
    pub replay: Option<PathBuf>,

    /// How fast replayed answers and waits come: 0 at once, 1 as recorded [default: 0]
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    pub replay_speed: Option<f64>,

    /// Print NDJSON events on stdout (start, delta, retry, fallback, usage, error, done)
    #[arg(long)]
    pub events: bool,

    /// Run the tasks of a JSON-lines file (`-` is stdin); see `Batch files` in the README
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,

    /// With --file: at most this many tasks at once [default: the pool maximum]
    #[arg(long, value_name = "N")]
    pub parallel: Option<usize>,

    /// With --file: print results in input order instead of completion order
    #[arg(long)]
    pub ordered: bool,

    /// With --file: append results to FILE (stdout stays empty); a rerun skips ids that succeeded
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// With --file: how lines reach their providers: `requests` (one each, the default) or `batch-api` (each provider's batch API: half price, answers within a day)
    #[arg(long, value_enum, value_name = "HOW")]
    pub via: Option<Via>,

    /// With --via batch-api: wait at most DURATION for the provider batches (then exit 5; the same command collects later) [default: 24h]
    #[arg(long, value_name = "DURATION", conflicts_with = "no_wait")]
    pub wait: Option<String>,

    /// With --via batch-api: submit, print the provider batch ids and exit 0; the same command collects later
    #[arg(long)]
    pub no_wait: bool,

    /// Print the exact request and send nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Subcommand)]
pub enum StateCommand {
    /// Write every agent, total, budget spend and history record as JSON lines to stdout
    Export,
    /// Load an export into the backend in use (`-` reads stdin)
    Import {
        /// The export to load
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Overwrite agents that exist already (otherwise nothing is loaded)
        #[arg(long)]
        replace: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CacheCommand {
    /// How many answers the cache holds, their size, the limits and the hits so far
    Stats,
    /// Remove every cached answer
    Clear,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// table, json (the same as --json) or prometheus (text exposition 0.0.4)
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<StatsFormat>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatsFormat {
    Table,
    Json,
    Prometheus,
}

#[derive(Debug, Args)]
pub struct StopArgs {
    /// Agents to stop (names or ids)
    #[arg(value_name = "AGENT", required_unless_present = "all", conflicts_with = "all")]
    pub agents: Vec<String>,

    /// Stop every agent
    #[arg(long)]
    pub all: bool,

    /// Give up waiting for a running task to be cancelled after this long (exit 5) [default: 10s]
    #[arg(long, value_name = "DURATION", allow_hyphen_values = true)]
    pub timeout: Option<String>,
}
