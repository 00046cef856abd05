//! Many processes against one state: nothing lost, nothing torn, and a process
//! killed mid-task leaves its agent idle.

use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer};

use crate::common::*;

const SOLO: usize = 32;
const SHARED_TASKS: usize = 8;
const ONE_SHOTS: usize = 8;

#[tokio::test]
async fn parallel_processes_lose_no_update() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ok("parallel").set_delay(Duration::from_millis(30)))
        .mount(&server)
        .await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    env.spawn("shared", "srv");

    let script = |index: usize| -> Vec<String> {
        if index < SOLO {
            let name = format!("solo{index}");
            vec![
                "-c".into(),
                format!(
                    "\"$0\" agent spawn {name} --provider srv --project p{} >/dev/null && \"$0\" task run {name} 'task {index}'",
                    index % 3
                ),
            ]
        } else if index < SOLO + SHARED_TASKS {
            vec!["-c".into(), format!("\"$0\" task run shared 'shared {index}' -q")]
        } else {
            vec!["-c".into(), format!("\"$0\" task run --persona examples/qa-engineer --provider srv 'one {index}'")]
        }
    };
    let mut children = Vec::new();
    for index in 0..SOLO + SHARED_TASKS + ONE_SHOTS {
        let mut cmd = Command::new("sh");
        let args = script(index);
        cmd.arg(&args[0]).arg(&args[1]).arg(BIN);
        env.apply_vars(&mut cmd);
        cmd.env("AGENTRY_HOME", env.home())
            .env_remove("AGENTRY_PROVIDERS")
            .env_remove("AGENTRY_MAX_AGENTS")
            .current_dir(env.work())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        children.push(cmd.spawn().expect("spawn"));
    }
    for (index, child) in children.into_iter().enumerate() {
        let output = child.wait_with_output().expect("wait");
        assert!(output.status.success(), "process {index} failed: {}", stderr_of(&output));
        assert_eq!(stdout_of(&output), "parallel\n", "process {index}");
        if (SOLO..SOLO + SHARED_TASKS).contains(&index) {
            assert_eq!(stderr_of(&output), "", "-q silences the waiting line (process {index})");
        }
    }

    let stats = env.json(&["stats", "--json"]);
    let agents = stats["agents"].as_array().expect("agents");
    assert_eq!(agents.len(), SOLO + 1, "every spawned agent is there");
    for agent in agents {
        let expected = if agent["name"] == "shared" { SHARED_TASKS } else { 1 };
        assert_eq!(agent["tasks_completed"].as_u64(), Some(expected as u64), "{agent}");
        assert_eq!(agent["tokens_used"].as_u64(), Some(18 * expected as u64), "{agent}");
        assert_eq!(agent["status"], "idle");
    }
    let total_tasks = (SOLO + SHARED_TASKS + ONE_SHOTS) as u64;
    let srv = &stats["providers"][0];
    assert_eq!(srv["id"], "srv");
    assert_eq!(srv["tasks_completed"].as_u64(), Some(total_tasks));
    assert_eq!(srv["tokens_used"].as_u64(), Some(18 * total_tasks), "token totals add up exactly");
    assert_eq!(srv["prompt_tokens"].as_u64(), Some(11 * total_tasks));
    let history = env.history_text();
    let lines: Vec<Value> = history.lines().map(|l| serde_json::from_str(l).expect("whole JSON line")).collect();
    assert_eq!(lines.len() as u64, total_tasks);
    let mut task_ids: Vec<&str> = lines.iter().filter_map(|l| l["task_id"].as_str()).collect();
    task_ids.sort_unstable();
    task_ids.dedup();
    assert_eq!(task_ids.len() as u64, total_tasks, "task ids never collide");
    assert_eq!(server.received_requests().await.expect("recording").len() as u64, total_tasks);
}

#[cfg(unix)]
#[tokio::test]
async fn sigkill_mid_task_leaves_a_readable_state_and_an_idle_agent() {
    if on_redis_suite() {
        return; // the file backend's own files (tests/redis.rs covers Redis)
    }
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ok("slow").set_delay(Duration::from_secs(30)))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST")).and(path("/v1/chat/completions")).respond_with(ok("fast")).mount(&server).await;
    let env = Env::new();
    env.provider(&server.uri(), "");
    env.spawn("rev", "srv");
    let task = env.background(&["task", "run", "rev", "x"]);
    let working = env.wait_for_status("rev", "working", Duration::from_secs(10));
    assert_eq!(working["pid"], task.pid());
    // "working" starts at the claim, a moment before the request goes out: kill the
    // task once the server holds its (slow) request.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while server.received_requests().await.expect("recording").is_empty() {
        assert!(std::time::Instant::now() < deadline, "the request never arrived");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    send_signal(task.pid(), "KILL");
    let (code, _, _) = task.finish();
    assert_eq!(code, None, "killed by a signal");

    let state: Value = serde_json::from_str(&std::fs::read_to_string(env.home().join("state.json")).expect("state"))
        .expect("whole JSON");
    assert_eq!(state["schema_version"], 1);
    let agent = env.agent("rev");
    assert_eq!(agent["status"], "idle", "the OS released the agent's lock");
    assert_eq!(agent["pid"], Value::Null);
    env.cmd(&["task", "run", "rev", "again"]).assert().success().stdout("fast\n");
    assert_eq!(env.agent("rev")["tasks_completed"], 1);
}

#[test]
fn leftover_temp_files_from_killed_writers_are_harmless() {
    if on_redis_suite() {
        return; // the file backend's own files (tests/redis.rs covers Redis)
    }
    let env = Env::new();
    env.spawn("a", "mock");
    std::fs::write(env.home().join(".state.json.tmp-99999-deadbeef"), "{\"schema_version\": 1, \"age").expect("write");
    env.cmd(&["task", "run", "a", "x"]).assert().success();
    assert_eq!(env.agent("a")["tasks_completed"], 1);
}
