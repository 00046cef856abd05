//! The flags `task run` shares with batches (`--file`): the request flags
//! (`--model`, `--temperature`, `--max-tokens`), the call flags (`--retries`, the time
//! limits, the cache) and `--max-cost`, each checked once. A leaf of `commands`, so the
//! single task and the batch both use it without using each other.

use std::time::Duration;

use crate::cli::TaskRunArgs;
use crate::error::Failure;
use crate::settings::{CallFlags, RequestFlags};

fn parse_temperature(raw: Option<&str>) -> anyhow::Result<Option<Option<f64>>> {
    let Some(raw) = raw else { return Ok(None) };
    if raw.eq_ignore_ascii_case("none") {
        return Ok(Some(None));
    }
    match raw.trim().parse::<f64>() {
        // `-0` is zero, and valid.
        Ok(t) if (0.0..=2.0).contains(&t) => Ok(Some(Some(t.abs()))),
        _ => Err(Failure::usage(format!("--temperature takes a number from 0 to 2 or `none`, not `{raw}`")).into()),
    }
}

fn parse_max_tokens(raw: Option<&str>) -> anyhow::Result<Option<u32>> {
    let Some(raw) = raw else { return Ok(None) };
    match raw.trim().parse::<u32>() {
        Ok(n) if n >= 1 => Ok(Some(n)),
        _ => {
            Err(Failure::usage(format!("--max-tokens takes a whole number from 1 to {}, not `{raw}`", u32::MAX)).into())
        }
    }
}

fn parse_duration_flag(flag: &str, raw: &str) -> anyhow::Result<Duration> {
    match crate::units::parse_duration(raw) {
        Some(limit) if limit >= Duration::from_millis(1) => Ok(limit),
        _ => Err(Failure::usage(format!("{flag} takes a duration such as `60`, `90s` or `2m`, not `{raw}`"))
            .hint("a bare number is seconds")
            .into()),
    }
}

/// `--model`, `--temperature` and `--max-tokens`, checked.
pub(super) fn request_flags(args: &TaskRunArgs) -> anyhow::Result<RequestFlags> {
    if args.model.as_deref().is_some_and(|m| m.trim().is_empty()) {
        return Err(Failure::usage("--model is empty; name a model, e.g. --model gpt-4o-mini").into());
    }
    Ok(RequestFlags {
        model: args.model.clone(),
        temperature: parse_temperature(args.temperature.as_deref())?,
        max_tokens: parse_max_tokens(args.max_tokens.as_deref())?,
    })
}

/// The call flags of `task run`, single or batch: `--retries`, the time limits, the cache.
pub(super) fn call_flags(args: &TaskRunArgs) -> anyhow::Result<CallFlags> {
    let duration =
        |flag: &str, raw: &Option<String>| raw.as_deref().map(|raw| parse_duration_flag(flag, raw)).transpose();
    Ok(CallFlags {
        retries: args.retries,
        timeout: duration("--timeout", &args.timeout)?,
        idle_timeout: duration("--idle-timeout", &args.idle_timeout)?,
        connect_timeout: duration("--connect-timeout", &args.connect_timeout)?,
        cache: if args.cache {
            Some(true)
        } else if args.no_cache {
            Some(false)
        } else {
            None
        },
        refresh: args.refresh,
    })
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
