//! providers.toml as a file: finding and reading it (refusing what is not a regular
//! file), its non-provider tables (`max_agents`, `[cache]`, `[history]`, and `[state]`,
//! whose rules `state::options` owns) in [`FileSettings`], the `[providers.*]` tables handed to the
//! [`crate::provider::registry`], and edits for `provider add`/`remove` that keep
//! comments, order, line endings, symbolic links and the file's mode. The lock that
//! serialises edits lives beside the file, so homes that share one providers file
//! share its lock too.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml_edit::{DocumentMut, Item, Table, value};

use crate::config_error::{ConfigError, invalid};
use crate::files::{self, FsError, LockError, LockMode, LockedFile};
use crate::paths::{Located, Source};
use crate::provider::KeySource;
use crate::provider::registry::{self, NewProvider, Registry};
use crate::state::options::{StateOptions, StateTable};

/// The top-level keys of providers.toml that are not providers.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FileSettings {
    pub max_agents: Option<u32>,
    pub history: crate::state::Retention,
    pub cache: crate::state::CacheLimits,
    /// `[state]`, whose rules the state owns.
    pub state: StateOptions,
    /// `[mcp.NAME]`: the tool servers tasks may name with `--tools`.
    pub tool_servers: std::collections::BTreeMap<String, crate::mcp::ServerSpec>,
}

/// `[cache]`: how long answers stay and how much they may take.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct CacheTable {
    ttl: Option<toml::Value>,
    max_size: Option<toml::Value>,
}

/// `[history]`: what the history keeps.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct HistoryTable {
    bodies: Option<bool>,
    max_age: Option<toml::Value>,
    max_entries: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    max_agents: Option<u32>,
    #[serde(default)]
    providers: std::collections::BTreeMap<String, toml::Spanned<registry::Entry>>,
    history: Option<toml::Spanned<HistoryTable>>,
    cache: Option<toml::Spanned<CacheTable>>,
    state: Option<toml::Spanned<StateTable>>,
    #[serde(default)]
    mcp: std::collections::BTreeMap<String, toml::Spanned<crate::mcp::spec::Entry>>,
}

/// Parse providers.toml text: the file settings and the providers, errors naming
/// the file and line.
pub fn parse(text: &str, path: &Path) -> Result<(FileSettings, Vec<crate::provider::Provider>), ConfigError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let doc: FileDoc = toml::from_str(text).map_err(|err| invalid(path, text, err.span(), err.message()))?;
    if doc.max_agents == Some(0) {
        return Err(invalid(path, text, None, "max_agents must be at least 1"));
    }
    let providers = registry::providers_from(doc.providers, text, path)?;
    let mut history = crate::state::Retention::default();
    if let Some(table) = doc.history {
        let span = Some(table.span());
        let table = table.into_inner();
        if let Some(bodies) = table.bodies {
            history.bodies = bodies;
        }
        if let Some(age) = table.max_age {
            let parsed = match &age {
                toml::Value::String(text) => crate::units::parse_duration(text),
                toml::Value::Integer(n) => crate::units::duration_from_secs(*n as f64),
                toml::Value::Float(f) => crate::units::duration_from_secs(*f),
                _ => None,
            };
            history.max_age = parsed.filter(|d| !d.is_zero()).ok_or_else(|| {
                invalid(path, text, span.clone(), "[history] max_age must be a duration such as \"90d\"")
            })?;
        }
        if let Some(entries) = table.max_entries {
            if entries == 0 {
                return Err(invalid(path, text, span, "[history] max_entries must be at least 1"));
            }
            history.max_entries = entries;
        }
    }
    let mut cache = crate::state::CacheLimits::default();
    if let Some(table) = doc.cache {
        let span = Some(table.span());
        let table = table.into_inner();
        if let Some(ttl) = table.ttl {
            let parsed = match &ttl {
                toml::Value::String(text) => crate::units::parse_duration(text),
                toml::Value::Integer(n) => crate::units::duration_from_secs(*n as f64),
                _ => None,
            };
            cache.ttl = parsed
                .filter(|d| !d.is_zero())
                .ok_or_else(|| invalid(path, text, span.clone(), "[cache] ttl must be a duration such as \"24h\""))?;
        }
        if let Some(size) = table.max_size {
            let parsed = match &size {
                toml::Value::String(text) => crate::units::parse_size(text),
                toml::Value::Integer(n) => u64::try_from(*n).ok(),
                _ => None,
            };
            cache.max_bytes = parsed
                .filter(|n| *n > 0)
                .ok_or_else(|| invalid(path, text, span, "[cache] max_size must be a size such as \"256MiB\""))?;
        }
    }
    let state = match doc.state {
        Some(table) => {
            let span = Some(table.span());
            StateOptions::from_table(table.into_inner(), path.parent().unwrap_or(Path::new(".")))
                .map_err(|message| invalid(path, text, span, &format!("[state] {message}")))?
        }
        None => StateOptions::default(),
    };
    let mut tool_servers = std::collections::BTreeMap::new();
    for (name, entry) in doc.mcp {
        let span = Some(entry.span());
        let spec = entry
            .into_inner()
            .into_spec(&name, path.parent().unwrap_or(Path::new(".")))
            .map_err(|message| invalid(path, text, span, &format!("[mcp.{name}] {message}")))?;
        tool_servers.insert(name, spec);
    }
    Ok((FileSettings { max_agents: doc.max_agents, history, cache, state, tool_servers }, providers))
}

