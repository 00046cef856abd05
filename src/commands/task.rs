//! `agentry task run`: its two forms, reading description and context from
//! stdin or files, `--dry-run`, and printing the result.

use std::io::{IsTerminal, Read};

use super::Invocation;
use crate::cli::{TASK_FORMS_HELP, TaskRunArgs};
use crate::error::{ExitCode, Failure};
use crate::output::{EventWriter, TextStream};
use crate::provider::credentials::check_key_available;
use crate::provider::{Client, registry::MOCK_ID};
use crate::provider::{Deltas, NoDeltas};
use crate::settings::CallEnv;
use crate::worker::Task;
use serde_json::json;

enum Form {
    Agent(String),
    OneShot { persona: String, provider: String },
}

fn usage(message: &str) -> anyhow::Error {
    let mut failure = Failure::usage(message);
    for line in TASK_FORMS_HELP.lines().skip(1).take(2) {
        failure = failure.hint(line.trim().to_string());
    }
    failure.into()
}

fn read_stdin(what: &str) -> anyhow::Result<String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|err| Failure::usage(format!("cannot read {what} from stdin: {err}")))?;
    String::from_utf8(bytes).map_err(|_| Failure::usage(format!("the {what} read from stdin is not UTF-8 text")).into())
}

/// Trailing whitespace trimmed; empty means none.
fn non_empty(text: String) -> Option<String> {
    let trimmed = text.trim_end();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

fn build_task(args: &TaskRunArgs, description_arg: &str) -> anyhow::Result<Task> {
    let description = if description_arg == "-" {
        if args.context_file.as_deref().is_some_and(|p| p.as_os_str() == "-") {
            return Err(usage("stdin cannot be both the description (`-`) and the context (--context-file -)"));
        }
        non_empty(read_stdin("description")?)
            .ok_or_else(|| Failure::usage("the description read from stdin is empty"))?
    } else {
        if description_arg.trim().is_empty() {
            return Err(usage("the task description is empty"));
        }
        description_arg.to_string()
    };
    let stdin_is_input = !std::io::stdin().is_terminal();
    let context = if let Some(text) = &args.context {
        non_empty(text.clone())
    } else if let Some(path) = &args.context_file {
        if path.as_os_str() == "-" {
            non_empty(read_stdin("context")?)
        } else {
            let text = std::fs::read_to_string(path)
                .map_err(|err| Failure::usage(format!("cannot read --context-file {}: {err}", path.display())))?;
            non_empty(text)
        }
    } else if stdin_is_input && !args.no_stdin && description_arg != "-" {
        non_empty(read_stdin("context")?)
    } else {
        None
    };
    Ok(Task { description, context, options: args.options.clone(), stream: args.stream, continuation: None })
}

pub(super) async fn run(ctx: &Invocation, args: TaskRunArgs) -> anyhow::Result<()> {
    if args.events && ctx.printer.json {
        return Err(Failure::usage("--json and --events exclude each other; pick one").into());
    }
    if let Some(source) = args.file.clone() {
        if args.continue_from.is_some() {
            return Err(Failure::usage("--continue goes with one task, not with --file").into());
        }
        if args.via == Some(crate::cli::Via::BatchApi) {
            return super::provider_batch::run(ctx, args, source).await;
        }
        return super::batch::run(ctx, args, source).await;
    }
    for (flag, set) in [
        ("--parallel", args.parallel.is_some()),
        ("--ordered", args.ordered),
        ("--output", args.output.is_some()),
        ("--via", args.via.is_some()),
        ("--wait", args.wait.is_some()),
        ("--no-wait", args.no_wait),
    ] {
        if set {
            return Err(Failure::usage(format!("{flag} goes with --file")).into());
        }
    }
    let attempted = std::sync::atomic::AtomicBool::new(false);
    let events = args.events;
    // The tool servers a task started end with it, however it ends.
    let tools = std::sync::Mutex::new(None);
    let outcome = run_one(ctx, args, &attempted, &tools).await;
    super::mcp::close(tools.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner)).await;
    if let Err(err) = &outcome
        && events
        && !attempted.load(std::sync::atomic::Ordering::Relaxed)
    {
        // An error before any attempt is a lone `error` event.
        let (exit, message, _) = crate::error::classify(err);
        let event = json!({
            "type": "error", "time": crate::clock::now(), "task_id": null, "agent_id": null,
            "error": message, "exit_code": exit.code(),
        });
        ctx.printer.json(&event)?;
    }
    outcome
}

