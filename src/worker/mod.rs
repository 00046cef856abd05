//! A worker runs one task: it builds the request from the persona and the task
//! (`[system, user]`, with an earlier task's turns between under `--continue`), makes
//! the call through the one call loop under the whole-task deadline, checks the answer
//! against its schema with repair rounds when there is one, races it all against
//! SIGINT/SIGTERM and a `stop`, and turns the outcome into a [`TaskResult`]. Agents,
//! claims, memory and counters are the manager's business.

pub mod pool;

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::call::{self, CallError, Deadline, Events, Link};
use crate::mcp::Toolbox;
use crate::provider::{Answer, Client, Deltas, Provider, ProviderError};
use crate::request::{
    ChatRequest, ChatResponse, Cost, ErrorClass, FinishReason, Message, Part, RequestOptions, Role, Schema, Structured,
    TaskOptions, Usage, Violation,
};
use crate::settings::RequestSettings;
use crate::shutdown::{Shutdown, Signal};
use crate::state::{StateError, Store, TaskRecord};

/// What the user asked for, independent of which agent or provider runs it.
#[derive(Debug, Clone)]
pub struct Task {
    pub description: String,
    pub context: Option<String>,
    pub options: TaskOptions,
    /// Ask providers to stream the answer.
    pub stream: bool,
    /// `--continue`: the conversation of an earlier task this one goes on from.
    pub continuation: Option<Continuation>,
}

/// An earlier task's conversation, rebuilt from its stored body, and its answer.
#[derive(Debug, Clone)]
pub struct Continuation {
    pub task_id: String,
    /// Its system prompt, when the same agent or persona goes on (else the prompt of
    /// the one named now is sent).
    pub system: Option<String>,
    /// Every turn after its system prompt, its answer last.
    pub turns: Vec<Message>,
}

impl Task {
    pub fn user_message(&self) -> String {
        match &self.context {
            Some(context) => format!("{}\n\nContext:\n{context}", self.description),
            None => self.description.clone(),
        }
    }

    /// The request for `provider`. `--model` is the primary's only: a fallback asks
    /// for its own model.
    pub fn request(&self, system_prompt: String, provider: &Provider) -> ChatRequest {
        self.request_for(system_prompt, provider, true)
    }

    pub fn request_for(&self, system_prompt: String, provider: &Provider, primary: bool) -> ChatRequest {
        self.request_with(system_prompt, provider, primary, None)
    }

    /// The request, with `default_schema` (a persona's `schema.json`) when the
    /// options name none. A schema the provider's wire cannot carry
    /// (`structured_output` other than `json_schema`) goes into the system prompt.
    pub fn request_with(
        &self,
        mut system_prompt: String,
        provider: &Provider,
        primary: bool,
        default_schema: Option<&Schema>,
    ) -> ChatRequest {
        let options = if primary { self.options.clone() } else { self.options.for_fallback() };
        let settings = RequestSettings::resolve(&options, provider);
        let structured = options
            .answer_schema(default_schema)
            .map(|(schema, multi)| Structured::new(&schema, multi, provider.structured_output));
        if let Some(system) = self.continuation.as_ref().and_then(|c| c.system.clone()) {
            system_prompt = system;
        }
        if let Some(structured) = structured.as_ref().filter(|s| s.mode.in_prompt()) {
            system_prompt.push_str("\n\n");
            system_prompt.push_str(&structured.prompt_words());
        }
        let earlier = self.continuation.as_ref().map_or(&[][..], |c| c.turns.as_slice());
        let mut messages = Vec::with_capacity(2 + earlier.len());
        messages.push(Message::text(Role::System, system_prompt));
        messages.extend_from_slice(earlier);
        messages.push(Message::text(Role::User, self.user_message()));
        ChatRequest {
            messages,
            options: RequestOptions {
                model: settings.model.value,
                temperature: settings.temperature.value,
                max_tokens: settings.max_tokens.value,
                stream: self.stream,
                structured,
                tools: Vec::new(),
            },
        }
    }
}

