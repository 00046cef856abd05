//! Property tests for bad input: arbitrary bytes and structured mutations of
//! providers.toml, persona files (both formats) and state.json never panic; each
//! gives a result or one error line. Case counts are bounded so `cargo test` stays quick.

use std::path::Path;

use proptest::prelude::*;

const PROVIDERS: &str = r#"max_agents = 4
[providers.local]
name = "Local"
type = "local"
endpoint = "http://localhost:11434/v1?api-version=1"
model = "llama3"
api_key_env = "LOCAL_KEY"
temperature = 0.2
max_tokens = 50
max_tokens_field = "max_completion_tokens"
headers = { "HTTP-Referer" = "https://x.test", "X-Api-Key" = "v" }
params = { seed = 7, top_p = 0.9 }
[providers.offline]
type = "mock"
"#;

const PERSONA_MD: &str =
    "# T\n## Character\nCareful.\n```\n## fenced\n```\n## Capabilities\n- One\n1. Two\n## Autonomy Level\nAsk.\n";
const START_MD: &str = "## Your Mission\nShip.\n## Your Personality\nCalm.\n## Decision Points\n- Stop on data loss.\n";
const SKILL_MD: &str =
    "---\nname: helper # c\ndescription: >-\n  Helps with\n  things.\nmetadata:\n  tags: [a, b]\n---\n# Body\nDo it.\n";
const STATE: &str = r#"{"schema_version": 1, "agents": [{"id": "ag_1", "name": "a", "persona": null, "project": "p", "provider": "mock", "worker_id": "wk_1", "created_at": "2026-11-30T00:00:00.000Z", "last_active": null, "totals": {"tasks_completed": 1, "tasks_failed": 0, "tokens_used": 5, "prompt_tokens": 2, "completion_tokens": 3}}], "providers": {"mock": {"tasks_completed": 1, "tasks_failed": 0, "tokens_used": 5, "prompt_tokens": 2, "completion_tokens": 3}}, "history_bytes": 10}"#;

/// Pieces that make structurally interesting damage.
const TOKENS: &[&str] = &[
    "\n",
    "=",
    "[",
    "]",
    "[[",
    "]]",
    "\"",
    "'",
    "{",
    "}",
    ",",
    ":",
    "---",
    "## ",
    "```",
    "~~~",
    "#",
    "- ",
    "  ",
    "\t",
    "\r\n",
    "\u{feff}",
    "null",
    "-1",
    "1e309",
    "18446744073709551616",
    "0.5",
    "true",
    "type = \"x\"",
    "api_key = \"k\"",
    "[providers.a]",
    "providers",
    "schema_version",
    "agents",
    ">-",
    "|",
    "&a",
    "*a",
    "!!str",
    "é",
    "\u{0}",
    "\\",
    "\\u{",
    "%",
];

#[derive(Debug, Clone)]
enum Edit {
    Delete(usize, usize),
    Insert(usize, &'static str),
    Duplicate(usize, usize),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(at, len)| Edit::Delete(at, len)),
        (any::<usize>(), prop::sample::select(TOKENS)).prop_map(|(at, token)| Edit::Insert(at, token)),
        (any::<usize>(), 1usize..80).prop_map(|(at, len)| Edit::Duplicate(at, len)),
    ];
    prop::collection::vec(edit, 1..8)
}

/// Apply edits at character boundaries (positions wrap around the text).
fn mutate(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for edit in edits {
        let len = chars.len().max(1);
        match edit {
            Edit::Delete(at, n) => {
                let start = at % len;
                let end = (start + n).min(chars.len());
                if start < end {
                    chars.drain(start..end);
                }
            }
            Edit::Insert(at, token) => {
                let at = at % (chars.len() + 1);
                chars.splice(at..at, token.chars());
            }
            Edit::Duplicate(at, n) => {
                let start = at % len;
                let end = (start + n).min(chars.len());
                if start < end {
                    let copy: Vec<char> = chars[start..end].to_vec();
                    chars.splice(end..end, copy);
                }
            }
        }
    }
    chars.into_iter().collect()
}

fn one_line(message: &str) {
    assert!(!message.contains('\n'), "error is not one line: {message:?}");
    assert!(!message.is_empty());
}

