//! `agentry task run --file FILE`: many tasks through the worker pool. Every line is
//! checked before any task starts. Tasks on one agent run one at a time (the batch
//! holds each agent for the run, so other invocations see it working); several
//! agents and one-shot lines run at once, at most `--parallel`. Each result is one
//! JSON line on stdout or appended to `--output`; a rerun with the same `--output`
//! skips ids that succeeded. Counters reach the state at most every 250 ms.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::future::Future;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};

use super::Invocation;
use crate::cli::TaskRunArgs;
use crate::error::{ExitCode, Failure};
use crate::ids::new_id;
use crate::manager::{FinishedTask, Manager, PreparedTask};
use crate::output::EventWriter;
use crate::provider::{Client, Deltas, NoDeltas};
use crate::request::{ErrorClass, TaskOptions};
use crate::settings::{CallEnv, CallFlags};
use crate::shutdown::{Shutdown, Signal};
use crate::state::{AgentRecord, TaskBody, TaskRecord};
use crate::worker::{Task, TaskResult};

/// A finished task on its way to the state: its history line, its bodies, and its
/// result line (index and text), written only once the task is recorded, so that no
/// `success: true` line in `--output` can be missing from the history after a kill.
type Recorded = (TaskRecord, Option<Bodies>, (usize, String));

/// A task's stored request and response, with its system prompt apart.
type Bodies = (TaskBody, Option<String>);

/// The longest batch line, `state import` line or `--output` result line read back:
/// a source with no newline (`/dev/zero`) is refused here instead of filling memory.
pub(crate) const MAX_LINE: usize = 64 * 1024 * 1024;

/// How often finished tasks reach the state.
const FLUSH_EVERY: Duration = Duration::from_millis(250);

/// A batch line as written: what it runs, and the same per-task options as the
/// flags of `task run` (one type, so a key and a flag cannot diverge).
#[derive(Deserialize)]
pub(super) struct LineIn {
    id: Value,
    description: String,
    agent: Option<String>,
    persona: Option<String>,
    provider: Option<String>,
    context: Option<String>,
    project: Option<String>,
    #[serde(flatten)]
    options: TaskOptions,
    /// Whatever no field above took: an unknown key, refused by name. (Serde's
    /// `deny_unknown_fields` does not work beside `flatten`.)
    #[serde(flatten)]
    unknown: BTreeMap<String, Value>,
}

pub(super) enum Target {
    /// Succeeded in an earlier run with this `--output`: skipped, and its agent,
    /// persona and provider are not looked up (they may be gone).
    Done,
    Agent(Box<AgentRecord>),
    OneShot {
        persona: String,
        provider: String,
        project: Option<String>,
    },
}

/// A checked line of the batch file.
pub(super) struct Line {
    pub(super) index: usize,
    /// Its line number in the batch file.
    pub(super) number: usize,
    /// As given: a string or an integer, echoed exactly.
    pub(super) id: Value,
    pub(super) description: String,
    pub(super) context: Option<String>,
    pub(super) target: Target,
    /// The line's options over the run's flags.
    pub(super) options: TaskOptions,
    /// The call settings of this line's task.
    pub(super) call: CallFlags,
}

pub(super) fn id_text(id: &Value) -> Option<String> {
    match id {
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        _ => None,
    }
}

