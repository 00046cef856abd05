//! `task run --file FILE --via batch-api`: a batch's lines sent through each
//! provider's batch API (OpenAI's Batch API, Anthropic's Message Batches) instead of
//! one request each, at the batch price; and `agentry batch list|show|cancel`.
//!
//! The lines of one provider go in one provider batch (split at its limits), which
//! is recorded in the state before anything waits on it: the same command run again
//! (killed, timed out, `--no-wait`) finds the batch by the requests it holds and
//! collects it instead of submitting twice. Each answer becomes a normal result line
//! and history line (`via: "batch"`, `batch_id`); failed and expired lines are
//! `success: false`, and a rerun with the same `--output` resubmits only those.
//! Lines on the mock and lines the cache answers are not submitted. Rate limits do
//! not apply (the provider queues); budgets reserve every line's estimate before
//! anything is uploaded.
//!
//! Contact points: `batch.rs` (the lines, `--output`), `Client::batch_*` (the wire),
//! the state's provider batch records.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::Duration;

use serde_json::{Value, json};

use super::Invocation;
use super::batch::{Line, Target, id_text, open_output, read_lines, result_line};
use crate::call::{BudgetHold, BudgetPlan, Refused};
use crate::cli::{BatchCommand, TaskRunArgs};
use crate::error::{ExitCode, Failure};
use crate::ids::new_id;
use crate::manager::Manager;
use crate::provider::protocols::BatchStatus;
use crate::provider::{Client, Provider, ProviderKind};
use crate::request::{ChatRequest, ChatResponse, Cost, ErrorClass, FinishReason, Usage};
use crate::state::{ProviderBatch, ProviderBatchLine};
use crate::worker::{Task, TaskResult};

/// The first wait between polls, and the longest (the wait doubles in between).
const FIRST_POLL: Duration = Duration::from_secs(5);
const LAST_POLL: Duration = Duration::from_secs(60);
const DEFAULT_WAIT: Duration = Duration::from_secs(24 * 3600);

/// A line on its way through a provider batch.
struct Pending<'a> {
    line: &'a Line,
    provider: &'a Provider,
    request: ChatRequest,
    task_id: String,
    agent: Option<crate::state::AgentRecord>,
    persona: Option<String>,
    project: Option<String>,
    custom_id: String,
    key: String,
}

/// What the provider knows a line by: its id when the APIs accept it as is, else
/// the task id (both APIs take `[A-Za-z0-9_-]{1,64}`).
fn custom_id(line: &Line, task_id: &str) -> String {
    let text = id_text(&line.id).unwrap_or_default();
    let fits = !text.is_empty()
        && text.len() <= 64
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'));
    if fits { text } else { task_id.to_string() }
}

