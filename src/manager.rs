//! Agents over time: spawning them into the bounded pool (under a shared lock on the
//! providers file, so a provider cannot vanish under a spawn), running tasks on
//! them (the agent claimed for the whole task, the state touched only before and
//! after the call; an agent's memory read and appended under that claim), and stopping
//! them. One-shot tasks take the same path without an agent. Works only through the
//! state interface, never on its files.

use std::time::Duration;

use crate::call::{Deadline, Link};
use crate::clock::now;
use crate::config::{self, Config};
use crate::env_vars::Env;
use crate::files::LockMode;
use crate::ids::new_id;
use crate::output::Printer;
use crate::persona::{self, PersonaError, PersonaLibrary};
use crate::provider::{Client, Deltas, Provider, is_valid_id};
use crate::request::{ChatRequest, Schema};
use crate::settings::{self, CallEnv, CallFlags, LinkSettings};
use crate::shutdown::Shutdown;
use crate::state::{AgentClaim, AgentRecord, NewAgent, Snapshot, Spawned, Store};
use crate::worker::pool::AgentView;
use crate::worker::{Job, Task, TaskError, TaskResult};

pub(crate) struct Manager {
    /// `--max-cost` of this run, shared by all its tasks.
    pub run_budget: Option<std::sync::Arc<crate::call::RunBudget>>,
    pub printer: Printer,
    pub store: Store,
    pub config: Config,
    pub personas: PersonaLibrary,
    pub env: Env,
    pub lock_timeout: Duration,
}

pub(crate) struct SpawnRequest {
    pub name: String,
    pub provider: String,
    pub persona: Option<String>,
    pub project: String,
    pub exist_ok: bool,
    pub budget: Option<f64>,
    pub cache: bool,
    pub memory: crate::state::MemoryLimit,
    pub tools: Vec<String>,
}

/// What `task run` prepared: enough to print a dry run or to attempt the task.
pub(crate) struct PreparedTask<'a> {
    /// Chosen before the attempt, so events can name it from the start.
    pub task_id: String,
    pub provider: &'a Provider,
    pub request: ChatRequest,
    /// The fallbacks of `provider`, in order, each with its own request.
    pub fallbacks: Vec<(&'a Provider, ChatRequest)>,
    pub agent: Option<AgentRecord>,
    pub persona: Option<String>,
    /// The project a one-shot task is recorded under (an agent's is its own).
    pub project: Option<String>,
    /// The task this one continues.
    pub parent: Option<String>,
    /// The tool servers its model may call, started (`--tools`, the agent's own).
    pub tools: Option<std::sync::Arc<crate::mcp::Toolbox>>,
}

/// A finished attempt: the result to print and record, and, if it failed, why.
/// The agent stays claimed until the result is recorded.
pub(crate) struct FinishedTask {
    pub result: TaskResult,
    pub error: Option<TaskError>,
    agent: Option<AgentRecord>,
    persona: Option<String>,
    project: Option<String>,
    /// The request and response for `task show`, with the system prompt apart.
    pub body: Option<(crate::state::TaskBody, Option<String>)>,
    /// The answer's schema value as stored: secrets redacted.
    pub stored_data: Option<serde_json::Value>,
    parent: Option<String>,
    /// The agent's claim, held until the task is recorded (released on drop).
    claim: Option<AgentClaim>,
}

/// `request` with the remembered `memory` after its system prompt, oldest first,
/// less the oldest exchanges that would not let the estimated prompt plus the answer's
/// `max_tokens` fit the model's context window (when it is known). Returns how many
/// were dropped.
fn with_memory(
    provider: &Provider,
    mut request: ChatRequest,
    memory: &[crate::state::Exchange],
) -> (ChatRequest, usize) {
    if memory.is_empty() {
        return (request, 0);
    }
    let mut start = 0;
    if let Some(window) = crate::pricing::context_window(provider, &request.options.model) {
        let answer = request.options.max_tokens.map_or(0, u64::from);
        let mut total = crate::request::estimate_usage(&request.messages, "")
            .prompt_tokens
            .saturating_add(memory.iter().map(crate::state::Exchange::tokens).sum::<u64>())
            .saturating_add(answer);
        while start < memory.len() && total > window {
            total = total.saturating_sub(memory[start].tokens());
            start += 1;
        }
    }
    let at = usize::from(request.messages.first().is_some_and(|m| m.role == crate::request::Role::System));
    let turns = memory[start..].iter().flat_map(|exchange| {
        [
            crate::request::Message::text(crate::request::Role::User, exchange.user.clone()),
            crate::request::Message::text(crate::request::Role::Assistant, exchange.answer.clone()),
        ]
    });
    request.messages.splice(at..at, turns);
    (request, start)
}