fn check_providers(text: &str) {
    if let Err(err) = agentry::config::parse(text, Path::new("providers.toml")) {
        let (_, message, _) = agentry::error::classify(&anyhow::Error::new(err));
        one_line(&message);
    }
}

fn check_personas(persona_md: &str, start_md: &str, skill_md: &str) {
    let persona = agentry::persona::parse_two_file(persona_md, start_md);
    let _ = persona.system_prompt();
    match agentry::persona::parse_skill(skill_md) {
        Ok(persona) => {
            let _ = persona.system_prompt();
        }
        Err((line, message)) => {
            assert!(line >= 1);
            one_line(&message);
        }
    }
}

fn check_state(text: &str) {
    if let Err(err) = agentry::state::schema::parse_state(text, Path::new("state.json")) {
        let (_, message, _) = agentry::error::classify(&anyhow::Error::new(err));
        one_line(&message);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn providers_toml_from_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        check_providers(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn providers_toml_mutated(edits in edits()) {
        check_providers(&mutate(PROVIDERS, &edits));
    }

    #[test]
    fn personas_from_arbitrary_bytes(a in prop::collection::vec(any::<u8>(), 0..400), b in prop::collection::vec(any::<u8>(), 0..400)) {
        let (a, b) = (String::from_utf8_lossy(&a), String::from_utf8_lossy(&b));
        check_personas(&a, &b, &format!("---\n{a}\n---\n{b}"));
        check_personas(&a, &b, &a);
    }

    #[test]
    fn personas_mutated(e1 in edits(), e2 in edits(), e3 in edits()) {
        check_personas(&mutate(PERSONA_MD, &e1), &mutate(START_MD, &e2), &mutate(SKILL_MD, &e3));
    }

    #[test]
    fn state_json_from_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        check_state(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn state_json_mutated(edits in edits()) {
        check_state(&mutate(STATE, &edits));
    }
}

/// Every form in which a server may echo a key: as sent, URL-encoded (`%20` and `+`,
/// upper- and lower-case hex), JSON-escaped (with and without `\/`), base64.
fn echoed_forms(key: &str) -> Vec<String> {
    use base64::Engine as _;
    let percent = |upper: bool| -> String {
        key.bytes()
            .map(|b| match b {
                _ if b.is_ascii_alphanumeric() || b"-._~".contains(&b) => (b as char).to_string(),
                _ if upper => format!("%{b:02X}"),
                _ => format!("%{b:02x}"),
            })
            .collect()
    };
    let (encoded, lower) = (percent(true), percent(false));
    let json = serde_json::to_string(key).expect("json");
    let json = json[1..json.len() - 1].to_string();
    let engines = [
        &base64::engine::general_purpose::STANDARD,
        &base64::engine::general_purpose::STANDARD_NO_PAD,
        &base64::engine::general_purpose::URL_SAFE,
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    let mut forms =
        vec![key.to_string(), encoded.replace("%20", "+"), lower.replace("%20", "+"), lower, json.replace('/', "\\/")];
    forms.push(encoded);
    forms.push(json);
    forms.extend(engines.iter().map(|e| e.encode(key)));
    forms
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, failure_persistence: None, ..ProptestConfig::default() })]

    /// Whatever the key and whatever surrounds it, no echoed form survives the redactor.
    #[test]
    fn the_redactor_removes_every_encoded_form_of_any_key(
        key in "[A-Za-z0-9_~ !#$%&*+,./:;=?@^|\"é-]{12,40}",
        before in any::<String>(),
        after in any::<String>(),
    ) {
        let redactor = agentry::provider::redact::Redactor::new([key.clone()]);
        for form in echoed_forms(&key) {
            let shown = redactor.redact(&format!("{before}{form}{after}"));
            prop_assert!(!shown.contains(&form), "form {form:?} of {key:?} survived: {shown:?}");
            prop_assert!(shown.contains("(redacted)"));
        }
    }
}

/// One option as a flag and as a batch key: the flag's text, and the JSON the same
/// value takes in a batch line (a number where it is one, else the same text).
#[derive(Debug, Clone)]
struct OptionValue {
    flag: &'static str,
    key: &'static str,
    text: String,
    json: serde_json::Value,
}

fn option_values() -> impl Strategy<Value = Vec<OptionValue>> {
    let text_or_number = |text: String| {
        let json = text.parse::<f64>().ok().filter(|n| n.is_finite()).map_or_else(
            || serde_json::Value::String(text.clone()),
            |n| {
                if n.fract() == 0.0 && (0.0..1e15).contains(&n) {
                    serde_json::json!(n as u64)
                } else {
                    serde_json::json!(n)
                }
            },
        );
        (text, json)
    };
    let model = prop::option::of("[a-z][a-z0-9.-]{0,12}".prop_map(|m| OptionValue {
        flag: "--model",
        key: "model",
        json: serde_json::Value::String(m.clone()),
        text: m,
    }));
    let temperature = prop::option::of(
        prop_oneof![Just("none".to_string()), (0u32..=200).prop_map(|n| format!("{}", f64::from(n) / 100.0))].prop_map(
            move |t| {
                let (text, json) = text_or_number(t);
                OptionValue { flag: "--temperature", key: "temperature", text, json }
            },
        ),
    );
    let max_tokens = prop::option::of((1u32..200_000).prop_map(|n| OptionValue {
        flag: "--max-tokens",
        key: "max_tokens",
        text: n.to_string(),
        json: serde_json::json!(n),
    }));
    let duration = |flag: &'static str, key: &'static str| {
        prop::option::of(
            prop_oneof![
                (1u32..600).prop_map(|n| n.to_string()),
                (1u32..600).prop_map(|n| format!("{n}s")),
                (1u32..5000).prop_map(|n| format!("{n}ms")),
                (1u32..30).prop_map(|n| format!("{n}m")),
            ]
            .prop_map(move |d| {
                let (text, json) = text_or_number(d);
                OptionValue { flag, key, text, json }
            }),
        )
    };
    let retries = prop::option::of((0u32..20).prop_map(|n| OptionValue {
        flag: "--retries",
        key: "retries",
        text: n.to_string(),
        json: serde_json::json!(n),
    }));
    (
        model,
        temperature,
        max_tokens,
        duration("--timeout", "timeout"),
        duration("--connect-timeout", "connect_timeout"),
        duration("--idle-timeout", "idle_timeout"),
        retries,
    )
        .prop_map(|(a, b, c, d, e, f, g)| [a, b, c, d, e, f, g].into_iter().flatten().collect())
}

fn request_for(options: &agentry::request::TaskOptions, primary: bool) -> agentry::request::ChatRequest {
    let task = agentry::worker::Task {
        description: "Review the plan".into(),
        context: Some("ctx".into()),
        options: options.clone(),
        stream: false,
        continuation: None,
    };
    let mut provider = agentry::provider::registry::builtin_mock();
    provider.temperature = Some(0.3);
    provider.max_tokens = Some(99);
    task.request_for("You are a reviewer.".into(), &provider, primary)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any combination of the per-task flags and the batch line saying the same give
    /// the same options, the same call settings and the same request, for the
    /// primary and for a fallback.
    #[test]
    fn a_flag_and_the_same_batch_key_give_the_same_request(values in option_values()) {
        use clap::Parser;
        let mut argv: Vec<String> = ["agentry", "task", "run", "--persona", "p", "--provider", "mock"].map(String::from).to_vec();
        let mut line = serde_json::Map::new();
        for value in &values {
            argv.push(value.flag.to_string());
            argv.push(value.text.clone());
            line.insert(value.key.to_string(), value.json.clone());
        }
        argv.push("Review the plan".into());
        let cli = agentry::cli::Cli::try_parse_from(&argv).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let agentry::cli::Command::Task(agentry::cli::TaskCommand::Run(args)) = cli.command else {
            return Err(TestCaseError::fail("not task run"));
        };
        let from_line: agentry::request::TaskOptions = serde_json::from_value(serde_json::Value::Object(line.clone()))
            .map_err(|e| TestCaseError::fail(format!("{line:?}: {e}")))?;
        prop_assert_eq!(&args.options, &from_line);
        prop_assert_eq!(request_for(&args.options, true), request_for(&from_line, true));
        prop_assert_eq!(request_for(&args.options, false), request_for(&from_line, false));
    }

    /// An answer a protocol's server would send reads back as the same answer: text,
    /// tool calls, finish reason, model and usage, for each protocol.
    #[test]
    fn each_protocol_reads_back_the_answer_it_would_be_sent(
        text in "\\PC{0,80}",
        finish in prop_oneof![Just("stop"), Just("length"), Just("tool_calls"), Just("content_filter"), Just("paused_turn")],
        model in "[a-z0-9.-]{1,20}",
        prompt in 0u64..1_000_000,
        cached_share in 0u64..=100,
        completion in 0u64..1_000_000,
        calls in prop::collection::vec(("call_[a-z0-9]{1,8}", "[a-z_]{1,12}", prop::collection::btree_map("[a-z]{1,6}", 0i64..1000, 0..3)), 0..3),
    ) {
        use agentry::provider::{Api, ProviderKind, protocols};
        use agentry::request::{ChatResponse, FinishReason, Part, Usage};
        let cached = prompt * cached_share / 100;
        let usage = Usage { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, cached_tokens: cached, estimated: false };
        let mut expected = ChatResponse::text(text, Some(FinishReason::parse(finish)), Some(model), usage);
        for (id, name, arguments) in calls {
            let arguments = serde_json::to_string(&arguments).map_err(|e| TestCaseError::fail(e.to_string()))?;
            expected.parts.push(Part::ToolCall { id, name, arguments });
        }
        let request = request_for(&agentry::request::TaskOptions::default(), true);
        let provider = agentry::provider::registry::builtin_mock();
        for (kind, api) in [(ProviderKind::Openai, Api::Native), (ProviderKind::Anthropic, Api::Native)] {
            let protocol = protocols::of(kind, api);
            let body = protocol.answer_body(&expected);
            let wire = agentry::provider::http::WireResponse {
                status: 200,
                headers: reqwest::header::HeaderMap::default(),
                body: serde_json::to_vec(&body).map_err(|e| TestCaseError::fail(e.to_string()))?,
            };
            let read = protocol
                .parse_chat(&provider, &request, &wire, &agentry::provider::redact::Redactor::default())
                .map_err(|e| TestCaseError::fail(format!("{kind:?}: {e}")))?;
            prop_assert_eq!(&read, &expected, "{:?}", kind);
        }
    }

    /// A conversation a protocol encodes reads back as the same conversation (what
    /// `task run --continue` rebuilds from a stored body): system, user and assistant
    /// turns, tool calls and their results, for each protocol.
    #[test]
    fn each_protocol_reads_back_the_conversation_it_sent(
        system in "\\PC{1,40}",
        turns in prop::collection::vec(("\\PC{1,40}", "\\PC{1,40}"), 0..4),
        call in prop::option::of(("call_[a-z0-9]{1,8}", "[a-z_]{1,12}", "[a-z ]{0,20}")),
        last in "\\PC{1,40}",
    ) {
        use agentry::provider::{Api, ProviderKind, protocols};
        use agentry::request::{Message, Part, Role};
        let mut messages = vec![Message::text(Role::System, system)];
        for (user, answer) in turns {
            messages.push(Message::text(Role::User, user));
            messages.push(Message::text(Role::Assistant, answer));
        }
        if let Some((id, name, result)) = call {
            messages.push(Message::text(Role::User, "use the tool"));
            messages.push(Message { role: Role::Assistant, parts: vec![Part::ToolCall { id: id.clone(), name, arguments: "{\"q\":1}".into() }] });
            messages.push(Message { role: Role::Tool, parts: vec![Part::ToolResult { call_id: id, content: result, is_error: false }] });
        }
        messages.push(Message::text(Role::User, last));
        let mut request = request_for(&agentry::request::TaskOptions::default(), true);
        request.messages = messages;
        let provider = agentry::provider::registry::builtin_mock();
        for (kind, api) in [(ProviderKind::Openai, Api::Native), (ProviderKind::Anthropic, Api::Native), (ProviderKind::Mock, Api::Native)] {
            let protocol = protocols::of(kind, api);
            let endpoint = provider.endpoint.clone();
            let wire = protocol.chat(&provider, &endpoint, &request);
            let body = wire.body.clone().unwrap_or_default();
            let read = protocol.conversation(&body).ok_or_else(|| TestCaseError::fail(format!("{kind:?}: not read")))?;
            prop_assert_eq!(&read, &request.messages, "{:?}", kind);
        }
    }
}
