//! providers.toml: reading it into [`Provider`]s with errors that name the file and
//! line, and editing it for `provider add` / `remove` while keeping comments and order.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use serde::Deserialize;
use toml_edit::{DocumentMut, Item, Table, value};

use super::{KeySource, MaxTokensField, Provider, ProviderKind, SecretString, is_valid_id};
use crate::error::Failure;
use crate::paths::{Located, Paths, Source};

pub const MOCK_ID: &str = "mock";

/// Keys the request body owns; `params` may not replace them.
const RESERVED_PARAMS: &[&str] = &["model", "messages", "stream"];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    max_agents: Option<u32>,
    #[serde(default)]
    providers: BTreeMap<String, toml::Spanned<Entry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    name: Option<String>,
    #[serde(rename = "type")]
    kind: ProviderKind,
    endpoint: Option<String>,
    model: Option<String>,
    api_key_env: Option<String>,
    api_key_cmd: Option<String>,
    api_key: Option<SecretString>,
    temperature: Option<f64>,
    max_tokens: Option<u32>,
    max_tokens_field: Option<MaxTokensField>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    params: toml::Table,
}

/// The built-in offline provider: always present, never chosen in place of another.
pub fn builtin_mock() -> Provider {
    Provider {
        id: MOCK_ID.into(),
        name: "Built-in mock (offline, no model is called)".into(),
        kind: ProviderKind::Mock,
        endpoint: "mock://offline".into(),
        model: "mock".into(),
        key: KeySource::None,
        temperature: None,
        max_tokens: None,
        max_tokens_field: MaxTokensField::MaxTokens,
        headers: BTreeMap::new(),
        params: serde_json::Map::new(),
        builtin: true,
    }
}

#[derive(Debug)]
pub struct Registry {
    pub file: Located,
    pub file_exists: bool,
    pub max_agents: Option<u32>,
    providers: Vec<Provider>,
    /// Problems worth a warning that do not stop the command.
    pub warnings: Vec<String>,
}

impl Registry {
    pub fn load(paths: &Paths) -> anyhow::Result<Self> {
        let file = paths.providers_file.clone();
        let explicit = matches!(file.source, Source::Flag | Source::Env);
        let text = match std::fs::read_to_string(&file.path) {
            Ok(text) => Some(text),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                if explicit {
                    let origin = if file.source == Source::Flag { "--providers" } else { "AGENTRY_PROVIDERS" };
                    return Err(Failure::usage(format!(
                        "providers file {} (from {origin}) does not exist",
                        file.path.display()
                    ))
                    .hint("check the path, or create it with `agentry provider add`")
                    .into());
                }
                None
            }
            Err(err) => {
                return Err(Failure::usage(format!("cannot read providers file {}: {err}", file.path.display())).into());
            }
        };
        let mut registry =
            Self { file_exists: text.is_some(), file, max_agents: None, providers: Vec::new(), warnings: Vec::new() };
        if let Some(text) = text {
            let (providers, max_agents) = parse(&text, &registry.file.path)?;
            registry.max_agents = max_agents;
            if providers.iter().any(|p| matches!(p.key, KeySource::Literal(_)))
                && let Some(warning) = permissive_mode_warning(&registry.file.path)
            {
                registry.warnings.push(warning);
            }
            registry.providers = providers;
        }
        registry.providers.push(builtin_mock());
        Ok(registry)
    }

    pub fn all(&self) -> &[Provider] {
        &self.providers
    }

    pub fn get(&self, id: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.id == id)
    }

    pub fn require(&self, id: &str) -> anyhow::Result<&Provider> {
        self.get(id).ok_or_else(|| {
            let place = if self.file_exists {
                format!("in {}", self.file.path.display())
            } else {
                "(no providers file yet)".to_string()
            };
            Failure::not_found(format!("provider `{id}` not found {place}"))
                .hint("see `agentry provider list`, or add it with `agentry provider add`")
                .into()
        })
    }
}

#[cfg(unix)]
fn permissive_mode_warning(path: &Path) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path).ok()?.permissions().mode();
    (mode & 0o077 != 0).then(|| {
        format!(
            "{} holds a literal api_key and is readable by others (mode {:o}); run `chmod 600 {}`",
            path.display(),
            mode & 0o777,
            path.display()
        )
    })
}

#[cfg(not(unix))]
fn permissive_mode_warning(_path: &Path) -> Option<String> {
    None
}

