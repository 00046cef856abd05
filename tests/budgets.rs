//! Budgets (issue #8): a run's --max-cost, an agent's and a provider's daily budget,
//! reservations of tasks in flight, refusals before anything is sent.

use std::time::Duration;

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

/// $100 per million tokens in and out: a task with max_tokens 1000 is estimated at
/// about $0.13 and, answering 1000 + 1000 tokens, costs $0.20.
const PRICED: &str = "pricing = { input = 100.0, output = 100.0 }\nmax_tokens = 1000";

async fn server(delay: Duration) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion("paid", 1000, 1000)).set_delay(delay))
        .mount(&server)
        .await;
    server
}

fn requests(server: &MockServer) -> usize {
    futures_lite_block(server.received_requests()).map_or(0, |r| r.len())
}

/// wiremock's recording is async; the tests below are sync around processes.
fn futures_lite_block<F: std::future::Future>(future: F) -> F::Output {
    tokio::task::block_in_place(|| tokio::runtime::Handle::current().block_on(future))
}

#[tokio::test(flavor = "multi_thread")]
async fn max_cost_below_one_estimate_is_refused_before_sending() {
    let server = server(Duration::ZERO).await;
    let env = Env::new();
    env.provider(&server.uri(), PRICED);
    env.spawn("rev", "srv");
    let output = env.cmd(&["task", "run", "rev", "x", "--max-cost", "0.05", "--json"]).output().expect("run");
    assert_eq!(output.status.code(), Some(7), "{}", stderr_of(&output));
    let result: Value = serde_json::from_slice(&output.stdout).expect("a refused task prints its object");
    assert_eq!((result["success"].as_bool(), result["error_class"].as_str()), (Some(false), Some("budget")));
    assert_eq!((result["cost_usd"].as_f64(), result["attempts"].as_u64()), (Some(0.0), Some(0)));
    assert!(stderr_of(&output).contains("would pass --max-cost $0.0500"), "{}", stderr_of(&output));
    assert_eq!(requests(&server), 0);
    let history = env.history_text();
    assert!(history.contains("\"error_class\":\"budget\""));
    let stats = env.json(&["stats", "--json"]);
    assert_eq!(
        (stats["totals"]["budget_refusals"].as_u64(), stats["totals"]["tasks_failed"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(env.agent("rev")["budget_refusals"], 1);
    // A big enough --max-cost lets it through.
    env.cmd(&["task", "run", "rev", "x", "--max-cost", "1"]).assert().success();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_s_and_a_provider_s_daily_budget_count_the_day_s_spend() {
    let server = server(Duration::ZERO).await;
    let env = Env::new();
    env.provider(&server.uri(), PRICED);
    env.cmd(&["agent", "spawn", "rev", "--provider", "srv", "--budget", "0.25"]).assert().success();
    env.cmd(&["task", "run", "rev", "first"]).assert().success();
    let output = env.cmd(&["task", "run", "rev", "second"]).output().expect("run");
    assert_eq!(output.status.code(), Some(7), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("agent `rev`'s daily budget of $0.2500 (spent today $0.2000"),
        "{}",
        stderr_of(&output)
    );
    assert_eq!(requests(&server), 1);

    let server = self::server(Duration::ZERO).await;
    let env = Env::new();
    env.provider(&server.uri(), &format!("{PRICED}\nbudget_daily = 0.25"));
    let one_shot = ["task", "run", "--persona", "examples/qa-engineer", "--provider", "srv", "x"];
    env.cmd(&one_shot).assert().success();
    env.cmd(&one_shot).assert().code(7).stderr(predicates::str::contains("provider `srv`'s budget_daily"));
    assert_eq!(requests(&server), 1);
    // Under a budget an unknown price is refused, with a hint to set one.
    env.provider(&server.uri(), "budget_daily = 1.0");
    env.cmd(&one_shot).assert().code(7).stderr(predicates::str::contains("set `pricing`"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_killed_task_s_reservation_no_longer_counts() {
    let server = server(Duration::from_secs(30)).await;
    let env = Env::new();
    env.provider(&server.uri(), &format!("{PRICED}\nbudget_daily = 0.2"));
    let one_shot = ["task", "run", "--persona", "examples/qa-engineer", "--provider", "srv", "x", "--timeout", "2"];
    let task = env.background(&one_shot);
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while requests(&server) == 0 {
        assert!(std::time::Instant::now() < deadline, "never sent");
        std::thread::sleep(Duration::from_millis(20));
    }
    // While it runs, its reservation holds the budget.
    env.cmd(&one_shot).assert().code(7);
    send_signal(task.pid(), "KILL");
    let _ = task.finish();
    if on_redis_suite() {
        // On Redis the reservation is a lease: nobody can know its process died until
        // the lease (30 s) expires; then the next task runs.
        env.cmd(&one_shot).assert().code(7);
        let deadline = std::time::Instant::now() + Duration::from_secs(45);
        loop {
            let code = env.cmd(&one_shot).output().expect("run").status.code();
            if code == Some(5) {
                break;
            }
            assert_eq!(code, Some(7));
            assert!(std::time::Instant::now() < deadline, "the reservation outlived its lease");
            std::thread::sleep(Duration::from_secs(1));
        }
        return;
    }
    // Killed: the next writer ignores and drops its reservation; the task runs
    // (and times out against the slow server: exit 5, not 7).
    env.cmd(&one_shot).assert().code(5);
}

#[tokio::test(flavor = "multi_thread")]
async fn parallel_tasks_under_one_budget_never_overspend() {
    let server = server(Duration::from_millis(1500)).await;
    let env = Env::new();
    // Room for three estimates ($0.13 each) at once.
    env.provider(&server.uri(), &format!("{PRICED}\nbudget_daily = 0.45"));
    let children: Vec<_> = (0..8)
        .map(|_| {
            let mut cmd = env.std_cmd(&["task", "run", "--persona", "examples/qa-engineer", "--provider", "srv", "x"]);
            std::thread::spawn(move || cmd.output().expect("run").status.code())
        })
        .collect();
    let codes: Vec<Option<i32>> = children.into_iter().map(|c| c.join().expect("join")).collect();
    let sent = requests(&server);
    assert!(sent <= 3, "{sent} requests under a budget with room for 3: {codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == Some(0)).count(), sent);
    assert!(codes.iter().all(|c| *c == Some(0) || *c == Some(7)), "{codes:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_batch_goes_on_past_refused_lines_and_a_fallback_over_budget_is_skipped() {
    let server = server(Duration::ZERO).await;
    let env = Env::new();
    env.provider(&server.uri(), PRICED);
    let file = env.dir.path().join("tasks.jsonl");
    let lines: String = (0..3)
        .map(|n| format!("{}\n", json!({"id": n, "description": format!("task {n}"), "persona": "examples/qa-engineer", "provider": "srv"})))
        .collect();
    std::fs::write(&file, lines).expect("write");
    let output = env
        .cmd(&["task", "run", "--file", file.to_str().expect("path"), "--max-cost", "0.3", "--ordered"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(7), "{}", stderr_of(&output));
    let results: Vec<Value> = stdout_of(&output).lines().map(|l| serde_json::from_str(l).expect("json")).collect();
    assert_eq!(results.len(), 3);
    let refused = results.iter().filter(|r| r["error_class"] == "budget").count();
    assert!((1..3).contains(&refused), "{results:?}");

    let backup = self::server(Duration::ZERO).await;
    let down = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({"error": {"message": "busy"}})))
        .mount(&down)
        .await;
    env.write_providers(&format!(
        "[providers.srv]\ntype = \"openai\"\nendpoint = \"{}/v1\"\nmodel = \"m\"\nretries = 0\nfallbacks = [\"backup\"]\n\
         [providers.backup]\ntype = \"openai\"\nendpoint = \"{}/v1\"\nmodel = \"m\"\n{PRICED}\nbudget_daily = 0.01\n",
        down.uri(),
        backup.uri()
    ));
    let output =
        env.cmd(&["task", "run", "--persona", "examples/qa-engineer", "--provider", "srv", "x"]).output().expect("run");
    assert_eq!(output.status.code(), Some(4), "{}", stderr_of(&output));
    assert!(
        stderr_of(&output).contains("skipping fallback backup: the task would pass provider `backup`'s budget_daily"),
        "{}",
        stderr_of(&output)
    );
    assert_eq!(requests(&backup), 0);
}