/// Why an attempted task did not produce an answer.
#[derive(Debug, thiserror::Error)]
pub enum TaskError {
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error("{}{}", deadline_words(provider, *limit, skipped.as_deref()), if *cut_output { "; stdout holds only part of the answer" } else { "" })]
    Deadline { provider: String, limit: Duration, skipped: Option<String>, cut_output: bool },
    /// A stream broke after some text; `text` is what came.
    #[error("{error}; {}", if *on_stdout { "stdout holds only the part that came" } else { "only part of the answer came" })]
    Partial { text: String, error: ProviderError, on_stdout: bool },
    /// `agentry stop` asked for the agent while its task ran.
    #[error("cancelled by `agentry stop`")]
    Cancelled,
    /// A budget refused the task before anything was sent.
    #[error("refused: {0}")]
    Budget(String),
    #[error("interrupted by {}{}", signal.name(), if *on_agent { "; the agent is idle again" } else { "" })]
    Interrupted { signal: Signal, on_agent: bool },
    #[error(transparent)]
    State(#[from] StateError),
    /// The answer did not match its `--schema` after every repair round, or was cut
    /// at the token limit. `text` is the last answer, as it came.
    #[error("{}", schema_words(violations, *rounds, *cut))]
    Schema { text: String, violations: Vec<Violation>, rounds: u32, cut: bool, usage: Usage, cost: Cost },
    /// The model still asked for tools after `steps` model calls (`--max-steps`).
    /// `text` is what it said last.
    #[error("the model still asked for tools after {steps} model calls (--max-steps {steps})")]
    MaxSteps { text: String, steps: u32, tool_calls: u32, usage: Usage, cost: Cost },
}

fn schema_words(violations: &[Violation], rounds: u32, cut: bool) -> String {
    if cut {
        return "the answer was cut at the token limit (finish_reason: length), so it is not a whole JSON value".into();
    }
    let after = match rounds {
        0 => String::new(),
        1 => " after 1 repair round".into(),
        n => format!(" after {n} repair rounds"),
    };
    let first: Vec<String> = violations.iter().take(3).map(ToString::to_string).collect();
    let more = violations.len().saturating_sub(first.len());
    let more = if more > 0 { format!(" (and {more} more)") } else { String::new() };
    format!("the answer does not match the schema{after}: {}{more}", first.join("; "))
}

fn deadline_words(provider: &str, limit: Duration, skipped: Option<&str>) -> String {
    if provider.is_empty() {
        return format!(
            "the tool calls did not finish within the task's {} (--timeout)",
            crate::units::duration_words(limit)
        );
    }
    match skipped {
        None => {
            format!("provider `{provider}` did not answer within {} (--timeout)", crate::units::duration_words(limit))
        }
        Some(wait) => {
            format!(
                "not starting {wait}: the task would outlast its {} limit (--timeout)",
                crate::units::duration_words(limit)
            )
        }
    }
}

