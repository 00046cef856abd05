//! The views of `stats`: totals as `--json` shows them, and the Prometheus text
//! exposition (format 0.0.4, no timestamps). Quantiles come from [`crate::histogram`].

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use crate::histogram::quantile;
use crate::state::{Snapshot, Totals, split_series};

/// What `stats --json` shows of a set of totals.
#[derive(Debug, Clone, Serialize)]
pub struct TotalsView {
    pub tasks_completed: u64,
    pub tasks_failed: u64,
    pub tokens_used: u64,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub cost_usd: f64,
    pub cost_incomplete: bool,
    pub cache_hits: u64,
    pub retries: u64,
    pub fallbacks: u64,
    pub budget_refusals: u64,
    pub failures: BTreeMap<String, u64>,
    pub latency_p50_ms: Option<f64>,
    pub latency_p95_ms: Option<f64>,
    pub latency_p99_ms: Option<f64>,
}

impl From<&Totals> for TotalsView {
    fn from(t: &Totals) -> Self {
        Self {
            tasks_completed: t.tasks_completed,
            tasks_failed: t.tasks_failed,
            tokens_used: t.tokens_used,
            prompt_tokens: t.prompt_tokens,
            completion_tokens: t.completion_tokens,
            cost_usd: t.cost_usd,
            cost_incomplete: t.cost_incomplete,
            cache_hits: t.cache_hits,
            retries: t.retries,
            fallbacks: t.fallbacks,
            budget_refusals: t.budget_refusals,
            failures: t.failures.clone(),
            latency_p50_ms: quantile(&t.latency, 0.5),
            latency_p95_ms: quantile(&t.latency, 0.95),
            latency_p99_ms: quantile(&t.latency, 0.99),
        }
    }
}

/// A label value with `\`, `"` and newlines escaped, as the text format wants.
pub(crate) fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

fn labels(pairs: &[(&str, &str)]) -> String {
    let inner: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}=\"{}\"", escape(v))).collect();
    format!("{{{}}}", inner.join(","))
}

/// The Prometheus text exposition of the pool, ready for a node_exporter textfile
/// collector. One-shot tasks carry `agent=""`.
pub(crate) fn prometheus(snapshot: &Snapshot, working: usize, idle: usize, max_workers: u32) -> String {
    let mut out = String::new();
    let mut family = |name: &str, kind: &str, help: &str, samples: Vec<(String, String)>| {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} {kind}");
        for (labels, value) in samples {
            let _ = writeln!(out, "{name}{labels} {value}");
        }
    };
    let series: Vec<(&str, &str, &Totals)> = snapshot
        .series
        .iter()
        .map(|(key, t)| {
            let (p, a) = split_series(key);
            (p, a, t)
        })
        .collect();
    let mut samples = Vec::new();
    for (provider, agent, t) in &series {
        for (outcome, n) in [("success", t.tasks_completed), ("failure", t.tasks_failed)] {
            samples.push((labels(&[("provider", provider), ("agent", agent), ("outcome", outcome)]), n.to_string()));
        }
    }
    family("agentry_tasks_total", "counter", "Tasks finished, by provider, agent and outcome.", samples);
    let mut samples = Vec::new();
    for (provider, t) in &snapshot.providers {
        samples.push((labels(&[("provider", provider), ("class", "ok")]), t.tasks_completed.to_string()));
        for (class, n) in &t.failures {
            samples.push((labels(&[("provider", provider), ("class", class)]), n.to_string()));
        }
    }
    family(
        "agentry_requests_total",
        "counter",
        "Tasks by provider and outcome class (ok or the error_class).",
        samples,
    );
    let samples = snapshot.providers.iter().map(|(p, t)| (labels(&[("provider", p)]), t.retries.to_string())).collect();
    family("agentry_retries_total", "counter", "Retries of a request, by provider.", samples);
    let samples = snapshot
        .fallback_pairs
        .iter()
        .map(|(key, n)| {
            let (from, to) = split_series(key);
            (labels(&[("from", from), ("to", to)]), n.to_string())
        })
        .collect();
    family("agentry_fallbacks_total", "counter", "Tasks answered by a fallback, by from and to.", samples);
    let samples =
        series.iter().map(|(p, a, t)| (labels(&[("provider", p), ("agent", a)]), t.cache_hits.to_string())).collect();
    family("agentry_cache_hits_total", "counter", "Tasks answered from the response cache.", samples);
    let mut samples = Vec::new();
    for (provider, agent, t) in &series {
        for (kind, n) in [("prompt", t.prompt_tokens), ("completion", t.completion_tokens)] {
            samples.push((labels(&[("provider", provider), ("agent", agent), ("type", kind)]), n.to_string()));
        }
    }
    family("agentry_tokens_total", "counter", "Tokens used, by provider, agent and type.", samples);
    let samples =
        series.iter().map(|(p, a, t)| (labels(&[("provider", p), ("agent", a)]), format!("{}", t.cost_usd))).collect();
    family("agentry_cost_usd_total", "counter", "Cost in USD of the tasks whose price is known.", samples);
    let mut samples = Vec::new();
    for (provider, t) in &snapshot.providers {
        for q in [0.5, 0.95, 0.99] {
            if let Some(ms) = quantile(&t.latency, q) {
                samples.push((
                    labels(&[("provider", provider), ("quantile", &q.to_string())]),
                    format!("{}", ms / 1000.0),
                ));
            }
        }
        let count: u64 = t.latency.values().sum();
        samples.push((
            format!("_sum{}", labels(&[("provider", provider)])),
            format!("{}", t.latency_sum_ms as f64 / 1000.0),
        ));
        samples.push((format!("_count{}", labels(&[("provider", provider)])), count.to_string()));
    }
    // `_sum` and `_count` belong to the summary's name.
    let _ =
        writeln!(out, "# HELP agentry_request_duration_seconds What a task waited for its provider, retries included.");
    let _ = writeln!(out, "# TYPE agentry_request_duration_seconds summary");
    for (labels, value) in samples {
        if let Some(rest) = labels.strip_prefix("_sum") {
            let _ = writeln!(out, "agentry_request_duration_seconds_sum{rest} {value}");
        } else if let Some(rest) = labels.strip_prefix("_count") {
            let _ = writeln!(out, "agentry_request_duration_seconds_count{rest} {value}");
        } else {
            let _ = writeln!(out, "agentry_request_duration_seconds{labels} {value}");
        }
    }
    let mut tail = String::new();
    let _ = writeln!(tail, "# HELP agentry_workers Workers of the pool, by status.");
    let _ = writeln!(tail, "# TYPE agentry_workers gauge");
    let _ = writeln!(tail, "agentry_workers{{status=\"idle\"}} {idle}");
    let _ = writeln!(tail, "agentry_workers{{status=\"working\"}} {working}");
    let _ = writeln!(tail, "# HELP agentry_max_workers The most agents the pool may hold.");
    let _ = writeln!(tail, "# TYPE agentry_max_workers gauge");
    let _ = writeln!(tail, "agentry_max_workers {max_workers}");
    out.push_str(&tail);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
        assert_eq!(labels(&[("agent", "x\"y")]), "{agent=\"x\\\"y\"}");
    }
}
