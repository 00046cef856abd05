//! Regression tests for the defects found by trying the core as a new user would and
//! by probing it with hostile input (issue #5), each against the real binary.

use std::io::Write;
use std::time::{Duration, Instant};

use predicates::prelude::*;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

const KEY: &str = "sk-echoed-0123456789abcdef";

async fn post_responds(server: &MockServer, template: ResponseTemplate) {
    Mock::given(method("POST")).and(path("/v1/chat/completions")).respond_with(template).mount(server).await;
}

fn one_shot<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["task", "run", "--persona", "examples/qa-engineer", "--provider", "srv", "x"];
    args.extend_from_slice(extra);
    args
}

// 1. A provider that echoes the key never makes agentry print or record it.
#[tokio::test]
async fn an_echoed_key_is_redacted_everywhere() {
    let header_secret = "hdr-secret-value-42";
    let bodies = [
        (200, json!({"echo": format!("Authorization: Bearer {KEY}; X-Api-Key: {header_secret}")}).to_string()),
        (400, json!({"error": {"message": format!("bad key {KEY} and {header_secret}")}}).to_string()),
        (200, json!({"error": {"message": format!("echo {KEY}")}}).to_string()),
        // The key straddles the 200-character cut of a snippet.
        (200, format!("{}{KEY} and more text after it", "x".repeat(190))),
    ];
    for (status, body) in bodies {
        let server = MockServer::start().await;
        post_responds(&server, ResponseTemplate::new(status).set_body_string(body.clone())).await;
        Mock::given(method("GET"))
            .and(path("/v1/models"))
            .respond_with(ResponseTemplate::new(200).set_body_string(body.clone()))
            .mount(&server)
            .await;
        let env = Env::new();
        env.provider(
            &server.uri(),
            &format!("api_key_env = \"TEST_ECHO_KEY\"\nheaders = {{ \"X-Api-Key\" = \"{header_secret}\" }}"),
        );
        let run = |args: &[&str]| env.cmd(args).env("TEST_ECHO_KEY", KEY).output().expect("run");
        for args in [one_shot(&["--json"]), one_shot(&["-v"]), vec!["provider", "models", "srv"]] {
            let output = run(&args);
            assert_eq!(output.status.code(), Some(4), "{args:?}: {}", stderr_of(&output));
            let text = format!("{}{}", stdout_of(&output), stderr_of(&output));
            assert!(!text.contains(KEY) && !text.contains("sk-echoed"), "{args:?} leaked the key: {text}");
            assert!(!text.contains(header_secret), "{args:?} leaked a header value: {text}");
            assert!(text.contains("(redacted)"), "{args:?}: {text}");
        }
        let files = all_files_text(&env.home());
        assert!(!files.contains(KEY) && !files.contains(header_secret), "a file agentry wrote holds a secret");
    }
}

// 2. Custom secret headers never follow a redirect to another origin.
#[tokio::test]
async fn a_redirect_to_another_origin_is_refused() {
    let elsewhere = MockServer::start().await;
    post_responds(&elsewhere, ok("stolen")).await;
    let server = MockServer::start().await;
    post_responds(
        &server,
        ResponseTemplate::new(307).insert_header("location", format!("{}/v1/chat/completions", elsewhere.uri())),
    )
    .await;
    let env = Env::new();
    env.provider(&server.uri(), "headers = { \"X-Api-Key\" = \"hdr-secret-value\" }");
    let output = env.cmd(&one_shot(&[])).output().expect("run");
    assert_eq!(output.status.code(), Some(4));
    let stderr = stderr_of(&output);
    assert!(
        stderr.contains("redirected") && stderr.contains(&server.uri()) && stderr.contains(&elsewhere.uri()),
        "{stderr}"
    );
    assert!(elsewhere.received_requests().await.expect("recording").is_empty(), "the request followed the redirect");
}

