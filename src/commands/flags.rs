//! What `task run` shares with batches (`--file`) beyond the per-task options (which
//! `request::TaskOptions` checks, for flags and batch lines alike): the cache flags
//! joined to the options' call settings, and `--max-cost`. A leaf of `commands`, so
//! the single task and the batch both use it without using each other.

use crate::cli::TaskRunArgs;
use crate::error::Failure;
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
        refresh: args.refresh,
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
