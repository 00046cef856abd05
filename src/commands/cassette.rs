//! `agentry cassette show|prune`: the cassettes `task run --record FILE` writes,
//! read back with when each interaction was last replayed (the state's notes), and
//! trimmed of what no replay uses any more. The format is `provider::cassette`'s.

use serde_json::Value;

use super::Invocation;
use crate::cli::CassetteCommand;
use crate::error::Failure;
use crate::provider::cassette::{Cassette, Interaction};

pub(super) async fn run(ctx: &Invocation, command: CassetteCommand) -> anyhow::Result<()> {
    match command {
        CassetteCommand::Show { file } => show(ctx, &file).await,
        CassetteCommand::Prune { file, since, dry_run } => prune(ctx, &file, &since, dry_run).await,
    }
}

fn load(path: &std::path::Path) -> anyhow::Result<Cassette> {
    Cassette::load(path).map_err(|err| Failure::usage(err.message).into())
}

/// One interaction as `show` lists it.
#[derive(serde::Serialize)]
struct View {
    id: String,
    recorded_at: String,
    provider: String,
    protocol: String,
    model: Option<String>,
    /// The HTTP status, or null when the transport failed.
    status: Option<u16>,
    /// How the transport failed (`connect`, `idle`, …), or null.
    failure: Option<String>,
    stream: bool,
    last_replayed: Option<String>,
    /// The last message of the request, cut to 60 characters.
    asked: String,
}

fn view(interaction: &Interaction, replayed: Option<i64>) -> View {
    let asked = interaction
        .asked
        .get("messages")
        .and_then(Value::as_array)
        .and_then(|m| m.last())
        .map(|m| m.get("content").and_then(Value::as_str).map_or_else(|| m.to_string(), str::to_string))
        .unwrap_or_default();
    let mut short: String = crate::units::one_line(&asked).chars().take(60).collect();
    if asked.chars().count() > 60 {
        short.push('…');
    }
    let failure = interaction.failure.as_ref().map(|f| f.kind().to_string());
    View {
        id: interaction.id.clone(),
        recorded_at: interaction.recorded_at.clone(),
        provider: interaction.provider.clone(),
        protocol: interaction.protocol.to_ascii_lowercase(),
        model: interaction.asked.get("model").and_then(Value::as_str).map(str::to_string),
        status: interaction.response.as_ref().map(|r| r.status),
        failure,
        stream: interaction.response.as_ref().is_some_and(|r| r.events.is_some()),
        last_replayed: replayed.and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok()).map(|t| format!("{t:.3}")),
        asked: short,
    }
}

async fn notes(ctx: &Invocation, cassette: &Cassette) -> anyhow::Result<Vec<Option<i64>>> {
    let ids: Vec<String> = cassette.interactions.iter().map(|i| i.id.clone()).collect();
    Ok(ctx.store().await?.replayed(&ids).await?)
}

async fn show(ctx: &Invocation, path: &std::path::Path) -> anyhow::Result<()> {
    let cassette = load(path)?;
    let replayed = notes(ctx, &cassette).await?;
    let views: Vec<View> = cassette.interactions.iter().zip(replayed).map(|(i, r)| view(i, r)).collect();
    if ctx.printer.json {
        return ctx.printer.json(&views);
    }
    if views.is_empty() {
        ctx.printer.note(&format!("cassette {} holds no interactions", path.display()));
        return Ok(());
    }
    let rows = views
        .into_iter()
        .map(|v| {
            vec![
                v.id,
                v.recorded_at,
                v.provider,
                v.model.unwrap_or_default(),
                v.status.map_or_else(|| v.failure.unwrap_or_default(), |s| s.to_string()),
                if v.stream { "yes".into() } else { "no".into() },
                v.last_replayed.unwrap_or_else(|| "never".into()),
                v.asked,
            ]
        })
        .collect();
    let headers = ["ID", "RECORDED", "PROVIDER", "MODEL", "STATUS", "STREAM", "LAST REPLAYED", "ASKED"];
    Ok(ctx.printer.out(&ctx.printer.table(&headers, rows, &[]))?)
}

async fn prune(ctx: &Invocation, path: &std::path::Path, since: &str, dry_run: bool) -> anyhow::Result<()> {
    let since = super::history::since(since)?;
    let since_ms = since.parse::<jiff::Timestamp>().map_or(i64::MIN, jiff::Timestamp::as_millisecond);
    let cassette = load(path)?;
    let replayed = notes(ctx, &cassette).await?;
    let total = cassette.interactions.len();
    let mut kept = Vec::new();
    let mut dropped = Vec::new();
    for (interaction, last) in cassette.interactions.into_iter().zip(replayed) {
        // Recording counts as a use: what was recorded since then stays.
        let recorded =
            interaction.recorded_at.parse::<jiff::Timestamp>().map_or(i64::MIN, jiff::Timestamp::as_millisecond);
        if recorded.max(last.unwrap_or(i64::MIN)) >= since_ms {
            kept.push(interaction);
        } else {
            dropped.push(interaction.id);
        }
    }
    if !dry_run && !dropped.is_empty() {
        let mut text = Vec::new();
        for interaction in &kept {
            text.extend_from_slice(&serde_json::to_vec(interaction)?);
            text.push(b'\n');
        }
        crate::files::write_atomic(path, &text, 0o600, true)
            .map_err(|err| Failure::usage(format!("cannot rewrite cassette: {err}")))?;
    }
    let verb = if dry_run { "would drop" } else { "dropped" };
    ctx.printer.status(&format!(
        "cassette {}: kept {} of {total} interactions, {verb} {} not replayed since {since}",
        path.display(),
        kept.len(),
        dropped.len()
    ));
    if ctx.printer.json {
        return ctx.printer.json(&serde_json::json!({ "kept": kept.len(), "dropped": dropped, "dry_run": dry_run }));
    }
    Ok(())
}
