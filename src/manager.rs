//! Agents over time: spawning them into the bounded pool, running tasks on them
//! (agent lock held for the whole task, state lock only around local updates),
//! and stopping them. One-shot tasks go through the same path without an agent.

use std::fs::{File, TryLockError};

use crate::error::{Exit, Failure};
use crate::output::Printer;
use crate::persona::{self, PersonaLibrary};
use crate::provider::registry::Registry;
use crate::provider::{ChatRequest, Provider, is_valid_id};
use crate::state::{AgentRecord, Store, clear_holder_pid, write_holder_pid};
use crate::worker::pool::AgentView;
use crate::worker::{Attempt, Caller, Outcome, Signals, Task, TaskResult, history_entry, new_id, now, outcome_error};

pub const DEFAULT_MAX_AGENTS: u32 = 10;

pub struct Manager<'a> {
    pub printer: &'a Printer,
    pub store: Store,
    pub registry: Registry,
    pub personas: PersonaLibrary,
}

pub struct SpawnRequest {
    pub name: String,
    pub provider: String,
    pub persona: Option<String>,
    pub project: String,
    pub exist_ok: bool,
}

/// What `task run` prepared: enough to print a dry run or to attempt the task.
pub struct Prepared<'a> {
    pub provider: &'a Provider,
    pub request: ChatRequest,
    pub agent: Option<AgentRecord>,
    pub persona: Option<String>,
}

/// A finished attempt: the result to print and, if it failed, the error for the exit code.
pub struct Finished {
    pub result: TaskResult,
    pub error: Option<anyhow::Error>,
}

impl<'a> Manager<'a> {
    /// Flag, then environment, then providers.toml, then the default.
    pub fn max_agents(&self) -> anyhow::Result<u32> {
        if let Ok(raw) = std::env::var("AGENTRY_MAX_AGENTS") {
            return match raw.trim().parse::<u32>() {
                Ok(n) if n >= 1 => Ok(n),
                _ => {
                    Err(Failure::usage(format!("AGENTRY_MAX_AGENTS must be a whole number of at least 1, not `{raw}`"))
                        .into())
                }
            };
        }
        Ok(self.registry.max_agents.unwrap_or(DEFAULT_MAX_AGENTS))
    }

    pub fn view(&self, record: &AgentRecord) -> AgentView {
        AgentView::new(record, &self.store)
    }

    pub fn find_agent(&self, name_or_id: &str) -> anyhow::Result<AgentRecord> {
        let state = self.store.read()?;
        state.find(name_or_id).cloned().ok_or_else(|| {
            Failure::not_found(format!("agent `{name_or_id}` not found"))
                .hint("see `agentry agent list`, or spawn it with `agentry agent spawn`")
                .into()
        })
    }

    pub fn spawn(&self, request: SpawnRequest) -> anyhow::Result<AgentView> {
        if !is_valid_id(&request.name) {
            return Err(Failure::usage(format!(
                "invalid agent name `{}`: use letters, digits, `.`, `_` or `-`, starting with a letter or digit, at most 64 characters",
                request.name
            ))
            .into());
        }
        self.registry.require(&request.provider)?;
        if let Some(name) = &request.persona {
            self.personas.load(name)?;
        }
        let max = self.max_agents()?;
        let record = self.store.update(self.printer, |state, _| {
            if let Some(existing) = state.agents.iter().find(|a| a.name == request.name) {
                let same = existing.persona == request.persona
                    && existing.provider == request.provider
                    && existing.project == request.project;
                if request.exist_ok && same {
                    return Ok(existing.clone());
                }
                let describe = |persona: &Option<String>, provider: &str, project: &str| {
                    format!("persona {}, provider {provider}, project {project}", persona.as_deref().unwrap_or("(none)"))
                };
                let mut failure = Failure::usage(format!(
                    "agent `{}` already exists ({})",
                    request.name,
                    describe(&existing.persona, &existing.provider, &existing.project)
                ));
                failure = if request.exist_ok {
                    failure.hint(format!(
                        "--exist-ok needs the same persona, provider and project; you asked for {}",
                        describe(&request.persona, &request.provider, &request.project)
                    ))
                } else {
                    failure.hint(format!("pick another name, pass --exist-ok, or stop it first with `agentry stop {}`", request.name))
                };
                return Err(failure.into());
            }
            if state.agents.len() >= max as usize {
                return Err(Failure::usage(format!("the pool is full: {} of {max} agents", state.agents.len()))
                    .hint("stop an agent with `agentry stop NAME`, or raise max_agents in providers.toml or AGENTRY_MAX_AGENTS")
                    .into());
            }
            let mut id = new_id("ag");
            while state.agents.iter().any(|a| a.id == id) {
                id = new_id("ag");
            }
            let record = AgentRecord {
                id,
                name: request.name.clone(),
                persona: request.persona.clone(),
                project: request.project.clone(),
                provider: request.provider.clone(),
                worker_id: new_id("wk"),
                created_at: now(),
                last_active: None,
                totals: Default::default(),
            };
            state.agents.push(record.clone());
            Ok(record)
        })?;
        Ok(self.view(&record))
    }