impl TaskError {
    /// The `error_class` of `--json` and the history.
    pub fn class(&self) -> ErrorClass {
        match self {
            TaskError::Provider(err) => err.class(),
            TaskError::Deadline { .. } => ErrorClass::Timeout,
            TaskError::Interrupted { .. } => ErrorClass::Interrupted,
            TaskError::State(_) => ErrorClass::State,
            TaskError::Partial { .. } => ErrorClass::Partial,
            TaskError::Cancelled => ErrorClass::Cancelled,
            TaskError::Budget(_) => ErrorClass::Budget,
            TaskError::Schema { .. } => ErrorClass::Schema,
            TaskError::MaxSteps { .. } => ErrorClass::MaxSteps,
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
    pub finish_reason: Option<FinishReason>,
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
    /// Every request sent, across providers.
    pub attempts: u32,
    pub error_class: Option<ErrorClass>,
    /// USD; null when the model's price is not known; 0 when nothing was billed.
    pub cost_usd: Option<f64>,
    /// Answered from the response cache.
    pub cached: bool,
    /// The answer's JSON value under `--schema` (the `items` array under
    /// `--schema-multi`), once it matched; null otherwise.
    pub data: Option<serde_json::Value>,
    /// Model calls made, under `--tools` (absent without tools).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps: Option<u32>,
    /// Tool calls made, under `--tools`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_calls: Option<u32>,
    /// `batch` when answered through a provider's batch API (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    /// The provider's id of that batch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub batch_id: Option<String>,
    /// Whether the answer matched its schema: `None` without one.
    #[serde(skip)]
    pub schema_valid: Option<bool>,
    #[serde(skip)]
    pub price_source: crate::pricing::PriceSource,
    /// Failovers taken (the history and the metrics keep it).
    #[serde(skip)]
    pub fallbacks: u32,
}

impl TaskResult {
    /// A result with nothing answered yet: the fields every outcome starts from.
    pub fn blank(
        task_id: String,
        worker_id: String,
        agent_id: Option<String>,
        provider_id: String,
        requested_provider_id: String,
        model: String,
    ) -> Self {
        Self {
            task_id,
            worker_id,
            agent_id,
            response: None,
            finish_reason: None,
            tokens_used: 0,
            prompt_tokens: 0,
            completion_tokens: 0,
            usage_estimated: false,
            provider_id,
            requested_provider_id,
            model,
            latency_ms: 0,
            completed_at: crate::clock::now(),
            success: false,
            error: None,
            attempts: 0,
            error_class: None,
            cost_usd: Some(0.0),
            cached: false,
            data: None,
            steps: None,
            tool_calls: None,
            via: None,
            batch_id: None,
            schema_valid: None,
            price_source: crate::pricing::PriceSource::None,
            fallbacks: 0,
        }
    }

    /// The tokens and cost the task was billed for.
    pub(crate) fn billed(&mut self, usage: Usage, cost: Cost) {
        self.tokens_used = usage.total_tokens;
        self.prompt_tokens = usage.prompt_tokens;
        self.completion_tokens = usage.completion_tokens;
        self.usage_estimated = usage.estimated;
        self.cost_usd = cost.usd;
        self.price_source = cost.source;
    }

    /// The history line: this result without the response text.
    pub fn record(&self, agent_name: Option<&str>, persona: Option<&str>, project: Option<&str>) -> TaskRecord {
        TaskRecord {
            task_id: self.task_id.clone(),
            worker_id: self.worker_id.clone(),
            agent_id: self.agent_id.clone(),
            finish_reason: self.finish_reason.as_ref().map(|f| f.as_str().to_string()),
            tokens_used: self.tokens_used,
            prompt_tokens: self.prompt_tokens,
            completion_tokens: self.completion_tokens,
            usage_estimated: self.usage_estimated,
            provider_id: self.provider_id.clone(),
            requested_provider_id: self.requested_provider_id.clone(),
            model: self.model.clone(),
            latency_ms: self.latency_ms,
            completed_at: self.completed_at.clone(),
            success: self.success,
            error: self.error.clone(),
            attempts: self.attempts,
            fallbacks: self.fallbacks,
            cached: self.cached,
            error_class: self.error_class.map(|c| c.as_str().to_string()),
            cost_usd: self.cost_usd,
            price_source: Some(self.price_source.as_str().to_string()),
            agent_name: agent_name.map(str::to_string),
            persona: persona.map(str::to_string),
            project: project.map(str::to_string),
            schema_valid: self.schema_valid,
            data: self.data.clone(),
            parent_task_id: None,
            steps: self.steps,
            tool_calls: self.tool_calls,
            via: self.via.clone(),
            batch_id: self.batch_id.clone(),
        }
    }
}

/// One task on its way to an answer: the failover chain it may use and the
/// deadline it must meet. Each request it sends is an attempt (`Client::attempt`).
pub struct Job<'a> {
    pub task_id: String,
    pub worker_id: String,
    pub agent_id: Option<String>,
    /// The primary provider, then its fallbacks.
    pub chain: Vec<Link<'a>>,
    pub deadline: Deadline,
    /// Repair rounds for an answer that does not match its schema.
    pub schema_retries: u32,
    /// The tools the model may call (`--tools`), and the loop's bounds.
    pub tools: Option<ToolUse<'a>>,
}

/// The tool loop of one task: the servers' tools and its bounds.
#[derive(Clone, Copy)]
pub struct ToolUse<'a> {
    pub toolbox: &'a Toolbox,
    /// Model calls at most (`--max-steps`).
    pub max_steps: u32,
    /// Each tool call's limit (`--tool-timeout`).
    pub timeout: Duration,
}

