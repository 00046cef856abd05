//! `[mcp.NAME]` in providers.toml: a tool server as written (a child process over
//! stdio, or a streamable-HTTP URL) and the rules it must meet, checked when the file
//! is loaded. `config` reads and edits the file; `mcp::client` starts what is here.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;

/// A value in `env` or `headers`: literal, or `{ env = "VAR" }` read when the server
/// starts.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Literal(String),
    Env { env: String },
}

impl Value {
    /// The value now; a reference to an unset variable is an error naming it.
    pub fn resolve(&self, env: &dyn Fn(&str) -> Option<String>) -> Result<String, String> {
        match self {
            Value::Literal(text) => Ok(text.clone()),
            Value::Env { env: var } => env(var).ok_or_else(|| format!("environment variable {var} is not set")),
        }
    }
}

/// How agentry reaches a tool server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// A child process speaking MCP on its stdin and stdout.
    Stdio { command: String, args: Vec<String>, env: BTreeMap<String, Value>, cwd: Option<PathBuf> },
    /// A streamable-HTTP endpoint.
    Http { url: String, headers: BTreeMap<String, Value> },
}

/// One `[mcp.NAME]` table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerSpec {
    pub name: String,
    pub reach: Reach,
}

impl ServerSpec {
    /// What `mcp list` shows of how it is reached: the command line or the URL
    /// (never a header or an env value).
    pub fn target(&self) -> String {
        match &self.reach {
            Reach::Stdio { command, args, .. } => {
                std::iter::once(command.as_str()).chain(args.iter().map(String::as_str)).collect::<Vec<_>>().join(" ")
            }
            Reach::Http { url, .. } => {
                crate::safe_url::SafeUrl::parse(url).map_or_else(|_| url.clone(), |u| u.to_string())
            }
        }
    }

    pub fn transport_name(&self) -> &'static str {
        match self.reach {
            Reach::Stdio { .. } => "stdio",
            Reach::Http { .. } => "http",
        }
    }
}

/// `[mcp.NAME]` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    command: Option<String>,
    #[serde(default)]
    args: Vec<String>,
    #[serde(default)]
    env: BTreeMap<String, Value>,
    cwd: Option<PathBuf>,
    url: Option<String>,
    #[serde(default)]
    headers: BTreeMap<String, Value>,
}

/// Letters, digits, `-` and `_`, at most 32, no `__` (the separator in the names a
/// model calls tools by).
pub fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 32
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && !name.contains("__");
    if ok {
        Ok(())
    } else {
        Err(format!(
            "tool server name `{}` must be 1 to 32 letters, digits, `-` or `_` (no `__`)",
            crate::units::one_line(name)
        ))
    }
}

impl Entry {
    /// The server this table describes; `base` is the folder of providers.toml, which
    /// a relative `cwd` is taken from.
    pub fn into_spec(self, name: &str, base: &std::path::Path) -> Result<ServerSpec, String> {
        check_name(name)?;
        let reach = match (self.command, self.url) {
            (Some(_), Some(_)) => return Err("set either `command` or `url`, not both".into()),
            (None, None) => return Err("set `command` (a stdio server) or `url` (streamable HTTP)".into()),
            (Some(command), None) => {
                if !self.headers.is_empty() {
                    return Err("`headers` go with `url`; a stdio server gets `env`".into());
                }
                if command.trim().is_empty() {
                    return Err("`command` is empty".into());
                }
                for var in self.env.keys() {
                    if !crate::provider::registry::is_env_var_name(var) {
                        return Err(format!("env name `{}` is not a variable name", crate::units::one_line(var)));
                    }
                }
                let cwd = self.cwd.map(|cwd| if cwd.is_relative() { base.join(cwd) } else { cwd });
                Reach::Stdio { command, args: self.args, env: self.env, cwd }
            }
            (None, Some(url)) => {
                if !self.args.is_empty() || !self.env.is_empty() || self.cwd.is_some() {
                    return Err("`args`, `env` and `cwd` go with `command`; an HTTP server gets `headers`".into());
                }
                let parsed = crate::safe_url::SafeUrl::parse(&url)
                    .map_err(|_| "`url` is not a URL such as \"http://127.0.0.1:3001/mcp\"".to_string())?;
                if !matches!(parsed.expose().scheme(), "http" | "https") {
                    return Err("`url` must be http:// or https://".into());
                }
                for (header, value) in &self.headers {
                    if reqwest::header::HeaderName::from_bytes(header.as_bytes()).is_err() {
                        return Err(format!("header name `{}` is not valid", crate::units::one_line(header)));
                    }
                    if let Value::Literal(text) = value
                        && reqwest::header::HeaderValue::from_str(text).is_err()
                    {
                        return Err(format!("the value of header `{header}` is not a valid header value"));
                    }
                }
                Reach::Http { url, headers: self.headers }
            }
        };
        Ok(ServerSpec { name: name.to_string(), reach })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(text: &str) -> Result<ServerSpec, String> {
        let entry: Entry = toml::from_str(text).map_err(|e| e.message().to_string())?;
        entry.into_spec("fs", std::path::Path::new("/etc/agentry"))
    }

    #[test]
    fn stdio_and_http_tables() {
        let s = spec("command = \"npx\"\nargs = [\"-y\", \"x\"]\nenv = { TOKEN = { env = \"GH\" }, MODE = \"ro\" }\ncwd = \"w\"\n")
            .expect("stdio");
        let Reach::Stdio { env, cwd, .. } = &s.reach else { panic!("{s:?}") };
        assert_eq!(env["TOKEN"], Value::Env { env: "GH".into() });
        assert_eq!(cwd.as_deref(), Some(std::path::Path::new("/etc/agentry/w")));
        assert_eq!(s.target(), "npx -y x");
        let h = spec("url = \"http://u:p@127.0.0.1:3001/mcp\"\nheaders = { Authorization = \"Bearer x\" }\n")
            .expect("http");
        assert!(!h.target().contains(":p@"), "{}", h.target());
    }

    #[test]
    fn mixed_or_empty_tables_are_refused() {
        assert!(spec("command = \"a\"\nurl = \"http://h\"\n").expect_err("both").contains("not both"));
        assert!(spec("").expect_err("none").contains("`command`"));
        assert!(spec("url = \"http://h/mcp\"\nargs = [\"x\"]\n").expect_err("args").contains("`args`"));
        assert!(spec("url = \"ftp://h\"\n").expect_err("ftp").contains("http"));
        assert!(check_name("a__b").is_err() && check_name("fs").is_ok() && check_name("").is_err());
    }
}
