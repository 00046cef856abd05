//! What `task run` shares with batches (`--file`) beyond the per-task options (which
//! `request::TaskOptions` checks, for flags and batch lines alike): the cache flags
//! joined to the options' call settings, and `--max-cost`. A leaf of `commands`, so
//! the single task and the batch both use it without using each other.

use super::Invocation;
use crate::cli::TaskRunArgs;
use crate::error::Failure;
use crate::provider::Client;
use crate::provider::cassette::{Cassette, Recorder};
use crate::request::TaskOptions;
use crate::settings::CallFlags;

/// The call flags of one task: its options' retries and time limits (a batch line's
/// over the run's flags), and the run's cache flags.
pub(super) fn call_flags(options: &TaskOptions, args: &TaskRunArgs) -> CallFlags {
    CallFlags {
        retries: options.retries,
        timeout: options.timeout.map(|l| l.0),
        idle_timeout: options.idle_timeout.map(|l| l.0),
        connect_timeout: options.connect_timeout.map(|l| l.0),
        cache: if args.cache {
            Some(true)
        } else if args.no_cache {
            Some(false)
        } else {
            None
        },
        // A recording sends every request: an answer from the cache would be missing
        // from the cassette when it is replayed where that cache is not.
        refresh: args.refresh || args.record.is_some(),
        schema_retries: options.schema_retries,
        max_steps: options.max_steps.map(std::num::NonZeroU32::get),
        tool_timeout: options.tool_timeout.map(|l| l.0),
    }
}

/// `--max-cost USD`: what this run may spend, checked before each provider call.
pub(super) fn run_budget(max_cost: Option<f64>) -> anyhow::Result<Option<std::sync::Arc<crate::call::RunBudget>>> {
    match max_cost {
        None => Ok(None),
        Some(usd) if usd.is_finite() && usd >= 0.0 => {
            Ok(Some(std::sync::Arc::new(crate::call::RunBudget { limit_usd: usd, used: std::sync::Mutex::new(0.0) })))
        }
        Some(usd) => Err(Failure::usage(format!("--max-cost takes USD of 0 or more, not `{usd}`")).into()),
    }
}

/// `--replay FILE`: the cassette read now (a missing or broken one is exit 2 before
/// anything runs), and every provider of the run set to answer from it.
pub(super) fn replay(
    args: &TaskRunArgs,
    registry: &mut crate::provider::registry::Registry,
) -> anyhow::Result<Option<Cassette>> {
    let Some(path) = &args.replay else { return Ok(None) };
    let cassette = Cassette::load(path).map_err(|err| {
        Failure::usage(err.message).hint("--replay takes the file `--record FILE` wrote (`agentry cassette show FILE`)")
    })?;
    registry.replay_all(path);
    Ok(Some(cassette))
}

/// The run's client with its cassettes: `--record FILE` appends every attempt that
/// goes out, a preloaded `--replay` cassette answers, at `--replay-speed`.
pub(super) fn client(ctx: &Invocation, args: &TaskRunArgs, replay: Option<Cassette>) -> anyhow::Result<Client> {
    let speed = args.replay_speed.unwrap_or(0.0);
    if !(speed.is_finite() && speed >= 0.0) {
        return Err(Failure::usage(format!(
            "--replay-speed takes 0 (no waits) or more (1 is as recorded), not `{speed}`"
        ))
        .into());
    }
    let recorder = match &args.record {
        None => None,
        Some(path) => {
            // Created (0600) or opened now: a cassette that cannot be written is said
            // before a paid request goes out, not after.
            crate::files::append(path, b"").map_err(|err| Failure::usage(format!("--record: cannot {err}")))?;
            let printer = ctx.printer;
            let warn: std::sync::Arc<dyn Fn(&str) + Send + Sync> = std::sync::Arc::new(move |m: &str| printer.warn(m));
            Some(Recorder::new(path.clone(), warn))
        }
    };
    let client = ctx.client().with_cassettes(recorder, speed);
    if let Some(cassette) = replay {
        client.preload(cassette);
    }
    Ok(client)
}

/// Note in the state which recorded interactions this run replayed (`cassette
/// prune` keeps those); a state that cannot take the note costs the run nothing.
pub(super) async fn note_replays(ctx: &Invocation, store: &crate::state::Store, client: &Client) {
    let ids = client.replayed();
    if let Err(err) = store.note_replayed(&ids, crate::clock::now_ms()).await {
        ctx.printer.warn(&format!("could not note the replayed interactions in the state: {err}"));
    }
}
