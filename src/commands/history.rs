//! `agentry task list` and `agentry task show`: the history, read back. `list` reads
//! only `history.jsonl` (metadata lines); `show` adds the request and response kept
//! beside it.

use serde_json::Value;

use super::Invocation;
use crate::cli::TaskListArgs;
use crate::error::Failure;

/// `--since`: a DURATION back from now, an RFC 3339 time, or a date (its midnight UTC).
pub(super) fn since(raw: &str) -> anyhow::Result<String> {
    let raw = raw.trim();
    if let Some(back) = crate::units::parse_duration(raw) {
        let back = jiff::SignedDuration::try_from(back).unwrap_or(jiff::SignedDuration::MAX);
        let at = jiff::Timestamp::now().checked_sub(back).unwrap_or(jiff::Timestamp::MIN);
        return Ok(format!("{at:.3}"));
    }
    if let Ok(at) = raw.parse::<jiff::Timestamp>() {
        return Ok(format!("{at:.3}"));
    }
    if let Ok(date) = raw.parse::<jiff::civil::Date>()
        && let Ok(at) = date.to_zoned(jiff::tz::TimeZone::UTC)
    {
        return Ok(format!("{:.3}", at.timestamp()));
    }
    Err(Failure::usage(format!(
        "--since takes a duration such as `2h` or `7d`, an RFC 3339 time or a date such as 2026-11-30, not `{raw}`"
    ))
    .into())
}

pub(super) async fn list(ctx: &Invocation, args: TaskListArgs) -> anyhow::Result<()> {
    let since = args.since.as_deref().map(since).transpose()?;
    let manager = ctx.manager().await?;
    let query = crate::state::HistoryQuery {
        agent: args.agent.clone(),
        provider: args.provider.clone(),
        since,
        task_id: None,
        limit: (args.limit != 0).then_some(args.limit),
    };
    let chosen = manager.store.find_history(&query).await?;
    if ctx.printer.json {
        return ctx.printer.json(&chosen);
    }
    if chosen.is_empty() {
        ctx.printer.note("no tasks in the history match");
        return Ok(());
    }
    let rows = chosen
        .iter()
        .map(|r| {
            vec![
                r.task_id.clone(),
                r.completed_at.clone(),
                r.agent_name.clone().unwrap_or_else(|| "-".into()),
                r.provider_id.clone(),
                r.model.clone(),
                if r.success { "ok".into() } else { r.error_class.clone().unwrap_or_else(|| "failed".into()) },
                r.tokens_used.to_string(),
                r.cost_usd.map_or_else(|| "?".into(), |c| format!("${:.4}", c + 0.0)),
                format!("{} ms", r.latency_ms),
            ]
        })
        .collect();
    let header = ["TASK", "COMPLETED", "AGENT", "PROVIDER", "MODEL", "RESULT", "TOKENS", "COST", "LATENCY"];
    Ok(ctx.printer.out(&ctx.printer.table(&header, rows, &[6, 7, 8]))?)
}

