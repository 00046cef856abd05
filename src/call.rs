//! The one call loop: every provider call (`task run`, `provider models`) goes
//! through [`call`]. It picks an endpoint by weight among those not cooling down,
//! asks the shared limits to admit the request (rpm, tpm, pauses a provider asked
//! for), sends one attempt, and on failure decides: retry (after the server's wait
//! or a jittered backoff, or at once on another instance), fail over to the next
//! provider of the chain, or give up. Every wait is checked against the whole-task
//! deadline before it starts. Retries and failovers are reported as events; what
//! the user sees of them is the caller's choice.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use tokio::time::Instant;

use crate::clock::now_ms;
use crate::limits::{self, MAX_SERVER_WAIT};
use crate::provider::{Answer, Call, Client, Deltas, Provider, ProviderError, Timeouts};
use crate::request::{ChatRequest, ChatResponse, Cost, FinishReason, Usage, estimate_usage};
use crate::settings::LinkSettings;
use crate::state::{Admission, Rates, StateError, Store, WaitWhy};

/// One provider of a failover chain, with the request it gets and its settings.
#[derive(Clone)]
pub struct Link<'a> {
    pub provider: &'a Provider,
    /// `None` for a model listing.
    pub request: Option<ChatRequest>,
    pub settings: LinkSettings,
    /// The response cache for this provider's request, when it is on.
    pub cache: Option<CachePlan>,
    /// The budgets this provider's call must fit.
    pub budget: BudgetPlan,
}

/// The budgets a call must fit: shared daily ones (an agent's, a provider's) and the
/// run's own `--max-cost`. Each line is named for the refusal message.
#[derive(Debug, Clone, Default)]
pub struct BudgetPlan {
    pub lines: Vec<(crate::state::BudgetLine, String)>,
    pub run: Option<Arc<RunBudget>>,
    /// Where a priced answer's cost is recorded for the UTC day (`agent:ID`,
    /// `provider:ID`), whether or not a budget is set on them now.
    pub spend_keys: Vec<String>,
}

impl BudgetPlan {
    /// The budgets a task of `agent` (if any) on `provider` must fit, and where its
    /// spend is recorded.
    pub(crate) fn of(
        agent: Option<&crate::state::AgentRecord>,
        provider: &Provider,
        run: Option<Arc<RunBudget>>,
    ) -> Self {
        let mut lines = Vec::new();
        if let Some(agent) = agent
            && let Some(limit) = agent.budget
        {
            let line = crate::state::BudgetLine { key: format!("agent:{}", agent.id), limit_usd: limit };
            lines.push((line, format!("agent `{}`'s daily budget", agent.name)));
        }
        if let Some(limit) = provider.budget_daily {
            let line = crate::state::BudgetLine { key: format!("provider:{}", provider.id), limit_usd: limit };
            lines.push((line, format!("provider `{}`'s budget_daily", provider.id)));
        }
        let mut spend_keys: Vec<String> = agent.map(|a| format!("agent:{}", a.id)).into_iter().collect();
        spend_keys.push(format!("provider:{}", provider.id));
        Self { lines, run, spend_keys }
    }

    /// Whether anything must be checked before a call (a budget line or `--max-cost`).
    pub(crate) fn is_empty(&self) -> bool {
        self.lines.is_empty() && self.run.is_none()
    }
}

/// No model reads or writes more tokens than this in one call; a larger report is
/// a server's error, not usage, and is bounded here whatever the model.
pub(crate) const MAX_REPORTED_TOKENS: u64 = 10_000_000;

