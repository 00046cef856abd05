//! The one integration-test binary: every test runs the real `agentry` binary in
//! an isolated home against real local HTTP servers.

mod common;

mod agents;
mod anthropic;
mod batch;
mod budgets;
mod cache;
mod cassettes;
mod completions;
mod concurrency;
mod contract;
mod costs;
mod golden;
mod hardening;
mod history;
mod hostile;
mod litellm;
mod memory;
mod metrics;
mod properties;
mod provider_batches;
mod providers;
mod redis;
mod reliability;
mod secrets;
mod streaming;
mod structured;
mod tasks;
mod tools;