/// Read a file that must be a regular file: a FIFO would block forever, a folder
/// reads as an error that names the wrong cause.
fn read_regular(path: &Path) -> Result<Option<String>, ConfigError> {
    match std::fs::metadata(path) {
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(FsError { action: "read providers file", path: path.to_path_buf(), source }.into()),
        Ok(meta) if !meta.is_file() => return Err(ConfigError::NotRegular { path: path.to_path_buf() }),
        Ok(_) => {}
    }
    let bytes = std::fs::read(path).map_err(files::fs_error("read providers file", path))?;
    String::from_utf8(bytes).map(Some).map_err(|_| ConfigError::Invalid {
        location: path.display().to_string(),
        message: "the file is not UTF-8 text".into(),
    })
}

/// The providers file as loaded: where it is, its settings, its providers (plus the
/// built-in mock) and warnings worth showing.
#[derive(Debug)]
pub struct Config {
    pub file: Located,
    pub file_exists: bool,
    pub settings: FileSettings,
    pub registry: Registry,
    pub warnings: Vec<String>,
}

impl Config {
    pub fn load(file: &Located) -> Result<Self, ConfigError> {
        let text = read_regular(&file.path)?;
        if text.is_none() && matches!(file.source, Source::Flag | Source::Env) {
            let origin = if file.source == Source::Flag { "--providers" } else { "AGENTRY_PROVIDERS" };
            return Err(ConfigError::Missing { path: file.path.clone(), origin });
        }
        let mut warnings = Vec::new();
        let (settings, providers) = match &text {
            Some(text) => parse(text, &file.path)?,
            None => (FileSettings::default(), Vec::new()),
        };
        if providers.iter().any(|p| matches!(p.key, KeySource::Literal(_)))
            && let Some(mode) = files::mode_of(&file.path).filter(|m| m & 0o077 != 0)
        {
            warnings.push(format!(
                "{} holds a literal api_key and is readable by others (mode {mode:o}); run `chmod 600 {}`",
                file.path.display(),
                file.path.display()
            ));
        }
        let place =
            if text.is_some() { format!("in {}", file.path.display()) } else { "(no providers file yet)".into() };
        Ok(Self {
            file: file.clone(),
            file_exists: text.is_some(),
            settings,
            registry: Registry::new(providers, place),
            warnings,
        })
    }
}

/// The lock for a providers file: `.NAME.lock` beside it (beside the link's target
/// for a symbolic link), so every home sharing the file shares the lock.
pub fn lock_path(providers_file: &Path) -> PathBuf {
    let target = files::write_target(providers_file);
    let name = target.file_name().map_or_else(|| "providers.toml".into(), |n| n.to_string_lossy().into_owned());
    target.with_file_name(format!(".{name}.lock"))
}