    /// Resolve everything a task needs, reading the agent's current persona and provider.
    pub fn prepare_on_agent(&self, agent_ref: &str, task: &Task) -> anyhow::Result<Prepared<'_>> {
        let agent = self.find_agent(agent_ref)?;
        if self.store.agent_is_stopping(&agent.id) {
            return Err(stopped_error(&agent.name));
        }
        let provider = self.registry.get(&agent.provider).ok_or_else(|| {
            Failure::not_found(format!(
                "agent `{}` uses provider `{}`, which no longer exists in {}",
                agent.name,
                agent.provider,
                self.registry.file.path.display()
            ))
            .hint(format!("add the provider back, or stop the agent and spawn it again: `agentry stop {}`", agent.name))
        })?;
        let prompt = match &agent.persona {
            Some(name) => match self.personas.load(name) {
                Ok((persona, _)) => persona.system_prompt(),
                Err(err) if err.downcast_ref::<Failure>().is_some_and(|f| f.exit == Exit::NotFound) => {
                    return Err(Failure::not_found(format!(
                        "agent `{}` uses persona `{name}`, which no longer exists",
                        agent.name
                    ))
                    .hint(format!(
                        "restore the persona folder, or stop the agent and spawn it again: `agentry stop {}`",
                        agent.name
                    ))
                    .into());
                }
                Err(err) => return Err(err),
            },
            None => persona::default_prompt(&agent.name),
        };
        let request = task.request(prompt, provider);
        Ok(Prepared { provider, request, persona: agent.persona.clone(), agent: Some(agent) })
    }

    pub fn prepare_one_shot(&self, persona_name: &str, provider_id: &str, task: &Task) -> anyhow::Result<Prepared<'_>> {
        let provider = self.registry.require(provider_id)?;
        let prompt = self.personas.load(persona_name)?.0.system_prompt();
        let request = task.request(prompt, provider);
        Ok(Prepared { provider, request, agent: None, persona: Some(persona_name.to_string()) })
    }

    /// Wait for an agent's lock: the OS holds it for exactly as long as a process
    /// runs the agent's task, and releases it if that process dies.
    /// The wait runs on a blocking thread so that, with `signals`, SIGINT or
    /// SIGTERM still end a process that is waiting.
    async fn acquire_agent(
        &self,
        agent: &AgentRecord,
        signals: Option<&mut Signals>,
        waiting: impl FnOnce(Option<u32>),
    ) -> anyhow::Result<File> {
        let file = self.store.open_agent_lock(&agent.id)?;
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(TryLockError::WouldBlock) => {}
            Err(TryLockError::Error(err)) => return Err(err.into()),
        }
        waiting(self.store.agent_pid(&agent.id));
        // A cloned handle shares the open file description, so its lock is ours.
        let handle = file.try_clone()?;
        let wait = tokio::task::spawn_blocking(move || handle.lock());
        match signals {
            Some(signals) => tokio::select! {
                locked = wait => locked??,
                exit = signals.recv() => {
                    return Err(Failure::new(exit, format!("interrupted while waiting for agent {}", agent.name)).into());
                }
            },
            None => wait.await??,
        }
        Ok(file)
    }

    /// Attempt the task. Errors returned here happened before any attempt; a
    /// failed attempt comes back as `Finished` with its error.
    pub async fn run(&self, prepared: Prepared<'_>, caller: &mut Caller<'_>) -> anyhow::Result<Finished> {
        caller.prepare(prepared.provider).await?;
        let mut signals = Signals::register();
        let agent = prepared.agent.as_ref();
        let agent_lock = match agent {
            Some(agent) => {
                let lock = self
                    .acquire_agent(agent, Some(&mut signals), |pid| {
                        let holder = pid.map_or_else(|| "another process".to_string(), |pid| format!("process {pid}"));
                        self.printer.status(&format!("waiting for agent {} (busy in {holder})", agent.name));
                    })
                    .await?;
                // `stop` takes its lock before it waits for this one, so checking
                // it (and the state, lock-free) after locking is enough.
                let current = self.store.read()?;
                if current.agents.iter().all(|a| a.id != agent.id) || self.store.agent_is_stopping(&agent.id) {
                    return Err(stopped_error(&agent.name));
                }
                write_holder_pid(&lock)?;
                Some(lock)
            }
            None => None,
        };
        let attempt = Attempt {
            task_id: new_id("tk"),
            worker_id: agent.map_or_else(|| new_id("wk"), |a| a.worker_id.clone()),
            agent_id: agent.map(|a| a.id.clone()),
            provider: prepared.provider,
            request: &prepared.request,
        };
        let (outcome, latency_ms) = attempt.run(caller, &mut signals).await;
        let result = attempt.result(&outcome, latency_ms);
        let usage = match &outcome {
            Outcome::Answered(response) => Some(response.usage),
            _ => None,
        };
        self.store.update(self.printer, |state, history| {
            if let Some(agent) = agent
                && let Some(record) = state.by_id_mut(&agent.id)
            {
                record.totals.record(result.success, usage.as_ref());
                record.last_active = Some(result.completed_at.clone());
            }
            state.providers.entry(result.provider_id.clone()).or_default().record(result.success, usage.as_ref());
            history.push(history_entry(
                &result,
                agent.map(|a| a.name.as_str()),
                prepared.persona.as_deref(),
                agent.map(|a| a.project.as_str()),
            ));
            Ok(())
        })?;
        if let Some(lock) = &agent_lock {
            clear_holder_pid(lock);
        }
        Ok(Finished { result, error: outcome_error(outcome) })
    }

    /// Stop agents by name or id. Returns the stopped agents and the names not found.
    pub async fn stop(&self, refs: &[String]) -> anyhow::Result<(Vec<AgentView>, Vec<String>)> {
        let state = self.store.read()?;
        let mut stopped = Vec::new();
        let mut missing = Vec::new();
        for agent_ref in refs {
            let Some(agent) = state.find(agent_ref).cloned() else {
                missing.push(agent_ref.clone());
                continue;
            };
            if stopped.iter().any(|s: &AgentView| s.id == agent.id) {
                continue;
            }
            let _stopping = self.store.lock(&Store::stop_lock_name(&agent.id), self.printer)?;
            let _lock = self
                .acquire_agent(&agent, None, |pid| {
                    let holder = pid.map_or_else(String::new, |pid| format!(" (process {pid})"));
                    self.printer.status(&format!("waiting for agent {} to finish its task{holder}", agent.name));
                })
                .await?;
            let removed = self.store.update(self.printer, |state, _| {
                let before = state.agents.len();
                state.agents.retain(|a| a.id != agent.id);
                Ok(before != state.agents.len())
            })?;
            self.store.remove_agent_locks(&agent.id);
            if removed {
                self.printer.note(&format!("stopped agent {}", agent.name));
                stopped.push(AgentView { status: "idle", pid: None, ..self.view(&agent) });
            }
        }
        Ok((stopped, missing))
    }

    pub fn all_agent_ids(&self) -> anyhow::Result<Vec<String>> {
        Ok(self.store.read()?.agents.into_iter().map(|a| a.id).collect())
    }
}

fn stopped_error(name: &str) -> anyhow::Error {
    Failure::not_found(format!("agent `{name}` was stopped")).hint("spawn it again with `agentry agent spawn`").into()
}

/// Exit code for an unknown agent among several.
pub fn missing_agents_error(missing: &[String]) -> anyhow::Error {
    let names = missing.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    Failure::new(Exit::NotFound, format!("no agent named {names}")).hint("see `agentry agent list`").into()
}
