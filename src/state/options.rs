//! `[state]` in providers.toml, owned by the state: which backend, its namespace, the
//! CA of an internal server, and what to do when Redis is away. `config` finds the
//! table and names the file and line of a refusal; what the table may say is here,
//! beside the backends that read it.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::OnUnavailable;

/// `[state]` as written.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct StateTable {
    url: Option<String>,
    namespace: Option<String>,
    ca_cert: Option<PathBuf>,
    on_unavailable: Option<String>,
}

/// `[state]`, checked: where shared state lives when it is not the local files.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct StateOptions {
    /// `file`, or a `redis://`, `rediss://` or `redis+unix://` URL.
    pub url: Option<String>,
    pub namespace: Option<String>,
    /// A PEM file of the CA that signs an internal server's certificate.
    pub ca_cert: Option<PathBuf>,
    pub on_unavailable: OnUnavailable,
}

impl StateOptions {
    /// Check a `[state]` table; a relative `ca_cert` is relative to `base` (the
    /// providers file's folder). The message follows `[state] `.
    pub fn from_table(table: StateTable, base: &Path) -> Result<Self, String> {
        if let Some(url) = &table.url {
            super::url::check_state_url(url).map_err(|message| format!("url {message}"))?;
        }
        if let Some(namespace) = &table.namespace
            && !super::url::namespace_ok(namespace)
        {
            return Err("namespace must be 1 to 64 letters, digits, `-`, `_`, `.` or `:`".into());
        }
        let on_unavailable = match table.on_unavailable.as_deref() {
            None | Some("closed") => OnUnavailable::Closed,
            Some("open") => OnUnavailable::Open,
            Some(_) => return Err("on_unavailable must be \"closed\" or \"open\"".into()),
        };
        Ok(Self {
            url: table.url,
            namespace: table.namespace,
            ca_cert: table.ca_cert.map(|p| if p.is_relative() { base.join(p) } else { p }),
            on_unavailable,
        })
    }
}
