//! providers.toml, `provider …`, personas and `paths`.

use predicates::prelude::*;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::*;

const PROVIDER_KEYS: &[&str] =
    &["id", "name", "type", "endpoint", "endpoints", "model", "key_source", "builtin", "fallbacks", "api"];

#[test]
fn add_list_show_remove() {
    let env = Env::new();
    env.cmd(&[
        "provider",
        "add",
        "openai",
        "--type",
        "openai",
        "--endpoint",
        "https://api.openai.com/v1",
        "--model",
        "gpt-4o-mini",
        "--api-key-env",
        "OPENAI_API_KEY",
    ])
    .assert()
    .success()
    .stdout("");
    env.cmd(&[
        "provider",
        "add",
        "local",
        "--type",
        "local",
        "--endpoint",
        "http://localhost:11434/v1/",
        "--model",
        "llama3",
        "--name",
        "Ollama",
    ])
    .assert()
    .success();
    env.cmd(&[
        "provider",
        "add",
        "vault",
        "--type",
        "custom",
        "--endpoint",
        "http://x/v1",
        "--model",
        "m",
        "--api-key-cmd",
        "echo k",
    ])
    .assert()
    .success();
    let list = env.json(&["provider", "list", "--json"]);
    let ids: Vec<&str> = list.as_array().expect("array").iter().filter_map(|p| p["id"].as_str()).collect();
    assert_eq!(ids, ["local", "openai", "vault", "mock"]);
    for item in list.as_array().expect("array") {
        assert_eq!(keys(item), sorted(PROVIDER_KEYS));
    }
    let openai = env.json(&["provider", "show", "openai", "--json"]);
    assert_eq!(
        openai,
        json!({"id": "openai", "name": "openai", "type": "openai", "endpoint": "https://api.openai.com/v1",
               "endpoints": ["https://api.openai.com/v1"], "model": "gpt-4o-mini",
               "key_source": "env:OPENAI_API_KEY", "builtin": false, "fallbacks": [], "api": null})
    );
    let local = env.json(&["provider", "show", "local", "--json"]);
    assert_eq!(
        (local["endpoint"].as_str(), local["name"].as_str()),
        (Some("http://localhost:11434/v1"), Some("Ollama"))
    );
    assert_eq!(env.json(&["provider", "show", "vault", "--json"])["key_source"], "cmd");
    let mock = env.json(&["provider", "show", "mock", "--json"]);
    assert_eq!((mock["builtin"].as_bool(), mock["type"].as_str()), (Some(true), Some("mock")));

    #[cfg(unix)]
    {
        assert_eq!(mode_of(&env.providers_file()), 0o600, "a file agentry creates is 0600");
        assert_eq!(mode_of(&env.home()), 0o700);
    }

    env.cmd(&["provider", "remove", "openai"]).assert().success();
    env.cmd(&["provider", "show", "openai"]).assert().code(3);
    env.cmd(&["provider", "remove", "openai"]).assert().code(3);
    env.cmd(&["provider", "remove", "mock"]).assert().code(2);
}

