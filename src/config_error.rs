//! The error of providers.toml and of settings the user gave, and how a place in the
//! file is named (`FILE:LINE`). A leaf: the file reader, the settings layer, the paths
//! and the provider registry all report through it without depending on each other.

use std::path::{Path, PathBuf};

use crate::files::{FsError, LockError};

/// A providers.toml problem, or a setting the user gave that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file parses badly or a value is wrong. `location` is `FILE:LINE` or `FILE`.
    #[error("{location}: {message}")]
    Invalid { location: String, message: String },
    #[error("providers file {} (from {origin}) does not exist", path.display())]
    Missing { path: PathBuf, origin: &'static str },
    #[error("providers file {} is not a regular file", path.display())]
    NotRegular { path: PathBuf },
    #[error(transparent)]
    Io(#[from] FsError),
    #[error("cannot lock providers file: {0}")]
    Lock(#[from] LockError),
    #[error("provider `{id}` not found {place}")]
    UnknownProvider { id: String, place: String },
    #[error("provider `{id}` already exists in {}", path.display())]
    Exists { id: String, path: PathBuf },
    #[error("tool server `{name}` already exists in {}", path.display())]
    ToolServerExists { name: String, path: PathBuf },
    #[error("tool server `{name}` not found in {}", path.display())]
    UnknownToolServer { name: String, path: PathBuf },
    /// A value from a flag or an environment variable, named in the message.
    #[error("{0}")]
    Setting(String),
}

/// The line (from 1) a byte offset of the file falls on.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    memchr::memchr_iter(b'\n', &text.as_bytes()[..offset.min(text.len())]).count() + 1
}

/// serde quotes the offending value in its messages; a string there may be a secret
/// (a key pasted into `type`), so values are never echoed.
fn without_values(message: &str) -> String {
    let mut out = message.to_string();
    if let Some(start) = out.find("invalid type: string \"") {
        let rest = &out[start + "invalid type: string \"".len()..];
        let tail = rest.find("\", ").map_or("", |end| &rest[end + 1..]).to_string();
        out = format!("{}invalid type: a string{tail}", &out[..start]);
    }
    if let Some(start) = out.find("unknown variant `") {
        let rest = &out[start + "unknown variant `".len()..];
        if let Some(end) = rest.find('`') {
            out = format!("{}unknown value{}", &out[..start], &rest[end + 1..]);
        }
    }
    out.replace("unknown field", "unknown key").replace("missing field", "missing key")
}

/// A parse error at `span` of the file, as `FILE:LINE: message`, values left out.
pub(crate) fn invalid(path: &Path, text: &str, span: Option<std::ops::Range<usize>>, message: &str) -> ConfigError {
    let location = match span {
        Some(span) => format!("{}:{}", path.display(), line_of(text, span.start)),
        None => path.display().to_string(),
    };
    ConfigError::Invalid { location, message: without_values(message) }
}