/// What the loop did, for the record.
#[derive(Debug, Clone)]
pub struct Steps {
    pub model_calls: u32,
    pub tool_calls: u32,
    /// The tokens and cost of the steps answered so far: a loop that fails later
    /// was still billed for them.
    pub usage: Usage,
    pub cost: Cost,
    /// Every turn after the first request's, when tools were called: the body stored
    /// for `task show` is the last request sent, which holds them.
    pub transcript: Option<ChatRequest>,
}

impl Default for Steps {
    fn default() -> Self {
        Self { model_calls: 0, tool_calls: 0, usage: Usage::default(), cost: Cost::NOTHING, transcript: None }
    }
}

/// How an attempted task ended.
pub struct Outcome {
    pub result: Result<ChatResponse, TaskError>,
    /// The answer's value under a schema, once it matched (as printed).
    pub data: Option<serde_json::Value>,
    pub attempts: u32,
    /// The provider that answered, or the last one tried.
    pub last: usize,
    pub latency_ms: u64,
    pub steps: Steps,
}

impl Job<'_> {
    /// Make the call through the one call loop, racing it against SIGINT and SIGTERM
    /// and, on an agent, against a `stop` (its mark is checked every 250 ms: no
    /// signals, since a pid may be reused), so the caller can record the outcome and
    /// free the agent first.
    pub async fn run(
        &self,
        client: &Client,
        store: &Store,
        shutdown: &Shutdown,
        events: &Events,
        sink: &mut dyn Deltas,
    ) -> Outcome {
        let started = Instant::now();
        let committed = std::sync::atomic::AtomicBool::new(false);
        let sent = std::sync::atomic::AtomicU32::new(0);
        let steps = std::sync::Mutex::new(Steps::default());
        let mut watched = Watched { inner: sink, committed: &committed };
        let so_far = || sent.load(std::sync::atomic::Ordering::Relaxed);
        let (result, data, attempts, last) = tokio::select! {
            (result, data, last) = self.rounds(client, store, events, &mut watched, &sent, &committed, &steps) => {
                (result, data, so_far(), last)
            }
            signal = shutdown.recv() => {
                (Err(TaskError::Interrupted { signal, on_agent: self.agent_id.is_some() }), None, so_far(), 0)
            }
            () = watch_stop(store, self.agent_id.as_deref()) => (Err(TaskError::Cancelled), None, so_far(), 0),
        };
        let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let steps = steps.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
        Outcome { result, data, attempts, last, latency_ms, steps }
    }

    /// The call loop, its tool steps and, under a schema, its repair rounds. An
    /// answer that asks for tools gets them called (at most 8 at once) and goes back
    /// with their results, until the model answers without tools or `--max-steps`
    /// model calls are spent. An answer that does not parse or match its schema goes
    /// back with a user turn listing what is wrong, until it matches or
    /// `schema_retries` rounds are spent. Either way the next call goes to the provider
    /// that answered, then its fallbacks, and never to the cache; tokens and cost add
    /// up over every call.
    #[allow(clippy::too_many_arguments, reason = "the borrowed parts of one run, shared with the select in `run`")]
    async fn rounds(
        &self,
        client: &Client,
        store: &Store,
        events: &Events,
        watched: &mut Watched<'_>,
        sent: &std::sync::atomic::AtomicU32,
        committed: &std::sync::atomic::AtomicBool,
        steps: &std::sync::Mutex<Steps>,
    ) -> (Result<ChatResponse, TaskError>, Option<serde_json::Value>, usize) {
        let mut chain: std::borrow::Cow<'_, [Link<'_>]> = std::borrow::Cow::Borrowed(&self.chain);
        // Where `chain` starts in `self.chain`.
        let mut offset = 0;
        let (mut usage, mut cost) = (Usage::default(), Cost::NOTHING);
        let mut round = 0;
        let (mut model_calls, mut tool_calls) = (0u32, 0u32);
        let note = |model_calls: u32, tool_calls: u32, usage: Usage, cost: Cost, transcript: Option<ChatRequest>| {
            let mut steps = steps.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            steps.model_calls = model_calls;
            steps.tool_calls = tool_calls;
            steps.usage = usage;
            steps.cost = cost;
            if transcript.is_some() {
                steps.transcript = transcript;
            }
        };
        loop {
            let report = call::call(client, store, &chain, self.deadline, events, watched, sent).await;
            model_calls += 1;
            note(model_calls, tool_calls, usage, cost, None);
            let last = offset + report.last;
            let mut response = match self.answer(&chain, report, committed) {
                Ok(response) => response,
                Err(err) => return (Err(err), None, last),
            };
            usage = usage.plus(response.usage);
            cost = cost.plus(response.cost);
            let link = &chain[last - offset];
            let asked: Vec<(String, String, String)> = response
                .parts
                .iter()
                .filter_map(|part| match part {
                    Part::ToolCall { id, name, arguments } => Some((id.clone(), name.clone(), arguments.clone())),
                    Part::Text(_) | Part::ToolResult { .. } => None,
                })
                .collect();
            if let Some(tools) = self.tools.filter(|_| !asked.is_empty()) {
                if model_calls >= tools.max_steps {
                    let text = response.content().into_owned();
                    return (
                        Err(TaskError::MaxSteps { text, steps: model_calls, tool_calls, usage, cost }),
                        None,
                        last,
                    );
                }
                if link.request.as_ref().is_some_and(|r| r.options.stream) && !response.content().is_empty() {
                    // Each step's text streams; a line between steps keeps them apart.
                    watched.delta("\n");
                }
                let results = match self.call_tools(tools, &asked, model_calls, events).await {
                    Ok(results) => results,
                    Err(err) => return (Err(err), None, last),
                };
                tool_calls += u32::try_from(asked.len()).unwrap_or(u32::MAX);
                let turn = Message {
                    role: Role::Assistant,
                    parts: response
                        .parts
                        .iter()
                        .filter(|p| !matches!(p, Part::Text(t) if t.is_empty()))
                        .cloned()
                        .collect(),
                };
                let results = Message { role: Role::Tool, parts: results };
                chain = std::borrow::Cow::Owned(follow_up(&chain[last - offset..], &[turn, results]));
                offset = last;
                note(model_calls, tool_calls, usage, cost, chain[0].request.clone());
                continue;
            }
            let Some(structured) = link.request.as_ref().and_then(|r| r.options.structured.clone()) else {
                response.usage = usage;
                response.cost = cost;
                return (Ok(response), None, last);
            };
            let text = response.content().into_owned();
            let cut = response.finish == Some(FinishReason::Length);
            let checked = if cut { Err(Vec::new()) } else { structured.check(&text) };
            match checked {
                Ok(value) => {
                    response.usage = usage;
                    response.cost = cost;
                    return (Ok(response), Some(structured.printed(value)), last);
                }
                Err(violations) if !cut && round < self.schema_retries => {
                    round += 1;
                    let repair = Structured::repair_words(&violations);
                    let turns = [Message::text(Role::Assistant, text), Message::text(Role::User, repair)];
                    chain = std::borrow::Cow::Owned(follow_up(&chain[last - offset..], &turns));
                    offset = last;
                    if self.tools.is_some() {
                        note(model_calls, tool_calls, usage, cost, chain[0].request.clone());
                    }
                }
                Err(violations) => {
                    let err = TaskError::Schema { text, violations, rounds: round, cut, usage, cost };
                    return (Err(err), None, last);
                }
            }
        }
    }

    /// Run the tool calls of one step, at most 8 at once, each within the tool
    /// timeout and all within the task's deadline; their results in the order asked.
    async fn call_tools(
        &self,
        tools: ToolUse<'_>,
        asked: &[(String, String, String)],
        step: u32,
        events: &Events,
    ) -> Result<Vec<Part>, TaskError> {
        use futures_util::StreamExt;
        for (id, name, arguments) in asked {
            let (server, tool) = tools.toolbox.locate(name).map_or((None, name.as_str()), |(s, t)| (Some(s), t));
            events(&call::CallEvent::ToolCall { server, tool, arguments, call_id: id, step });
        }
        let calls = futures_util::stream::iter(asked.iter().map(|(id, name, arguments)| async move {
            let remaining = self.deadline.at.saturating_duration_since(tokio::time::Instant::now());
            let output = tools.toolbox.call(name, arguments, tools.timeout.min(remaining)).await;
            events(&call::CallEvent::ToolResult {
                call_id: id,
                is_error: output.is_error,
                bytes: output.bytes,
                duration: output.duration,
            });
            Part::ToolResult { call_id: id.clone(), content: output.content, is_error: output.is_error }
        }))
        .buffered(crate::mcp::toolbox::MAX_CONCURRENT_CALLS)
        .collect::<Vec<_>>();
        match tokio::time::timeout_at(self.deadline.at, calls).await {
            Ok(results) => Ok(results),
            Err(_) => Err(TaskError::Deadline {
                provider: String::new(),
                limit: self.deadline.limit,
                skipped: None,
                cut_output: false,
            }),
        }
    }

    /// A call's report over `chain` as the task's answer or error.
    fn answer(
        &self,
        chain: &[Link<'_>],
        report: call::CallReport,
        committed: &std::sync::atomic::AtomicBool,
    ) -> Result<ChatResponse, TaskError> {
        let on_stdout = || committed.load(std::sync::atomic::Ordering::Relaxed);
        match report.result {
            Ok(Answer::Chat(response)) => Ok(response),
            Ok(Answer::Models(_)) => Err(TaskError::Provider(ProviderError::Garbage {
                provider: chain[0].provider.id.clone(),
                what: "a model list",
                snippet: String::new(),
                api: crate::provider::protocol(chain[0].provider).api_words(),
            })),
            Err(CallError::Provider(err)) => Err(TaskError::Provider(err)),
            Err(CallError::State(err)) => Err(TaskError::State(err)),
            Err(CallError::Deadline { skipped }) => Err(TaskError::Deadline {
                provider: chain[report.last].provider.id.clone(),
                limit: self.deadline.limit,
                skipped,
                cut_output: on_stdout(),
            }),
            Err(CallError::Budget(why)) => Err(TaskError::Budget(why)),
            Err(CallError::Partial { text, error }) => Err(TaskError::Partial { text, error, on_stdout: on_stdout() }),
        }
    }

    pub fn result(&self, outcome: &Outcome) -> TaskResult {
        let link = &self.chain[outcome.last.min(self.chain.len() - 1)];
        let mut result = TaskResult::blank(
            self.task_id.clone(),
            self.worker_id.clone(),
            self.agent_id.clone(),
            link.provider.id.clone(),
            self.chain[0].provider.id.clone(),
            link.request.as_ref().map_or_else(|| link.provider.model.clone(), |r| r.options.model.clone()),
        );
        result.latency_ms = outcome.latency_ms;
        result.attempts = outcome.attempts;
        result.fallbacks = u32::try_from(outcome.last).unwrap_or(0);
        if self.tools.is_some() {
            result.steps = Some(outcome.steps.model_calls);
            result.tool_calls = Some(outcome.steps.tool_calls);
        }
        match &outcome.result {
            Ok(response) => {
                result.response = Some(response.content().into_owned());
                result.finish_reason.clone_from(&response.finish);
                result.billed(response.usage, response.cost);
                if let Some(model) = response.model.clone().filter(|m| !m.is_empty()) {
                    result.model = model;
                }
                result.success = true;
                result.cached = response.cached;
                result.data.clone_from(&outcome.data);
                if link.request.as_ref().is_some_and(|r| r.options.structured.is_some()) {
                    result.schema_valid = Some(true);
                }
            }
            Err(err @ TaskError::Schema { text, usage, cost, .. }) => {
                // Every round was answered, and billed: the raw answer stays for `--json`
                // and the body.
                result.response = Some(text.clone());
                result.billed(*usage, *cost);
                result.schema_valid = Some(false);
                result.error_class = Some(ErrorClass::Schema);
                result.error = Some(crate::units::one_line(&err.to_string()));
            }
            Err(err @ TaskError::MaxSteps { text, usage, cost, .. }) => {
                // Every step was answered and billed; the last text is kept.
                result.response = Some(text.clone());
                result.billed(*usage, *cost);
                result.error_class = Some(ErrorClass::MaxSteps);
                result.error = Some(crate::units::one_line(&err.to_string()));
            }
            Err(TaskError::Partial { text, error, .. }) => {
                // The text that came was generated, and likely billed: its estimate.
                if let Some(request) = &link.request {
                    let usage = crate::request::estimate_usage(&request.messages, text);
                    let cost = crate::pricing::price(link.provider, None, &request.options.model, &usage);
                    result.cost_usd = cost.usd;
                    result.price_source = cost.source;
                }
                result.response = Some(text.clone());
                result.error_class = Some(ErrorClass::Partial);
                result.error = Some(crate::units::one_line(&error.to_string()));
            }
            // The agent's state is the process's business, not the task's: the record
            // says only what ended it, and what the steps before it were billed.
            Err(err) => {
                if self.tools.is_some() && outcome.steps.usage.total_tokens > 0 {
                    result.billed(outcome.steps.usage, outcome.steps.cost);
                }
                result.error_class = Some(err.class());
                result.error = Some(match err {
                    TaskError::Interrupted { signal, .. } => format!("interrupted by {}", signal.name()),
                    other => crate::units::one_line(&other.to_string()),
                });
            }
        }
        result
    }
}

