//! The latency histogram: constant-size, sparse, log-scale (buckets 10 % wide, so a
//! quantile is within 5 % of the truth). A leaf: the state keeps histograms in its
//! totals, `stats` reads quantiles from them; neither needs the other for this.

use std::collections::BTreeMap;

/// Buckets grow by this factor; a bucket's middle is within 5 % of any value in it.
const GROWTH: f64 = 1.1;

/// The bucket of a latency in ms: 0 for 0 ms, else 1 + floor(log_1.1(ms)).
pub(crate) fn bucket(ms: u64) -> u32 {
    if ms == 0 {
        return 0;
    }
    1 + ((ms as f64).ln() / GROWTH.ln()).floor() as u32
}

/// The value a bucket stands for: the geometric middle of its range.
fn middle(bucket: u32) -> f64 {
    if bucket == 0 {
        return 0.0;
    }
    let low = GROWTH.powi(i32::try_from(bucket - 1).unwrap_or(i32::MAX));
    low * GROWTH.sqrt()
}

/// The `q` quantile (0 to 1) of a histogram, in ms; `None` without samples.
pub(crate) fn quantile(histogram: &BTreeMap<u32, u64>, q: f64) -> Option<f64> {
    let count: u64 = histogram.values().sum();
    if count == 0 {
        return None;
    }
    let rank = ((q * count as f64).ceil() as u64).clamp(1, count);
    let mut seen = 0;
    for (bucket, n) in histogram {
        seen += n;
        if seen >= rank {
            return Some((middle(*bucket) * 10.0).round() / 10.0);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_within_five_percent() {
        for value in [1u64, 7, 42, 100, 999, 12_345, 600_000] {
            let mut histogram = BTreeMap::new();
            *histogram.entry(bucket(value)).or_default() += 1;
            let estimate = quantile(&histogram, 0.5).expect("sample");
            let error = (estimate - value as f64).abs() / value as f64;
            assert!(error <= 0.05, "{value}: {estimate} is {error:.3} off");
        }
        assert_eq!(quantile(&BTreeMap::new(), 0.5), None);
        let mut histogram = BTreeMap::new();
        for ms in 1..=100u64 {
            *histogram.entry(bucket(ms)).or_default() += 1;
        }
        let p95 = quantile(&histogram, 0.95).expect("p95");
        assert!((p95 - 95.0).abs() / 95.0 <= 0.05, "{p95}");
    }
}
