//! What the file backend keeps beside the state and the history, one file each:
//! task bodies (`bodies/ID.json`, their system prompts once under
//! `prompts/HASH.txt`) and the response cache (`cache/KEY.json`, written by rename so
//! parallel writers need no lock, cut to its size cap oldest first).

use std::path::PathBuf;
use std::time::Duration;

use super::FileState;
use crate::clock::now_ms;
use crate::files::{self, FsError};
use crate::state::{CacheLimits, CacheStats, CachedAnswer, StateError, TaskBody};

/// How old a body with no history line must be before the prune removes it: older
/// than any flush of a running batch.
pub(super) const ORPHAN_AGE: Duration = Duration::from_secs(24 * 60 * 60);

impl FileState {
    pub(super) fn cache_file(&self, key: &str) -> PathBuf {
        self.dir.join("cache").join(format!("{key}.json"))
    }

    /// The body of a task, for ids of agentry's own form only (`None` for any other:
    /// an id from outside never names a path).
    pub(super) fn body_file(&self, task_id: &str) -> Option<PathBuf> {
        crate::ids::is_generated_id(task_id, "tk").then(|| self.dir.join("bodies").join(format!("{task_id}.json")))
    }

    pub(super) fn write_bodies(&self, bodies: &[(String, TaskBody, Option<String>)]) -> Result<(), StateError> {
        if bodies.is_empty() || !self.retention.bodies {
            return Ok(());
        }
        self.ensure_dirs()?;
        let folder = self.dir.join("bodies");
        let prompts = self.dir.join("prompts");
        files::create_private_dir(&folder).map_err(|e| self.io(e))?;
        files::create_private_dir(&prompts).map_err(|e| self.io(e))?;
        for (task_id, body, prompt) in bodies {
            if let (Some(hash), Some(text)) = (&body.prompt, prompt) {
                let file = prompts.join(format!("{hash}.txt"));
                if !file.exists() {
                    files::write_atomic_unswept(&file, text.as_bytes(), 0o600).map_err(|e| self.io(e))?;
                }
            }
            let Some(path) = self.body_file(task_id) else { continue };
            let json = crate::state::encode("a task body", body)?;
            files::write_atomic_unswept(&path, &json, 0o600).map_err(|e| self.io(e))?;
        }
        Ok(())
    }

    pub(super) fn read_stored_body(&self, task_id: &str) -> Result<Option<TaskBody>, StateError> {
        let Some(path) = self.body_file(task_id) else { return Ok(None) };
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(self.io(FsError { action: "read", path, source })),
        };
        let Ok(mut body) = serde_json::from_slice::<TaskBody>(&bytes) else { return Ok(None) };
        if let Some(hash) = &body.prompt
            && hash.len() == 64
            && hash.bytes().all(|b| b.is_ascii_hexdigit())
            && let Ok(text) = std::fs::read_to_string(self.dir.join("prompts").join(format!("{hash}.txt")))
        {
            body.restore_prompt(text);
        }
        Ok(Some(body))
    }

    pub(super) fn read_cached(&self, key: &str, ttl: Duration) -> Option<CachedAnswer> {
        let path = self.cache_file(key);
        let Ok(bytes) = std::fs::read(&path) else { return None };
        let Ok(answer) = serde_json::from_slice::<CachedAnswer>(&bytes) else {
            let _ = std::fs::remove_file(&path);
            return None;
        };
        let age = now_ms().saturating_sub(answer.stored_at);
        if u128::try_from(age).unwrap_or(u128::MAX) > ttl.as_millis() {
            let _ = std::fs::remove_file(&path);
            return None;
        }
        Some(answer)
    }

    pub(super) fn write_cached(&self, key: &str, answer: &CachedAnswer, limits: CacheLimits) -> Result<(), StateError> {
        // An entry's age is checked when it is read (`cache_get`): only the size cap here.
        let max_bytes = limits.max_bytes;
        self.ensure_dirs()?;
        let folder = self.dir.join("cache");
        files::create_private_dir(&folder).map_err(|e| self.io(e))?;
        let json = crate::state::encode("a cached answer", answer)?;
        // One file per entry, written by rename: parallel writers need no lock.
        files::write_atomic(&self.cache_file(key), &json, 0o600, false).map_err(|e| self.io(e))?;
        let mut entries: Vec<(std::time::SystemTime, u64, PathBuf)> = std::fs::read_dir(&folder)
            .map(|dir| {
                dir.flatten()
                    .filter(|e| {
                        e.file_name().to_string_lossy().ends_with(".json")
                            && !e.file_name().to_string_lossy().starts_with('.')
                    })
                    .filter_map(|e| {
                        let meta = e.metadata().ok()?;
                        Some((meta.modified().ok()?, meta.len(), e.path()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut total: u64 = entries.iter().map(|(_, len, _)| len).sum();
        entries.sort();
        for (_, len, path) in entries {
            if total <= max_bytes {
                break;
            }
            let _ = std::fs::remove_file(path);
            total = total.saturating_sub(len);
        }
        Ok(())
    }

    pub(super) fn count_cached(&self) -> CacheStats {
        let mut stats = CacheStats::default();
        if let Ok(dir) = std::fs::read_dir(self.dir.join("cache")) {
            for entry in dir.flatten() {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                if name.ends_with(".json") && !name.starts_with('.') {
                    stats.entries += 1;
                    stats.bytes += entry.metadata().map_or(0, |m| m.len());
                }
            }
        }
        stats
    }

    pub(super) fn remove_cached(&self) -> u64 {
        let mut removed = 0;
        if let Ok(dir) = std::fs::read_dir(self.dir.join("cache")) {
            for entry in dir.flatten() {
                if entry.file_name().to_string_lossy().ends_with(".json") && std::fs::remove_file(entry.path()).is_ok()
                {
                    removed += 1;
                }
            }
        }
        removed
    }
}