/// Bodies are kept up to this size each; longer text is stored cut and marked.
const BODY_LIMIT: usize = 64 * 1024;

fn cut(text: &str) -> (String, bool) {
    if text.len() <= BODY_LIMIT {
        return (text.to_string(), false);
    }
    let mut end = BODY_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (text[..end].to_string(), true)
}

/// The body `task show` prints: the request as `--dry-run` shows it (headers redacted),
/// its system prompt taken out (wherever the provider's protocol puts it) and named
/// by its SHA-256, every other text and the response cut at 64 KiB. A secret in any
/// of its text (a key pasted into a task, remembered, or continued) is redacted, as
/// in every stored copy; `response` comes redacted already.
pub(crate) fn task_body(
    provider: &Provider,
    request: &ChatRequest,
    response: Option<&str>,
    redactor: &crate::provider::redact::Redactor,
) -> Result<(crate::state::TaskBody, Option<String>), serde_json::Error> {
    use sha2::Digest;
    let wire = Client::chat_request(provider, request);
    let mut view = crate::provider::protocols::stored_view(crate::provider::protocol(provider), &wire, cut)?;
    view.request = redactor.redact_value(&view.request);
    view.system = view.system.map(|text| redactor.redact(&text));
    let hash = view.system.as_ref().map(|text| format!("{:x}", sha2::Sha256::digest(text.as_bytes())));
    let mut was_cut = view.cut;
    let response = response.map(|text| {
        let (text, shortened) = cut(text);
        was_cut |= shortened;
        text
    });
    Ok((crate::state::TaskBody { request: view.request, response, cut: was_cut, prompt: hash }, view.system))
}

impl PreparedTask<'_> {
    /// Offer `toolbox`'s tools in every provider's request.
    pub(crate) fn offer(&mut self, toolbox: std::sync::Arc<crate::mcp::Toolbox>) {
        let definitions = toolbox.definitions();
        self.request.options.tools.clone_from(&definitions);
        for (_, request) in &mut self.fallbacks {
            request.options.tools.clone_from(&definitions);
        }
        self.tools = Some(toolbox);
    }

    /// The agent whose memory this task sends: one that keeps memory, unless the task
    /// continues another (that conversation already carries the memory it was sent
    /// with, and the earlier exchange itself).
    fn remembering(&self) -> Option<&AgentRecord> {
        self.agent.as_ref().filter(|a| !a.memory.is_off() && self.parent.is_none())
    }
}

impl FinishedTask {
    /// The history line of this task.
    pub(crate) fn record(&self) -> crate::state::TaskRecord {
        let mut record = self.result.record(
            self.agent.as_ref().map(|a| a.name.as_str()),
            self.persona.as_deref(),
            self.agent.as_ref().map(|a| a.project.as_str()).or(self.project.as_deref()),
        );
        record.data.clone_from(&self.stored_data);
        record.parent_task_id.clone_from(&self.parent);
        record
    }
}

impl Manager {
    pub(crate) fn max_agents(&self) -> anyhow::Result<u32> {
        Ok(settings::max_agents(&self.env, &self.config.settings)?.value)
    }

    pub(crate) async fn view(&self, record: &AgentRecord) -> anyhow::Result<AgentView> {
        let mut view = AgentView::new(record, self.store.activity(&record.id).await?);
        if !record.memory.is_off() {
            let exchanges = self.store.memory(&record.id).await?;
            view.memory_turns = exchanges.len() as u64;
            view.memory_tokens = exchanges.iter().map(crate::state::Exchange::tokens).sum();
        }
        Ok(view)
    }

