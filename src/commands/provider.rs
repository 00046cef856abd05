//! `agentry provider add|list|show|remove|models`.

use super::Invocation;
use crate::call::{self, CallError, Deadline, Link};
use crate::cli::{ProviderAddArgs, ProviderCommand};
use crate::config::{self, Config};
use crate::error::Failure;
use crate::files::LockMode;
use crate::paths::Source;
use crate::provider::registry::{self, MOCK_ID, NewProvider};
use crate::provider::{Answer, Client, NoDeltas, ProviderKind, ProviderView, is_valid_id};
use crate::settings::{self, CallEnv, CallFlags, LinkSettings};

pub(super) async fn run(ctx: &Invocation, command: ProviderCommand) -> anyhow::Result<()> {
    match command {
        ProviderCommand::Add(args) => add(ctx, args).await,
        ProviderCommand::List => {
            let config = ctx.config()?;
            let views: Vec<ProviderView> = config.registry.all().iter().map(ProviderView::from).collect();
            if ctx.printer.json {
                return ctx.printer.json(&views);
            }
            let rows = views
                .into_iter()
                .map(|v| {
                    vec![
                        v.id,
                        v.kind.as_str().to_string(),
                        v.model,
                        v.endpoint.unwrap_or_else(|| "(offline)".into()),
                        v.key_source,
                        if v.builtin { "built-in".into() } else { config.file.path.display().to_string() },
                    ]
                })
                .collect();
            Ok(ctx.printer.out(&ctx.printer.table(&["ID", "TYPE", "MODEL", "ENDPOINT", "KEY", "FROM"], rows, &[]))?)
        }
        ProviderCommand::Show { id } => {
            let config = ctx.config()?;
            let provider = config.registry.require(&id)?;
            let view = ProviderView::from(provider);
            if ctx.printer.json {
                return ctx.printer.json(&view);
            }
            let mut rows = vec![
                vec!["id".to_string(), view.id],
                vec!["name".into(), view.name],
                vec!["type".into(), view.kind.as_str().into()],
                vec![
                    if view.endpoints.len() > 1 { "endpoints".to_string() } else { "endpoint".into() },
                    if view.endpoints.is_empty() {
                        "(offline: no network)".into()
                    } else {
                        provider
                            .endpoints
                            .iter()
                            .map(|e| {
                                if e.weight == 1 {
                                    e.url.to_string()
                                } else {
                                    format!("{} (weight {})", e.url, e.weight)
                                }
                            })
                            .collect::<Vec<_>>()
                            .join(", ")
                    },
                ],
                vec!["model".into(), view.model],
                vec!["key".into(), view.key_source],
            ];
            if let Some(t) = provider.temperature {
                rows.push(vec!["temperature".into(), t.to_string()]);
            }
            if let Some(n) = provider.max_tokens {
                rows.push(vec!["max tokens".into(), n.to_string()]);
            }
            let duration = |d: Option<std::time::Duration>| d.map(|d| format!("{} ms", d.as_millis()));
            for (label, value) in [
                ("retries", provider.retries.map(|n| n.to_string())),
                ("timeout", duration(provider.timeout)),
                ("idle timeout", duration(provider.idle_timeout)),
                ("connect timeout", duration(provider.connect_timeout)),
                ("cooldown", duration(provider.cooldown)),
                ("rpm", provider.rpm.map(|n| n.to_string())),
                ("tpm", provider.tpm.map(|n| n.to_string())),
                ("context window", provider.context_window.map(|n| n.to_string())),
                ("ca cert", provider.ca_cert.as_ref().map(|p| p.display().to_string())),
                ("fallbacks", (!provider.fallbacks.is_empty()).then(|| provider.fallbacks.join(", "))),
            ] {
                if let Some(value) = value {
                    rows.push(vec![label.into(), value]);
                }
            }
            if !provider.headers.is_empty() {
                rows.push(vec!["headers".into(), provider.headers.keys().cloned().collect::<Vec<_>>().join(", ")]);
            }
            if !provider.params.is_empty() {
                rows.push(vec!["params".into(), provider.params.keys().cloned().collect::<Vec<_>>().join(", ")]);
            }
            let from = if provider.builtin { "built-in".into() } else { config.file.path.display().to_string() };
            rows.push(vec!["from".into(), from]);
            Ok(ctx.printer.out(&ctx.printer.table(&["FIELD", "VALUE"], rows, &[]))?)
        }
        ProviderCommand::Remove { id } => remove(ctx, &id).await,
        ProviderCommand::Models { id } => {
            let config = ctx.config()?;
            let provider = config.registry.require(&id)?;
            if Client::is_offline(provider) {
                ctx.printer.note(&format!("provider `{}` is an offline mock", provider.id));
            }
            let env = CallEnv::resolve(&ctx.env)?;
            let limit = settings::models_limit(&env).value;
            let flags = CallFlags::default();
            let chain = [Link {
                provider,
                request: None,
                settings: LinkSettings::resolve(&flags, &env, provider, limit),
                cache: None,
                budget: call::BudgetPlan::default(),
            }];
            let budget = Deadline { at: tokio::time::Instant::now() + limit, limit, backoff_scale: env.backoff_scale };
            let client = ctx.client();
            client.prepare(provider).await?;
            let store = ctx.store().await?;
            let events = ctx.manager().await?.call_events(None);
            let report = call::call(
                &client,
                &store,
                &chain,
                budget,
                &events,
                &mut NoDeltas,
                &std::sync::atomic::AtomicU32::default(),
            )
            .await;
            let models = match report.result {
                Ok(Answer::Models(models)) => models,
                Ok(Answer::Chat(_)) => Vec::new(),
                Err(CallError::Provider(err)) => return Err(err.into()),
                Err(CallError::State(err)) => return Err(err.into()),
                Err(CallError::Partial { error, .. }) => return Err(error.into()),
                Err(CallError::Budget(why)) => {
                    return Err(Failure::new(crate::error::ExitCode::Budget, format!("refused: {why}")).into());
                }
                Err(CallError::Deadline { skipped }) => {
                    let why = skipped.map_or_else(
                        || format!("provider `{}` did not list its models within {} s", provider.id, limit.as_secs()),
                        |wait| format!("not starting {wait}: listing models may take {} s", limit.as_secs()),
                    );
                    return Err(Failure::new(crate::error::ExitCode::Deadline, why)
                        .hint("AGENTRY_TIMEOUT sets how long `provider models` may take")
                        .into());
                }
            };
            if ctx.printer.json {
                return ctx.printer.json(&models);
            }
            let text: String = models.iter().map(|m| format!("{}\n", m.id)).collect();
            Ok(ctx.printer.out(&text)?)
        }
    }
}