async fn run_one(
    ctx: &Invocation,
    args: TaskRunArgs,
    attempted: &std::sync::atomic::AtomicBool,
    tools: &std::sync::Mutex<Option<std::sync::Arc<crate::mcp::Toolbox>>>,
) -> anyhow::Result<()> {
    let continuing = args.continue_from.is_some();
    let form = match (&args.persona, &args.provider, args.args.as_slice()) {
        (None, None, [agent, _]) => Some(Form::Agent(agent.clone())),
        (Some(persona), Some(provider), [_]) => {
            Some(Form::OneShot { persona: persona.clone(), provider: provider.clone() })
        }
        // The continued task's own agent, or persona and provider.
        (None, None, [_]) if continuing => None,
        (None, None, [_]) => {
            return Err(usage("missing the DESCRIPTION (or --persona and --provider for a one-shot task)"));
        }
        (Some(_), None, _) | (None, Some(_), _) => {
            return Err(usage("--persona and --provider go together, without an AGENT"));
        }
        (Some(_), Some(_), [_, _]) => return Err(usage("a one-shot task takes no AGENT")),
        _ => return Err(usage("task run needs a task description")),
    };
    let flags = super::flags::call_flags(&args.options, &args);
    let call_env = CallEnv::resolve(&ctx.env)?;
    let description = args.args.last().cloned().unwrap_or_default();
    let mut task = build_task(&args, &description)?;
    let mut manager = ctx.manager().await?;
    let form = match &args.continue_from {
        Some(id) => {
            let (continuation, parent_form) = continuation(&manager, id, form.is_none()).await?;
            task.continuation = Some(continuation);
            form.unwrap_or(parent_form)
        }
        None => form.ok_or_else(|| usage("task run needs a task description"))?,
    };
    manager.run_budget = super::flags::run_budget(args.max_cost)?;
    let replay = super::flags::replay(&args, &mut manager.config.registry)?;
    let mut prepared = match &form {
        Form::Agent(agent) => manager.prepare_on_agent(agent, &task).await?,
        Form::OneShot { persona, provider } => manager.prepare_one_shot(persona, provider, &task)?,
    };
    let agent_tools = prepared.agent.as_ref().map_or(&[][..], |a| a.tools.as_slice());
    let (names, filter) = super::mcp::task_tools(&task.options, agent_tools);
    if let Some(toolbox) = super::mcp::open(ctx, &manager.config, &names, filter).await? {
        let toolbox = std::sync::Arc::new(toolbox);
        *tools.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(toolbox.clone());
        prepared.offer(toolbox);
    }
    if args.dry_run {
        let request = manager.request_now(&prepared).await?;
        return dry_run(ctx, &prepared, &request);
    }
    if let Some(cassette) = &prepared.provider.cassette {
        ctx.printer.note(&format!(
            "provider `{}` answers from the cassette {}: nothing is sent",
            prepared.provider.id,
            cassette.display()
        ));
    } else if Client::is_offline(prepared.provider) {
        let which = if prepared.provider.id == MOCK_ID { "the built-in" } else { "an" };
        ctx.printer.note(&format!("provider `{}` is {which} offline mock: no model is called", prepared.provider.id));
    }
    let client = super::flags::client(ctx, &args, replay)?;
    let mode = if args.events {
        Mode::Events
    } else if ctx.printer.json {
        Mode::Json
    } else {
        Mode::Text
    };
    let events = (mode == Mode::Events)
        .then(|| EventWriter::new(ctx.printer, &prepared.task_id, prepared.agent.as_ref().map(|a| a.id.as_str())));
    let call_events = manager.call_events(events.clone());
    let mut text = TextStream::new(ctx.printer);
    let mut none = NoDeltas;
    let mut event_sink = events.clone();
    // Under a schema stdout gets the value once it is checked, never the raw text.
    let schema = prepared.request.options.structured.is_some();
    let sink: &mut dyn Deltas = match (mode, args.stream && !schema, event_sink.as_mut()) {
        (Mode::Text, true, _) => &mut text,
        (Mode::Events, _, Some(writer)) => writer,
        _ => &mut none,
    };
    let finished = manager.run(prepared, &client, &flags, &call_env, sink, &call_events).await;
    super::flags::note_replays(ctx, &manager.store, &client).await;
    let finished = finished?;
    attempted.store(true, std::sync::atomic::Ordering::Relaxed);
    // The answer is printed before anything is recorded: a paid answer reaches stdout
    // even when the state folder cannot be written afterwards.
    let result = finished.result.clone();
    let max_steps = result.error_class == Some(crate::request::ErrorClass::MaxSteps);
    match mode {
        Mode::Json => ctx.printer.json(&result)?,
        // Not an answer: the model's last words go to stderr, stdout stays empty.
        Mode::Text if max_steps => {
            if let Some(text) = result.response.as_deref().filter(|t| !t.trim().is_empty()) {
                ctx.printer.aside("the model's last text:", text);
            }
        }
        Mode::Text if schema => {
            if let Some(data) = &result.data {
                let mut out = if args.pretty { serde_json::to_string_pretty(data)? } else { data.to_string() };
                out.push('\n');
                ctx.printer.out(&out)?;
            }
        }
        Mode::Text if args.stream => {
            if result.response.is_some() && !text.committed() {
                // Nothing streamed (an empty answer): still one newline, as a plain run.
                ctx.printer.out("\n")?;
            } else {
                text.finish();
            }
            if let Some(err) = text.error.take() {
                return Err(err.into());
            }
        }
        Mode::Text => {
            if let Some(response) = &result.response {
                let mut out = response.trim_end_matches(['\n', '\r']).to_string();
                out.push('\n');
                ctx.printer.out(&out)?;
            }
        }
        Mode::Events => {
            if let Some(writer) = &events {
                if let (Some(response), false) = (&result.response, writer.wrote_delta())
                    && !response.is_empty()
                {
                    writer.emit("delta", json!({ "text": response }))?;
                }
                writer.emit(
                    "usage",
                    json!({
                        "prompt_tokens": result.prompt_tokens,
                        "completion_tokens": result.completion_tokens,
                        "tokens_used": result.tokens_used,
                        "usage_estimated": result.usage_estimated,
                    }),
                )?;
            }
        }
    }
    match result.finish_reason.as_ref().map(crate::request::FinishReason::as_str) {
        // Under a schema a cut answer is the task's error (exit 10), not a warning.
        Some("length") if schema => {}
        Some("length") => ctx
            .printer
            .warn("the response was cut short at the token limit (finish_reason: length); raise --max-tokens"),
        Some("content_filter") => ctx
            .printer
            .warn("the provider's content filter withheld part of the response (finish_reason: content_filter)"),
        Some("tool_calls" | "function_call") if result.steps.is_none() => ctx.printer.warn(
            "the model asked to call a tool (finish_reason: tool_calls), which agentry does not do; the response may be empty",
        ),
        _ => {}
    }
    let recorded = manager.record(finished).await;
    let outcome: anyhow::Result<()> = match recorded {
        Ok(Some(err)) => Err(err.into()),
        Ok(None) => Ok(()),
        Err(err) => {
            let (_, message, hints) = crate::error::classify(&err);
            let what = if result.success { "the response above was printed but" } else { "the task" };
            Err(Failure::new(ExitCode::Internal, format!("{what} was not recorded: {message}"))
                .hint(hints.into_iter().next().unwrap_or_else(|| "check the state folder (`agentry paths`)".into()))
                .into())
        }
    };
    if let Some(writer) = &events {
        if let Err(err) = &outcome {
            let (exit, message, _) = crate::error::classify(err);
            writer.emit("error", json!({ "error": message, "exit_code": exit.code() }))?;
        }
        writer.emit("done", json!({ "result": result }))?;
    }
    outcome
}

