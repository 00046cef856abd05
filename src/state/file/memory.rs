//! Agent memory in files: `memory/AGENT_ID.jsonl`, one exchange a line, oldest first,
//! replaced whole (atomically) on every change. Read and appended only under the
//! agent's claim (its lock file), so the tasks of one agent see each other's
//! exchanges in the order they ran; no state lock is needed.

use std::path::PathBuf;

use super::FileState;
use crate::files::{self, FsError};
use crate::state::{Exchange, MemoryLimit, StateError};

/// A memory file larger than this is not one agentry wrote (turns are bounded by
/// the context window long before).
const MAX_MEMORY_FILE: u64 = 64 * 1024 * 1024;

impl FileState {
    /// The agent's memory file, for ids of agentry's own form only.
    fn memory_file(&self, agent_id: &str) -> Option<PathBuf> {
        crate::ids::is_generated_id(agent_id, "ag").then(|| self.dir.join("memory").join(format!("{agent_id}.jsonl")))
    }

    pub(super) fn read_memory(&self, agent_id: &str) -> Result<Vec<Exchange>, StateError> {
        let Some(path) = self.memory_file(agent_id) else { return Ok(Vec::new()) };
        let bytes = match files::read_capped(&path, MAX_MEMORY_FILE, "read agent memory") {
            Ok(bytes) => bytes,
            Err(files::ReadError::Io(err)) if err.source.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Vec::new());
            }
            Err(files::ReadError::Io(err)) => return Err(self.io(err)),
            Err(other) => {
                let source = std::io::Error::other(other.to_string());
                return Err(self.io(FsError { action: "read agent memory", path, source }));
            }
        };
        // A line that does not parse (a torn write cannot happen: the file is replaced
        // whole) is skipped rather than losing the rest.
        Ok(bytes
            .split(|b| *b == b'\n')
            .filter(|line| !line.is_empty())
            .filter_map(|line| serde_json::from_slice::<Exchange>(line).ok())
            .collect())
    }

    pub(super) fn write_memory(&self, agent_id: &str, exchanges: &[Exchange]) -> Result<(), StateError> {
        let Some(path) = self.memory_file(agent_id) else { return Ok(()) };
        if exchanges.is_empty() {
            return match std::fs::remove_file(&path) {
                Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                    Err(self.io(FsError { action: "remove agent memory", path, source: err }))
                }
                _ => Ok(()),
            };
        }
        self.ensure_dirs()?;
        let folder = self.dir.join("memory");
        files::create_private_dir(&folder).map_err(|e| self.io(e))?;
        let mut text = Vec::new();
        for exchange in exchanges {
            text.extend_from_slice(&crate::state::encode("an agent's memory", exchange)?);
            text.push(b'\n');
        }
        files::write_atomic(&path, &text, 0o600, false).map_err(|e| self.io(e))
    }

    pub(super) fn append_memory(
        &self,
        agent_id: &str,
        exchange: &Exchange,
        limit: MemoryLimit,
    ) -> Result<(), StateError> {
        let mut exchanges = self.read_memory(agent_id)?;
        exchanges.push(exchange.clone());
        limit.trim(&mut exchanges);
        self.write_memory(agent_id, &exchanges)
    }
}