    /// The request a run would send now, the agent's memory in it (`--dry-run`: read
    /// without the claim, so a task running meanwhile may still add to it).
    pub(crate) async fn request_now(&self, prepared: &PreparedTask<'_>) -> anyhow::Result<ChatRequest> {
        let Some(agent) = prepared.remembering() else {
            return Ok(prepared.request.clone());
        };
        let memory = self.store.memory(&agent.id).await?;
        Ok(with_memory(prepared.provider, prepared.request.clone(), &memory).0)
    }

    /// `agent forget`: empty an agent's memory once its running task (if any) is done.
    /// Returns the agent and how many exchanges it forgot.
    pub(crate) async fn forget(&self, name_or_id: &str) -> anyhow::Result<(AgentRecord, usize)> {
        let agent = self.find_agent(name_or_id).await?;
        let _claim = self.claim(&agent).await?;
        let forgotten = self.store.memory(&agent.id).await?.len();
        self.store.set_memory(&agent.id, &[]).await?;
        Ok((agent, forgotten))
    }

    pub(crate) async fn views(&self, records: &[AgentRecord]) -> anyhow::Result<Vec<AgentView>> {
        let mut views = Vec::with_capacity(records.len());
        for record in records {
            views.push(self.view(record).await?);
        }
        Ok(views)
    }

    pub(crate) async fn snapshot(&self) -> anyhow::Result<Snapshot> {
        Ok(self.store.snapshot().await?)
    }

    pub(crate) async fn find_agent(&self, name_or_id: &str) -> anyhow::Result<AgentRecord> {
        let snapshot = self.store.snapshot().await?;
        snapshot.find(name_or_id).cloned().ok_or_else(|| ManagerError::NoAgent(name_or_id.to_string()).into())
    }