/// Read and check every line before anything is sent: a malformed line is exit 2, an
/// unknown agent, persona or provider exit 3, each naming the line. Lines whose id is
/// in `done` are checked for form only.
pub(super) fn read_lines(
    source: &Path,
    manager: &Manager,
    agents: &[AgentRecord],
    args: &TaskRunArgs,
    done: &std::collections::HashSet<String>,
) -> anyhow::Result<Vec<Line>> {
    let stdin = source.as_os_str() == "-";
    let name = if stdin { "stdin".to_string() } else { source.display().to_string() };
    let reader: Box<dyn BufRead> = if stdin {
        Box::new(std::io::stdin().lock())
    } else {
        let file = std::fs::File::open(source)
            .map_err(|err| Failure::usage(format!("cannot read --file {}: {err}", source.display())))?;
        Box::new(std::io::BufReader::new(file))
    };
    let mut reader = crate::files::CappedLines::new(reader, MAX_LINE);
    let mut lines = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    while let Some(raw) = super::next_line(&mut reader, &name)? {
        let number = raw.number;
        let at = |message: String| -> anyhow::Error { Failure::usage(format!("{name}:{number}: {message}")).into() };
        let mut bytes = raw.bytes.as_slice();
        if number == 1 {
            // A UTF-8 byte-order mark, as some editors write, is not part of the JSON.
            bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        }
        let Ok(raw) = std::str::from_utf8(bytes) else {
            return Err(at("the line is not UTF-8 text".into()));
        };
        if raw.trim().is_empty() {
            continue;
        }
        let input: LineIn = serde_json::from_str(raw).map_err(|err| {
            let message =
                err.to_string().replace("unknown field", "unknown key").replace("missing field", "missing key");
            at(message.split(" at line ").next().unwrap_or_default().to_string())
        })?;
        if let Some(unknown) = input.unknown.keys().next() {
            return Err(at(format!("unknown key `{unknown}`")));
        }
        let Some(key) = id_text(&input.id) else {
            return Err(at("`id` must be a non-empty string or an integer".into()));
        };
        if let Some(first) = seen.insert(key.clone(), number) {
            return Err(at(format!("id `{key}` is already used on line {first} (`1` and \"1\" are the same id)")));
        }
        if input.description.trim().is_empty() {
            return Err(at("`description` is empty".into()));
        }
        let target = match (input.agent, input.persona, input.provider) {
            (Some(_), None, None) | (None, Some(_), Some(_)) if done.contains(&key) => Target::Done,
            (Some(agent), None, None) => {
                let record = agents
                    .iter()
                    .find(|a| a.name == agent)
                    .or_else(|| agents.iter().find(|a| a.id == agent))
                    .cloned()
                    .ok_or_else(|| Failure::not_found(format!("{name}:{number}: agent `{agent}` not found")))?;
                Target::Agent(Box::new(record))
            }
            (None, Some(persona), Some(provider)) => {
                manager
                    .config
                    .registry
                    .require(&provider)
                    .map_err(|_| Failure::not_found(format!("{name}:{number}: provider `{provider}` not found")))?;
                manager.personas.load(&persona).map_err(|err| {
                    let (exit, message, _) = crate::error::classify(&err.into());
                    Failure::new(exit, format!("{name}:{number}: {message}"))
                })?;
                Target::OneShot { persona, provider, project: input.project }
            }
            _ => return Err(at("give either `agent`, or `persona` and `provider`".into())),
        };
        let options = input.options.over(&args.options);
        let call = super::flags::call_flags(&options, args);
        let context = input.context.filter(|c| !c.trim().is_empty());
        lines.push(Line {
            index: lines.len(),
            number,
            id: input.id,
            description: input.description,
            context,
            target,
            options,
            call,
        });
    }
    Ok(lines)
}

/// Results already in an `--output` file: cut a torn last line (a killed writer),
/// then the ids whose line says `success: true`. Only a regular file is read back: a
/// pipe or FIFO (`/dev/stdout`, `>(jq …)`) would block, and holds nothing to resume.
fn done_ids(output: &Path) -> anyhow::Result<std::collections::HashSet<String>> {
    let mut done = std::collections::HashSet::new();
    let cannot = |what: &str, err: &dyn std::fmt::Display| -> anyhow::Error {
        Failure::usage(format!("cannot {what} --output {}: {err}", output.display())).into()
    };
    match std::fs::metadata(output) {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(done),
        Err(err) => return Err(cannot("read", &err)),
        Ok(meta) if !meta.is_file() => return Ok(done),
        Ok(_) => {}
    }
    let file = std::fs::File::open(output).map_err(|err| cannot("read", &err))?;
    let mut lines = crate::files::CappedLines::new(std::io::BufReader::new(file), MAX_LINE);
    while let Some(line) = super::next_line(&mut lines, &output.display().to_string())? {
        if !line.complete {
            std::fs::OpenOptions::new()
                .write(true)
                .open(output)
                .and_then(|f| f.set_len(line.offset))
                .map_err(|err| cannot("repair", &err))?;
            break;
        }
        if let Ok(value) = serde_json::from_slice::<Value>(&line.bytes)
            && value["success"] == true
            && let Some(id) = id_text(&value["id"])
        {
            done.insert(id);
        }
    }
    Ok(done)
}