/// `--continue ID|last`: the earlier task's conversation from its stored body, its
/// answer last, and how it ran (its agent, or its persona and provider). `same` keeps
/// its system prompt too (nothing else was named).
async fn continuation(
    manager: &crate::manager::Manager,
    id: &str,
    same: bool,
) -> anyhow::Result<(crate::worker::Continuation, Form)> {
    use crate::request::{Message, Role};
    let query = if id == "last" {
        crate::state::HistoryQuery { limit: Some(1), ..Default::default() }
    } else {
        crate::state::HistoryQuery { task_id: Some(id.to_string()), limit: Some(1), ..Default::default() }
    };
    let record = manager.store.find_history(&query).await?.into_iter().next().ok_or_else(|| {
        let what = if id == "last" {
            "no task in the history to continue".to_string()
        } else {
            format!("task `{id}` not found in the history")
        };
        Failure::not_found(what).hint("see `agentry task list`")
    })?;
    let task_id = record.task_id.clone();
    let refuse = |why: &str| -> anyhow::Error {
        Failure::usage(format!("--continue {task_id}: {why}")).hint("see `agentry task show {task_id}`").into()
    };
    if !record.success {
        return Err(refuse("that task failed; only a task that was answered can be continued"));
    }
    let Some(body) = manager.store.read_body(&task_id).await? else {
        return Err(refuse("its conversation was not kept ([history] bodies = false, or pruned)"));
    };
    if body.cut {
        return Err(refuse("its conversation was stored cut at 64 KiB and cannot be sent again"));
    }
    let provider =
        manager.config.registry.get(&record.provider_id).ok_or_else(|| {
            refuse(&format!("provider `{}`, which answered it, no longer exists", record.provider_id))
        })?;
    let mut messages = Client::conversation(provider, &body.request["body"])
        .filter(|m| m.first().is_some_and(|m| m.role == Role::System && !m.content().is_empty()))
        .ok_or_else(|| refuse("its stored request cannot be read back (or its system prompt file is gone)"))?;
    let system = messages.remove(0).content().into_owned();
    messages.push(Message::text(Role::Assistant, body.response.unwrap_or_default()));
    let form = match (&record.agent_name, &record.persona) {
        (Some(agent), _) => Form::Agent(agent.clone()),
        (None, Some(persona)) => {
            Form::OneShot { persona: persona.clone(), provider: record.requested_provider_id.clone() }
        }
        (None, None) => return Err(refuse("it names neither an agent nor a persona; name them")),
    };
    Ok((crate::worker::Continuation { task_id, system: same.then_some(system), turns: messages }, form))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Text,
    Json,
    Events,
}