pub(super) fn waiting(ctx: &Invocation) -> impl FnOnce(Option<u32>) {
    let printer = ctx.printer;
    move |pid| {
        let held = pid.map(|p| format!(" (held by process {p})")).unwrap_or_default();
        printer.status(&format!("waiting for the providers-file lock{held}"));
    }
}

async fn add(ctx: &Invocation, args: ProviderAddArgs) -> anyhow::Result<()> {
    if args.id == MOCK_ID {
        return Err(Failure::usage(format!("the id `{MOCK_ID}` is reserved for the built-in mock provider"))
            .hint("pick another id; `--type mock` works under any other id")
            .into());
    }
    if !is_valid_id(&args.id) {
        return Err(Failure::usage(format!(
            "invalid provider id `{}`: use letters, digits, `.`, `_` or `-`, starting with a letter or digit, at most 64 characters",
            args.id
        ))
        .into());
    }
    let mut args = args;
    let mut max_tokens_field = None;
    let kind = match (&args.preset, args.kind) {
        (Some(_), Some(_)) => {
            return Err(Failure::usage("--type does not go with --preset: the preset sets it")
                .hint("leave out --type, or leave out --preset and give --endpoint and --model")
                .into());
        }
        (Some(name), None) => {
            let Some(preset) = registry::find_preset(name) else {
                let names: Vec<&str> = registry::PRESETS.iter().map(|p| p.name).collect();
                return Err(
                    Failure::usage(format!("unknown preset `{name}`; the presets are {}", names.join(", "))).into()
                );
            };
            if preset.model.is_none() && args.model.is_none() {
                return Err(Failure::usage(format!(
                    "the {name} preset needs --model: a local server serves your own models"
                ))
                .hint(format!("e.g. agentry provider add {} --preset {name} --model llama3.2", args.id))
                .into());
            }
            args.endpoint = args.endpoint.or_else(|| Some(preset.endpoint.to_string()));
            args.model = args.model.or_else(|| preset.model.map(str::to_string));
            if args.api_key_env.is_none() && args.api_key_cmd.is_none() {
                args.api_key_env = preset.key_env.map(str::to_string);
            }
            max_tokens_field = preset.max_tokens_field;
            preset.kind
        }
        (None, Some(kind)) => kind,
        (None, None) => {
            return Err(Failure::usage("--type is required without --preset")
                .hint("e.g. --type openai, or --preset openai")
                .into());
        }
    };
    if kind == ProviderKind::Replay {
        return Err(Failure::usage("a replay provider answers from a cassette file; write its table by hand")
            .hint(format!(
                "[providers.{}] with type = \"replay\", cassette = \"FILE\" and the recorded model; or pass --replay FILE to any run",
                args.id
            ))
            .into());
    }
    if kind != ProviderKind::Mock {
        for (flag, value) in [("--endpoint", &args.endpoint), ("--model", &args.model)] {
            if value.as_deref().is_none_or(|v| v.trim().is_empty()) {
                return Err(Failure::usage(format!("{flag} is required for --type {}", kind.as_str()))
                    .hint("only --type mock works without an endpoint and a model")
                    .into());
            }
        }
    }
    if args.api_key_env.as_deref().is_some_and(|var| !registry::is_env_var_name(var)) {
        return Err(Failure::usage(
            "--api-key-env takes the name of an environment variable, such as OPENAI_API_KEY (the value is not shown; if it was a key, rotate it)",
        )
        .into());
    }
    let path = ctx.paths.providers_file.path.clone();
    let new = NewProvider {
        id: args.id.clone(),
        kind,
        endpoint: args.endpoint,
        model: args.model,
        name: args.name,
        api_key_env: args.api_key_env,
        api_key_cmd: args.api_key_cmd,
        max_tokens_field,
    };
    let _lock = config::lock(&path, LockMode::Exclusive, ctx.lock_timeout(), waiting(ctx)).await?;
    config::add(&path, &new)?;
    let created = if ctx.paths.providers_file.source == Source::Default { " (created)" } else { "" };
    ctx.printer.note(&format!("added provider {} to {}{created}", new.id, path.display()));
    if ctx.printer.json {
        let config = ctx.config()?;
        return ctx.printer.json(&ProviderView::from(config.registry.require(&new.id)?));
    }
    Ok(())
}