// 3. A paid answer reaches stdout even when it cannot be recorded.
#[cfg(target_os = "linux")]
#[tokio::test]
async fn the_answer_is_printed_even_when_recording_fails() {
    if on_redis_suite() {
        return; // the file backend's own files (tests/redis.rs covers Redis)
    }
    let server = MockServer::start().await;
    post_responds(&server, ok("the paid answer")).await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    env.spawn("rev", "srv");
    // A full disk: every write to /dev/full fails with ENOSPC.
    std::os::unix::fs::symlink("/dev/full", env.home().join("history.jsonl")).expect("symlink");
    let output = env.cmd(&["task", "run", "rev", "x"]).output().expect("run");
    assert_eq!(output.status.code(), Some(1), "{}", stderr_of(&output));
    assert_eq!(stdout_of(&output), "the paid answer\n");
    let stderr = stderr_of(&output);
    assert_eq!(stderr.lines().filter(|l| l.starts_with("error:")).count(), 1, "{stderr}");
    assert!(stderr.contains("was printed but was not recorded"), "{stderr}");
    assert!(stderr.contains("/dev/full") && stderr.contains("No space left on device"), "names the file: {stderr}");
    assert_eq!(env.agent("rev")["status"], "idle");
}

#[tokio::test]
async fn an_unusable_state_folder_is_exit_2_before_anything_is_sent() {
    if on_redis_suite() {
        return; // the file backend's own files (tests/redis.rs covers Redis)
    }
    let server = MockServer::start().await;
    post_responds(&server, ok("never")).await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    let blocker = env.dir.path().join("a-file");
    std::fs::write(&blocker, "not a folder").expect("write");
    let home = blocker.join("home");
    let providers = env.providers_file();
    let output =
        env.cmd(&one_shot(&[])).env("AGENTRY_HOME", &home).env("AGENTRY_PROVIDERS", &providers).output().expect("run");
    assert_eq!(output.status.code(), Some(2), "{}", stderr_of(&output));
    let stderr = stderr_of(&output);
    assert!(stderr.contains(&format!("hint: check that {} is writable", home.display())), "{stderr}");
    assert!(server.received_requests().await.expect("recording").is_empty(), "a request was sent");
}