#[test]
fn add_refuses_reserved_invalid_duplicate_and_missing_fields() {
    let env = Env::new();
    env.cmd(&["provider", "add", "mock", "--type", "mock"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("reserved"));
    env.cmd(&["provider", "add", "bad id", "--type", "mock"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("invalid provider id"));
    env.cmd(&["provider", "add", "x", "--type", "openai", "--model", "m"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--endpoint is required"));
    env.cmd(&["provider", "add", "x", "--type", "grpc"]).assert().code(2);
    env.cmd(&["provider", "add", "x", "--type", "mock"]).assert().success();
    env.cmd(&["provider", "add", "x", "--type", "mock"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("already exists"));
    env.cmd(&["provider", "add", "y", "--type", "openai", "--endpoint", "not a url", "--model", "m"]).assert().code(2);
    env.cmd(&["provider", "add", "z", "--type", "mock", "--api-key", "sk-x"]).assert().code(2);
    env.cmd(&["provider", "add", "z", "--type", "mock", "--api-key-env", "sk-live-123"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--api-key-env takes the name of an environment variable"))
        .stderr(predicate::str::contains("sk-live-123").not());
    let list = env.json(&["provider", "list", "--json"]);
    assert_eq!(list.as_array().map(Vec::len), Some(2), "{list}");
}

#[test]
fn add_and_remove_keep_comments_and_order() {
    let env = Env::new();
    let original = "# team providers\nmax_agents = 5\n\n# local first\n[providers.local]\ntype = \"local\" # ollama\nendpoint = \"http://localhost:11434/v1\"\nmodel = \"llama3\"\n";
    env.write_providers(original);
    env.cmd(&["provider", "add", "extra", "--type", "mock"]).assert().success();
    let text = std::fs::read_to_string(env.providers_file()).expect("read");
    assert!(text.starts_with(original), "{text}");
    env.cmd(&["provider", "remove", "extra"]).assert().success();
    assert_eq!(std::fs::read_to_string(env.providers_file()).expect("read"), original);
}

#[test]
fn remove_is_refused_while_an_agent_uses_the_provider() {
    let env = Env::new();
    env.write_providers("[providers.p]\ntype = \"mock\"\n");
    env.spawn("a1", "p");
    env.cmd(&["provider", "remove", "p"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("in use by agent(s) a1"))
        .stderr(predicate::str::contains("hint: stop those agents first: `agentry stop a1`"));
    env.cmd(&["stop", "a1"]).assert().success();
    env.cmd(&["provider", "remove", "p"]).assert().success();
}

#[test]
fn broken_providers_file_errors_name_file_and_line() {
    let env = Env::new();
    let file = env.providers_file();
    let file = file.display();
    for (text, needle) in [
        (
            "[providers.a]\ntype = \"openai\"\nendpoint = \"http://x/v1\"\nmodel = \"m\"\ntempreature = 1\n",
            format!("{file}:5: unknown key `tempreature`"),
        ),
        ("[providers.a]\ntype = \"grpc\"\n", format!("{file}:2:")),
        ("[providers.a]\ntype = \"mock\"\n[providers.a]\ntype = \"mock\"\n", format!("{file}:3:")),
        ("[providers.mock]\ntype = \"mock\"\n", "reserved".to_string()),
        ("this is not toml\n", format!("{file}:1:")),
        ("[providers.a]\ntype = \"openai\"\nendpoint = \"http://x/v1\"\n", "needs a `model`".to_string()),
    ] {
        env.write_providers(text);
        let output = env.cmd(&["provider", "list"]).output().expect("run");
        assert_eq!(output.status.code(), Some(2), "{text}");
        let stderr = stderr_of(&output);
        assert!(stderr.starts_with("error: ") && stderr.contains(&needle), "{needle} not in {stderr}");
        assert_eq!(stderr.lines().filter(|l| l.starts_with("error:")).count(), 1);
        assert!(stdout_of(&output).is_empty());
    }
}

#[test]
fn providers_file_precedence_flag_env_cwd_home() {
    let env = Env::new();
    env.write_providers("[providers.from_home]\ntype = \"mock\"\n");
    let ids = |cmd: &mut assert_cmd::Command| -> Vec<String> {
        let output = cmd.output().expect("run");
        assert!(output.status.success(), "{}", stderr_of(&output));
        let list: Value = serde_json::from_slice(&output.stdout).expect("json");
        list.as_array().expect("array").iter().filter_map(|p| p["id"].as_str().map(str::to_string)).collect()
    };
    assert_eq!(ids(&mut env.cmd(&["provider", "list", "--json"])), ["from_home", "mock"]);
    std::fs::write(env.work().join("providers.toml"), "[providers.from_cwd]\ntype = \"mock\"\n").expect("write");
    assert_eq!(ids(&mut env.cmd(&["provider", "list", "--json"])), ["from_cwd", "mock"]);
    let env_file = env.dir.path().join("env.toml");
    std::fs::write(&env_file, "[providers.from_env]\ntype = \"mock\"\n").expect("write");
    let flag_file = env.dir.path().join("flag.toml");
    std::fs::write(&flag_file, "[providers.from_flag]\ntype = \"mock\"\n").expect("write");
    assert_eq!(ids(env.cmd(&["provider", "list", "--json"]).env("AGENTRY_PROVIDERS", &env_file)), ["from_env", "mock"]);
    let flag = flag_file.to_str().expect("utf8");
    assert_eq!(
        ids(env.cmd(&["provider", "list", "--json", "--providers", flag]).env("AGENTRY_PROVIDERS", &env_file)),
        ["from_flag", "mock"]
    );
    env.cmd(&["provider", "list", "--providers", "/no/such.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("/no/such.toml (from --providers) does not exist"));
    let paths = env.json(&["paths", "--json"]);
    assert_eq!(paths["providers_file"]["source"], "working_dir");
}

#[test]
fn paths_json_says_where_each_choice_came_from() {
    if on_redis_suite() {
        return; // the file backend's own files (tests/redis.rs covers Redis)
    }
    let env = Env::new();
    let paths = env.json(&["paths", "--json"]);
    assert_eq!(
        keys(&paths),
        sorted(&[
            "home",
            "providers_file",
            "personas_dir",
            "state_dir",
            "state_file",
            "history_file",
            "locks_dir",
            "bodies_dir",
            "prompts_dir",
            "cache_dir",
            "limits_file",
            "budgets_file",
            "spool_dir",
            "settings"
        ])
    );
    // What `paths` names is where the state really goes: after a cached, budgeted task
    // each of them exists.
    for key in ["bodies_dir", "prompts_dir", "cache_dir", "budgets_file", "limits_file"] {
        assert_eq!(paths[key]["exists"], false, "{key} before any task");
    }
    env.write_providers("[providers.m]\ntype = \"mock\"\nbudget_daily = 5.0\nrpm = 6000\n");
    env.cmd(&["task", "run", "--persona", "examples/code-reviewer", "--provider", "m", "hi", "--cache"])
        .assert()
        .success();
    let after = env.json(&["paths", "--json"]);
    for key in ["bodies_dir", "prompts_dir", "cache_dir", "budgets_file", "limits_file"] {
        assert_eq!(after[key]["exists"], true, "{key} after a task: {}", after[key]);
    }
    assert_eq!(
        paths["settings"]["max_agents"],
        json!({"value": 10, "source": "default", "source_description": "default"})
    );
    assert_eq!(paths["settings"]["lock_timeout_ms"]["value"], 60_000);
    assert_eq!(paths["settings"]["max_body_bytes"]["value"], 32 * 1024 * 1024);
    let output = env.cmd(&["paths", "--json"]).env("AGENTRY_LOCK_TIMEOUT", "2s").output().expect("run");
    let with_env: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(
        with_env["settings"]["lock_timeout_ms"],
        json!({"value": 2000, "source": "env", "source_description": "AGENTRY_LOCK_TIMEOUT"})
    );
    let home = env.home().display().to_string();
    assert_eq!(paths["home"]["path"], home.as_str());
    assert_eq!(paths["home"]["source"], "env");
    assert_eq!(paths["state_dir"]["path"], home.as_str());
    assert_eq!(paths["providers_file"]["path"], format!("{home}/providers.toml"));
    assert_eq!(paths["providers_file"]["source"], "default");
    assert_eq!(paths["personas_dir"], Value::Null);
    let flagged = env.json(&["paths", "--json", "--home", "/tmp/agentry-flag-home"]);
    assert_eq!(flagged["home"]["source"], "flag");
    // Without a home: the platform state dir.
    let output = env.cmd(&["paths", "--json"]).env_remove("AGENTRY_HOME").output().expect("run");
    let paths: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(paths["home"], Value::Null);
    assert_eq!(paths["state_dir"]["source"], "state_dir");
    assert_eq!(paths["state_dir"]["path"], env.dir.path().join("xdg-state/agentry").display().to_string());
    assert_eq!(
        paths["providers_file"]["path"],
        env.dir.path().join("xdg-config/agentry/providers.toml").display().to_string()
    );
}

#[tokio::test]
async fn models_lists_what_the_server_serves_with_the_key() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/models"))
        .and(header("authorization", "Bearer sk-models"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "list",
            "data": [{"id": "model-a", "object": "model", "owned_by": "me"}, {"id": "model-b", "object": "model", "owned_by": "me"}]
        })))
        .mount(&server)
        .await;
    let env = Env::new();
    env.provider(&server.uri(), "api_key_env = \"TEST_MODELS_KEY\"");
    env.cmd(&["provider", "models", "srv"])
        .env("TEST_MODELS_KEY", "sk-models")
        .assert()
        .success()
        .stdout("model-a\nmodel-b\n");
    let json = {
        let output = env
            .cmd(&["provider", "models", "srv", "--json"])
            .env("TEST_MODELS_KEY", "sk-models")
            .output()
            .expect("run");
        serde_json::from_slice::<Value>(&output.stdout).expect("json")
    };
    assert_eq!(json[1]["id"], "model-b");
    env.cmd(&["provider", "models", "srv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("environment variable TEST_MODELS_KEY is not set"));
}

#[test]
fn personas_list_show_and_folder_override() {
    let env = Env::new();
    let list = env.json(&["persona", "list", "--json"]);
    let names: Vec<&str> = list.as_array().expect("array").iter().filter_map(|p| p["name"].as_str()).collect();
    for expected in [
        "examples/code-reviewer",
        "examples/decision-maker",
        "examples/devops-engineer",
        "examples/documentation-manager",
        "examples/project-manager",
        "examples/qa-engineer",
    ] {
        assert!(names.contains(&expected), "{expected} missing from {names:?}");
    }
    assert!(list.as_array().expect("array").iter().all(|p| p["source"] == "built-in"));
    let prompt = stdout_of(&env.cmd(&["persona", "show", "examples/qa-engineer"]).output().expect("run"));
    assert!(prompt.starts_with("# Your Character\nA tester who enjoys breaking things on purpose."), "{prompt}");
    assert!(
        prompt.contains("\n\n# Autonomy Guidelines\nYou choose which cases to test"),
        "falls back to ## Autonomy Level"
    );
    assert!(
        prompt.contains("\n\n# Decision Making\n1. Test what a user does most"),
        "falls back to ## Decision Making"
    );
    assert!(!prompt.contains("Tone") && !prompt.contains("Focus Areas"));

    let folder = env.work().join("personas/examples/qa-engineer");
    std::fs::create_dir_all(&folder).expect("mkdir");
    std::fs::write(folder.join("PERSONA.md"), "## Character\nLocal override.\n").expect("write");
    std::fs::write(folder.join("AI_START_HERE.md"), "## Your Mission\nTest locally.\n").expect("write");
    env.cmd(&["persona", "show", "examples/qa-engineer"])
        .assert()
        .success()
        .stdout("# Your Character\nLocal override.\n\n# Your Mission\nTest locally.\n");
    let list = env.json(&["persona", "list", "--json"]);
    let qa = list.as_array().expect("array").iter().find(|p| p["name"] == "examples/qa-engineer").cloned().expect("qa");
    assert_eq!(qa["builtin"], false);
    assert!(qa["source"].as_str().is_some_and(|s| s.ends_with("personas/examples/qa-engineer")));

    let broken = env.work().join("personas/broken");
    std::fs::create_dir_all(&broken).expect("mkdir");
    std::fs::write(broken.join("SKILL.md"), "---\nname: b\nnot a pair\n---\n").expect("write");
    env.cmd(&["persona", "show", "broken"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("personas/broken/SKILL.md:3: front matter is not valid YAML"));
    env.cmd(&["persona", "show", "nobody"]).assert().code(3);
    env.cmd(&["persona", "show", "../etc"]).assert().code(2);
}

#[test]
fn corrupt_state_file_is_a_one_line_error_and_is_not_overwritten() {
    if on_redis_suite() {
        return; // the file backend's own files (tests/redis.rs covers Redis)
    }
    let env = Env::new();
    std::fs::create_dir_all(env.home()).expect("mkdir");
    let state = env.home().join("state.json");
    std::fs::write(&state, "{\"schema_version\": 1, \"agents\": [{\"id\": ").expect("write");
    for args in [vec!["agent", "list"], vec!["agent", "spawn", "a", "--provider", "mock"], vec!["stats"]] {
        let output = env.cmd(&args).output().expect("run");
        assert_eq!(output.status.code(), Some(2));
        let stderr = stderr_of(&output);
        assert!(stderr.starts_with(&format!("error: state file {} is unreadable", state.display())), "{stderr}");
        assert!(stderr.contains("hint: "), "{stderr}");
    }
    assert_eq!(std::fs::read_to_string(&state).expect("read"), "{\"schema_version\": 1, \"agents\": [{\"id\": ");
}

#[test]
fn help_lists_exit_codes_and_version_works() {
    let env = Env::new();
    env.cmd(&["--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Exit codes:"))
        .stdout(predicate::str::contains("143  terminated (SIGTERM)"));
    env.cmd(&["--version"]).assert().success().stdout(predicate::str::starts_with("agentry "));
    env.cmd(&["nonsense"]).assert().code(2);
}

#[test]
fn add_without_a_home_creates_the_file_in_the_config_dir() {
    let env = Env::new();
    env.cmd(&[
        "provider",
        "add",
        "local",
        "--type",
        "local",
        "--endpoint",
        "http://localhost:11434/v1",
        "--model",
        "llama3",
    ])
    .env_remove("AGENTRY_HOME")
    .assert()
    .success();
    let file = env.dir.path().join("xdg-config/agentry/providers.toml");
    let text = std::fs::read_to_string(&file).expect("created in the config dir");
    assert!(text.contains("[providers.local]"), "{text}");
    #[cfg(unix)]
    {
        assert_eq!(mode_of(file.parent().expect("parent")), 0o700);
    }
    let paths = {
        let output = env.cmd(&["paths", "--json"]).env_remove("AGENTRY_HOME").output().expect("run");
        serde_json::from_slice::<Value>(&output.stdout).expect("json")
    };
    assert_eq!(paths["providers_file"]["source"], "config_dir");
    assert_eq!(paths["providers_file"]["exists"], true);
}

#[cfg(unix)]
#[test]
fn every_file_agentry_creates_is_private() {
    if on_redis_suite() {
        return; // the file backend's own files (tests/redis.rs covers Redis)
    }
    let env = Env::new();
    env.spawn("a", "mock");
    env.cmd(&["task", "run", "a", "x"]).assert().success();
    let home = env.home();
    assert_eq!(mode_of(&home), 0o700);
    assert_eq!(mode_of(&home.join("locks")), 0o700);
    assert_eq!(mode_of(&home.join("state.json")), 0o600);
    assert_eq!(mode_of(&home.join("history.jsonl")), 0o600);
    for entry in std::fs::read_dir(home.join("locks")).expect("locks") {
        let path = entry.expect("entry").path();
        assert_eq!(mode_of(&path), 0o600, "{}", path.display());
    }
}

#[test]
fn personas_folder_from_flag_then_env_then_working_dir() {
    let env = Env::new();
    let write = |dir: &std::path::Path, text: &str| {
        std::fs::create_dir_all(dir.join("p")).expect("mkdir");
        std::fs::write(dir.join("p/SKILL.md"), format!("---\nname: p\ndescription: {text}\n---\n")).expect("write");
    };
    let flag_dir = env.dir.path().join("flag-personas");
    let env_dir = env.dir.path().join("env-personas");
    write(&flag_dir, "From the flag.");
    write(&env_dir, "From the env.");
    write(&env.work().join("personas"), "From the working dir.");
    let flag = flag_dir.to_str().expect("utf8");
    env.cmd(&["persona", "show", "p"]).assert().success().stdout("# Your Character\nFrom the working dir.\n");
    env.cmd(&["persona", "show", "p"])
        .env("AGENTRY_PERSONAS", &env_dir)
        .assert()
        .success()
        .stdout("# Your Character\nFrom the env.\n");
    env.cmd(&["persona", "show", "p", "--personas", flag])
        .env("AGENTRY_PERSONAS", &env_dir)
        .assert()
        .success()
        .stdout("# Your Character\nFrom the flag.\n");
    let paths = {
        let output = env.cmd(&["paths", "--json", "--personas", flag]).output().expect("run");
        serde_json::from_slice::<Value>(&output.stdout).expect("json")
    };
    assert_eq!(paths["personas_dir"]["source"], "flag");
    // The built-ins stay available underneath a folder that lacks them.
    env.cmd(&["persona", "show", "examples/qa-engineer", "--personas", flag]).assert().success();
}