pub fn is_env_var_name(name: &str) -> bool {
    let mut bytes = name.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// serde quotes the offending value in type errors; a string there may be a secret.
fn without_string_values(message: &str) -> String {
    match message.find("invalid type: string \"") {
        Some(start) => {
            let rest = &message[start + "invalid type: string \"".len()..];
            let tail = rest.find("\", ").map_or("", |end| &rest[end + 1..]);
            format!("{}invalid type: a string{tail}", &message[..start])
        }
        None => message.to_string(),
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].bytes().filter(|b| *b == b'\n').count() + 1
}

fn config_error(path: &Path, text: &str, span: Option<std::ops::Range<usize>>, message: &str) -> anyhow::Error {
    let location = match span {
        Some(span) => format!("{}:{}", path.display(), line_of(text, span.start)),
        None => path.display().to_string(),
    };
    let message =
        without_string_values(message).replace("unknown field", "unknown key").replace("missing field", "missing key");
    Failure::usage(format!("{location}: {message}")).into()
}

/// Parse providers.toml text; errors name the file and line.
pub fn parse(text: &str, path: &Path) -> anyhow::Result<(Vec<Provider>, Option<u32>)> {
    let doc: FileDoc = toml::from_str(text).map_err(|err| config_error(path, text, err.span(), err.message()))?;
    let mut providers = Vec::new();
    for (id, spanned) in doc.providers {
        let span = Some(spanned.span());
        let fail = |message: String| config_error(path, text, span.clone(), &message);
        let entry = spanned.into_inner();
        if id == MOCK_ID {
            return Err(fail(format!(
                "the id `{MOCK_ID}` is reserved for the built-in mock provider; pick another id"
            )));
        }
        if !is_valid_id(&id) {
            return Err(fail(format!(
                "invalid provider id `{id}`: use letters, digits, `.`, `_` or `-`, starting with a letter or digit, at most 64 characters"
            )));
        }
        let key = match (entry.api_key_env, entry.api_key_cmd, entry.api_key) {
            (None, None, None) => KeySource::None,
            (Some(var), None, None) => {
                // A key pasted here by mistake must not be echoed back anywhere.
                if !is_env_var_name(&var) {
                    return Err(fail(format!(
                        "[providers.{id}] api_key_env must name an environment variable such as OPENAI_API_KEY (the value is not shown; if it is a key, rotate it)"
                    )));
                }
                KeySource::Env(var)
            }
            (None, Some(cmd), None) => KeySource::Cmd(cmd),
            (None, None, Some(key)) => KeySource::Literal(key),
            _ => {
                return Err(fail(format!(
                    "[providers.{id}] sets more than one of api_key_env, api_key_cmd, api_key; keep one"
                )));
            }
        };
        let model = match (entry.model, entry.kind) {
            (Some(model), _) if !model.trim().is_empty() => model,
            (_, ProviderKind::Mock) => "mock".to_string(),
            _ => return Err(fail(format!("[providers.{id}] needs a `model`"))),
        };
        let endpoint = match (entry.endpoint, entry.kind) {
            (Some(endpoint), _) => {
                let parsed = reqwest::Url::parse(&endpoint).ok().filter(|u| matches!(u.scheme(), "http" | "https"));
                if parsed.is_none() {
                    return Err(fail(format!(
                        "[providers.{id}] endpoint `{endpoint}` is not an http(s) URL (e.g. https://api.openai.com/v1)"
                    )));
                }
                endpoint.trim_end_matches('/').to_string()
            }
            (None, ProviderKind::Mock) => "mock://offline".to_string(),
            (None, _) => {
                return Err(fail(format!("[providers.{id}] needs an `endpoint` (e.g. https://api.openai.com/v1)")));
            }
        };
        if let Some(t) = entry.temperature
            && !(0.0..=2.0).contains(&t)
        {
            return Err(fail(format!("[providers.{id}] temperature {t} is outside 0 to 2")));
        }
        if let Some(reserved) = RESERVED_PARAMS.iter().find(|k| entry.params.contains_key(**k)) {
            return Err(fail(format!("[providers.{id}] params may not set `{reserved}`; agentry sets it")));
        }
        let params = match serde_json::to_value(&entry.params) {
            Ok(serde_json::Value::Object(map)) => map,
            _ => return Err(fail(format!("[providers.{id}] params cannot be sent as JSON"))),
        };
        providers.push(Provider {
            name: entry.name.unwrap_or_else(|| id.clone()),
            id,
            kind: entry.kind,
            endpoint,
            model,
            key,
            temperature: entry.temperature,
            max_tokens: entry.max_tokens,
            max_tokens_field: entry.max_tokens_field.unwrap_or(MaxTokensField::MaxTokens),
            headers: entry.headers,
            params,
            builtin: false,
        });
    }
    if doc.max_agents == Some(0) {
        return Err(config_error(path, text, None, "max_agents must be at least 1"));
    }
    Ok((providers, doc.max_agents))
}

/// What `provider add` writes.
pub struct NewProvider {
    pub id: String,
    pub kind: ProviderKind,
    pub endpoint: Option<String>,
    pub model: Option<String>,
    pub name: Option<String>,
    pub api_key_env: Option<String>,
    pub api_key_cmd: Option<String>,
}

fn load_document(path: &Path) -> anyhow::Result<DocumentMut> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(err) => return Err(Failure::usage(format!("cannot read providers file {}: {err}", path.display())).into()),
    };
    text.parse().map_err(|err: toml_edit::TomlError| config_error(path, &text, err.span(), err.message()))
}