    fn waiting_line(&self, what: &str) -> impl FnOnce(Option<u32>) + use<'_> {
        let printer = self.printer;
        let what = what.to_string();
        move |pid| {
            let held = pid.map(|p| format!(" (held by process {p})")).unwrap_or_default();
            printer.status(&format!("waiting for {what}{held}"));
        }
    }

    pub(crate) async fn spawn(&self, request: SpawnRequest) -> anyhow::Result<AgentView> {
        if !is_valid_id(&request.name) {
            return Err(ManagerError::BadName(request.name).into());
        }
        if let Some(name) = &request.persona {
            self.personas.load(name)?;
        }
        let max = self.max_agents()?;
        // `provider remove` takes this lock exclusively: while it is held shared, the
        // provider read below cannot be removed before the agent is in the state.
        let path = &self.config.file.path;
        let _lock =
            config::lock(path, LockMode::Shared, self.lock_timeout, self.waiting_line("the providers-file lock"))
                .await?;
        let current = Config::load(&self.config.file)?;
        current.registry.require(&request.provider)?;
        let new = NewAgent {
            name: request.name.clone(),
            persona: request.persona.clone(),
            project: request.project.clone(),
            provider: request.provider.clone(),
            id: new_id("ag"),
            worker_id: new_id("wk"),
            created_at: now(),
            budget: request.budget,
            cache: request.cache,
            memory: request.memory,
            tools: request.tools.clone(),
        };
        let record = match self.store.spawn_agent(new, max, request.exist_ok).await? {
            Spawned::Created(record) | Spawned::Existing(record) => record,
            Spawned::Taken(existing) => {
                let describe = |persona: &Option<String>, provider: &str, project: &str| {
                    format!(
                        "persona {}, provider {provider}, project {project}",
                        persona.as_deref().unwrap_or("(none)")
                    )
                };
                let same_call = existing.persona == request.persona
                    && existing.provider == request.provider
                    && existing.project == request.project;
                let hint = if request.exist_ok && same_call {
                    format!(
                        "--exist-ok needs the same budget, cache and memory settings too; it has budget {}, cache {} and memory {}",
                        existing.budget.map_or_else(|| "none".into(), |b| format!("${b}")),
                        if existing.cache { "on" } else { "off" },
                        if existing.memory.is_off() {
                            "off".to_string()
                        } else {
                            format!("--memory {} --memory-tokens {}", existing.memory.turns, existing.memory.tokens)
                        }
                    )
                } else if request.exist_ok {
                    format!(
                        "--exist-ok needs the same persona, provider and project; you asked for {}",
                        describe(&request.persona, &request.provider, &request.project)
                    )
                } else {
                    format!("pick another name, pass --exist-ok, or stop it first with `agentry stop {}`", request.name)
                };
                return Err(ManagerError::Taken {
                    name: request.name,
                    existing: describe(&existing.persona, &existing.provider, &existing.project),
                    hint,
                }
                .into());
            }
            Spawned::PoolFull { count } => {
                return Err(ManagerError::PoolFull { count, max }.into());
            }
        };
        self.view(&record).await
    }

    /// Resolve everything a task needs, reading the agent's current persona and provider.
    pub(crate) async fn prepare_on_agent(&self, agent_ref: &str, task: &Task) -> anyhow::Result<PreparedTask<'_>> {
        let agent = self.find_agent(agent_ref).await?;
        if self.store.stop_requested(&agent.id).await? {
            return Err(ManagerError::Stopped(agent.name).into());
        }
        self.prepare_for(agent, task)
    }

    /// Prepare a task on an agent the caller already holds (a batch lane): no state read.
    pub(crate) fn prepare_for(&self, agent: AgentRecord, task: &Task) -> anyhow::Result<PreparedTask<'_>> {
        let provider = self.config.registry.get(&agent.provider).ok_or_else(|| ManagerError::ProviderGone {
            agent: agent.name.clone(),
            provider: agent.provider.clone(),
            place: self.config.registry.place().to_string(),
        })?;
        let (prompt, schema) = match &agent.persona {
            Some(name) => match self.personas.load(name) {
                Ok((persona, _)) => (persona.system_prompt(), persona.schema),
                Err(PersonaError::NotFound { .. }) => {
                    return Err(ManagerError::PersonaGone { agent: agent.name.clone(), persona: name.clone() }.into());
                }
                Err(err) => return Err(err.into()),
            },
            None => (persona::default_prompt(&agent.name), None),
        };
        let persona = agent.persona.clone();
        Ok(self.prepared(provider, task, &prompt, schema.as_ref(), Some(agent), persona))
    }

    pub(crate) fn prepare_one_shot(
        &self,
        persona_name: &str,
        provider_id: &str,
        task: &Task,
    ) -> anyhow::Result<PreparedTask<'_>> {
        let provider = self.config.registry.require(provider_id)?;
        let persona = self.personas.load(persona_name)?.0;
        let prompt = persona.system_prompt();
        Ok(self.prepared(provider, task, &prompt, persona.schema.as_ref(), None, Some(persona_name.to_string())))
    }

    /// The request for the primary and each fallback, under a fresh task id.
    fn prepared<'a>(
        &'a self,
        provider: &'a Provider,
        task: &Task,
        prompt: &str,
        schema: Option<&Schema>,
        agent: Option<AgentRecord>,
        persona: Option<String>,
    ) -> PreparedTask<'a> {
        PreparedTask {
            task_id: new_id("tk"),
            provider,
            request: task.request_with(prompt.to_string(), provider, true, schema),
            fallbacks: self.fallbacks(provider, task, prompt, schema),
            agent,
            persona,
            project: None,
            parent: task.continuation.as_ref().map(|c| c.task_id.clone()),
            tools: None,
        }
    }

    /// The primary's fallbacks (checked when providers.toml was loaded); a
    /// fallback's own fallbacks are not followed.
    fn fallbacks<'a>(
        &'a self,
        primary: &Provider,
        task: &Task,
        prompt: &str,
        schema: Option<&Schema>,
    ) -> Vec<(&'a Provider, ChatRequest)> {
        primary
            .fallbacks
            .iter()
            .filter_map(|id| self.config.registry.get(id))
            .map(|provider| (provider, task.request_with(prompt.to_string(), provider, false, schema)))
            .collect()
    }

    /// Where the call loop's retries, failovers and waits are told: status lines on
    /// stderr, silenced by `--quiet`.
    pub(crate) fn call_events(&self, ndjson: Option<crate::output::EventWriter>) -> crate::call::Events {
        let printer = self.printer;
        std::sync::Arc::new(move |event: &crate::call::CallEvent<'_>| {
            use crate::call::CallEvent;
            if let Some(writer) = &ndjson {
                let _ = match event {
                    CallEvent::Retry { provider, delay, reason, attempt, max_attempts } => writer.emit(
                        "retry",
                        serde_json::json!({
                            "provider_id": provider, "attempt": attempt, "max_attempts": max_attempts,
                            "delay_ms": u64::try_from(delay.as_millis()).unwrap_or(u64::MAX), "reason": reason,
                        }),
                    ),
                    CallEvent::Failover { from, to, reason } => {
                        writer.emit("fallback", serde_json::json!({ "from": from, "to": to, "reason": reason }))
                    }
                    CallEvent::ToolCall { server, tool, arguments, call_id, step } => {
                        let arguments = serde_json::from_str::<serde_json::Value>(arguments)
                            .unwrap_or_else(|_| serde_json::Value::String((*arguments).to_string()));
                        writer.emit(
                            "tool_call",
                            serde_json::json!({
                                "server": server, "tool": tool, "arguments": arguments,
                                "call_id": call_id, "step": step,
                            }),
                        )
                    }
                    CallEvent::ToolResult { call_id, is_error, bytes, duration } => writer.emit(
                        "tool_result",
                        serde_json::json!({
                            "call_id": call_id, "is_error": is_error, "bytes": bytes,
                            "duration_ms": u64::try_from(duration.as_millis()).unwrap_or(u64::MAX),
                        }),
                    ),
                    CallEvent::Skip { .. } | CallEvent::Wait { .. } => Ok(()),
                };
            }
            let seconds = |d: Duration| format!("{:.1}s", d.as_secs_f64());
            let line = match event {
                CallEvent::Retry { provider, delay, reason, attempt, max_attempts } if delay.is_zero() => {
                    format!(
                        "retrying {provider} at once on another endpoint after {reason} (attempt {attempt} of {max_attempts})"
                    )
                }
                CallEvent::Retry { provider, delay, reason, attempt, max_attempts } => format!(
                    "retrying {provider} in {} after {reason} (attempt {attempt} of {max_attempts})",
                    seconds(*delay)
                ),
                CallEvent::Failover { from, to, reason } => format!("failing over from {from} to {to} after {reason}"),
                CallEvent::Skip { provider, why } => format!("skipping fallback {provider}: {why}"),
                CallEvent::Wait { provider, delay, why } => {
                    format!("waiting {} for provider {provider}: {why}", seconds(*delay))
                }
                CallEvent::ToolCall { server: Some(server), tool, step, .. } => {
                    format!("step {step}: calling tool {server}.{tool}")
                }
                CallEvent::ToolCall { server: None, tool, step, .. } => {
                    format!("step {step}: the model asked for `{tool}`, which it was not offered")
                }
                CallEvent::ToolResult { call_id, is_error: true, .. } => {
                    format!("tool call {call_id} gave an error result")
                }
                CallEvent::ToolResult { .. } => return,
            };
            printer.status(&line);
        })
    }

    /// Run the task. Errors returned here happened before any attempt; a failed
    /// attempt comes back as `FinishedTask` with its error. The result is not recorded
    /// yet: the caller prints it first, then calls [`Manager::record`], so a paid
    /// answer reaches stdout even when the state cannot be written.
    pub(crate) async fn run(
        &self,
        prepared: PreparedTask<'_>,
        client: &Client,
        flags: &CallFlags,
        env: &CallEnv,
        sink: &mut dyn Deltas,
        events: &crate::call::Events,
    ) -> anyhow::Result<FinishedTask> {
        self.ready(&prepared, client).await?;
        let shutdown = Shutdown::listen();
        let claim = match prepared.agent.as_ref() {
            Some(agent) => {
                let claim = tokio::select! {
                    claim = self.claim(agent) => claim?,
                    signal = shutdown.recv() => {
                        return Err(ManagerError::Interrupted { signal, agent: agent.name.clone() }.into());
                    }
                };
                Some(claim)
            }
            None => None,
        };
        drop(shutdown);
        let spinner = if Client::is_offline(prepared.provider) || prepared.request.options.stream {
            indicatif::ProgressBar::hidden()
        } else {
            self.printer.spinner(format!("waiting for provider {}…", prepared.provider.id))
        };
        let mut finished = self.run_held(prepared, client, flags, env, sink, events).await;
        spinner.finish_and_clear();
        finished.claim = claim;
        Ok(finished)
    }

    /// Everything that can fail before a request is sent: the keys of the primary and
    /// its fallbacks (a missing one is found now, not after the primary failed), and a
    /// state folder that results can be written to.
    pub(crate) async fn ready(&self, prepared: &PreparedTask<'_>, client: &Client) -> anyhow::Result<()> {
        // A fallback is checked too: it must not fail for this only after the primary did.
        let links = std::iter::once((prepared.provider, &prepared.request))
            .chain(prepared.fallbacks.iter().map(|(provider, request)| (*provider, request)));
        for (provider, request) in links {
            let max = crate::provider::protocol(provider).capabilities().max_temperature;
            if request.options.temperature.is_some_and(|t| t > max) {
                let api = crate::provider::protocol(provider).api_words();
                return Err(ManagerError::Temperature { provider: provider.id.clone(), api, max }.into());
            }
        }
        client.prepare(prepared.provider).await?;
        for (fallback, _) in &prepared.fallbacks {
            client.prepare(fallback).await?;
        }
        if !Client::is_offline(prepared.provider) {
            self.store.check_writable().await?;
        }
        Ok(())
    }

    /// Claim an agent for running tasks: wait while another process runs one, then
    /// check it was not stopped meanwhile (`stop` marks it before it waits for this
    /// claim, so checking after claiming is enough).
    pub(crate) async fn claim(&self, agent: &AgentRecord) -> anyhow::Result<AgentClaim> {
        let printer = self.printer;
        let name = agent.name.clone();
        let claim = self
            .store
            .claim_agent(&agent.id, move |pid| {
                let holder = pid.map_or_else(|| "another process".to_string(), |pid| format!("process {pid}"));
                printer.status(&format!("waiting for agent {name} (busy in {holder})"));
            })
            .await?;
        let snapshot = self.store.snapshot().await?;
        if snapshot.agents.iter().all(|a| a.id != agent.id) || self.store.stop_requested(&agent.id).await? {
            return Err(ManagerError::Stopped(agent.name.clone()).into());
        }
        Ok(claim)
    }

    /// Job a prepared task whose agent (if any) the caller holds: the call loop
    /// under the whole-task limit, raced against signals and a `stop`.
    pub(crate) async fn run_held(
        &self,
        prepared: PreparedTask<'_>,
        client: &Client,
        flags: &CallFlags,
        env: &CallEnv,
        sink: &mut dyn Deltas,
        events: &crate::call::Events,
    ) -> FinishedTask {
        let shutdown = Shutdown::listen();
        let agent = prepared.agent.as_ref();
        let limit = settings::task_limit(flags, env, prepared.provider, settings::DEFAULT_TIMEOUT).value;
        let deadline = Deadline { at: tokio::time::Instant::now() + limit, limit, backoff_scale: env.backoff_scale };
        let agent_cache = agent.is_some_and(|a| a.cache);
        // Tools have effects: a task that may call them is never answered from, nor
        // stored to, the cache.
        let tools = prepared.tools.as_deref();
        let plan = |provider: &Provider, request: &ChatRequest| {
            if tools.is_some() {
                return None;
            }
            let on = flags.refresh || flags.cache.unwrap_or(provider.cache || agent_cache);
            (on && flags.cache != Some(false)).then(|| crate::call::CachePlan {
                key: crate::call::cache_key(provider, request),
                lookup: !flags.refresh,
                limits: self.config.settings.cache,
            })
        };
        let budgets = |provider: &Provider| crate::call::BudgetPlan::of(agent, provider, self.run_budget.clone());
        // The agent's memory, read under its claim (the caller holds it), goes after
        // the system prompt of every provider's request.
        let keeps_memory = agent.filter(|a| !a.memory.is_off());
        let (memory, memory_error) = match prepared.remembering() {
            Some(agent) => match self.store.memory(&agent.id).await {
                Ok(memory) => (memory, None),
                Err(err) => (Vec::new(), Some(err)),
            },
            None => (Vec::new(), None),
        };
        let (request, dropped) = with_memory(prepared.provider, prepared.request.clone(), &memory);
        if dropped > 0 {
            self.printer.debug(&format!(
                "memory: dropped the {dropped} oldest of {} exchange(s) to fit the context window of {}",
                memory.len(),
                prepared.provider.id
            ));
        }
        let mut chain = vec![Link {
            provider: prepared.provider,
            cache: plan(prepared.provider, &request),
            request: Some(request),
            settings: LinkSettings::resolve(flags, env, prepared.provider, limit),
            budget: budgets(prepared.provider),
        }];
        for (provider, request) in &prepared.fallbacks {
            let (request, _) = with_memory(provider, request.clone(), &memory);
            chain.push(Link {
                provider,
                cache: plan(provider, &request),
                request: Some(request),
                settings: LinkSettings::resolve(flags, env, provider, limit),
                budget: budgets(provider),
            });
        }
        let job = Job {
            task_id: prepared.task_id.clone(),
            worker_id: agent.map_or_else(|| new_id("wk"), |a| a.worker_id.clone()),
            agent_id: agent.map(|a| a.id.clone()),
            chain,
            deadline,
            schema_retries: flags.schema_retries.unwrap_or(crate::settings::DEFAULT_SCHEMA_RETRIES),
            tools: tools.map(|toolbox| crate::worker::ToolUse {
                toolbox,
                max_steps: flags.max_steps.unwrap_or(crate::settings::DEFAULT_MAX_STEPS),
                timeout: flags.tool_timeout.unwrap_or(crate::settings::DEFAULT_TOOL_TIMEOUT),
            }),
        };
        sink.start();
        let outcome = match memory_error {
            // A memory that cannot be read stops the task before anything is sent: an
            // answer without it would not be the one asked for.
            Some(err) => crate::worker::Outcome {
                result: Err(TaskError::State(err)),
                data: None,
                attempts: 0,
                last: 0,
                latency_ms: 0,
                steps: crate::worker::Steps::default(),
            },
            None => job.run(client, &self.store, &shutdown, events, sink).await,
        };
        let result = job.result(&outcome);
        let link = &job.chain[outcome.last.min(job.chain.len() - 1)];
        // The answer is printed as it came; every stored copy has the keys removed.
        let mut redactor = client.redactor(link.provider).await;
        if let Some(toolbox) = tools {
            redactor.extend(toolbox.secrets().iter().cloned());
        }
        let stored = result.response.as_deref().map(|text| redactor.redact(text));
        let stored_data = result.data.as_ref().map(|value| redactor.redact_value(value));
        // Only a task that succeeded enters memory: its user turn and the answer as it
        // would be sent back (a schema's value as compact JSON), without keys.
        if let (Some(agent), Ok(_), Some(answer)) = (keeps_memory, &outcome.result, &stored) {
            let exchange = crate::state::Exchange {
                task_id: result.task_id.clone(),
                user: redactor.redact(&prepared.request.messages.last().map(|m| m.content()).unwrap_or_default()),
                answer: stored_data.as_ref().map_or_else(|| answer.clone(), ToString::to_string),
            };
            if let Err(err) = self.store.remember(&agent.id, &exchange, agent.memory).await {
                self.printer.warn(&format!("agent {} did not remember this task: {err}", agent.name));
            }
        }
        // With tools, the last request sent holds every call and result.
        let sent = outcome.steps.transcript.as_ref().or(link.request.as_ref());
        let body = sent.and_then(|request| {
            task_body(link.provider, request, stored.as_deref(), &redactor)
                .inspect_err(|err| {
                    let id = &result.task_id;
                    self.printer.warn(&format!("the body of task {id} is not stored: it cannot be encoded ({err})"));
                })
                .ok()
        });
        FinishedTask {
            result,
            error: outcome.result.err(),
            agent: prepared.agent,
            persona: prepared.persona,
            project: prepared.project,
            body,
            stored_data,
            parent: prepared.parent,
            claim: None,
        }
    }

    /// Record a finished task in the totals and the history, then free its agent.
    pub(crate) async fn record(&self, finished: FinishedTask) -> anyhow::Result<Option<TaskError>> {
        let record = finished.record();
        if let Some((body, prompt)) = finished.body {
            self.store.store_bodies(&[(record.task_id.clone(), body, prompt)]).await?;
        }
        self.store.record(std::slice::from_ref(&record)).await?;
        Ok(finished.error)
    }

    /// Stop agents by name or id: mark each as stopping (a process running its task
    /// notices within 250 ms and cancels it), wait for it to be free, remove it. An
    /// agent not free within `timeout` stays (exit 5). Returns the stopped agents and
    /// the names not found.
    pub(crate) async fn stop(
        &self,
        refs: &[String],
        timeout: Duration,
    ) -> anyhow::Result<(Vec<AgentView>, Vec<String>)> {
        let snapshot = self.store.snapshot().await?;
        let mut stopped: Vec<AgentView> = Vec::new();
        let mut missing = Vec::new();
        for agent_ref in refs {
            let Some(agent) = snapshot.find(agent_ref).cloned() else {
                missing.push(agent_ref.clone());
                continue;
            };
            if stopped.iter().any(|s| s.id == agent.id) {
                continue;
            }
            let _stopping = self.store.request_stop(&agent.id).await?;
            let printer = self.printer;
            let name = agent.name.clone();
            let claiming = self.store.claim_agent(&agent.id, move |pid| {
                let holder = pid.map_or_else(String::new, |pid| format!(" (process {pid})"));
                printer.status(&format!("waiting for agent {name} to cancel its task{holder}"));
            });
            let _claim = match tokio::time::timeout(timeout, claiming).await {
                Ok(claim) => claim?,
                Err(_) => {
                    return Err(ManagerError::StillRunning { agent: agent.name, after: timeout }.into());
                }
            };
            if let Some(removed) = self.store.remove_agent(&agent.id).await? {
                self.printer.note(&format!("stopped agent {}", agent.name));
                let idle = crate::state::Activity { working: false, pid: None, host: None, stopping: false };
                stopped.push(AgentView::new(&removed, idle));
            }
        }
        Ok((stopped, missing))
    }
}