/// Usage as it may be recorded: never more completion tokens than the request
/// allowed (`max_tokens`, else the context window), nor more prompt tokens than the
/// context window, so that one absurd report cannot record absurd spend.
pub(crate) fn bound_usage(provider: &Provider, request: &ChatRequest, usage: Usage) -> Usage {
    let window = crate::pricing::context_window(provider, &request.options.model)
        .unwrap_or(MAX_REPORTED_TOKENS)
        .min(MAX_REPORTED_TOKENS);
    let completion_cap = request.options.max_tokens.map_or(window, |m| u64::from(m).min(window));
    let prompt_tokens = usage.prompt_tokens.min(window);
    let completion_tokens = usage.completion_tokens.min(completion_cap);
    Usage {
        prompt_tokens,
        completion_tokens,
        total_tokens: usage.total_tokens.min(prompt_tokens.saturating_add(completion_tokens)),
        cached_tokens: usage.cached_tokens.min(prompt_tokens),
        estimated: usage.estimated,
    }
}

/// `--max-cost`: what a run (a single task, or a whole batch) may spend, across its
/// tasks in this process.
#[derive(Debug)]
pub struct RunBudget {
    pub limit_usd: f64,
    /// Spent plus set aside by tasks in flight.
    pub used: std::sync::Mutex<f64>,
}

/// The estimate a budget is checked against: the input price times the estimated
/// prompt tokens plus the output price times the max tokens sent (4096 when none).
pub(crate) fn estimate_cost(provider: &Provider, request: &ChatRequest) -> Option<f64> {
    let (price, _) = crate::pricing::lookup(provider, None, &request.options.model);
    Some(estimate_at(&price?, request))
}

/// The estimate of `request` at `price` (a batch API's, say).
pub(crate) fn estimate_at(price: &crate::provider::Price, request: &ChatRequest) -> f64 {
    let prompt = estimate_usage(&request.messages, "").prompt_tokens as f64;
    let output = f64::from(request.options.max_tokens.unwrap_or(4096));
    (prompt * price.input + output * price.output) / 1_000_000.0
}

fn dollars(usd: f64) -> String {
    // `-0.0` (a budget of 0 minus nothing) prints as `$0.0000`, not `$-0.0000`.
    format!("${:.4}", usd.max(0.0) + 0.0)
}

/// How one link uses the response cache.
#[derive(Debug, Clone)]
pub struct CachePlan {
    pub key: String,
    /// False with `--refresh`: the answer is stored, never looked up.
    pub lookup: bool,
    pub limits: crate::state::CacheLimits,
}

/// The cache key of a request: a SHA-256 of the provider id, its endpoints, the
/// protocol and the exact body sent (model, messages, sampling, params), never
/// headers or the key. `stream` and `stream_options` are left out, so a streamed run
/// finds what a plain run stored.
pub(crate) fn cache_key(provider: &Provider, request: &ChatRequest) -> String {
    use sha2::Digest;
    let mut body = crate::provider::Client::chat_request(provider, request).body.unwrap_or_default();
    if let Some(object) = body.as_object_mut() {
        object.remove("stream");
        object.remove("stream_options");
    }
    let endpoints: Vec<String> = provider.endpoints.iter().map(|e| e.url.to_string()).collect();
    let mut hasher = sha2::Sha256::new();
    let protocol = crate::provider::protocol(provider).key();
    for part in [provider.id.as_str(), &endpoints.join(" "), protocol, &body.to_string()] {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    format!("{:x}", hasher.finalize())
}

/// What the loop reports while it works.
#[derive(Debug)]
pub enum CallEvent<'a> {
    Retry {
        provider: &'a str,
        delay: Duration,
        reason: String,
        attempt: u32,
        max_attempts: u32,
    },
    Failover {
        from: &'a str,
        to: &'a str,
        reason: String,
    },
    Skip {
        provider: &'a str,
        why: String,
    },
    Wait {
        provider: &'a str,
        delay: Duration,
        why: &'static str,
    },
    /// The model asked for a tool (`server` is `None` for a name never offered).
    ToolCall {
        server: Option<&'a str>,
        tool: &'a str,
        arguments: &'a str,
        call_id: &'a str,
        step: u32,
    },
    /// A tool call's result came back (or failed, as an error result).
    ToolResult {
        call_id: &'a str,
        is_error: bool,
        bytes: usize,
        duration: Duration,
    },
}

