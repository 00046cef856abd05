//! API keys: where they come from, and that they are never printed.

use predicates::prelude::*;
use serde_json::Value;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

const KEY: &str = "sk-literal-never-print-me";

fn all_output(output: &std::process::Output) -> String {
    format!("{}{}", stdout_of(output), stderr_of(output))
}

#[tokio::test]
async fn literal_key_is_sent_but_never_printed() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "error": {"message": format!("Incorrect API key provided: {KEY}")}
        })))
        .mount(&server)
        .await;
    let env = Env::new();
    env.provider(&server.uri(), &format!("api_key = \"{KEY}\""));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(env.providers_file(), std::fs::Permissions::from_mode(0o644)).expect("chmod");
    }
    env.spawn("rev", "srv");
    for args in [
        vec!["provider", "list"],
        vec!["provider", "list", "--json"],
        vec!["provider", "show", "srv", "--json"],
        vec!["provider", "show", "srv"],
        vec!["task", "run", "rev", "x", "--dry-run"],
        vec!["task", "run", "rev", "x", "--dry-run", "--json"],
        vec!["task", "run", "rev", "x", "-v", "--json"],
        vec!["paths", "--json"],
        vec!["stats", "--json"],
    ] {
        let output = env.cmd(&args).output().expect("run");
        let text = all_output(&output);
        assert!(!text.contains(KEY), "{args:?} printed the key: {text}");
    }
    let output = env.cmd(&["task", "run", "rev", "x", "-v"]).output().expect("run");
    assert_eq!(output.status.code(), Some(4));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("> Authorization: Bearer (redacted)"), "{stderr}");
    assert!(stderr.contains("< HTTP 401"), "{stderr}");
    assert!(stderr.contains("Incorrect API key provided: (redacted)"), "{stderr}");
    assert_eq!(server.received_requests().await.expect("recording").len(), 2, "the key went out on the wire");
    #[cfg(unix)]
    env.cmd(&["provider", "list"]).assert().stderr(predicate::str::contains("readable by others"));
    let show = env.json(&["provider", "show", "srv", "--json"]);
    assert_eq!(show["key_source"], "file");
}

#[tokio::test]
async fn key_command_runs_once_and_its_failures_never_echo_output() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", "Bearer sk-from-cmd"))
        .respond_with(ok("ok"))
        .mount(&server)
        .await;
    let env = Env::new();
    let counter = env.dir.path().join("count");
    env.provider(
        &server.uri(),
        &format!("api_key_cmd = \"echo run >> '{}'; printf '  sk-from-cmd\\\\n'\"", counter.display()),
    );
    env.cmd(&["task", "run", "--persona", "examples/qa-engineer", "--provider", "srv", "x"])
        .assert()
        .success()
        .stdout("ok\n");
    assert_eq!(std::fs::read_to_string(&counter).expect("count").lines().count(), 1);
    env.cmd(&["task", "run", "--persona", "examples/qa-engineer", "--provider", "srv", "x", "--dry-run"])
        .assert()
        .success();
    assert_eq!(std::fs::read_to_string(&counter).expect("count").lines().count(), 1, "dry run runs no key command");

    env.provider(&server.uri(), "api_key_cmd = \"echo sk-leaked-secret; exit 3\"");
    let output = env
        .cmd(&["task", "run", "--persona", "examples/qa-engineer", "--provider", "srv", "x", "--json"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout_of(&output).is_empty(), "no attempt, no object");
    let stderr = stderr_of(&output);
    assert!(stderr.contains("api_key_cmd for provider `srv` exited with status 3"), "{stderr}");
    assert!(!stderr.contains("sk-leaked-secret"));

    env.provider(&server.uri(), "api_key_cmd = \"true\"");
    env.cmd(&["task", "run", "--persona", "examples/qa-engineer", "--provider", "srv", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("printed nothing"));
}

#[test]
fn unset_key_variable_is_exit_2_before_any_request() {
    let env = Env::new();
    env.provider(&format!("http://127.0.0.1:{}", closed_port()), "api_key_env = \"AGENTRY_TEST_UNSET_KEY\"");
    env.spawn("rev", "srv");
    env.cmd(&["task", "run", "rev", "x"])
        .env_remove("AGENTRY_TEST_UNSET_KEY")
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with("error: environment variable AGENTRY_TEST_UNSET_KEY is not set"));
    let agent: Value = env.agent("rev");
    assert_eq!(
        (agent["tasks_failed"].as_u64(), agent["tasks_completed"].as_u64()),
        (Some(0), Some(0)),
        "not attempted"
    );
}

#[test]
fn slow_key_command_is_exit_2_after_ten_seconds() {
    let env = Env::new();
    env.provider(&format!("http://127.0.0.1:{}", closed_port()), "api_key_cmd = \"sleep 30; echo sk-late\"");
    let started = std::time::Instant::now();
    env.cmd(&["task", "run", "--persona", "examples/qa-engineer", "--provider", "srv", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("api_key_cmd for provider `srv` took more than 10 s"))
        .stderr(predicate::str::contains("sk-late").not());
    assert!(started.elapsed() >= std::time::Duration::from_secs(10), "the limit is 10 s, not less");
}