/// What the manager refuses or cannot do, in its own words; `error.rs` picks the
/// exit codes and hints.
#[derive(Debug, thiserror::Error)]
pub enum ManagerError {
    #[error("agent `{0}` not found")]
    NoAgent(String),
    /// Several agent names, some unknown (`stop`).
    #[error("no agent named {}", .0.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "))]
    NoAgents(Vec<String>),
    #[error(
        "invalid agent name `{0}`: use letters, digits, `.`, `_` or `-`, starting with a letter or digit, at most 64 characters"
    )]
    BadName(String),
    /// The name is taken by an agent that is not the one asked for; `hint` says
    /// what differs.
    #[error("agent `{name}` already exists ({existing})")]
    Taken { name: String, existing: String, hint: String },
    #[error("the pool is full: {count} of {max} agents")]
    PoolFull { count: usize, max: u32 },
    #[error("agent `{0}` was stopped")]
    Stopped(String),
    #[error("agent `{agent}` uses provider `{provider}`, which no longer exists {place}")]
    ProviderGone { agent: String, provider: String, place: String },
    #[error("agent `{agent}` uses persona `{persona}`, which no longer exists")]
    PersonaGone { agent: String, persona: String },
    #[error("interrupted while waiting for agent {agent}")]
    Interrupted { signal: crate::shutdown::Signal, agent: String },
    #[error("provider `{provider}` speaks {api}, which takes a temperature from 0 to {max}")]
    Temperature { provider: String, api: &'static str, max: f64 },
    #[error("agent `{agent}` did not stop within {}; it is still there", crate::units::duration_words(*after))]
    StillRunning { agent: String, after: Duration },
    #[error(transparent)]
    Persona(#[from] PersonaError),
}