async fn remove(ctx: &Invocation, id: &str) -> anyhow::Result<()> {
    if id == MOCK_ID {
        return Err(Failure::usage("the built-in provider `mock` cannot be removed").into());
    }
    let config = ctx.config()?;
    if !config.file_exists || config.registry.get(id).is_none() {
        config.registry.require(id)?;
    }
    // Exclusive: `agent spawn` holds this lock shared while it checks the provider
    // and adds its agent, so the check below sees every agent that will use it.
    let _lock = config::lock(&config.file.path, LockMode::Exclusive, ctx.lock_timeout(), waiting(ctx)).await?;
    let current = Config::load(&config.file)?;
    current.registry.require(id)?;
    let snapshot = ctx.store().await?.snapshot().await?;
    let users: Vec<String> = snapshot.agents.into_iter().filter(|a| a.provider == id).map(|a| a.name).collect();
    if !users.is_empty() {
        return Err(Failure::usage(format!("provider `{id}` is in use by agent(s) {}", users.join(", ")))
            .hint(format!("stop those agents first: `agentry stop {}`", users.join(" ")))
            .into());
    }
    config::remove(&config.file.path, id, current.registry.place())?;
    ctx.printer.note(&format!("removed provider {id} from {}", config.file.path.display()));
    if ctx.printer.json {
        return ctx.printer.json(&serde_json::json!({ "removed": id }));
    }
    Ok(())
}