pub(super) async fn run(ctx: &Invocation, args: TaskRunArgs, source: PathBuf) -> anyhow::Result<()> {
    super::batch::check_flags(&args)?;
    for (flag, set) in [
        ("--stream", args.stream),
        ("--events", args.events),
        ("--record", args.record.is_some()),
        ("--replay", args.replay.is_some()),
        ("--parallel", args.parallel.is_some()),
    ] {
        if set {
            return Err(Failure::usage(format!("{flag} does not go with --via batch-api")).into());
        }
    }
    let wait = match &args.wait {
        None => DEFAULT_WAIT,
        Some(text) => crate::units::parse_duration(text).ok_or_else(|| {
            Failure::usage(format!(
                "--wait takes a duration such as `30m` or `24h`, not `{}`",
                crate::units::one_line(text)
            ))
        })?,
    };
    let env = crate::settings::CallEnv::resolve(&ctx.env)?;
    let mut manager = ctx.manager().await?;
    manager.run_budget = super::flags::run_budget(args.max_cost)?;
    let (_output_lock, done, mut output) = open_output(ctx, args.output.as_deref()).await?;
    let agents = manager.snapshot().await?.agents;
    let lines = read_lines(&source, &manager, &agents, &args, &done)?;
    let shown = if source.as_os_str() == "-" { "stdin".to_string() } else { source.display().to_string() };
    let client = ctx.client();
    let mut pending: Vec<Pending<'_>> = Vec::new();
    let mut at_once: Vec<(&Line, TaskResult, Option<crate::state::TaskRecord>)> = Vec::new();
    for line in &lines {
        if id_text(&line.id).is_some_and(|id| done.contains(&id)) || matches!(line.target, Target::Done) {
            continue;
        }
        let at =
            |message: String| -> anyhow::Error { Failure::usage(format!("{shown}:{}: {message}", line.number)).into() };
        let agent_tools = matches!(&line.target, Target::Agent(agent) if !agent.tools.is_empty());
        if !line.options.tools.is_empty() || agent_tools {
            return Err(at(
                "tools need a conversation, one step at a time: run this line without --via batch-api".into()
            ));
        }
        if let Target::Agent(agent) = &line.target
            && !agent.memory.is_off()
        {
            ctx.printer.warn(&format!(
                "{shown}:{}: agent {}'s memory is not sent through a provider batch, and its answer is not remembered",
                line.number, agent.name
            ));
        }
        let task = Task {
            description: line.description.clone(),
            context: line.context.clone(),
            options: line.options.clone(),
            stream: false,
            continuation: None,
        };
        let prepared = match &line.target {
            Target::Agent(agent) => manager.prepare_for((**agent).clone(), &task)?,
            Target::OneShot { persona, provider, project } => {
                let mut prepared = manager.prepare_one_shot(persona, provider, &task)?;
                prepared.project.clone_from(project);
                prepared
            }
            Target::Done => continue,
        };
        let provider = prepared.provider;
        if provider.kind == ProviderKind::Mock {
            let answer = crate::provider::protocol(provider).offline(&prepared.request);
            let result =
                answered(&prepared.task_id, provider, prepared.agent.as_ref(), &prepared.request, answer, None, 0);
            let record = result.record(
                prepared.agent.as_ref().map(|a| a.name.as_str()),
                prepared.persona.as_deref(),
                prepared.agent.as_ref().map(|a| a.project.as_str()).or(prepared.project.as_deref()),
            );
            at_once.push((line, result, Some(record)));
            continue;
        }
        if Client::batch_api(provider).is_none() {
            return Err(Failure::usage(format!(
                "{shown}:{}: provider `{}` (type {}) has no batch API; run this line without --via batch-api",
                line.number,
                provider.id,
                provider.kind.as_str()
            ))
            .into());
        }
        let max = crate::provider::protocol(provider).capabilities().max_temperature;
        if let Some(t) = prepared.request.options.temperature.filter(|t| *t > max) {
            return Err(at(format!(
                "temperature {t} is above what {} takes (0 to {max})",
                crate::provider::protocol(provider).api_words()
            )));
        }
        client.prepare(provider).await?;
        let key = crate::provider::cassette::key_of(&crate::provider::cassette::asked(provider, &prepared.request));
        let custom = custom_id(line, &prepared.task_id);
        pending.push(Pending {
            line,
            provider,
            request: prepared.request,
            task_id: prepared.task_id,
            agent: prepared.agent,
            persona: prepared.persona,
            project: prepared.project,
            custom_id: custom,
            key,
        });
    }
    if !pending.is_empty() {
        manager.store.check_writable().await?;
    }
    // The cache answers what it can; those lines are not submitted.
    let mut remaining = Vec::new();
    for item in pending {
        let on = item.line.call.cache.unwrap_or(item.provider.cache || item.agent.as_ref().is_some_and(|a| a.cache));
        if on && !item.line.call.refresh && item.line.call.cache != Some(false) {
            let key = crate::call::cache_key(item.provider, &item.request);
            if let Some(hit) = manager.store.cache_get(&key, manager.config.settings.cache.ttl).await? {
                let mut answer = ChatResponse::text(
                    hit.content,
                    hit.finish_reason.as_deref().map(FinishReason::parse),
                    hit.model,
                    Usage::default(),
                );
                answer.cost = Cost::NOTHING;
                answer.cached = true;
                let mut result =
                    answered(&item.task_id, item.provider, item.agent.as_ref(), &item.request, Some(answer), None, 0);
                result.cached = true;
                result.attempts = 0;
                let record = result.record(
                    item.agent.as_ref().map(|a| a.name.as_str()),
                    item.persona.as_deref(),
                    item.agent.as_ref().map(|a| a.project.as_str()).or(item.project.as_deref()),
                );
                at_once.push((item.line, result, Some(record)));
                continue;
            }
        }
        remaining.push(item);
    }
    let pending = remaining;
    let mut tally = Tally::default();
    for (line, result, record) in at_once {
        if let Some(record) = record {
            manager.store.record(std::slice::from_ref(&record)).await?;
        }
        tally.count(&result);
        write_result(ctx, &mut output, &result_line(&line.id, &result))?;
    }
    // One provider batch per provider (split at its limits), found again or submitted.
    let mut by_provider: Vec<(&Provider, Vec<&Pending<'_>>)> = Vec::new();
    for item in &pending {
        match by_provider.iter_mut().find(|(p, _)| p.id == item.provider.id) {
            Some((_, list)) => list.push(item),
            None => by_provider.push((item.provider, vec![item])),
        }
    }
    let known = manager.store.provider_batches().await?;
    let mut batches: Vec<ProviderBatch> = Vec::new();
    let mut to_submit: Vec<(&Provider, Vec<&Pending<'_>>)> = Vec::new();
    for (provider, items) in by_provider {
        let mut left = Vec::new();
        for item in items {
            let found = known
                .iter()
                .chain(batches.iter())
                .find(|b| b.provider == provider.id && !b.collected && b.lines.iter().any(|l| same_line(l, item)));
            match found {
                Some(batch) if !batches.iter().any(|b| b.id == batch.id) => batches.push(batch.clone()),
                Some(_) => {}
                None => left.push(item),
            }
        }
        if !left.is_empty() {
            to_submit.push((provider, left));
        }
    }
    // Budgets: every line to submit is set aside before anything is uploaded.
    let mut held: HashMap<String, (BudgetPlan, BudgetHold)> = HashMap::new();
    for (provider, items) in &to_submit {
        for item in items {
            match hold(&manager, provider, item).await {
                Ok(Some(hold)) => {
                    held.insert(item.custom_id.clone(), hold);
                }
                Ok(None) => {}
                Err(refusal) => {
                    release(&manager, &mut held).await;
                    return Err(Failure::new(
                        ExitCode::Budget,
                        format!("{shown}:{}: {refusal}; nothing was submitted", item.line.number),
                    )
                    .into());
                }
            }
        }
    }
    for (provider, items) in to_submit {
        let wire = Client::batch_api(provider).ok_or_else(|| Failure::usage("no batch API"))?;
        let (max_requests, max_bytes) = wire.limits();
        let requests: Vec<(String, ChatRequest)> =
            items.iter().map(|i| (i.custom_id.clone(), i.request.clone())).collect();
        let all_lines = Client::batch_lines(provider, &requests);
        let sizes: Vec<usize> = all_lines.iter().map(|line| line.to_string().len() + 1).collect();
        for range in split(&sizes, max_requests, max_bytes) {
            let chunk = &items[range.clone()];
            let status = client.batch_submit(provider, &all_lines[range]).await?;
            let batch = record_submission(&manager, provider, chunk, &status, &args, &source).await?;
            ctx.printer.status(&format!(
                "submitted provider batch {} to provider `{}` ({} requests, {})",
                batch.batch_id,
                provider.id,
                chunk.len(),
                wire.words()
            ));
            batches.push(batch);
        }
    }
    if args.no_wait {
        release(&manager, &mut held).await;
        if ctx.printer.json {
            let ids: Vec<Value> =
                batches.iter().map(|b| json!({"id": b.id, "batch_id": b.batch_id, "provider": b.provider})).collect();
            ctx.printer.json(&json!({ "submitted": ids }))?;
        } else {
            ctx.printer.out(&batches.iter().map(|b| format!("{}\n", b.batch_id)).collect::<String>())?;
        }
        ctx.printer.status("run the same command again to collect the answers");
        return Ok(());
    }
    // Wait for every batch to end, polling with a backoff.
    let started = tokio::time::Instant::now();
    let total: u64 = batches.iter().map(|b| b.lines.len() as u64).sum();
    let progress = ctx.printer.progress(total);
    let mut delay = crate::limits::scaled(FIRST_POLL, env.backoff_scale);
    let longest = crate::limits::scaled(LAST_POLL, env.backoff_scale);
    loop {
        let mut open = 0;
        let mut done_count = 0;
        for batch in &mut batches {
            if !batch.ended {
                let Some(provider) = manager.config.registry.get(&batch.provider) else { continue };
                match client.batch_status(provider, &batch.batch_id).await {
                    Ok(status) => {
                        update(batch, &status);
                        manager.store.put_provider_batch(batch).await?;
                    }
                    Err(err) => {
                        ctx.printer.warn(&format!("could not ask for provider batch {}: {err}", batch.batch_id));
                    }
                }
            }
            if !batch.ended {
                open += 1;
            }
            done_count += batch.succeeded + batch.failed;
        }
        progress.set_position(done_count.min(total));
        progress.set_message(format!("{open} provider batch(es) running"));
        if open == 0 {
            break;
        }
        if started.elapsed() + delay > wait {
            progress.finish_and_clear();
            release(&manager, &mut held).await;
            let running: Vec<String> = batches
                .iter()
                .filter(|b| !b.ended)
                .map(|b| format!("{} ({}, {} of {} done)", b.batch_id, b.status, b.succeeded + b.failed, b.total))
                .collect();
            return Err(Failure::new(
                ExitCode::Deadline,
                format!(
                    "--wait {} passed with provider batches still running: {}",
                    crate::units::duration_words(wait),
                    running.join(", ")
                ),
            )
            .hint("run the same command again later to collect them (nothing is submitted twice)")
            .into());
        }
        tokio::time::sleep(delay).await;
        delay = (delay * 2).min(longest);
    }
    progress.finish_and_clear();
    // Collect: every line of every batch this run asked for.
    for batch in &mut batches {
        let Some(provider) = manager.config.registry.get(&batch.provider) else { continue };
        // This run's lines by the custom id the batch knows them by (a rerun's own
        // would differ for a line whose id is not a valid custom id).
        let by_id: HashMap<&str, &Pending<'_>> = batch
            .lines
            .iter()
            .filter_map(|l| pending.iter().find(|p| same_line(l, p)).map(|p| (l.custom_id.as_str(), p)))
            .collect();
        let requests: HashMap<String, ChatRequest> =
            by_id.iter().map(|(custom, p)| ((*custom).to_string(), p.request.clone())).collect();
        let status = BatchStatus {
            id: batch.batch_id.clone(),
            status: batch.status.clone(),
            ended: true,
            total: batch.total,
            succeeded: batch.succeeded,
            failed: batch.failed,
            results: batch.results.clone(),
        };
        let results = client.batch_results(provider, &status, &requests).await?;
        let mut outcomes: HashMap<String, Result<ChatResponse, crate::provider::batch_api::BatchFailure>> =
            results.into_iter().collect();
        let latency = latency_since(&batch.submitted_at);
        let redactor = client.redactor(provider).await;
        for line in &batch.lines {
            let Some(item) = by_id.get(line.custom_id.as_str()) else { continue };
            let outcome = outcomes.remove(&line.custom_id);
            let mut result = match outcome {
                Some(Ok(answer)) => answered(
                    &line.task_id,
                    provider,
                    item.agent.as_ref(),
                    &item.request,
                    Some(answer),
                    Some(&batch.batch_id),
                    latency,
                ),
                Some(Err(failure)) => {
                    failed(&line.task_id, provider, item, &batch.batch_id, failure.class, failure.message, latency)
                }
                None => failed(
                    &line.task_id,
                    provider,
                    item,
                    &batch.batch_id,
                    unanswered_class(&batch.status),
                    format!(
                        "provider batch {} ended ({}) without an answer for this request",
                        batch.batch_id, batch.status
                    ),
                    latency,
                ),
            };
            // Settled with what the line cost, as a single task's call is.
            let cost = result.cost_usd.unwrap_or(0.0);
            let (plan, hold) = match held.remove(&line.custom_id) {
                Some((plan, hold)) => (plan, Some(hold)),
                None => (BudgetPlan::of(item.agent.as_ref(), provider, None), None),
            };
            crate::call::settle(&manager.store, &plan, hold, cost).await?;
            let stored = result.response.as_deref().map(|t| redactor.redact(t));
            let record = result.record(
                item.agent.as_ref().map(|a| a.name.as_str()),
                item.persona.as_deref(),
                item.agent.as_ref().map(|a| a.project.as_str()).or(item.project.as_deref()),
            );
            if let Ok(body) = crate::manager::task_body(provider, &item.request, stored.as_deref(), &redactor) {
                manager.store.store_bodies(&[(record.task_id.clone(), body.0, body.1)]).await?;
            }
            manager.store.record(std::slice::from_ref(&record)).await?;
            if output.is_some() {
                result.response = stored;
            }
            tally.count(&result);
            write_result(ctx, &mut output, &result_line(&item.line.id, &result))?;
        }
        batch.collected = true;
        manager.store.put_provider_batch(batch).await?;
    }
    release(&manager, &mut held).await;
    if let Some(path) = &args.output {
        ctx.printer.status(&format!(
            "batch: {} tasks, {} succeeded, {} failed, {} skipped (done before); results in {}",
            lines.len(),
            tally.succeeded,
            tally.failed,
            lines.iter().filter(|l| !is_pending(l, &done)).count(),
            path.display()
        ));
    }
    if tally.failed > 0 {
        return Err(Failure::new(
            ExitCode::BatchFailed,
            format!("{} of {} tasks failed", tally.failed, tally.succeeded + tally.failed),
        )
        .hint("each failed line says why in its `error`; rerun with the same --output to resubmit only those")
        .into());
    }
    Ok(())
}

/// Why a line of an ended provider batch has no result, from the batch's status: it
/// expired, was cancelled, or the batch failed (OpenAI's `failed` is a batch its API
/// refused, e.g. an input file it could not read).
fn unanswered_class(status: &str) -> ErrorClass {
    match status {
        "expired" => ErrorClass::Expired,
        "cancelled" | "canceled" | "cancelling" | "canceling" => ErrorClass::Cancelled,
        "failed" => ErrorClass::ClientError,
        _ => ErrorClass::ServerError,
    }
}

/// Requests of `sizes` bytes cut into runs of at most `max_requests` and
/// `max_bytes` each (a single larger request still goes alone: the provider says no).
fn split(sizes: &[usize], max_requests: usize, max_bytes: usize) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    while start < sizes.len() {
        let mut end = start;
        let mut bytes = 0usize;
        while end < sizes.len() && end - start < max_requests.max(1) {
            if end > start && bytes + sizes[end] > max_bytes {
                break;
            }
            bytes += sizes[end];
            end += 1;
        }
        ranges.push(start..end);
        start = end;
    }
    ranges
}

fn is_pending(line: &Line, done: &HashSet<String>) -> bool {
    !matches!(line.target, Target::Done) && !id_text(&line.id).is_some_and(|id| done.contains(&id))
}

/// Whether a recorded batch line is `item`: the same line id asking the same.
fn same_line(recorded: &ProviderBatchLine, item: &Pending<'_>) -> bool {
    recorded.key == item.key
        && id_text(&recorded.line_id).is_some()
        && id_text(&recorded.line_id) == id_text(&item.line.id)
}

#[derive(Default)]
struct Tally {
    succeeded: usize,
    failed: usize,
}

impl Tally {
    fn count(&mut self, result: &TaskResult) {
        if result.success {
            self.succeeded += 1;
        } else {
            self.failed += 1;
        }
    }
}

fn write_result(ctx: &Invocation, output: &mut Option<std::fs::File>, line: &str) -> anyhow::Result<()> {
    match output {
        Some(file) => {
            use std::io::Write;
            file.write_all(format!("{line}\n").as_bytes())
                .map_err(|err| Failure::new(ExitCode::Internal, format!("cannot write the results: {err}")).into())
        }
        None => Ok(ctx.printer.out(&format!("{line}\n"))?),
    }
}

fn update(batch: &mut ProviderBatch, status: &BatchStatus) {
    batch.status.clone_from(&status.status);
    batch.ended = status.ended;
    batch.total = status.total;
    batch.succeeded = status.succeeded;
    batch.failed = status.failed;
    batch.results.clone_from(&status.results);
}

fn latency_since(submitted_at: &str) -> u64 {
    submitted_at
        .parse::<jiff::Timestamp>()
        .ok()
        .map_or(0, |at| u64::try_from(crate::clock::now_ms() - at.as_millisecond()).unwrap_or(0))
}

/// Record a submitted provider batch before anything waits on it.
async fn record_submission(
    manager: &Manager,
    provider: &Provider,
    items: &[&Pending<'_>],
    status: &BatchStatus,
    args: &TaskRunArgs,
    source: &std::path::Path,
) -> anyhow::Result<ProviderBatch> {
    use sha2::Digest;
    let mut hasher = sha2::Sha256::new();
    hasher.update(provider.id.as_bytes());
    for item in items {
        hasher.update([0]);
        hasher.update(item.custom_id.as_bytes());
        hasher.update([0]);
        hasher.update(item.key.as_bytes());
    }
    let mut batch = ProviderBatch {
        id: new_id("pb"),
        provider: provider.id.clone(),
        batch_id: status.id.clone(),
        input_hash: format!("{:x}", hasher.finalize()),
        submitted_at: crate::clock::now(),
        status: String::new(),
        ended: false,
        total: items.len() as u64,
        succeeded: 0,
        failed: 0,
        collected: false,
        source: Some(source.display().to_string()),
        output: args.output.as_ref().map(|p| p.display().to_string()),
        results: Vec::new(),
        lines: items
            .iter()
            .map(|item| ProviderBatchLine {
                line_id: item.line.id.clone(),
                custom_id: item.custom_id.clone(),
                task_id: item.task_id.clone(),
                key: item.key.clone(),
            })
            .collect(),
    };
    update(&mut batch, status);
    if batch.total == 0 {
        batch.total = items.len() as u64;
    }
    manager.store.put_provider_batch(&batch).await?;
    Ok(batch)
}

/// Set a line's batch-price estimate aside against its budgets, as a single task's
/// call does at the normal price: `Ok(None)` when no budget applies, `Err` with the
/// refusal's words.
async fn hold(
    manager: &Manager,
    provider: &Provider,
    item: &Pending<'_>,
) -> Result<Option<(BudgetPlan, BudgetHold)>, String> {
    let plan = BudgetPlan::of(item.agent.as_ref(), provider, manager.run_budget.clone());
    if plan.is_empty() {
        return Ok(None);
    }
    let (price, _) = crate::pricing::batch_price(provider, None, &item.request.options.model);
    let Some(price) = price else { return Err(crate::call::unpriced(provider, &item.request)) };
    let estimate = crate::call::estimate_at(&price, &item.request);
    match crate::call::hold_estimate(&manager.store, &plan, estimate).await {
        Ok(hold) => Ok(Some((plan, hold))),
        Err(Refused::Budget(why)) => Err(why),
        Err(Refused::State(err)) => Err(err.to_string()),
    }
}

/// Give back what is still set aside (a run that stops waiting, or refuses).
async fn release(manager: &Manager, held: &mut HashMap<String, (BudgetPlan, BudgetHold)>) {
    for (_, (plan, hold)) in held.drain() {
        let _ = crate::call::settle(&manager.store, &plan, Some(hold), 0.0).await;
    }
}

/// The result of a line answered (by its provider batch, the mock or the cache).
fn answered(
    task_id: &str,
    provider: &Provider,
    agent: Option<&crate::state::AgentRecord>,
    request: &ChatRequest,
    answer: Option<ChatResponse>,
    batch_id: Option<&str>,
    latency_ms: u64,
) -> TaskResult {
    let mut result = TaskResult::blank(
        task_id.to_string(),
        agent.map_or_else(|| new_id("wk"), |a| a.worker_id.clone()),
        agent.map(|a| a.id.clone()),
        provider.id.clone(),
        provider.id.clone(),
        request.options.model.clone(),
    );
    result.latency_ms = latency_ms;
    result.attempts = 1;
    if let Some(id) = batch_id {
        result.via = Some("batch".into());
        result.batch_id = Some(id.to_string());
    }
    let Some(answer) = answer else {
        result.error = Some("no answer".into());
        result.error_class = Some(ErrorClass::Garbage);
        return result;
    };
    let usage = crate::call::bound_usage(provider, request, answer.usage);
    let cost = if batch_id.is_some() {
        let (price, source) = crate::pricing::batch_price(provider, answer.model.as_deref(), &request.options.model);
        Cost { usd: price.map(|p| crate::pricing::cost(&p, &usage)), source }
    } else if answer.cached {
        answer.cost
    } else {
        crate::pricing::price(provider, answer.model.as_deref(), &request.options.model, &usage)
    };
    result.billed(usage, cost);
    if let Some(model) = &answer.model {
        result.model.clone_from(model);
    }
    result.finish_reason.clone_from(&answer.finish);
    let text = answer.content().into_owned();
    match &request.options.structured {
        Some(schema) => match schema.check(&text) {
            Ok(value) => {
                result.data = Some(value);
                result.schema_valid = Some(true);
                result.success = true;
            }
            Err(violations) => {
                result.schema_valid = Some(false);
                let words: Vec<String> = violations.iter().map(ToString::to_string).collect();
                result.error = Some(format!("the answer does not match its schema: {}", words.join("; ")));
                result.error_class = Some(ErrorClass::Schema);
            }
        },
        None => result.success = true,
    }
    result.response = Some(text);
    result
}

fn failed(
    task_id: &str,
    provider: &Provider,
    item: &Pending<'_>,
    batch_id: &str,
    class: ErrorClass,
    message: String,
    latency_ms: u64,
) -> TaskResult {
    let mut result = answered(task_id, provider, item.agent.as_ref(), &item.request, None, Some(batch_id), latency_ms);
    result.error = Some(message);
    result.error_class = Some(class);
    result
}

/// `agentry batch list|show|cancel`.
pub(super) async fn command(ctx: &Invocation, command: BatchCommand) -> anyhow::Result<()> {
    let manager = ctx.manager().await?;
    let batches = manager.store.provider_batches().await?;
    let find = |id: &str| -> anyhow::Result<ProviderBatch> {
        batches.iter().find(|b| b.id == id || b.batch_id == id).cloned().ok_or_else(|| {
            Failure::not_found(format!("provider batch `{}` not found", crate::units::one_line(id)))
                .hint("see `agentry batch list`")
                .into()
        })
    };
    match command {
        BatchCommand::List => {
            if ctx.printer.json {
                let views: Vec<Value> = batches.iter().map(view).collect();
                return ctx.printer.json(&views);
            }
            if batches.is_empty() {
                ctx.printer.note("no provider batches yet; `task run --file FILE --via batch-api` submits them");
                return Ok(());
            }
            let rows = batches
                .iter()
                .map(|b| {
                    vec![
                        b.id.clone(),
                        b.batch_id.clone(),
                        b.provider.clone(),
                        b.status.clone(),
                        b.total.to_string(),
                        b.succeeded.to_string(),
                        b.failed.to_string(),
                        if b.collected { "yes".into() } else { "no".into() },
                        b.submitted_at.clone(),
                    ]
                })
                .collect();
            let headers =
                ["ID", "BATCH ID", "PROVIDER", "STATUS", "TOTAL", "SUCCEEDED", "FAILED", "COLLECTED", "SUBMITTED"];
            Ok(ctx.printer.out(&ctx.printer.table(&headers, rows, &[4, 5, 6]))?)
        }
        BatchCommand::Show { id } => {
            let mut batch = find(&id)?;
            refresh(ctx, &manager, &mut batch, false).await?;
            if ctx.printer.json {
                return ctx.printer.json(&view(&batch));
            }
            let mut text = String::new();
            for (name, value) in [
                ("id", batch.id.clone()),
                ("batch id", batch.batch_id.clone()),
                ("provider", batch.provider.clone()),
                ("status", batch.status.clone()),
                ("requests", format!("{} ({} succeeded, {} failed)", batch.total, batch.succeeded, batch.failed)),
                ("collected", if batch.collected { "yes".into() } else { "no".into() }),
                ("submitted", batch.submitted_at.clone()),
                ("file", batch.source.clone().unwrap_or_default()),
                ("output", batch.output.clone().unwrap_or_default()),
            ] {
                text.push_str(&format!("{name:<10} {value}\n"));
            }
            Ok(ctx.printer.out(&text)?)
        }
        BatchCommand::Cancel { id } => {
            let mut batch = find(&id)?;
            refresh(ctx, &manager, &mut batch, true).await?;
            ctx.printer.status(&format!(
                "asked provider `{}` to cancel provider batch {} (now {}); run its `task run` again to collect what was done",
                batch.provider, batch.batch_id, batch.status
            ));
            if ctx.printer.json {
                return ctx.printer.json(&view(&batch));
            }
            Ok(())
        }
    }
}

/// Ask the provider where `batch` stands (or cancel it), and keep what it says.
async fn refresh(ctx: &Invocation, manager: &Manager, batch: &mut ProviderBatch, cancel: bool) -> anyhow::Result<()> {
    let provider = manager.config.registry.require(&batch.provider)?;
    let client = ctx.client();
    client.prepare(provider).await?;
    let status = if cancel {
        client.batch_cancel(provider, &batch.batch_id).await?
    } else {
        client.batch_status(provider, &batch.batch_id).await?
    };
    update(batch, &status);
    manager.store.put_provider_batch(batch).await?;
    Ok(())
}

fn view(batch: &ProviderBatch) -> Value {
    json!({
        "id": batch.id,
        "batch_id": batch.batch_id,
        "provider": batch.provider,
        "status": batch.status,
        "ended": batch.ended,
        "total": batch.total,
        "succeeded": batch.succeeded,
        "failed": batch.failed,
        "collected": batch.collected,
        "submitted_at": batch.submitted_at,
        "source": batch.source,
        "output": batch.output,
        "lines": batch.lines.iter().map(|l| json!({"id": l.line_id, "custom_id": l.custom_id, "task_id": l.task_id})).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn an_unanswered_line_takes_its_class_from_the_batch_status() {
        use crate::request::ErrorClass;
        assert_eq!(super::unanswered_class("expired"), ErrorClass::Expired);
        assert_eq!(super::unanswered_class("cancelled"), ErrorClass::Cancelled);
        assert_eq!(super::unanswered_class("failed"), ErrorClass::ClientError);
        assert_eq!(super::unanswered_class("ended"), ErrorClass::ServerError);
    }

    #[test]
    fn a_submission_is_split_at_the_request_and_byte_limits() {
        assert_eq!(split(&[10; 5], 2, 1000), vec![0..2, 2..4, 4..5]);
        assert_eq!(split(&[40, 40, 40, 10], 100, 90), vec![0..2, 2..4]);
        assert_eq!(split(&[500, 10], 100, 90), vec![0..1, 1..2], "one oversized request goes alone");
        assert!(split(&[], 10, 10).is_empty());
    }
}