/// Validate the edited text with the same parser that reads it, then write it.
fn save_document(path: &Path, doc: &DocumentMut) -> anyhow::Result<()> {
    let text = doc.to_string();
    parse(&text, path)?;
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        crate::paths::create_private_dir(parent)?;
    }
    let mode = existing_mode(path).filter(|_| !text.contains("api_key =")).unwrap_or(0o600);
    crate::paths::write_atomic(path, text.as_bytes(), mode)
        .with_context(|| format!("cannot write providers file {}", path.display()))
}

#[cfg(unix)]
fn existing_mode(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).ok().map(|m| m.permissions().mode() & 0o777)
}

#[cfg(not(unix))]
fn existing_mode(_path: &Path) -> Option<u32> {
    None
}

fn providers_table<'a>(doc: &'a mut DocumentMut, path: &Path) -> anyhow::Result<&'a mut Table> {
    let item = doc.entry("providers").or_insert_with(|| {
        let mut table = Table::new();
        table.set_implicit(true);
        Item::Table(table)
    });
    item.as_table_mut().ok_or_else(|| {
        Failure::usage(format!("{}: `providers` must be a table of [providers.ID] tables", path.display())).into()
    })
}

pub fn add(path: &Path, new: &NewProvider) -> anyhow::Result<()> {
    let mut doc = load_document(path)?;
    let table = providers_table(&mut doc, path)?;
    if table.contains_key(&new.id) {
        return Err(Failure::usage(format!("provider `{}` already exists in {}", new.id, path.display()))
            .hint(format!("remove it first with `agentry provider remove {}`", new.id))
            .into());
    }
    let mut entry = Table::new();
    entry["name"] = value(new.name.clone().unwrap_or_else(|| new.id.clone()));
    entry["type"] = value(new.kind.as_str());
    if let Some(endpoint) = &new.endpoint {
        entry["endpoint"] = value(endpoint.clone());
    }
    if let Some(model) = &new.model {
        entry["model"] = value(model.clone());
    }
    if let Some(var) = &new.api_key_env {
        entry["api_key_env"] = value(var.clone());
    }
    if let Some(cmd) = &new.api_key_cmd {
        entry["api_key_cmd"] = value(cmd.clone());
    }
    table.insert(&new.id, Item::Table(entry));
    save_document(path, &doc)
}