// 4. History and state agree after kills, and a torn last line is cut.
#[test]
fn history_and_totals_agree_after_sigkills() {
    if on_redis_suite() {
        return; // the file backend's own files (tests/redis.rs covers Redis)
    }
    let env = Env::new();
    for round in 0..40u64 {
        let mut child =
            env.background(&["task", "run", "--persona", "examples/qa-engineer", "--provider", "mock", "x"]);
        std::thread::sleep(Duration::from_micros(fastrand::u64(0..8_000) + round * 50));
        let _ = child.child.kill();
        let _ = child.finish();
    }
    // A writer killed in the middle of a line.
    let history = env.home().join("history.jsonl");
    std::fs::create_dir_all(env.home()).expect("home");
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&history)
        .and_then(|mut f| f.write_all(br#"{"task_id":"tk_torn","wor"#))
        .expect("append");
    env.cmd(&["task", "run", "--persona", "examples/qa-engineer", "--provider", "mock", "last"]).assert().success();
    let text = std::fs::read_to_string(&history).expect("history");
    assert!(text.ends_with('\n'));
    for line in text.lines() {
        serde_json::from_str::<Value>(line).unwrap_or_else(|e| panic!("unparsable history line {line:?}: {e}"));
    }
    let stats = env.json(&["stats", "--json"]);
    let mock =
        stats["providers"].as_array().expect("providers").iter().find(|p| p["id"] == "mock").cloned().expect("mock");
    let total = mock["tasks_completed"].as_u64().expect("n") + mock["tasks_failed"].as_u64().expect("n");
    assert_eq!(total, text.lines().count() as u64, "totals and history disagree");
}

// 5. Bodies are read with a cap.
#[tokio::test]
async fn an_endless_body_is_cut_off_at_the_cap() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buffer = [0u8; 8192];
                let _ = socket.read(&mut buffer).await;
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, "a".repeat(64 * 1024));
                // Bounded so a broken client cannot keep the test server busy forever.
                for _ in 0..4096 {
                    if socket.write_all(chunk.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    let env = Env::new();
    env.provider(&format!("http://127.0.0.1:{port}"), "");
    let output = tokio::task::spawn_blocking(move || {
        let output = env.cmd(&one_shot(&[])).env("AGENTRY_MAX_BODY", "1MiB").output().expect("run");
        (output, env)
    })
    .await
    .expect("join")
    .0;
    assert_eq!(output.status.code(), Some(4), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("the answer of provider `srv` is larger than 1048576 bytes"),
        "{}",
        stderr_of(&output)
    );
}

// 6. `provider remove` and `agent spawn` take the same lock, beside the providers file.
#[test]
fn spawn_racing_remove_never_leaves_an_agent_on_a_removed_provider() {
    for trial in 0..12 {
        let env = Env::new();
        env.write_providers("max_agents = 64\n[providers.p]\ntype = \"mock\"\n");
        let spawn = env.background(&["agent", "spawn", &format!("a{trial}"), "--provider", "p"]);
        std::thread::sleep(Duration::from_micros(fastrand::u64(0..3_000)));
        let remove = env.background(&["provider", "remove", "p"]);
        let (spawned, _, _) = spawn.finish();
        let (removed, _, _) = remove.finish();
        let agents = env.json(&["agent", "list", "--json"]);
        let on_p = agents.as_array().expect("list").iter().filter(|a| a["provider"] == "p").count();
        let still_there = std::fs::read_to_string(env.providers_file()).expect("file").contains("[providers.p]");
        assert!(on_p == 0 || still_there, "trial {trial}: an agent uses a removed provider");
        assert!(spawned == Some(0) || removed == Some(0), "trial {trial}: both failed");
    }
}

#[test]
fn parallel_adds_from_two_homes_on_one_providers_file_keep_every_entry() {
    let env = Env::new();
    let shared = env.dir.path().join("shared-providers.toml");
    let other_home = env.dir.path().join("home2");
    let children: Vec<_> = (0..20)
        .map(|i| {
            let id = format!("p{i}");
            let home = if i % 2 == 0 { env.home() } else { other_home.clone() };
            let mut cmd = std::process::Command::new(BIN);
            for var in agentry::env_vars::EnvVars::ALL {
                cmd.env_remove(var);
            }
            cmd.args(["provider", "add", &id, "--type", "mock", "-q"])
                .env("AGENTRY_HOME", home)
                .env("AGENTRY_PROVIDERS", &shared)
                .stdin(std::process::Stdio::null())
                .spawn()
                .expect("spawn")
        })
        .collect();
    for mut child in children {
        assert!(child.wait().expect("wait").success());
    }
    let text = std::fs::read_to_string(&shared).expect("read");
    for i in 0..20 {
        assert!(text.contains(&format!("[providers.p{i}]")), "p{i} was lost:\n{text}");
    }
}

// 7. Symbolic-link loops in the personas folder.
#[cfg(unix)]
#[test]
fn persona_list_survives_symlink_loops_and_lists_each_once() {
    let env = Env::new();
    let root = env.work().join("personas");
    let folder = root.join("team/helper");
    std::fs::create_dir_all(&folder).expect("mkdir");
    std::fs::write(folder.join("SKILL.md"), "---\nname: helper\ndescription: Helps.\n---\nBody.\n").expect("write");
    for i in 0..8 {
        std::os::unix::fs::symlink("..", root.join(format!("team/loop{i}"))).expect("symlink");
    }
    std::os::unix::fs::symlink(&root, root.join("team/helper/back")).expect("symlink");
    let started = Instant::now();
    let list = env.json(&["persona", "list", "--json"]);
    assert!(started.elapsed() < Duration::from_secs(20), "the walk did not end");
    let helpers = list
        .as_array()
        .expect("array")
        .iter()
        .filter(|p| p["source"].as_str().is_some_and(|s| s.ends_with("helper")))
        .count();
    assert_eq!(helpers, 1, "{list}");
}

// 8. Usage that is not usable is estimated, never fatal.
#[tokio::test]
async fn an_unusable_usage_is_estimated() {
    let server = MockServer::start().await;
    let mut body = completion("fine", 1, 1);
    body["usage"] = json!({"prompt_tokens": 1.5, "completion_tokens": -2, "total_tokens": "many"});
    post_responds(&server, ResponseTemplate::new(200).set_body_json(body)).await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    let result = env.json(&one_shot(&["--json"]));
    assert_eq!(result["success"], true);
    assert_eq!(result["response"], "fine");
    assert_eq!(result["usage_estimated"], true);
}

// 9. Each timeout names itself.
#[test]
fn a_connect_timeout_says_so_and_is_exit_4() {
    // A listener that never accepts, its queue filled: further connects hang.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("addr");
    let mut held = Vec::new();
    for _ in 0..4096 {
        match std::net::TcpStream::connect_timeout(&address, Duration::from_millis(200)) {
            Ok(stream) => held.push(stream),
            Err(_) => break,
        }
    }
    let env = Env::new();
    env.provider(&format!("http://{address}"), "");
    let output = env.cmd(&one_shot(&["--connect-timeout", "1s", "--timeout", "60"])).output().expect("run");
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    assert!(stderr.contains("within 1 s (connect timeout)"), "{stderr}");
    drop(listener);
}

// 10. Endpoints are URLs: the query is kept, credentials are never shown.
#[tokio::test]
async fn endpoint_query_is_kept_and_credentials_are_never_shown() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(query_param("api-version", "2024-06-01"))
        .respond_with(ok("azure style"))
        .mount(&server)
        .await;
    let env = Env::new();
    let host = server.uri().trim_start_matches("http://").to_string();
    let endpoint = format!("http://user:url-password-77@{host}/v1?api-version=2024-06-01&api-key=sk-in-query-99");
    env.provider(&endpoint, "");
    env.spawn("rev", "srv");
    env.cmd(&["task", "run", "rev", "x"]).assert().success().stdout("azure style\n");
    for args in [
        vec!["provider", "list"],
        vec!["provider", "list", "--json"],
        vec!["provider", "show", "srv"],
        vec!["provider", "show", "srv", "--json"],
        vec!["task", "run", "rev", "x", "--dry-run"],
        vec!["task", "run", "rev", "x", "-v", "--json"],
    ] {
        let output = env.cmd(&args).output().expect("run");
        let text = format!("{}{}", stdout_of(&output), stderr_of(&output));
        assert!(!text.contains("url-password-77") && !text.contains("sk-in-query-99"), "{args:?}: {text}");
    }
    let shown = env.json(&["provider", "show", "srv", "--json"]);
    assert!(
        shown["endpoint"].as_str().is_some_and(|e| e.contains("api-version=2024-06-01") && e.contains("****")),
        "{shown}"
    );
    // An error names the endpoint without its secrets, and the history holds none.
    let closed = format!("http://user:url-password-77@127.0.0.1:{}/v1?api-key=sk-in-query-99", closed_port());
    env.provider(&closed, "");
    let output = env.cmd(&["task", "run", "rev", "x", "--json"]).output().expect("run");
    assert_eq!(output.status.code(), Some(4));
    let text = format!("{}{}", stdout_of(&output), stderr_of(&output));
    assert!(
        text.contains("cannot reach provider `srv`")
            && !text.contains("url-password-77")
            && !text.contains("sk-in-query-99"),
        "{text}"
    );
    let files = all_files_text(&env.home());
    assert!(!files.contains("url-password-77") && !files.contains("sk-in-query-99"), "a state file holds a secret");
}