/// Held while the providers file is edited (exclusive) or while a spawn relies on a
/// provider staying in it (shared). `None` when the folder cannot hold a lock file
/// (a read-only config): such a file cannot be edited either.
pub async fn lock(
    providers_file: &Path,
    mode: LockMode,
    timeout: Duration,
    on_wait: impl FnOnce(Option<u32>),
) -> Result<Option<LockedFile>, ConfigError> {
    let path = lock_path(providers_file);
    if mode == LockMode::Shared && !path.exists() && !providers_file.exists() {
        return Ok(None);
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if mode == LockMode::Shared && !parent.is_dir() {
            return Ok(None);
        }
        if mode == LockMode::Exclusive {
            files::create_private_dir(parent)?;
        }
    }
    let wait = files::Wait { quiet: Duration::from_secs(1), timeout: Some(timeout) };
    match LockedFile::acquire(&path, mode, wait, on_wait).await {
        Ok(held) => {
            if mode == LockMode::Exclusive {
                held.write_holder();
            }
            Ok(Some(held))
        }
        Err(LockError::Io(err))
            if mode == LockMode::Shared && err.source.kind() == std::io::ErrorKind::ReadOnlyFilesystem =>
        {
            Ok(None)
        }
        Err(err) => Err(err.into()),
    }
}

fn load_document(path: &Path) -> Result<(DocumentMut, bool), ConfigError> {
    let text = read_regular(path)?.unwrap_or_default();
    let crlf = text.contains("\r\n");
    let doc = text.parse().map_err(|err: toml_edit::TomlError| invalid(path, &text, err.span(), err.message()))?;
    Ok((doc, crlf))
}

/// Validate the edited text with the same parser that reads it, then write it:
/// through a symbolic link, with CRLF kept, 0600 whenever it holds a literal key.
fn save_document(path: &Path, doc: &DocumentMut, crlf: bool) -> Result<(), ConfigError> {
    let mut text = doc.to_string();
    if crlf {
        text = text.replace("\r\n", "\n").replace('\n', "\r\n");
    }
    let (_, providers) = parse(&text, path)?;
    let literal_key = providers.iter().any(|p| matches!(p.key, KeySource::Literal(_)));
    let target = files::write_target(path);
    if let Some(parent) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        files::create_private_dir(parent)?;
    }
    if literal_key {
        files::write_atomic(path, text.as_bytes(), 0o600, false)?;
    } else {
        files::write_atomic(path, text.as_bytes(), 0o600, true)?;
    }
    Ok(())
}

fn providers_table<'a>(doc: &'a mut DocumentMut, path: &Path) -> Result<&'a mut Table, ConfigError> {
    let item = doc.entry("providers").or_insert_with(|| {
        let mut table = Table::new();
        table.set_implicit(true);
        Item::Table(table)
    });
    item.as_table_mut().ok_or_else(|| ConfigError::Invalid {
        location: path.display().to_string(),
        message: "`providers` must be a table of [providers.ID] tables".into(),
    })
}

/// Add `[providers.ID]`; the caller holds the lock.
pub fn add(path: &Path, new: &NewProvider) -> Result<(), ConfigError> {
    let (mut doc, crlf) = load_document(path)?;
    let table = providers_table(&mut doc, path)?;
    if table.contains_key(&new.id) {
        return Err(ConfigError::Exists { id: new.id.clone(), path: path.to_path_buf() });
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
    if new.max_tokens_field == Some(crate::provider::MaxTokensField::MaxCompletionTokens) {
        entry["max_tokens_field"] = value("max_completion_tokens");
    }
    table.insert(&new.id, Item::Table(entry));
    save_document(path, &doc, crlf)
}

/// Remove `[providers.ID]`; the caller holds the lock.
pub fn remove(path: &Path, id: &str, place: &str) -> Result<(), ConfigError> {
    let (mut doc, crlf) = load_document(path)?;
    let table = providers_table(&mut doc, path)?;
    if table.remove(id).is_none() {
        return Err(ConfigError::UnknownProvider { id: id.to_string(), place: place.to_string() });
    }
    save_document(path, &doc, crlf)
}

/// A new `[mcp.NAME]` table, as `mcp add` writes it.
#[derive(Debug, Clone)]
pub enum NewToolServer {
    Stdio { command: String, args: Vec<String>, env: Vec<(String, String)> },
    Http { url: String },
}

fn mcp_table<'a>(doc: &'a mut DocumentMut, path: &Path) -> Result<&'a mut Table, ConfigError> {
    let item = doc.entry("mcp").or_insert_with(|| {
        let mut table = Table::new();
        table.set_implicit(true);
        Item::Table(table)
    });
    item.as_table_mut().ok_or_else(|| ConfigError::Invalid {
        location: path.display().to_string(),
        message: "`mcp` must be a table of [mcp.NAME] tables".into(),
    })
}