pub(crate) type Events = Arc<dyn Fn(&CallEvent<'_>) + Send + Sync>;

/// The whole-task deadline and the test knob for backoff.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    pub at: Instant,
    pub limit: Duration,
    /// `AGENTRY_BACKOFF_SCALE`: scales computed backoff and cooldowns only.
    pub backoff_scale: f64,
}

impl Deadline {
    fn fits(&self, wait: Duration) -> bool {
        Instant::now() + wait <= self.at
    }
}

#[derive(Debug, thiserror::Error)]
pub(crate) enum CallError {
    #[error(transparent)]
    Provider(#[from] ProviderError),
    /// The whole-task limit: reached while a request was in flight (`skipped: None`),
    /// or a wait was not started because it would have ended after it.
    #[error("the whole-task limit was reached")]
    Deadline { skipped: Option<String> },
    #[error(transparent)]
    State(#[from] StateError),
    /// A stream broke after some text: `text` is what came.
    #[error("{error}")]
    Partial { text: String, error: ProviderError },
    /// A budget refused the task before anything was sent.
    #[error("{0}")]
    Budget(String),
}

/// Passes deltas on and keeps the text of the current attempt.
struct Tracked<'a> {
    inner: &'a mut dyn Deltas,
    received: String,
}

impl Deltas for Tracked<'_> {
    fn delta(&mut self, text: &str) {
        self.received.push_str(text);
        self.inner.delta(text);
    }
    fn committed(&self) -> bool {
        self.inner.committed()
    }
}

/// How one provider of the chain ended, when it did not answer.
enum LinkEnd {
    /// Failed: `text` is what the last attempt streamed before it broke.
    Failed {
        error: ProviderError,
        text: String,
    },
    /// A budget would not let this provider be called.
    Refused(String),
    Stop(CallError),
}

impl From<StateError> for LinkEnd {
    fn from(err: StateError) -> Self {
        LinkEnd::Stop(CallError::State(err))
    }
}

impl From<CallError> for LinkEnd {
    fn from(err: CallError) -> Self {
        LinkEnd::Stop(err)
    }
}

pub(crate) struct CallReport {
    pub result: Result<Answer, CallError>,
    /// The index in the chain of the provider that answered, or of the last one tried.
    pub last: usize,
}

fn words(d: Duration) -> String {
    if d.as_millis() < 10_000 && d.subsec_millis() != 0 {
        format!("{:.1}s", d.as_secs_f64())
    } else {
        format!("{}s", d.as_secs())
    }
}

fn until_from_now(until_ms: i64) -> Duration {
    Duration::from_millis(u64::try_from(until_ms.saturating_sub(now_ms())).unwrap_or(0))
}

fn instance_key(provider: &Provider, index: usize) -> String {
    // The displayed URL: credentials never reach the state.
    format!("{}#{}", provider.id, provider.endpoints[index].url)
}

