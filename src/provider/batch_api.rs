//! Provider batches through the one transport: submitting chat requests to a
//! provider's batch API (OpenAI's Batch API, Anthropic's Message Batches), asking
//! where a batch stands, cancelling it, and reading its results back as answers.
//! The wire shapes are each protocol's ([`BatchWire`]); this is only the I/O, with
//! the key, the redactor and the body cap of every other call.
//!
//! Contact points: `commands::provider_batch` drives a run; `batch list|show|cancel`
//! ask and cancel.

use std::collections::HashMap;
use std::time::Duration;

use super::http::{WireRequest, WireResponse};
use super::protocols::{BatchResult, BatchStatus, BatchWire};
use super::{Client, Provider, ProviderError};
use crate::request::{ChatRequest, ChatResponse};

/// The time limits of one batch API request (an upload may be large).
const CONNECT: Duration = Duration::from_secs(10);
const IDLE: Duration = Duration::from_secs(300);

impl Client {
    /// The batch API `provider` has, if any.
    pub fn batch_api(provider: &Provider) -> Option<&'static dyn BatchWire> {
        if provider.cassette.is_some() {
            return None;
        }
        super::protocols::batch_api(provider.kind, provider.api)
    }

    /// Send one batch API request and read its whole answer.
    async fn batch_send(&self, provider: &Provider, wire: &WireRequest) -> Result<WireResponse, ProviderError> {
        let key = self.keys.lock().await.get(provider).await?;
        let redactor = self.redactor(provider).await;
        let transport = self.transport(provider, CONNECT)?;
        transport.send(&provider.id, wire, key.as_ref(), &redactor, IDLE).await
    }

    fn wire_of(provider: &Provider) -> Result<&'static dyn BatchWire, ProviderError> {
        Self::batch_api(provider).ok_or_else(|| ProviderError::Garbage {
            provider: provider.id.clone(),
            what: "no batch API",
            snippet: String::new(),
            api: "a provider with a batch API",
        })
    }

    /// The lines one provider batch of `items` sends, in order.
    pub fn batch_lines(provider: &Provider, items: &[(String, ChatRequest)]) -> Vec<serde_json::Value> {
        let Some(wire) = Self::batch_api(provider) else { return Vec::new() };
        items.iter().map(|(id, request)| wire.line(provider, &provider.endpoint, id, request)).collect()
    }

    /// Submit `lines` (from [`Client::batch_lines`]) as one provider batch.
    pub async fn batch_submit(
        &self,
        provider: &Provider,
        lines: &[serde_json::Value],
    ) -> Result<BatchStatus, ProviderError> {
        let wire = Self::wire_of(provider)?;
        let redactor = self.redactor(provider).await;
        let upload = match wire.upload(provider, &provider.endpoint, lines) {
            Some(request) => {
                let response = self.batch_send(provider, &request).await?;
                Some(wire.uploaded(provider, &response, &redactor)?)
            }
            None => None,
        };
        let create = wire.create(provider, &provider.endpoint, lines, upload.as_deref());
        let response = self.batch_send(provider, &create).await?;
        wire.parse_status(provider, &response, &redactor)
    }

    /// Where the provider batch `batch_id` stands.
    pub async fn batch_status(&self, provider: &Provider, batch_id: &str) -> Result<BatchStatus, ProviderError> {
        let wire = Self::wire_of(provider)?;
        let response = self.batch_send(provider, &wire.status(provider, &provider.endpoint, batch_id)).await?;
        wire.parse_status(provider, &response, &self.redactor(provider).await)
    }

    /// Ask the provider to cancel `batch_id`; what it says then.
    pub async fn batch_cancel(&self, provider: &Provider, batch_id: &str) -> Result<BatchStatus, ProviderError> {
        let wire = Self::wire_of(provider)?;
        let response = self.batch_send(provider, &wire.cancel(provider, &provider.endpoint, batch_id)).await?;
        wire.parse_status(provider, &response, &self.redactor(provider).await)
    }

    /// The results of an ended batch, each read as the answer to its request (by
    /// custom id); lines of no request asked are left out.
    pub async fn batch_results(
        &self,
        provider: &Provider,
        status: &BatchStatus,
        requests: &HashMap<String, ChatRequest>,
    ) -> Result<Vec<(String, Result<ChatResponse, BatchFailure>)>, ProviderError> {
        let wire = Self::wire_of(provider)?;
        let redactor = self.redactor(provider).await;
        let protocol = super::protocol(provider);
        let mut out = Vec::new();
        for request in wire.results(provider, &provider.endpoint, status) {
            let response = self.batch_send(provider, &request).await?;
            if !(200..300).contains(&response.status) {
                return Err(wire.parse_status(provider, &response, &redactor).err().unwrap_or_else(|| {
                    ProviderError::Garbage {
                        provider: provider.id.clone(),
                        what: "batch results",
                        snippet: redactor.excerpt(&response.text(), 200),
                        api: wire.words(),
                    }
                }));
            }
            for line in response.text().lines().filter(|l| !l.trim().is_empty()) {
                let Some((custom_id, result)) = wire.parse_result(line) else { continue };
                let Some(asked) = requests.get(&custom_id) else { continue };
                let outcome = match result {
                    BatchResult::Answer { status, body } => {
                        let answer = WireResponse { status, headers: reqwest::header::HeaderMap::new(), body };
                        protocol
                            .parse_chat(provider, asked, &answer, &redactor)
                            .map(|mut response| {
                                response.model = response.model.map(|m| redactor.redact(&m));
                                response
                            })
                            .map_err(|err| BatchFailure { class: err.class(), message: err.to_string() })
                    }
                    BatchResult::Failed { class, message } => {
                        Err(BatchFailure { class, message: redactor.redact(&message) })
                    }
                };
                out.push((custom_id, outcome));
            }
        }
        Ok(out)
    }
}

/// Why one request of a provider batch has no answer.
#[derive(Debug, Clone)]
pub struct BatchFailure {
    pub class: crate::request::ErrorClass,
    pub message: String,
}