pub(super) async fn show(ctx: &Invocation, id: &str) -> anyhow::Result<()> {
    let manager = ctx.manager().await?;
    let query = crate::state::HistoryQuery { task_id: Some(id.to_string()), ..Default::default() };
    let found = manager.store.find_history(&query).await?;
    let record = found.first().ok_or_else(|| {
        Failure::not_found(format!("task `{id}` not found in the history")).hint("see `agentry task list`")
    })?;
    let body = manager.store.read_body(id).await?;
    let mut object = match serde_json::to_value(record)? {
        Value::Object(object) => object,
        _ => serde_json::Map::new(),
    };
    object.insert("request".into(), body.as_ref().map_or(Value::Null, |b| b.request.clone()));
    object.insert("response".into(), body.as_ref().and_then(|b| b.response.clone()).into());
    object.insert("body_cut".into(), body.as_ref().is_some_and(|b| b.cut).into());
    // The whole conversation, read back from the request in its protocol's shape, the
    // answer last.
    let conversation: Option<Vec<crate::request::Message>> = body.as_ref().and_then(|b| {
        let provider = manager.config.registry.get(&record.provider_id)?;
        let mut messages = crate::provider::Client::conversation(provider, &b.request["body"])?;
        if let Some(answer) = &b.response {
            messages.push(crate::request::Message::text(crate::request::Role::Assistant, answer.clone()));
        }
        Some(messages)
    });
    object.insert(
        "conversation".into(),
        conversation.as_ref().map_or(Value::Null, |turns| turns.iter().map(turn_json).collect()),
    );
    if ctx.printer.json {
        return ctx.printer.json(&object);
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
    for (key, value) in &object {
        if matches!(key.as_str(), "request" | "response" | "conversation") {
            continue;
        }
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Null => "-".into(),
            other => other.to_string(),
        };
        rows.push(vec![key.clone(), text]);
    }
    let mut text = ctx.printer.table(&["FIELD", "VALUE"], rows, &[]);
    match body {
        None => {
            text.push_str("\n(no request or response kept: bodies are off, pruned, or from before they were kept)\n");
        }
        Some(body) => {
            let request = &body.request;
            text.push_str(&format!(
                "\nRequest:\n{} {}\n",
                request["method"].as_str().unwrap_or(""),
                request["url"].as_str().unwrap_or("")
            ));
            if let Some(headers) = request["headers"].as_object() {
                for (name, value) in headers {
                    text.push_str(&format!("{name}: {}\n", value.as_str().unwrap_or("")));
                }
            }
            text.push_str(&format!("\n{}\n", serde_json::to_string_pretty(&request["body"])?));
            text.push_str(&format!("\nResponse:\n{}\n", body.response.unwrap_or_default().trim_end()));
            if let Some(turns) = &conversation {
                text.push_str("\nConversation:\n");
                for turn in turns {
                    text.push_str(&turn_text(turn));
                }
            }
            if body.cut {
                text.push_str("(stored cut at 64 KiB)\n");
            }
        }
    }
    Ok(ctx.printer.out(&text)?)
}

/// One turn of a stored conversation for `task show --json`: `role` and `content`,
/// with `tool_calls` (`id`, `name`, `arguments`) on an assistant turn that asked for
/// tools and `results` (`call_id`, `content`, `is_error`) on a tool turn.
fn turn_json(message: &crate::request::Message) -> Value {
    use crate::request::Part;
    let mut turn = serde_json::json!({ "role": message.role.as_str(), "content": message.content() });
    let (mut calls, mut results) = (Vec::new(), Vec::new());
    for part in &message.parts {
        match part {
            Part::ToolCall { id, name, arguments } => {
                calls.push(serde_json::json!({ "id": id, "name": name, "arguments": arguments }));
            }
            Part::ToolResult { call_id, content, is_error } => {
                results.push(serde_json::json!({ "call_id": call_id, "content": content, "is_error": is_error }));
            }
            Part::Text(_) => {}
        }
    }
    if !calls.is_empty() {
        turn["tool_calls"] = Value::Array(calls);
    }
    if !results.is_empty() {
        turn["results"] = Value::Array(results);
    }
    turn
}

/// One turn as `task show` prints it: `[role]`, its text, then each tool call
/// (`-> call ID: NAME ARGUMENTS`) or result (`<- ID: CONTENT`, `(error)` when it is one).
fn turn_text(message: &crate::request::Message) -> String {
    use crate::request::Part;
    let mut text = format!("[{}]\n", message.role.as_str());
    for part in &message.parts {
        match part {
            Part::Text(body) if body.trim().is_empty() => {}
            Part::Text(body) => text.push_str(&format!("{}\n", body.trim_end())),
            Part::ToolCall { id, name, arguments } => text.push_str(&format!("-> call {id}: {name} {arguments}\n")),
            Part::ToolResult { call_id, content, is_error } => {
                let error = if *is_error { " (error)" } else { "" };
                text.push_str(&format!("<- {call_id}{error}: {}\n", content.trim_end()));
            }
        }
    }
    text.push('\n');
    text
}
