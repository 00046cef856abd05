//! The built-in offline provider. It calls no model: the reply is derived from the
//! request so that the same request always gets the same answer, and it says
//! plainly that it is a mock so nobody mistakes it for a model's output.

use super::{ChatRequest, ChatResponse, ModelInfo, estimate_usage};

/// FNV-1a: a stable digest of the request, the same on every platform and run.
fn digest(request: &ChatRequest) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for byte in bytes {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    feed(request.model.as_bytes());
    for message in &request.messages {
        feed(message.role.as_bytes());
        feed(&[0]);
        feed(message.content.as_bytes());
        feed(&[0]);
    }
    hash
}

pub fn complete(request: &ChatRequest) -> ChatResponse {
    let task = request.messages.iter().rev().find(|m| m.role == "user").map(|m| m.content.as_str()).unwrap_or("");
    let first_line = task.lines().next().unwrap_or("").trim();
    let mut shown: String = first_line.chars().take(120).collect();
    if shown.len() < first_line.len() {
        shown.push('…');
    }
    let content = format!(
        "[mock] agentry's offline mock provider answered; no model was called. Task: \"{shown}\" (request digest {:016x})",
        digest(request)
    );
    let usage = estimate_usage(&request.messages, &content);
    ChatResponse { content, finish_reason: Some("stop".into()), model: Some("mock".into()), usage, cached: false }
}

/// The reply cut into word deltas (each with its following space), as a stream would.
pub fn words(text: &str) -> Vec<&str> {
    text.split_inclusive(' ').collect()
}

pub fn models() -> Vec<ModelInfo> {
    vec![ModelInfo { id: "mock".into(), owned_by: Some("agentry".into()) }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::Message;

    fn request(task: &str) -> ChatRequest {
        ChatRequest {
            model: "mock".into(),
            messages: vec![
                Message { role: "system", content: "You are x, an AI agent.".into() },
                Message { role: "user", content: task.into() },
            ],
            temperature: Some(0.7),
            max_tokens: None,
            stream: false,
        }
    }

    #[test]
    fn same_request_same_reply_and_it_says_mock() {
        let a = complete(&request("Summarise the plan"));
        let b = complete(&request("Summarise the plan"));
        let c = complete(&request("Summarise the other plan"));
        assert_eq!(a.content, b.content);
        assert_ne!(a.content, c.content);
        assert!(a.content.starts_with("[mock]"));
        assert!(a.content.contains("Summarise the plan"));
        assert!(a.usage.estimated);
        assert_eq!(a.usage.prompt_tokens, 6 + 5);
    }
}