/// The links from the one that answered onward, each request followed by `turns`,
/// none of them looked up in or stored to the cache.
fn follow_up<'a>(links: &[Link<'a>], turns: &[Message]) -> Vec<Link<'a>> {
    links
        .iter()
        .map(|link| {
            let mut link = link.clone();
            if let Some(request) = link.request.as_mut() {
                request.messages.extend_from_slice(turns);
            }
            link.cache = None;
            link
        })
        .collect()
}

/// Notes whether any text reached the user, for the messages of a task cut short.
struct Watched<'a> {
    inner: &'a mut dyn Deltas,
    committed: &'a std::sync::atomic::AtomicBool,
}

impl Deltas for Watched<'_> {
    fn delta(&mut self, text: &str) {
        self.inner.delta(text);
        if self.inner.committed() {
            self.committed.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
    fn committed(&self) -> bool {
        self.inner.committed()
    }
}

/// How often a running task looks for a `stop` of its agent.
pub const STOP_POLL: Duration = Duration::from_millis(250);

/// Ends when a `stop` marks the agent; never for a one-shot task.
async fn watch_stop(store: &Store, agent_id: Option<&str>) {
    let Some(id) = agent_id else { return std::future::pending().await };
    loop {
        tokio::time::sleep(STOP_POLL).await;
        if store.stop_requested(id).await.unwrap_or(false) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_message_appends_context() {
        let task = Task {
            description: "Review".into(),
            context: Some("diff".into()),
            options: TaskOptions::default(),
            stream: false,
            continuation: None,
        };
        assert_eq!(task.user_message(), "Review\n\nContext:\ndiff");
    }

    #[test]
    fn timestamps_are_rfc3339_utc_with_milliseconds() {
        let ts = crate::clock::now();
        assert_eq!(ts.len(), "2026-11-23T23:21:46.123Z".len(), "{ts}");
        assert!(ts.ends_with('Z') && ts.as_bytes()[19] == b'.', "{ts}");
    }
}
