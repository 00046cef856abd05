//! Through the LiteLLM proxy, the OpenAI-compatible gateway many teams already run:
//! plain, JSON, streamed and model-listing calls, and its mocked 429 and 500 answers
//! through agentry's retries and failover. Needs a running proxy: `.ci/run` installs
//! `litellm[proxy]` (pinned) in a cached venv, starts it with tests/fixtures/litellm.yaml
//! and sets AGENTRY_LITELLM_URL.

use crate::common::*;

const MASTER_KEY: &str = "sk-agentry-ci";

#[test]
#[ignore = "needs the LiteLLM proxy (pip litellm[proxy]); run by .ci/run"]
fn litellm_proxy_end_to_end() {
    let base = std::env::var("AGENTRY_LITELLM_URL").expect("AGENTRY_LITELLM_URL must point at a running proxy");
    let env = Env::new();
    env.write_providers(&format!(
        "[providers.ll]\ntype = \"custom\"\nendpoint = \"{base}/v1\"\nmodel = \"mock-ok\"\napi_key_env = \"LITELLM_KEY\"\n\n\
         [providers.limited]\ntype = \"custom\"\nendpoint = \"{base}/v1\"\nmodel = \"mock-429\"\napi_key_env = \"LITELLM_KEY\"\nfallbacks = [\"ll\"]\n\n\
         [providers.broken]\ntype = \"custom\"\nendpoint = \"{base}/v1\"\nmodel = \"mock-500\"\napi_key_env = \"LITELLM_KEY\"\n\n\
         [providers.wrongkey]\ntype = \"custom\"\nendpoint = \"{base}/v1\"\nmodel = \"mock-ok\"\napi_key_env = \"WRONG_KEY\"\n"
    ));
    let run = |args: &[&str]| {
        let mut full = vec!["task", "run", "--persona", "examples/code-reviewer"];
        full.extend_from_slice(args);
        env.cmd(&full)
            .env("LITELLM_KEY", MASTER_KEY)
            .env("WRONG_KEY", "sk-not-the-master-key")
            .env("AGENTRY_BACKOFF_SCALE", "0.01")
            .output()
            .expect("run agentry")
    };

    let plain = run(&["--provider", "ll", "Review: ship on Friday"]);
    assert!(plain.status.success(), "{}", stderr_of(&plain));
    assert_eq!(stdout_of(&plain), "Hello from LiteLLM\n");

    let json =
        run(&["--provider", "ll", "Review: ship on Friday", "--json", "--max-tokens", "50", "--temperature", "0"]);
    assert!(json.status.success(), "{}", stderr_of(&json));
    let result: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(result["response"], "Hello from LiteLLM");
    assert_eq!(result["provider_id"], "ll");
    assert_eq!(result["usage_estimated"], false);
    assert!(result["tokens_used"].as_u64().unwrap_or(0) > 0, "{result}");

    // LiteLLM splits the mock answer into several chunks and sends usage last.
    let streamed = run(&["--provider", "ll", "Review: ship on Friday", "--stream", "--json"]);
    assert!(streamed.status.success(), "{}", stderr_of(&streamed));
    let result: serde_json::Value = serde_json::from_slice(&streamed.stdout).expect("json");
    assert_eq!(result["response"], "Hello from LiteLLM");
    assert_eq!(result["usage_estimated"], false);
    let streamed = run(&["--provider", "ll", "Review: ship on Friday", "--stream"]);
    assert_eq!(stdout_of(&streamed), "Hello from LiteLLM\n");

    let models = env.cmd(&["provider", "models", "ll"]).env("LITELLM_KEY", MASTER_KEY).output().expect("run");
    assert!(models.status.success(), "{}", stderr_of(&models));
    let listed = stdout_of(&models);
    for model in ["mock-ok", "mock-429", "mock-500"] {
        assert!(listed.lines().any(|line| line == model), "{model} missing from {listed}");
    }

    // A 429 is retried, then fails over to the fallback, each step said on stderr.
    let failover = run(&["--provider", "limited", "Review: ship on Friday", "--retries", "1", "--json"]);
    assert!(failover.status.success(), "{}", stderr_of(&failover));
    let result: serde_json::Value = serde_json::from_slice(&failover.stdout).expect("json");
    assert_eq!(result["response"], "Hello from LiteLLM");
    assert_eq!(result["provider_id"], "ll");
    assert_eq!(result["requested_provider_id"], "limited");
    let err = stderr_of(&failover);
    assert!(err.contains("retrying limited"), "{err}");
    assert!(err.contains("failing over from limited to ll after 429"), "{err}");

    // A 500 is retried, then is exit 4 naming the provider and the status.
    let broken = run(&["--provider", "broken", "Review: ship on Friday", "--retries", "1"]);
    assert_eq!(broken.status.code(), Some(4), "{}", stderr_of(&broken));
    let err = stderr_of(&broken);
    assert!(err.contains("retrying broken"), "{err}");
    assert!(err.contains("broken") && err.contains("500"), "{err}");

    // A wrong key is refused by the proxy (401, or 400 "No connected db" when it runs
    // without a database, as here): exit 4, not retried, and no key in the output.
    let wrong = run(&["--provider", "wrongkey", "Review: ship on Friday", "-v"]);
    assert_eq!(wrong.status.code(), Some(4), "{}", stderr_of(&wrong));
    let err = stderr_of(&wrong);
    assert!(err.contains("provider `wrongkey` answered HTTP 4"), "{err}");
    assert!(!err.contains("retrying"), "{err}");
    assert!(!err.contains("sk-not-the-master-key") && !err.contains(MASTER_KEY), "{err}");

    // Every task went into the history with the provider that answered.
    let list = env.json(&["task", "list", "--json"]);
    let answered: Vec<&str> =
        list.as_array().expect("array").iter().filter_map(|t| t["provider_id"].as_str()).collect();
    assert!(answered.iter().filter(|p| **p == "ll").count() >= 5, "{answered:?}");
}
