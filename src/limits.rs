//! The arithmetic of dependable calls, as pure functions: the backoff before a retry,
//! rate-limit pacing (GCRA), and the weighted choice of an endpoint. No clock, no I/O:
//! the file backend and the call loop use these; the Redis backend's Lua `gcra` is
//! the same decision, held to it by one table of cases (tests/redis.rs).

use std::time::Duration;

/// Before retry `n` (0 for the first): at most `min(0.5 * 2^n, 8)` seconds.
pub fn backoff_cap(n: u32) -> Duration {
    let secs = 0.5 * 2f64.powi(i32::try_from(n.min(16)).unwrap_or(16));
    Duration::from_millis((secs.min(8.0) * 1000.0) as u64)
}

/// Full jitter: a uniform draw (`unit` in [0, 1)) below the cap, scaled by
/// `AGENTRY_BACKOFF_SCALE`.
pub fn backoff(n: u32, unit: f64, scale: f64) -> Duration {
    scaled(backoff_cap(n), unit.clamp(0.0, 1.0) * scale)
}

/// The longest wait a float can make: a day. Longer would outlast any `--timeout`
/// anyway, and `Duration::mul_f64` panics on overflow (`AGENTRY_BACKOFF_SCALE=1e20`).
pub const MAX_SCALED: Duration = Duration::from_secs(86_400);

/// `d` times `factor`, saturating: never a panic, never above [`MAX_SCALED`], zero
/// for a negative or NaN factor. Every float that becomes a wait goes through here.
pub fn scaled(d: Duration, factor: f64) -> Duration {
    let secs = d.as_secs_f64() * factor;
    if secs.is_nan() || secs <= 0.0 {
        return Duration::ZERO;
    }
    Duration::try_from_secs_f64(secs).map_or(MAX_SCALED, |d| d.min(MAX_SCALED))
}

/// Server-given waits above this are not slept: fail over, else fail.
pub const MAX_SERVER_WAIT: Duration = Duration::from_secs(120);

/// A GCRA decision for one request of `cost` units against a limit of `per_minute`
/// units a minute, paced evenly with a burst of one request: admitted when the
/// theoretical arrival time `tat` (ms since the epoch) is not in the future.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// Go now; store `tat` as the new theoretical arrival time.
    Now { tat: i64 },
    /// Come back at `until` (ms since the epoch).
    Wait { until: i64 },
}

pub fn gcra(tat: Option<i64>, now: i64, per_minute: f64, cost: f64) -> Gate {
    let interval = 60_000.0 / per_minute.max(f64::MIN_POSITIVE);
    let tat = tat.unwrap_or(now);
    if tat > now {
        return Gate::Wait { until: tat };
    }
    let step = (interval * cost.max(0.0)).min(i64::MAX as f64 / 4.0) as i64;
    Gate::Now { tat: now.saturating_add(step) }
}

/// Move a stored arrival time by a correction of `delta` units (actual usage minus
/// the estimate), never before `now`.
pub fn correct(tat: i64, now: i64, per_minute: f64, delta: f64) -> i64 {
    let interval = 60_000.0 / per_minute.max(f64::MIN_POSITIVE);
    let moved = tat.saturating_add((interval * delta) as i64);
    moved.max(now.min(tat))
}

/// Pick an endpoint by weight among the available ones (`unit` in [0, 1)).
pub fn choose(weights: &[u32], available: &[bool], unit: f64) -> Option<usize> {
    let total: u64 = weights.iter().zip(available).filter(|(_, up)| **up).map(|(w, _)| u64::from(*w)).sum();
    if total == 0 {
        return None;
    }
    let mut point = (unit.clamp(0.0, 0.999_999_999) * total as f64) as u64;
    for (index, (weight, up)) in weights.iter().zip(available).enumerate() {
        if !*up {
            continue;
        }
        if point < u64::from(*weight) {
            return Some(index);
        }
        point -= u64::from(*weight);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_caps_are_the_documented_numbers() {
        let caps: Vec<f64> = (0..7).map(|n| backoff_cap(n).as_secs_f64()).collect();
        assert_eq!(caps, [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]);
        assert_eq!(backoff_cap(u32::MAX), Duration::from_secs(8));
        assert_eq!(backoff(2, 0.5, 1.0), Duration::from_secs(1));
        assert_eq!(backoff(2, 0.5, 0.1), Duration::from_millis(100));
        assert_eq!(MAX_SERVER_WAIT, Duration::from_secs(120));
    }

    #[test]
    fn gcra_paces_evenly_with_a_burst_of_one() {
        // 120 a minute: one every 500 ms.
        let first = gcra(None, 1_000, 120.0, 1.0);
        assert_eq!(first, Gate::Now { tat: 1_500 });
        assert_eq!(gcra(Some(1_500), 1_000, 120.0, 1.0), Gate::Wait { until: 1_500 });
        assert_eq!(gcra(Some(1_500), 1_500, 120.0, 1.0), Gate::Now { tat: 2_000 });
        // Idle time does not bank a burst.
        assert_eq!(gcra(Some(1_500), 60_000, 120.0, 1.0), Gate::Now { tat: 60_500 });
        // Tokens: 600 tokens at 6,000 a minute reserve 6 s.
        assert_eq!(gcra(None, 0, 6_000.0, 600.0), Gate::Now { tat: 6_000 });
        assert_eq!(correct(6_000, 0, 6_000.0, -300.0), 3_000);
        assert_eq!(correct(6_000, 5_000, 6_000.0, -1_000.0), 5_000);
    }

    #[test]
    fn choice_follows_weights_and_skips_what_is_down() {
        let weights = [1, 2, 1];
        assert_eq!(choose(&weights, &[true, true, true], 0.0), Some(0));
        assert_eq!(choose(&weights, &[true, true, true], 0.3), Some(1));
        assert_eq!(choose(&weights, &[true, true, true], 0.99), Some(2));
        assert_eq!(choose(&weights, &[false, true, false], 0.99), Some(1));
        assert_eq!(choose(&weights, &[false, false, false], 0.5), None);
    }
}
