//! A worker runs one task: it builds the `[system, user]` request from the persona
//! and the task, calls the provider through [`Caller`], and turns the outcome into
//! a [`TaskResult`]. Agents, locks and counters are the manager's business.

pub mod pool;

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::error::{Exit, Failure};
use crate::output::Printer;
use crate::provider::openai::{self, KeyCache};
use crate::provider::{ChatRequest, ChatResponse, Message, Provider, ProviderKind, mock};

pub const DEFAULT_TEMPERATURE: f64 = 0.7;

/// What the user asked for, independent of which agent or provider runs it.
#[derive(Debug, Clone)]
pub struct Task {
    pub description: String,
    pub context: Option<String>,
    pub model: Option<String>,
    /// `None`: use the provider's, else the default. `Some(None)`: send none.
    pub temperature: Option<Option<f64>>,
    pub max_tokens: Option<u32>,
}

impl Task {
    pub fn user_message(&self) -> String {
        match &self.context {
            Some(context) => format!("{}\n\nContext:\n{context}", self.description),
            None => self.description.clone(),
        }
    }

    pub fn request(&self, system_prompt: String, provider: &Provider) -> ChatRequest {
        let temperature = match self.temperature {
            Some(choice) => choice,
            None => Some(provider.temperature.unwrap_or(DEFAULT_TEMPERATURE)),
        };
        ChatRequest {
            model: self.model.clone().unwrap_or_else(|| provider.model.clone()),
            messages: vec![
                Message { role: "system", content: system_prompt },
                Message { role: "user", content: self.user_message() },
            ],
            temperature,
            max_tokens: self.max_tokens.or(provider.max_tokens),
        }
    }
}

/// The result of an attempted task, printed by `task run --json` and (without the
/// response text) appended to the history.
#[derive(Debug, Clone, Serialize)]
pub struct TaskResult {
    pub task_id: String,
    pub worker_id: String,
    pub agent_id: Option<String>,
    pub response: Option<String>,
    pub finish_reason: Option<String>,
    pub tokens_used: u64,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub usage_estimated: bool,
    pub provider_id: String,
    pub requested_provider_id: String,
    pub model: String,
    pub latency_ms: u64,
    pub completed_at: String,
    pub success: bool,
    pub error: Option<String>,
}

/// Calls providers for one invocation: one HTTP client, keys resolved at most once.
pub struct Caller<'a> {
    printer: &'a Printer,
    timeout: Duration,
    http: Option<openai::Http<'a>>,
    keys: KeyCache,
}

impl<'a> Caller<'a> {
    pub fn new(printer: &'a Printer, timeout: Duration) -> Self {
        Self { printer, timeout, http: None, keys: KeyCache::default() }
    }

    /// Everything that can fail before a request goes out: key variable, key
    /// command. Errors here mean the task was never attempted.
    pub async fn prepare(&mut self, provider: &Provider) -> anyhow::Result<()> {
        if provider.kind != ProviderKind::Mock {
            self.keys.get(provider).await?;
            if self.http.is_none() {
                self.http = Some(openai::Http::new(self.timeout, self.printer)?);
            }
        }
        Ok(())
    }

    pub async fn complete(&mut self, provider: &Provider, request: &ChatRequest) -> anyhow::Result<ChatResponse> {
        if provider.kind == ProviderKind::Mock {
            return Ok(mock::complete(request));
        }
        self.prepare(provider).await?;
        let key = self.keys.get(provider).await?;
        let http = self.http.as_ref().ok_or_else(|| anyhow::anyhow!("HTTP client not prepared"))?;
        let spinner = self.printer.spinner(format!("waiting for provider {}…", provider.id));
        let result = openai::complete(http, provider, request, key.as_ref()).await;
        spinner.finish_and_clear();
        result
    }
}

pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{:016x}", fastrand::u64(..))
}

pub fn now() -> String {
    format!("{:.3}", jiff::Timestamp::now())
}

/// How a run ended: the provider's answer, a failure, or a signal.
pub enum Outcome {
    Answered(ChatResponse),
    Failed(anyhow::Error),
    Interrupted(Exit),
}

pub struct Attempt<'a> {
    pub task_id: String,
    pub worker_id: String,
    pub agent_id: Option<String>,
    pub provider: &'a Provider,
    pub request: &'a ChatRequest,
}