// 11. Headers are checked when providers.toml is loaded.
#[test]
fn an_invalid_header_is_exit_2_at_load_naming_file_and_line() {
    let env = Env::new();
    env.write_providers("[providers.a]\ntype = \"mock\"\n\n[providers.b]\ntype = \"openai\"\nendpoint = \"http://h/v1\"\nmodel = \"m\"\nheaders = { \"X Bad\" = \"v\" }\n");
    let file = env.providers_file();
    env.cmd(&["provider", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(format!("error: {}:4: [providers.b] header name `X Bad`", file.display())));
}

// 12. A symlinked providers file stays a link; edits keep its mode.
#[cfg(unix)]
#[test]
fn editing_a_symlinked_providers_file_writes_through_the_link() {
    if on_redis_suite() {
        return; // the file backend's own files (tests/redis.rs covers Redis)
    }
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let dotfiles = env.dir.path().join("dotfiles");
    std::fs::create_dir_all(&dotfiles).expect("mkdir");
    let target = dotfiles.join("providers.toml");
    std::fs::write(&target, "# mine\n[providers.first]\ntype = \"mock\"\n").expect("write");
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).expect("chmod");
    std::fs::create_dir_all(env.home()).expect("home");
    std::os::unix::fs::symlink(&target, env.providers_file()).expect("symlink");
    env.cmd(&["provider", "add", "local", "--type", "mock"]).assert().success();
    assert!(env.providers_file().is_symlink(), "the link was replaced by a file");
    let text = std::fs::read_to_string(&target).expect("read");
    assert!(text.starts_with("# mine\n") && text.contains("[providers.local]"), "{text}");
    assert_eq!(mode_of(&target), 0o640);
    // The same for state.json.
    env.spawn("a", "mock");
    let state_target = dotfiles.join("state.json");
    std::fs::rename(env.home().join("state.json"), &state_target).expect("move");
    std::os::unix::fs::symlink(&state_target, env.home().join("state.json")).expect("symlink");
    env.spawn("b", "mock");
    assert!(env.home().join("state.json").is_symlink());
    assert!(std::fs::read_to_string(&state_target).expect("read").contains("\"b\""));
}