fn dry_run(
    ctx: &Invocation,
    prepared: &crate::manager::PreparedTask,
    request: &crate::request::ChatRequest,
) -> anyhow::Result<()> {
    let wire = Client::chat_request(prepared.provider, request);
    if let Some(cassette) = &prepared.provider.cassette {
        ctx.printer.note(&format!(
            "provider `{}` answers from the cassette {}: this request would be matched there",
            prepared.provider.id,
            cassette.display()
        ));
    } else if Client::is_offline(prepared.provider) {
        ctx.printer.note(&format!(
            "provider `{}` is an offline mock: this request would be answered locally",
            prepared.provider.id
        ));
    } else if let Err(err) = check_key_available(prepared.provider) {
        ctx.printer.warn(&format!("{err}; a real run would stop here"));
    }
    ctx.printer.note("dry run: nothing was sent");
    let view = wire.dry_run_view();
    if ctx.printer.json {
        return ctx.printer.json(&view);
    }
    let mut text = format!("{} {}\n", view.method, view.url);
    for (name, value) in &view.headers {
        text.push_str(&format!("{name}: {}\n", value.as_str().unwrap_or_default()));
    }
    text.push('\n');
    text.push_str(&serde_json::to_string_pretty(&view.body)?);
    text.push('\n');
    Ok(ctx.printer.out(&text)?)
}