/// `--output`, held for the run, read back for the ids done before, and opened to
/// append; without one, nothing is done and results go to stdout.
pub(super) async fn open_output(
    ctx: &Invocation,
    output: Option<&Path>,
) -> anyhow::Result<(Option<crate::files::LockedFile>, std::collections::HashSet<String>, Option<std::fs::File>)> {
    let Some(path) = output else { return Ok((None, std::collections::HashSet::default(), None)) };
    let lock = lock_output(ctx, path).await?;
    let done = done_ids(path)?;
    let file = crate::files::private_file_options()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|err| Failure::usage(format!("cannot open --output {}: {err}", path.display())))?;
    Ok((lock, done, Some(file)))
}

/// Hold `--output` for the run, so that two batches on one file do not both run
/// every line: a lock in the state folder named after the file (a regular file only;
/// a pipe is nobody else's). The second run waits, then resumes what is left.
async fn lock_output(ctx: &Invocation, output: &Path) -> anyhow::Result<Option<crate::files::LockedFile>> {
    use sha2::Digest;
    let is_regular = std::fs::metadata(output).map_or(true, |m| m.is_file());
    if !is_regular {
        return Ok(None);
    }
    // The folder's real path and the file's name: the same file however it is named.
    let parent = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let dir = std::fs::canonicalize(parent)
        .map_err(|err| Failure::usage(format!("cannot open --output {}: {err}", output.display())))?;
    let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let digest = sha2::Sha256::digest(dir.join(name).to_string_lossy().as_bytes());
    let hex = format!("{digest:x}")[..16].to_string();
    let locks = ctx.paths.locks_dir();
    crate::files::create_private_dir(&locks)?;
    let path = locks.join(format!("output-{hex}.lock"));
    let printer = ctx.printer;
    let shown = output.display().to_string();
    let wait = crate::files::Wait { quiet: Duration::from_millis(200), timeout: None };
    let held = crate::files::LockedFile::acquire(&path, crate::files::LockMode::Exclusive, wait, move |pid| {
        let holder = pid.map_or_else(|| "another batch".to_string(), |p| format!("the batch in process {p}"));
        printer.status(&format!("waiting for --output {shown}: {holder} writes to it"));
    })
    .await?;
    held.write_holder();
    Ok(Some(held))
}

/// Where result lines go: stdout, or appended to `--output`; in completion order, or
/// held back for input order.
struct Results {
    printer: crate::output::Printer,
    output: Option<std::fs::File>,
    ordered: bool,
    held: BTreeMap<usize, String>,
    next: usize,
    /// Indexes with no result line to wait for (skipped on resume).
    absent: std::collections::BTreeSet<usize>,
    error: Option<anyhow::Error>,
}

impl Results {
    fn write(&mut self, line: &str) {
        if self.error.is_some() {
            return;
        }
        let outcome: anyhow::Result<()> = match &mut self.output {
            Some(file) => {
                use std::io::Write;
                file.write_all(format!("{line}\n").as_bytes()).map_err(Into::into)
            }
            None => self.printer.out(&format!("{line}\n")).map_err(Into::into),
        };
        if let Err(err) = outcome {
            self.error = Some(err);
        }
    }

    fn push(&mut self, index: usize, line: String) {
        if !self.ordered {
            return self.write(&line);
        }
        self.held.insert(index, line);
        self.release();
    }