impl Attempt<'_> {
    /// Run the call, racing it against SIGINT/SIGTERM so the caller can put the
    /// agent back to idle before exiting.
    pub async fn run(&self, caller: &mut Caller<'_>, signals: &mut Signals) -> (Outcome, u64) {
        let started = Instant::now();
        let outcome = tokio::select! {
            result = caller.complete(self.provider, self.request) => match result {
                Ok(response) => Outcome::Answered(response),
                Err(err) => Outcome::Failed(err),
            },
            exit = signals.recv() => Outcome::Interrupted(exit),
        };
        (outcome, started.elapsed().as_millis() as u64)
    }

    pub fn result(&self, outcome: &Outcome, latency_ms: u64) -> TaskResult {
        let mut result = TaskResult {
            task_id: self.task_id.clone(),
            worker_id: self.worker_id.clone(),
            agent_id: self.agent_id.clone(),
            response: None,
            finish_reason: None,
            tokens_used: 0,
            prompt_tokens: 0,
            completion_tokens: 0,
            usage_estimated: false,
            provider_id: self.provider.id.clone(),
            requested_provider_id: self.provider.id.clone(),
            model: self.request.model.clone(),
            latency_ms,
            completed_at: now(),
            success: false,
            error: None,
        };
        match outcome {
            Outcome::Answered(response) => {
                result.response = Some(response.content.clone());
                result.finish_reason = response.finish_reason.clone();
                result.tokens_used = response.usage.total_tokens;
                result.prompt_tokens = response.usage.prompt_tokens;
                result.completion_tokens = response.usage.completion_tokens;
                result.usage_estimated = response.usage.estimated;
                if let Some(model) = response.model.clone().filter(|m| !m.is_empty()) {
                    result.model = model;
                }
                result.success = true;
            }
            Outcome::Failed(err) => result.error = Some(crate::error::classify(err).1),
            Outcome::Interrupted(exit) => result.error = Some(format!("interrupted by {}", exit.signal_name())),
        }
        result
    }
}

/// The error that decides the exit code of a finished attempt, if it failed.
pub fn outcome_error(outcome: Outcome) -> Option<anyhow::Error> {
    match outcome {
        Outcome::Answered(_) => None,
        Outcome::Failed(err) => Some(err),
        Outcome::Interrupted(exit) => {
            Some(Failure::new(exit, format!("interrupted by {}; the agent is idle again", exit.signal_name())).into())
        }
    }
}

/// SIGINT and SIGTERM, caught from the moment a task may touch an agent, so
/// that the agent can be put back to idle and the outcome recorded.
pub struct Signals {
    #[cfg(unix)]
    streams: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl Signals {
    /// Must be called inside the runtime.
    pub fn register() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let streams = match (signal(SignalKind::interrupt()), signal(SignalKind::terminate())) {
                (Ok(interrupt), Ok(terminate)) => Some((interrupt, terminate)),
                _ => None,
            };
            Self { streams }
        }
        #[cfg(not(unix))]
        {
            Self {}
        }
    }

    pub async fn recv(&mut self) -> Exit {
        #[cfg(unix)]
        {
            let Some((interrupt, terminate)) = self.streams.as_mut() else {
                return std::future::pending().await;
            };
            tokio::select! {
                _ = interrupt.recv() => Exit::Interrupted,
                _ = terminate.recv() => Exit::Terminated,
            }
        }
        #[cfg(not(unix))]
        {
            match tokio::signal::ctrl_c().await {
                Ok(()) => Exit::Interrupted,
                Err(_) => std::future::pending().await,
            }
        }
    }
}

/// The history line for a finished attempt: the result without the response text.
pub fn history_entry(
    result: &TaskResult,
    agent_name: Option<&str>,
    persona: Option<&str>,
    project: Option<&str>,
) -> serde_json::Value {
    let mut value = serde_json::to_value(result).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.shift_remove("response");
        object.insert("agent_name".into(), agent_name.into());
        object.insert("persona".into(), persona.into());
        object.insert("project".into(), project.into());
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_message_appends_context() {
        let task = Task {
            description: "Review".into(),
            context: Some("diff".into()),
            model: None,
            temperature: None,
            max_tokens: None,
        };
        assert_eq!(task.user_message(), "Review\n\nContext:\ndiff");
    }

    #[test]
    fn timestamps_are_rfc3339_utc_with_milliseconds() {
        let ts = now();
        assert_eq!(ts.len(), "2026-11-23T23:21:46.123Z".len(), "{ts}");
        assert!(ts.ends_with('Z') && ts.as_bytes()[19] == b'.', "{ts}");
    }
}