pub fn remove(path: &Path, id: &str) -> anyhow::Result<()> {
    let mut doc = load_document(path)?;
    let table = providers_table(&mut doc, path)?;
    if table.remove(id).is_none() {
        return Err(Failure::not_found(format!("provider `{id}` not found in {}", path.display())).into());
    }
    save_document(path, &doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_err(text: &str) -> String {
        match parse(text, Path::new("p.toml")) {
            Ok(_) => panic!("expected an error for {text}"),
            Err(err) => err.to_string(),
        }
    }

    #[test]
    fn unknown_key_names_file_line_and_key() {
        let err =
            parse_err("[providers.a]\ntype = \"openai\"\nendpoint = \"http://x/v1\"\nmodel = \"m\"\ntempreature = 1\n");
        assert!(err.starts_with("p.toml:5: unknown key `tempreature`"), "{err}");
    }

    #[test]
    fn unknown_type_and_duplicate_ids_are_errors() {
        let err = parse_err("[providers.a]\ntype = \"grpc\"\nmodel = \"m\"\n");
        assert!(err.contains("p.toml:2") && err.contains("grpc"), "{err}");
        let err = parse_err("[providers.a]\ntype = \"mock\"\n[providers.a]\ntype = \"mock\"\n");
        assert!(err.contains("p.toml:3") && err.contains("duplicate"), "{err}");
    }

    #[test]
    fn reserved_and_invalid_ids_and_key_conflicts() {
        assert!(parse_err("[providers.mock]\ntype = \"mock\"\n").contains("reserved"));
        assert!(parse_err("[providers.\"-x\"]\ntype = \"mock\"\n").contains("invalid provider id"));
        let err = parse_err(
            "[providers.a]\ntype=\"openai\"\nendpoint=\"http://x\"\nmodel=\"m\"\napi_key_env=\"A\"\napi_key=\"B\"\n",
        );
        assert!(err.contains("more than one"), "{err}");
    }

    #[test]
    fn key_like_values_are_never_echoed() {
        let err = parse_err("[providers.a]\ntype=\"mock\"\napi_key_env=\"sk-proj-abc123\"\n");
        assert!(err.contains("must name an environment variable") && !err.contains("sk-proj"), "{err}");
        let err = parse_err("[providers.a]\ntype=\"mock\"\ntemperature=\"sk-proj-abc123\"\n");
        assert!(err.contains("invalid type: a string, expected") && !err.contains("sk-proj"), "{err}");
        assert!(is_env_var_name("OPENAI_API_KEY") && is_env_var_name("_x1"));
        assert!(!is_env_var_name("1X") && !is_env_var_name("sk-abc") && !is_env_var_name(""));
    }

    #[test]
    fn endpoint_and_model_required_except_for_mock() {
        assert!(parse_err("[providers.a]\ntype=\"openai\"\nmodel=\"m\"\n").contains("needs an `endpoint`"));
        assert!(parse_err("[providers.a]\ntype=\"openai\"\nendpoint=\"http://x/v1\"\n").contains("needs a `model`"));
        assert!(
            parse_err("[providers.a]\ntype=\"openai\"\nendpoint=\"ftp://x\"\nmodel=\"m\"\n")
                .contains("not an http(s) URL")
        );
        let (providers, _) =
            parse("[providers.offline]\ntype=\"mock\"\n", Path::new("p.toml")).expect("mock entry parses");
        assert_eq!(providers[0].model, "mock");
    }

    #[test]
    fn full_entry_parses() {
        let text = r#"
max_agents = 4
[providers.router]
name = "Router"
type = "custom"
endpoint = "https://example.test/api/v1/"
model = "m"
api_key_cmd = "pass show x"
temperature = 0.2
max_tokens = 50
max_tokens_field = "max_completion_tokens"
headers = { "HTTP-Referer" = "https://agentry.test" }
params = { seed = 7, top_p = 0.9 }
"#;
        let (providers, max) = parse(text, Path::new("p.toml")).expect("parses");
        assert_eq!(max, Some(4));
        let p = &providers[0];
        assert_eq!(p.endpoint, "https://example.test/api/v1");
        assert_eq!(p.max_tokens_field, MaxTokensField::MaxCompletionTokens);
        assert_eq!(p.params["seed"], 7);
        assert_eq!(p.headers["HTTP-Referer"], "https://agentry.test");
        assert_eq!(p.key.label(), "cmd");
    }

    #[test]
    fn add_and_remove_keep_comments_and_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("providers.toml");
        let original = "# my providers\n\n# the local one\n[providers.local]\ntype = \"local\"\nendpoint = \"http://localhost:11434/v1\"\nmodel = \"llama3\" # fast\n";
        std::fs::write(&path, original).expect("write");
        let new = NewProvider {
            id: "zz".into(),
            kind: ProviderKind::Openai,
            endpoint: Some("https://api.openai.com/v1".into()),
            model: Some("gpt-4o-mini".into()),
            name: None,
            api_key_env: Some("OPENAI_API_KEY".into()),
            api_key_cmd: None,
        };
        add(&path, &new).expect("add");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.starts_with(original), "{text}");
        assert!(text.contains("[providers.zz]\nname = \"zz\"\ntype = \"openai\""), "{text}");
        remove(&path, "zz").expect("remove");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), original);
    }
}