// 14. A timed-out key command leaves no child running.
// (The 10 s limit itself is tested in secrets.rs; this shares its wait.)
#[cfg(target_os = "linux")]
#[test]
fn a_timed_out_key_command_leaves_no_children() {
    let env = Env::new();
    let pid_file = env.dir.path().join("child.pid");
    env.provider(
        &format!("http://127.0.0.1:{}", closed_port()),
        &format!("api_key_cmd = \"sleep 40 & echo $! > '{}'; wait; echo sk-late\"", pid_file.display()),
    );
    env.cmd(&one_shot(&[])).assert().code(2).stderr(predicate::str::contains("took more than 10 s"));
    let pid = std::fs::read_to_string(&pid_file).expect("pid").trim().to_string();
    std::thread::sleep(Duration::from_millis(200));
    let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let alive = state.split(") ").nth(1).is_some_and(|rest| !rest.starts_with('Z'));
    assert!(!alive, "the key command's child {pid} is still running: {state}");
}

// 15. Errors name the real cause.
#[cfg(unix)]
#[test]
fn persona_errors_name_the_real_cause() {
    let env = Env::new();
    let root = env.work().join("personas");
    std::fs::create_dir_all(root.join("dir-file/PERSONA.md")).expect("mkdir");
    std::fs::write(root.join("dir-file/AI_START_HERE.md"), "## Your Mission\nx\n").expect("write");
    env.cmd(&["persona", "show", "dir-file"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("PERSONA.md is a folder, not a file"));
    std::os::unix::fs::symlink("loop-b", root.join("loop-a")).expect("symlink");
    std::os::unix::fs::symlink("loop-a", root.join("loop-b")).expect("symlink");
    env.cmd(&["persona", "show", "loop-a"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot read persona folder").and(predicate::str::contains("symbolic links")));
    std::fs::create_dir_all(root.join("bom")).expect("mkdir");
    std::fs::write(
        root.join("bom/SKILL.md"),
        "\u{feff}---\nname: bom\ndescription: With a byte-order mark.\n---\nBody.\n",
    )
    .expect("write");
    env.cmd(&["persona", "show", "bom"])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("# Your Character\nWith a byte-order mark."));
}

#[test]
fn negative_numbers_get_a_range_message_and_minus_zero_is_valid() {
    let env = Env::new();
    env.cmd(&one_shot(&["--temperature", "-1"]))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--temperature takes a number from 0 to 2 or `none`, not `-1`"));
    env.cmd(&one_shot(&["--max-tokens", "-1"]))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--max-tokens takes a whole number from 1"));
    let dry = env.json(&[
        "task",
        "run",
        "--persona",
        "examples/qa-engineer",
        "--provider",
        "mock",
        "x",
        "--temperature",
        "-0",
        "--dry-run",
        "--json",
    ]);
    assert_eq!(dry["body"]["temperature"], json!(0.0));
    env.cmd(&one_shot(&["--model", ""])).assert().code(2).stderr(predicate::str::contains("--model is empty"));
}

#[cfg(unix)]
#[test]
fn a_fifo_as_the_providers_file_is_refused() {
    let env = Env::new();
    let fifo = env.dir.path().join("fifo.toml");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo").success());
    let started = Instant::now();
    env.cmd(&["provider", "list", "--providers", fifo.to_str().expect("utf-8")])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not a regular file"));
    assert!(started.elapsed() < Duration::from_secs(20));
}

// 16. Seen against real servers.
#[tokio::test]
async fn configured_headers_replace_agentry_s_own() {
    let server = MockServer::start().await;
    post_responds(&server, ok("ok")).await;
    let env = Env::new();
    env.provider(
        &server.uri(),
        "api_key_env = \"TEST_HDR_KEY\"\nheaders = { \"authorization\" = \"Token custom-1\", \"Content-Type\" = \"application/json; charset=utf-8\" }",
    );
    env.cmd(&one_shot(&[])).env("TEST_HDR_KEY", "sk-unused").assert().success();
    let requests = server.received_requests().await.expect("recording");
    let headers = &requests[0].headers;
    let auth: Vec<_> = headers.get_all("authorization").iter().collect();
    assert_eq!(auth.len(), 1, "{auth:?}");
    assert_eq!(auth[0], "Token custom-1");
    let types: Vec<_> = headers.get_all("content-type").iter().collect();
    assert_eq!(types, ["application/json; charset=utf-8"]);
    assert_eq!(headers.get_all("user-agent").iter().count(), 1);
}

#[tokio::test]
async fn a_server_s_error_message_is_shown_whole_and_529_is_named() {
    let long = format!("prompt too large: {} end-of-message", "details ".repeat(120));
    let server = MockServer::start().await;
    post_responds(&server, ResponseTemplate::new(422).set_body_json(json!({"error": {"message": long}}))).await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    let output = env.cmd(&one_shot(&[])).output().expect("run");
    assert_eq!(output.status.code(), Some(4));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("end-of-message"), "cut: {stderr}");
    assert_eq!(
        stderr.lines().next().map(|l| l.contains("answered HTTP 422 Unprocessable Entity")),
        Some(true),
        "{stderr}"
    );

    let server = MockServer::start().await;
    post_responds(&server, ResponseTemplate::new(529).set_body_json(json!({"error": {"message": "busy"}}))).await;
    env.provider(&server.uri(), "");
    env.cmd(&one_shot(&[])).assert().code(4).stderr(predicate::str::contains("answered HTTP 529 overloaded: busy"));
}

#[test]
fn params_may_not_set_what_has_its_own_key() {
    let env = Env::new();
    env.write_providers("[providers.srv]\ntype = \"openai\"\nendpoint = \"http://h/v1\"\nmodel = \"m\"\nparams = { temperature = 0.1 }\n");
    env.cmd(&["provider", "list"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("params may not set `temperature`; use the `temperature` key"));
}

#[tokio::test]
async fn finish_reason_tool_calls_warns() {
    let server = MockServer::start().await;
    let mut body = completion("", 1, 1);
    body["choices"][0]["finish_reason"] = json!("tool_calls");
    body["choices"][0]["message"]["content"] = Value::Null;
    post_responds(&server, ResponseTemplate::new(200).set_body_json(body)).await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    env.cmd(&one_shot(&[]))
        .assert()
        .success()
        .stderr(predicate::str::contains("warning: the model asked to call a tool (finish_reason: tool_calls)"));
}

#[cfg(unix)]
#[tokio::test]
async fn sigterm_on_a_one_shot_task_does_not_mention_an_agent() {
    let server = MockServer::start().await;
    post_responds(&server, ok("late").set_delay(Duration::from_secs(30))).await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    let uri = server.uri();
    let (code, stderr) = tokio::task::spawn_blocking(move || {
        let mut child = env.background(&one_shot(&["-v"]));
        child.wait_for_stderr(&format!("> POST {uri}"), Duration::from_secs(20));
        std::thread::sleep(Duration::from_millis(200));
        send_signal(child.pid(), "TERM");
        let (code, _, lines) = child.finish();
        (code, lines.join("\n"))
    })
    .await
    .expect("join");
    assert_eq!(code, Some(143), "{stderr}");
    assert!(stderr.contains("error: interrupted by SIGTERM"), "{stderr}");
    assert!(!stderr.contains("the agent is idle"), "{stderr}");
}

// The state lock waits off the runtime thread, with a timeout naming the lock and its holder.
#[test]
fn a_held_state_lock_times_out_with_exit_2_naming_it() {
    if on_redis_suite() {
        return; // the file backend's own files (tests/redis.rs covers Redis)
    }
    let env = Env::new();
    env.spawn("first", "mock");
    let lock_path = env.home().join("locks/state.lock");
    let lock = std::fs::OpenOptions::new().read(true).write(true).open(&lock_path).expect("open");
    lock.lock().expect("lock");
    (&lock).write_all(b"4242").expect("pid");
    let started = Instant::now();
    let output = env
        .cmd(&["agent", "spawn", "second", "--provider", "mock"])
        .env("AGENTRY_LOCK_TIMEOUT", "1s")
        .output()
        .expect("run");
    assert!(started.elapsed() >= Duration::from_secs(1), "gave up before the timeout");
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr_of(&output);
    assert!(stderr.contains("waiting for the state lock (held by process 4242)"), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "error: timed out after 1 s waiting for the state lock ({}, held by process 4242)",
            lock_path.display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("AGENTRY_LOCK_TIMEOUT"), "{stderr}");
    drop(lock);
    env.cmd(&["agent", "spawn", "second", "--provider", "mock"]).assert().success();
}