/// Add `[mcp.NAME]`; the caller holds the lock. `env` pairs name variables whose
/// values are read when the server starts (`{ env = "VAR" }`), never copied here.
pub fn add_tool_server(path: &Path, name: &str, new: &NewToolServer) -> Result<(), ConfigError> {
    crate::mcp::spec::check_name(name).map_err(ConfigError::Setting)?;
    let (mut doc, crlf) = load_document(path)?;
    let table = mcp_table(&mut doc, path)?;
    if table.contains_key(name) {
        return Err(ConfigError::ToolServerExists { name: name.to_string(), path: path.to_path_buf() });
    }
    let mut entry = Table::new();
    match new {
        NewToolServer::Stdio { command, args, env } => {
            entry["command"] = value(command.clone());
            if !args.is_empty() {
                entry["args"] = value(args.iter().collect::<toml_edit::Array>());
            }
            if !env.is_empty() {
                let mut vars = toml_edit::InlineTable::new();
                for (var, from) in env {
                    let mut reference = toml_edit::InlineTable::new();
                    reference.insert("env", from.as_str().into());
                    vars.insert(var, toml_edit::Value::InlineTable(reference));
                }
                entry["env"] = value(vars);
            }
        }
        NewToolServer::Http { url } => entry["url"] = value(url.clone()),
    }
    table.insert(name, Item::Table(entry));
    save_document(path, &doc, crlf)
}

/// Remove `[mcp.NAME]`; the caller holds the lock.
pub fn remove_tool_server(path: &Path, name: &str) -> Result<(), ConfigError> {
    let (mut doc, crlf) = load_document(path)?;
    let table = mcp_table(&mut doc, path)?;
    if table.remove(name).is_none() {
        return Err(ConfigError::UnknownToolServer { name: name.to_string(), path: path.to_path_buf() });
    }
    save_document(path, &doc, crlf)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::ProviderKind;

    fn new(id: &str) -> NewProvider {
        NewProvider {
            id: id.into(),
            kind: ProviderKind::Openai,
            endpoint: Some("https://api.openai.com/v1".into()),
            model: Some("gpt-4o-mini".into()),
            name: None,
            api_key_env: Some("OPENAI_API_KEY".into()),
            api_key_cmd: None,
            max_tokens_field: None,
        }
    }

    #[test]
    fn add_and_remove_keep_comments_and_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("providers.toml");
        let original = "# my providers\n\n# the local one\n[providers.local]\ntype = \"local\"\nendpoint = \"http://localhost:11434/v1\"\nmodel = \"llama3\" # fast\n";
        std::fs::write(&path, original).expect("write");
        add(&path, &new("zz")).expect("add");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.starts_with(original), "{text}");
        assert!(text.contains("[providers.zz]\nname = \"zz\"\ntype = \"openai\""), "{text}");
        remove(&path, "zz", "").expect("remove");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), original);
    }

    #[test]
    fn crlf_files_stay_crlf() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("providers.toml");
        std::fs::write(&path, "# x\r\n[providers.a]\r\ntype = \"mock\"\r\n").expect("write");
        add(&path, &new("b")).expect("add");
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(!text.replace("\r\n", "").contains('\n'), "{text:?}");
        remove(&path, "b", "").expect("remove");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "# x\r\n[providers.a]\r\ntype = \"mock\"\r\n");
    }

    #[cfg(unix)]
    #[test]
    fn a_literal_key_however_spaced_makes_the_file_private() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("providers.toml");
        std::fs::write(
            &path,
            "[providers.a]\ntype=\"openai\"\nendpoint=\"http://h/v1\"\nmodel=\"m\"\napi_key=\"sk-123456\"\n",
        )
        .expect("write");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        add(&path, &new("b")).expect("add");
        assert_eq!(files::mode_of(&path), Some(0o600));
    }

    #[test]
    fn values_are_never_echoed_in_enum_errors() {
        let err = parse("[providers.a]\ntype = \"sk-secret-123\"\nmodel = \"m\"\n", Path::new("p.toml"))
            .expect_err("bad type")
            .to_string();
        assert!(err.starts_with("p.toml:2:"), "{err}");
        assert!(!err.contains("sk-secret"), "{err}");
        let err = parse(
            "[providers.a]\ntype = \"openai\"\nendpoint=\"http://h/v1\"\nmodel = \"m\"\nmax_tokens_field = \"sk-other-456\"\n",
            Path::new("p.toml"),
        )
        .expect_err("bad field")
        .to_string();
        assert!(!err.contains("sk-other"), "{err}");
    }
}