/// Run `call` along the chain; see the module doc. Streamed text goes to `sink`;
/// once the sink says text reached the user, a break is returned as partial output.
pub(crate) async fn call(
    client: &Client,
    store: &Store,
    chain: &[Link<'_>],
    deadline: Deadline,
    events: &Events,
    sink: &mut dyn Deltas,
    attempts: &AtomicU32,
) -> CallReport {
    let mut last = 0usize;
    let mut last_error: Option<ProviderError> = None;
    let mut last_text = String::new();
    // The primary's window, once a context-length error made it matter.
    let mut window: Option<u64> = None;
    for (index, link) in chain.iter().enumerate() {
        if let Some(err) = &last_error {
            let from = chain[last].provider.id.as_str();
            let to = link.provider.id.as_str();
            if err.is_context_length() {
                let primary = *window.get_or_insert_with(|| {
                    let model = chain[0]
                        .request
                        .as_ref()
                        .map_or(chain[0].provider.model.as_str(), |r| r.options.model.as_str());
                    crate::pricing::context_window(chain[0].provider, model)
                        .or_else(|| err.stated_context_window())
                        .unwrap_or(u64::MAX)
                });
                let model = link.request.as_ref().map_or(link.provider.model.as_str(), |r| r.options.model.as_str());
                match crate::pricing::context_window(link.provider, model) {
                    Some(size) if size > primary => {}
                    Some(size) => {
                        events(&CallEvent::Skip {
                            provider: to,
                            why: format!("its context window ({size} tokens) is not larger than {primary}"),
                        });
                        continue;
                    }
                    None => {
                        events(&CallEvent::Skip { provider: to, why: "its context_window is not known".into() });
                        continue;
                    }
                }
            } else if !err.fails_over() {
                break;
            }
            events(&CallEvent::Failover { from, to, reason: err.reason() });
        }
        last = index;
        match call_link(client, store, link, deadline, events, attempts, sink).await {
            Ok(answer) => return CallReport { result: Ok(answer), last },
            Err(LinkEnd::Failed { error, text }) => {
                if sink.committed() && !text.is_empty() {
                    // Text is on stdout: never re-run, never fail over.
                    return CallReport { result: Err(CallError::Partial { text, error }), last };
                }
                let ends_here = !error.fails_over() && !error.is_context_length();
                last_error = Some(error);
                last_text = text;
                if ends_here {
                    break;
                }
            }
            Err(LinkEnd::Refused(why)) if index == 0 => {
                return CallReport { result: Err(CallError::Budget(why)), last };
            }
            Err(LinkEnd::Refused(why)) => {
                events(&CallEvent::Skip { provider: link.provider.id.as_str(), why });
            }
            Err(LinkEnd::Stop(other)) => {
                return CallReport { result: Err(other), last };
            }
        }
    }
    let result = match last_error {
        Some(error) if !last_text.is_empty() => Err(CallError::Partial { text: last_text, error }),
        Some(err) => Err(CallError::Provider(err)),
        None => Err(CallError::Deadline { skipped: Some("no provider of the chain could be tried".into()) }),
    };
    CallReport { result, last }
}

async fn sleep_within(deadline: Deadline, wait: Duration, what: impl FnOnce() -> String) -> Result<(), CallError> {
    if !deadline.fits(wait) {
        return Err(CallError::Deadline { skipped: Some(what()) });
    }
    tokio::time::sleep(wait).await;
    Ok(())
}

/// One provider: the cache, then its budgets, then its attempts; the reservation is
/// settled with what the call really cost.
async fn call_link(
    client: &Client,
    store: &Store,
    link: &Link<'_>,
    deadline: Deadline,
    events: &Events,
    attempts: &AtomicU32,
    sink: &mut dyn Deltas,
) -> Result<Answer, LinkEnd> {
    let provider = link.provider;
    // The cache is looked up before anything else: a hit sends nothing, costs
    // nothing and does not touch the rate limits.
    if let (Some(plan), Some(request)) = (&link.cache, &link.request)
        && plan.lookup
        && let Some(hit) = store.cache_get(&plan.key, plan.limits.ttl).await?
    {
        if request.options.stream {
            sink.delta(&hit.content);
        }
        let mut answer = ChatResponse::text(
            hit.content,
            hit.finish_reason.as_deref().map(FinishReason::parse),
            hit.model,
            Usage::default(),
        );
        // Nothing was sent: no tokens, no cost.
        answer.cost = Cost::NOTHING;
        answer.cached = true;
        return Ok(Answer::Chat(answer));
    }
    let plan = &link.budget;
    let Some(request) = link.request.as_ref() else {
        return call_attempts(client, store, link, deadline, events, attempts, sink).await;
    };
    let held = if plan.is_empty() { None } else { Some(hold_budgets(store, plan, provider, request).await?) };
    let mut outcome = call_attempts(client, store, link, deadline, events, attempts, sink).await;
    // Priced here, once: the settlement below and the task's result use this cost.
    if let Ok(Answer::Chat(response)) = &mut outcome {
        response.cost =
            crate::pricing::price(provider, response.model.as_deref(), &request.options.model, &response.usage);
    }
    // Providers bill answers, not errors. An unknown price counts as the estimate
    // under a budget (it was checked against it) and as nothing without one.
    let cost = match &outcome {
        Ok(Answer::Chat(response)) => response.cost.usd.or(held.as_ref().map(|h| h.estimate)),
        _ => None,
    }
    .unwrap_or(0.0);
    settle(store, plan, held, cost).await?;
    outcome
}

/// Settle what a call held (if anything) with what it really cost, against every
/// spend key, budgeted or not, so a budget set later sees today's spend; with
/// nothing held and nothing spent, no write.
pub(crate) async fn settle(
    store: &Store,
    plan: &BudgetPlan,
    held: Option<BudgetHold>,
    cost: f64,
) -> Result<(), StateError> {
    let reservation = match held {
        Some(held) => {
            held.release_run(plan, cost);
            Some(held.reservation.unwrap_or_else(|| crate::state::Reservation::unheld(Vec::new())))
        }
        None => (cost > 0.0).then(|| crate::state::Reservation::unheld(Vec::new())),
    };
    if let Some(mut reservation) = reservation {
        for key in &plan.spend_keys {
            if !reservation.keys.contains(key) {
                reservation.keys.push(key.clone());
            }
        }
        if !reservation.keys.is_empty() {
            store.settle_reservation(reservation, cost).await?;
        }
    }
    Ok(())
}

/// What a call holds against its budgets while it runs.
pub(crate) struct BudgetHold {
    estimate: f64,
    /// Set aside from `--max-cost`.
    run_held: f64,
    reservation: Option<crate::state::Reservation>,
}

impl BudgetHold {
    /// Give back what was set aside from `--max-cost`, keeping what was spent.
    fn release_run(&self, plan: &BudgetPlan, cost: f64) {
        if let Some(run) = &plan.run {
            let mut used = run.used.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            *used = (*used - self.run_held + cost).max(0.0);
        }
    }
}

/// Check the call's estimate against `--max-cost` and the daily budgets, and set it
/// aside in each: refused (naming the budget) when it would pass one.
async fn hold_budgets(
    store: &Store,
    plan: &BudgetPlan,
    provider: &Provider,
    request: &ChatRequest,
) -> Result<BudgetHold, LinkEnd> {
    let Some(estimate) = estimate_cost(provider, request) else {
        return Err(LinkEnd::Refused(unpriced(provider, request)));
    };
    hold_estimate(store, plan, estimate).await.map_err(|refused| match refused {
        Refused::Budget(why) => LinkEnd::Refused(why),
        Refused::State(err) => err.into(),
    })
}

/// Why a budget cannot hold a call whose price is not known.
pub(crate) fn unpriced(provider: &Provider, request: &ChatRequest) -> String {
    format!(
        "model `{}` of provider `{}` has no known price, and a budget needs one; set `pricing` for it in providers.toml",
        request.options.model, provider.id
    )
}

/// Why an estimate was not set aside.
pub(crate) enum Refused {
    /// A budget would pass: its words.
    Budget(String),
    State(StateError),
}

/// Set `estimate` aside from `--max-cost` and in every daily budget of `plan`.
pub(crate) async fn hold_estimate(store: &Store, plan: &BudgetPlan, estimate: f64) -> Result<BudgetHold, Refused> {
    let mut held = BudgetHold { estimate, run_held: 0.0, reservation: None };
    if let Some(run) = &plan.run {
        let mut used = run.used.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if *used + estimate > run.limit_usd + 1e-12 {
            return Err(Refused::Budget(format!(
                "the task would pass --max-cost {} (this run has used or set aside {}, this task's estimate is {})",
                dollars(run.limit_usd),
                dollars(*used),
                dollars(estimate)
            )));
        }
        *used += estimate;
        held.run_held = estimate;
    }
    if plan.lines.is_empty() {
        return Ok(held);
    }
    let lines: Vec<crate::state::BudgetLine> = plan.lines.iter().map(|(line, _)| line.clone()).collect();
    match store.reserve(&lines, estimate).await {
        Ok(Ok(reservation)) => {
            held.reservation = Some(reservation);
            Ok(held)
        }
        Ok(Err(refusal)) => {
            held.release_run(plan, 0.0);
            let name = plan
                .lines
                .iter()
                .find(|(line, _)| line.key == refusal.key)
                .map_or_else(|| refusal.key.clone(), |(_, name)| name.clone());
            Err(Refused::Budget(format!(
                "the task would pass {name} of {} (spent today {}, set aside by tasks in flight {}, this task's estimate {})",
                dollars(refusal.limit_usd),
                dollars(refusal.spent_usd),
                dollars(refusal.reserved_usd),
                dollars(estimate)
            )))
        }
        Err(err) => {
            held.release_run(plan, 0.0);
            Err(Refused::State(err))
        }
    }
}

/// One provider's attempts: its retries, its endpoints, its limits.
async fn call_attempts(
    client: &Client,
    store: &Store,
    link: &Link<'_>,
    deadline: Deadline,
    events: &Events,
    attempts: &AtomicU32,
    sink: &mut dyn Deltas,
) -> Result<Answer, LinkEnd> {
    let provider = link.provider;
    let id = provider.id.as_str();
    let multi = provider.endpoints.len() > 1;
    let keys: Vec<String> = (0..provider.endpoints.len()).map(|i| instance_key(provider, i)).collect();
    let weights: Vec<u32> = provider.endpoints.iter().map(|e| e.weight).collect();
    let max_attempts = link.settings.retries.value.saturating_add(1);
    let timeouts = Timeouts { connect: link.settings.connect_timeout.value, idle: link.settings.idle_timeout.value };
    let call = match &link.request {
        Some(request) => Call::Chat(request),
        None => Call::Models,
    };
    let estimate = link.request.as_ref().map_or(0, |r| estimate_usage(&r.messages, "").prompt_tokens);
    let rates = Rates { rpm: provider.rpm, tpm: provider.tpm, tokens: estimate };
    // A provider answering from a cassette is asked nothing: no rate limit applies,
    // and its waits pass at the replay's speed (none at the default 0).
    let replaying = Client::replays(provider);
    let backoff_scale = if replaying { deadline.backoff_scale * client.replay_speed() } else { deadline.backoff_scale };
    let cooldown = limits::scaled(link.settings.cooldown.value, backoff_scale);
    client.warm(provider, timeouts.connect);
    let mut tries = 0u32;
    loop {
        // An endpoint that is not cooling down, by weight; when all are, wait for the first.
        let index = loop {
            let cooling = if multi { store.cooldowns(&keys).await? } else { vec![None] };
            let available: Vec<bool> = cooling.iter().map(Option::is_none).collect();
            if let Some(index) = limits::choose(&weights, &available, fastrand::f64()) {
                break index;
            }
            let first = cooling.iter().flatten().copied().min().unwrap_or_else(now_ms);
            let wait = until_from_now(first);
            events(&CallEvent::Wait { provider: id, delay: wait, why: "every endpoint is cooling down" });
            sleep_within(deadline, wait, || {
                format!("a {} wait for an endpoint of provider `{id}` to cool down", words(wait))
            })
            .await?;
        };
        // The shared limits: pauses the provider asked for, rpm and tpm.
        loop {
            if replaying {
                break;
            }
            match store.admit(id, rates).await? {
                Admission::Now => break,
                Admission::Wait { until, why } => {
                    let wait = until_from_now(until);
                    let what = match why {
                        WaitWhy::Paused => "the pause provider asked for",
                        WaitWhy::Rpm => "its rpm limit",
                        WaitWhy::Tpm => "its tpm limit",
                    };
                    sleep_within(deadline, wait, || {
                        format!("a {} wait for {what} of provider `{id}`", words(wait)).replace("for its", "for the")
                    })
                    .await?;
                }
            }
        }
        tries += 1;
        attempts.fetch_add(1, Ordering::Relaxed);
        let endpoint = &provider.endpoints[index].url;
        let left = deadline.at.saturating_duration_since(Instant::now());
        let mut tracked = Tracked { inner: &mut *sink, received: String::new() };
        let attempt = client.attempt(provider, endpoint, call, timeouts, &mut tracked);
        let Ok((result, hints)) = tokio::time::timeout(left, attempt).await else {
            return Err(CallError::Deadline { skipped: None }.into());
        };
        let text = tracked.received;
        if let Some(pause) = hints.pause {
            let until = now_ms().saturating_add(i64::try_from(pause.as_millis()).unwrap_or(i64::MAX));
            if multi { store.cool_down(&keys[index], until).await? } else { store.pause(id, until).await? }
        }
        let result = match (result, &link.request) {
            (Ok(Answer::Chat(mut response)), Some(request)) => {
                response.usage = bound_usage(provider, request, response.usage);
                Ok(Answer::Chat(response))
            }
            (other, _) => other,
        };
        let err = match result {
            Ok(answer) => {
                if let (Some(tpm), Answer::Chat(response), false) = (provider.tpm, &answer, replaying) {
                    let delta = i64::try_from(response.usage.total_tokens).unwrap_or(i64::MAX)
                        - i64::try_from(estimate).unwrap_or(0);
                    store.correct_tokens(id, tpm, delta).await?;
                }
                // Only complete answers are kept: never one cut at the token limit or
                // filtered. A cache that cannot be written costs the task nothing.
                // Under a schema, only an answer that matches it.
                if let (Some(plan), Answer::Chat(response)) = (&link.cache, &answer)
                    && matches!(response.finish, None | Some(FinishReason::Stop))
                    && link
                        .request
                        .as_ref()
                        .and_then(|r| r.options.structured.as_ref())
                        .is_none_or(|s| s.check(&response.content()).is_ok())
                {
                    // Stored without keys: a hit prints the redacted text.
                    let cached = crate::state::CachedAnswer {
                        content: client.redactor(provider).await.redact(&response.content()),
                        finish_reason: response.finish.as_ref().map(|f| f.as_str().to_string()),
                        model: response.model.clone(),
                        stored_at: now_ms(),
                    };
                    let _ = store.cache_put(&plan.key, &cached, plan.limits).await;
                }
                return Ok(answer);
            }
            Err(err) => err,
        };
        let server_wait = err.retry_after();
        let too_long = server_wait.is_some_and(|w| w > MAX_SERVER_WAIT);
        if err.is_retryable() && !too_long {
            let now = now_ms();
            if multi {
                let hold = server_wait.map_or(cooldown, |w| w.max(cooldown));
                store
                    .cool_down(&keys[index], now.saturating_add(i64::try_from(hold.as_millis()).unwrap_or(i64::MAX)))
                    .await?;
            } else if let Some(wait) = server_wait {
                store.pause(id, now.saturating_add(i64::try_from(wait.as_millis()).unwrap_or(i64::MAX))).await?;
            }
        }
        if !err.is_retryable() || too_long || tries >= max_attempts || (sink.committed() && !text.is_empty()) {
            return Err(LinkEnd::Failed { error: err, text });
        }
        // Another instance that is up takes the retry at once; a server's wait is
        // never slept on one instance while others are up.
        let other_up =
            multi && store.cooldowns(&keys).await?.iter().enumerate().any(|(i, c)| i != index && c.is_none());
        let delay = if other_up {
            Duration::ZERO
        } else {
            server_wait.unwrap_or_else(|| limits::backoff(tries - 1, fastrand::f64(), backoff_scale))
        };
        let reason = err.reason();
        if !deadline.fits(delay) {
            return Err(CallError::Deadline {
                skipped: Some(format!("a {} wait before retrying provider `{id}` after {reason}", words(delay))),
            }
            .into());
        }
        events(&CallEvent::Retry { provider: id, delay, reason, attempt: tries + 1, max_attempts });
        tokio::time::sleep(delay).await;
    }
}