    fn release(&mut self) {
        loop {
            if self.absent.remove(&self.next) {
                self.next += 1;
            } else if let Some(line) = self.held.remove(&self.next) {
                self.write(&line);
                self.next += 1;
            } else {
                break;
            }
        }
    }

    /// Write whatever is held back, in order (an interrupted run).
    fn flush_all(&mut self) {
        let held = std::mem::take(&mut self.held);
        for line in held.into_values() {
            self.write(&line);
        }
    }
}

pub(super) fn result_line(id: &Value, result: &TaskResult) -> String {
    let mut object = serde_json::Map::new();
    object.insert("id".into(), id.clone());
    if let Ok(Value::Object(fields)) = serde_json::to_value(result) {
        object.extend(fields);
    }
    Value::Object(object).to_string()
}

/// A result for a line that was never sent (its agent was stopped, its key missing).
fn unsent(line: &Line, message: String, class: ErrorClass) -> TaskResult {
    let (agent_id, worker_id, provider) = match &line.target {
        Target::Agent(agent) => (Some(agent.id.clone()), agent.worker_id.clone(), agent.provider.clone()),
        Target::OneShot { provider, .. } => (None, new_id("wk"), provider.clone()),
        Target::Done => (None, new_id("wk"), String::new()),
    };
    let mut result = TaskResult::blank(
        new_id("tk"),
        worker_id,
        agent_id,
        provider.clone(),
        provider,
        line.options.model.as_ref().map(|m| m.as_str().to_string()).unwrap_or_default(),
    );
    result.error = Some(message);
    result.error_class = Some(class);
    result
}

/// What every lane shares.
struct Run<'a> {
    ctx: &'a Invocation,
    manager: &'a Manager,
    client: Client,
    env: CallEnv,
    stream: bool,
    events: bool,
    /// Results go to a file (`--output`), a stored copy.
    to_file: bool,
    permits: tokio::sync::Semaphore,
    results: Mutex<Results>,
    records: tokio::sync::mpsc::UnboundedSender<Recorded>,
    interrupted: tokio::sync::watch::Receiver<Option<Signal>>,
    interrupt: tokio::sync::watch::Sender<Option<Signal>>,
    failed: AtomicUsize,
    refused: AtomicUsize,
    succeeded: AtomicUsize,
    running: AtomicUsize,
    progress: indicatif::ProgressBar,
    /// The tool servers the lines name, started once for the whole batch.
    tools: Option<&'a crate::mcp::Toolbox>,
}

/// The tool servers and filter of a line: its agent's and its own.
fn line_tools(line: &Line) -> (Vec<String>, crate::mcp::ToolFilter) {
    let agent_tools = match &line.target {
        Target::Agent(agent) => agent.tools.as_slice(),
        _ => &[],
    };
    super::mcp::task_tools(&line.options, agent_tools)
}

impl Run<'_> {
    /// A signal came, or the results cannot be written (a closed pipe, a full disk):
    /// start no more lines.
    fn stopping(&self) -> bool {
        self.interrupted.borrow().is_some() || self.results_failed()
    }

    fn results_failed(&self) -> bool {
        self.results.lock().unwrap_or_else(std::sync::PoisonError::into_inner).error.is_some()
    }

    /// Count a result and pass its line on: through the state writer when the task is
    /// to be recorded (the line follows the record), else straight out.
    fn finish(&self, line: &Line, result: &TaskResult, recorded: Option<(TaskRecord, Option<Bodies>)>) {
        if result.success {
            self.succeeded.fetch_add(1, Ordering::Relaxed);
        } else if result.error_class == Some(ErrorClass::Budget) {
            self.refused.fetch_add(1, Ordering::Relaxed);
        } else {
            self.failed.fetch_add(1, Ordering::Relaxed);
        }
        let text = result_line(&line.id, result);
        match recorded {
            Some((record, body)) => {
                if let Err(unsent) = self.records.send((record, body, (line.index, text))) {
                    let (_, _, (index, text)) = unsent.0;
                    self.results.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(index, text);
                }
            }
            None => self.results.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(line.index, text),
        }
        self.progress.inc(1);
        self.progress.set_message(format!(
            "{} failed, {} running",
            self.failed.load(Ordering::Relaxed),
            self.running.load(Ordering::Relaxed)
        ));
    }

    async fn run_line(&self, line: &Line) {
        let task = Task {
            description: line.description.clone(),
            context: line.context.clone(),
            options: line.options.clone(),
            stream: self.stream,
            continuation: None,
        };
        let prepared = match &line.target {
            Target::Done => return,
            // The lane holds the agent and checks for a stop before each line.
            Target::Agent(agent) => self.manager.prepare_for((**agent).clone(), &task),
            Target::OneShot { persona, provider, project } => {
                self.manager.prepare_one_shot(persona, provider, &task).map(|mut p| {
                    p.project.clone_from(project);
                    p
                })
            }
        };
        let mut prepared: PreparedTask<'_> = match prepared {
            Ok(prepared) => prepared,
            Err(err) => {
                let (exit, message, _) = crate::error::classify(&err);
                let class = if exit == ExitCode::NotFound { ErrorClass::Cancelled } else { ErrorClass::ClientError };
                return self.finish(line, &unsent(line, message, class), None);
            }
        };
        let (names, filter) = line_tools(line);
        if let Some(shared) = self.tools.filter(|_| !names.is_empty()) {
            match shared.narrow(&names, &filter) {
                Ok(toolbox) => prepared.offer(std::sync::Arc::new(toolbox)),
                Err(err) => return self.finish(line, &unsent(line, err.to_string(), ErrorClass::ClientError), None),
            }
        }
        if let Err(err) = self.manager.ready(&prepared, &self.client).await {
            let (_, message, _) = crate::error::classify(&err);
            return self.finish(line, &unsent(line, message, ErrorClass::ClientError), None);
        }
        let writer = self.events.then(|| {
            EventWriter::new(self.ctx.printer, &prepared.task_id, prepared.agent.as_ref().map(|a| a.id.as_str()))
        });
        let call_events = self.manager.call_events(writer.clone());
        let mut none = NoDeltas;
        let mut event_sink = writer.clone();
        let sink: &mut dyn Deltas = match event_sink.as_mut() {
            Some(writer) => writer,
            None => &mut none,
        };
        self.running.fetch_add(1, Ordering::Relaxed);
        let finished: FinishedTask =
            self.manager.run_held(prepared, &self.client, &line.call, &self.env, sink, &call_events).await;
        self.running.fetch_sub(1, Ordering::Relaxed);
        if let Some(crate::worker::TaskError::Interrupted { signal, .. }) = &finished.error {
            // Seen here first: no lane may start another line.
            let _ = self.interrupt.send(Some(*signal));
        }
        if let Some(writer) = &writer {
            let result = &finished.result;
            if let (Some(response), false) = (&result.response, writer.wrote_delta())
                && !response.is_empty()
            {
                let _ = writer.emit("delta", json!({ "text": response }));
            }
            let _ = writer.emit(
                "usage",
                json!({ "prompt_tokens": result.prompt_tokens, "completion_tokens": result.completion_tokens,
                        "tokens_used": result.tokens_used, "usage_estimated": result.usage_estimated }),
            );
            if let Some(err) = &finished.error {
                let failure = Failure::from(err);
                let _ = writer.emit("error", json!({ "error": failure.message, "exit_code": failure.exit.code() }));
            }
            let _ = writer.emit("done", json!({ "result": result }));
        }
        let record = finished.record();
        let mut result = finished.result;
        if self.to_file {
            // `--output` is a stored copy: the answer without keys.
            if let Some(provider) = self.manager.config.registry.get(&result.provider_id) {
                let redactor = self.client.redactor(provider).await;
                if let Some(response) = result.response.as_mut() {
                    *response = redactor.redact(response);
                }
                if let Some(data) = result.data.as_mut() {
                    *data = redactor.redact_value(data);
                }
            }
        }
        self.finish(line, &result, Some((record, finished.body)));
    }

    /// One agent's lines, one at a time, with the agent held for the whole lane.
    async fn agent_lane(&self, agent: &AgentRecord, lines: Vec<&Line>) {
        let mut interrupted = self.interrupted.clone();
        let claim = tokio::select! {
            claim = self.manager.claim(agent) => claim,
            _ = interrupted.wait_for(Option::is_some) => return,
        };
        let _claim = match claim {
            Ok(claim) => claim,
            Err(err) => {
                let (_, message, _) = crate::error::classify(&err);
                for line in lines {
                    self.finish(line, &unsent(line, message.clone(), ErrorClass::Cancelled), None);
                }
                return;
            }
        };
        let mut stopped = false;
        for line in lines {
            if self.stopping() {
                return;
            }
            if !stopped {
                stopped = self.manager.store.stop_requested(&agent.id).await.unwrap_or(false);
            }
            if stopped {
                let message = format!("agent `{}` was stopped", agent.name);
                self.finish(line, &unsent(line, message, ErrorClass::Cancelled), None);
                continue;
            }
            let Ok(_permit) = self.permits.acquire().await else { return };
            if self.stopping() {
                return;
            }
            self.run_line(line).await;
            if self.manager.store.stop_requested(&agent.id).await.unwrap_or(false) {
                stopped = true;
            }
        }
    }

    /// One-shot lines, taken from the shared queue.
    async fn one_shot_lane(&self, queue: &Mutex<VecDeque<&Line>>) {
        loop {
            if self.stopping() {
                return;
            }
            let Ok(_permit) = self.permits.acquire().await else { return };
            let Some(line) = queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop_front() else {
                return;
            };
            if self.stopping() {
                return;
            }
            self.run_line(line).await;
        }
    }
}

/// Record finished tasks at most every 250 ms, and what is left once `done` fires;
/// each task's result line is released only after its record was written (or failed
/// to be: a paid answer is never thrown away).
async fn state_writer(
    manager: &Manager,
    results: &Mutex<Results>,
    mut records: tokio::sync::mpsc::UnboundedReceiver<Recorded>,
    mut done: tokio::sync::oneshot::Receiver<()>,
    failure: &Mutex<Option<anyhow::Error>>,
) {
    let mut pending: Vec<TaskRecord> = Vec::new();
    let mut bodies: Vec<(String, TaskBody, Option<String>)> = Vec::new();
    let mut lines: Vec<(usize, String)> = Vec::new();
    let mut tick = tokio::time::interval(FLUSH_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut finished = false;
    while !finished {
        let mut take = |(record, body, line): Recorded| {
            if let Some((body, prompt)) = body {
                bodies.push((record.task_id.clone(), body, prompt));
            }
            pending.push(record);
            lines.push(line);
        };
        tokio::select! {
            Some(item) = records.recv() => { take(item); continue; }
            _ = tick.tick() => {}
            _ = &mut done => {
                while let Ok(item) = records.try_recv() {
                    take(item);
                }
                finished = true;
            }
        }
        if !pending.is_empty() {
            let stored = manager.store.store_bodies(&std::mem::take(&mut bodies)).await;
            if let Err(err) = stored.and(manager.store.record(&pending).await) {
                failure.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get_or_insert(err.into());
            }
            pending.clear();
            let mut results = results.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            for (index, text) in lines.drain(..) {
                results.push(index, text);
            }
        }
    }
}

pub(crate) async fn run(ctx: &Invocation, args: TaskRunArgs, source: PathBuf) -> anyhow::Result<()> {
    check_flags(&args)?;
    if args.wait.is_some() || args.no_wait {
        return Err(Failure::usage("--wait and --no-wait go with --via batch-api").into());
    }
    if args.events && args.output.is_none() {
        return Err(
            Failure::usage("--file with --events needs --output FILE for the results (events go to stdout)").into()
        );
    }
    run_lines(ctx, args, source).await
}

/// What no batch takes, however its lines are sent: each line says its own.
pub(super) fn check_flags(args: &TaskRunArgs) -> anyhow::Result<()> {
    let refuse = |what: &str| -> anyhow::Result<()> {
        Err(Failure::usage(format!("{what} does not go with --file: every line says its own"))
            .hint("see `Batch files` in the README")
            .into())
    };
    if !args.args.is_empty() {
        return refuse("a positional AGENT or DESCRIPTION");
    }
    if args.persona.is_some() || args.provider.is_some() {
        return refuse("--persona/--provider");
    }
    if args.context.is_some() || args.context_file.is_some() {
        return refuse("--context/--context-file");
    }
    if args.dry_run {
        return Err(Failure::usage("--dry-run does not go with --file").into());
    }
    Ok(())
}

async fn run_lines(ctx: &Invocation, args: TaskRunArgs, source: PathBuf) -> anyhow::Result<()> {
    if args.parallel == Some(0) {
        return Err(Failure::usage("--parallel must be at least 1").into());
    }
    let env = CallEnv::resolve(&ctx.env)?;
    let mut manager = ctx.manager().await?;
    // A whole batch is one run for --max-cost.
    manager.run_budget = super::flags::run_budget(args.max_cost)?;
    let replay = super::flags::replay(&args, &mut manager.config.registry)?;
    let client = super::flags::client(ctx, &args, replay)?;
    // The output is held and read back before the lines are checked: a line that
    // succeeded before is skipped even if its agent is gone since.
    let (_output_lock, done, output) = open_output(ctx, args.output.as_deref()).await?;
    let agents = manager.snapshot().await?.agents;
    let lines = read_lines(&source, &manager, &agents, &args, &done)?;
    let parallel = match args.parallel {
        Some(n) => n,
        None => usize::try_from(manager.max_agents()?).unwrap_or(1),
    };
    let skipped: Vec<usize> =
        lines.iter().filter(|l| id_text(&l.id).is_some_and(|id| done.contains(&id))).map(|l| l.index).collect();
    let total = lines.len() - skipped.len();
    // Each tool server any line names starts once, before any line runs, and serves
    // every lane; one that does not start stops the batch here (exit 2).
    let mut server_names: Vec<String> = Vec::new();
    for line in lines.iter().filter(|l| !skipped.contains(&l.index) && !matches!(l.target, Target::Done)) {
        for name in line_tools(line).0 {
            if !server_names.contains(&name) {
                server_names.push(name);
            }
        }
    }
    let shared_tools = super::mcp::open_all(ctx, &manager.config, &server_names).await?;
    let progress = ctx.printer.progress(total as u64);
    let (records, record_rx) = tokio::sync::mpsc::unbounded_channel();
    let (interrupt, interrupted) = tokio::sync::watch::channel(None);
    let run = Run {
        ctx,
        manager: &manager,
        client,
        env,
        stream: args.stream,
        events: args.events,
        to_file: args.output.is_some(),
        permits: tokio::sync::Semaphore::new(parallel),
        results: Mutex::new(Results {
            printer: ctx.printer,
            output,
            ordered: args.ordered,
            held: BTreeMap::new(),
            next: 0,
            absent: skipped.iter().copied().collect(),
            error: None,
        }),
        records,
        interrupted,
        interrupt: interrupt.clone(),
        failed: AtomicUsize::new(0),
        refused: AtomicUsize::new(0),
        succeeded: AtomicUsize::new(0),
        running: AtomicUsize::new(0),
        progress,
        tools: shared_tools.as_ref(),
    };
    let todo: Vec<&Line> = lines.iter().filter(|l| !skipped.contains(&l.index)).collect();
    let mut by_agent: Vec<(AgentRecord, Vec<&Line>)> = Vec::new();
    let mut one_shots: VecDeque<&Line> = VecDeque::new();
    for line in todo {
        match &line.target {
            Target::Agent(agent) => match by_agent.iter_mut().find(|(a, _)| a.id == agent.id) {
                Some((_, list)) => list.push(line),
                None => by_agent.push(((**agent).clone(), vec![line])),
            },
            Target::OneShot { .. } => one_shots.push_back(line),
            Target::Done => {}
        }
    }
    let one_shot_lanes = one_shots.len().min(parallel);
    let queue = Mutex::new(one_shots);
    let write_failure: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    {
        let run = &run;
        let queue = &queue;
        let mut lanes: Vec<Pin<Box<dyn Future<Output = ()> + '_>>> = Vec::new();
        for (agent, list) in &by_agent {
            lanes.push(Box::pin(run.agent_lane(agent, list.clone())));
        }
        for _ in 0..one_shot_lanes {
            lanes.push(Box::pin(run.one_shot_lane(queue)));
        }
        // On this thread (the lanes borrow the batch's state); only woken lanes are polled.
        let work = futures_util::future::join_all(lanes);
        let (done, done_rx) = tokio::sync::oneshot::channel();
        let shutdown = Shutdown::listen();
        let drive = async {
            tokio::pin!(work);
            tokio::select! {
                _ = &mut work => {}
                signal = shutdown.recv() => {
                    // Stop starting lines; in-flight tasks see the signal themselves
                    // and end; what they were doing is recorded before the batch ends.
                    let _ = interrupt.send(Some(signal));
                    work.await;
                }
            }
            let _ = done.send(());
        };
        tokio::join!(drive, state_writer(&manager, &run.results, record_rx, done_rx, &write_failure));
    }
    run.progress.finish_and_clear();
    super::flags::note_replays(ctx, &manager.store, &run.client).await;
    if let Some(toolbox) = &shared_tools {
        toolbox.close().await;
    }
    let mut results = run.results.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner);
    results.flush_all();
    let (failed, succeeded) = (run.failed.load(Ordering::Relaxed), run.succeeded.load(Ordering::Relaxed));
    let refused = run.refused.load(Ordering::Relaxed);
    if let Some(err) = results.error.take() {
        // What finished is recorded; nothing more was started.
        let done = succeeded + failed + refused;
        let ran = format!("{done} of {} tasks ran, unstarted lines were not run", lines.len() - skipped.len());
        // A closed pipe (`| head`) is like SIGINT; a file that cannot be written is not.
        let failure = if crate::error::is_broken_pipe(&err) {
            Failure::new(ExitCode::Interrupted, format!("the results stream was closed; {ran}"))
        } else {
            Failure::new(
                ExitCode::Internal,
                format!("cannot write the results: {}; {ran}", crate::units::one_line(&format!("{err:#}"))),
            )
        };
        return Err(failure.into());
    }
    if let Some(path) = &args.output {
        ctx.printer.status(&format!(
            "batch: {} tasks, {succeeded} succeeded, {failed} failed, {refused} refused by a budget, {} skipped (done before); results in {}",
            lines.len(),
            skipped.len(),
            path.display()
        ));
    }
    if let Some(err) = write_failure.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner) {
        let (_, message, hints) = crate::error::classify(&err);
        return Err(Failure::new(
            ExitCode::Internal,
            format!("the results above were written but not recorded: {message}"),
        )
        .hint(hints.into_iter().next().unwrap_or_default())
        .into());
    }
    if let Some(signal) = *run.interrupted.borrow() {
        return Err(Failure::new(
            ExitCode::from(signal),
            format!("interrupted by {}; unstarted lines were not run", signal.name()),
        )
        .into());
    }
    if refused > 0 {
        return Err(Failure::new(
            ExitCode::Budget,
            format!("{refused} of {} tasks were refused by a budget", succeeded + failed + refused),
        )
        .hint("each refused line says which budget in its `error`")
        .into());
    }
    if failed > 0 {
        return Err(Failure::new(ExitCode::BatchFailed, format!("{failed} of {} tasks failed", succeeded + failed))
            .hint("each failed line says why in its `error`; rerun with the same --output to retry only those")
            .into());
    }
    Ok(())
}
