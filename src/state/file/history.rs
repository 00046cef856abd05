//! The file backend's history: `history.jsonl` appended one line per task, the
//! count of it the totals include (so lines a killed writer left are counted once),
//! and the daily cut to its retention (which also sweeps bodies left without a line).

use std::io::{Read, Seek, SeekFrom};

use super::FileState;
use super::blobs::ORPHAN_AGE;
use crate::files::{self, FsError};
use crate::state::schema::State;
use crate::state::{StateError, TaskRecord};

impl FileState {
    /// Cut the history to its retention: lines older than `max_age`, then all but the
    /// newest `max_entries`. Runs under the state lock, at most once a day.
    pub(super) fn prune(&self, state: &mut State) -> Result<(), StateError> {
        let now = jiff::Timestamp::now();
        let due = state
            .pruned_at
            .as_deref()
            .and_then(|t| t.parse::<jiff::Timestamp>().ok())
            .is_none_or(|last| now.duration_since(last) >= jiff::SignedDuration::from_hours(24));
        if !due {
            return Ok(());
        }
        state.pruned_at = Some(format!("{now:.3}"));
        let bytes = match std::fs::read(&self.history) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(source) => return Err(self.io(FsError { action: "read history", path: self.history.clone(), source })),
        };
        let age = jiff::SignedDuration::try_from(self.retention.max_age).unwrap_or(jiff::SignedDuration::MAX);
        // RFC 3339 UTC with milliseconds sorts as text.
        let cutoff = now.checked_sub(age).map(|t| format!("{t:.3}")).unwrap_or_default();
        let lines: Vec<&[u8]> = bytes.split(|b| *b == b'\n').filter(|l| !l.is_empty()).collect();
        let completed = |line: &[u8]| -> Option<(String, String)> {
            let value: serde_json::Value = serde_json::from_slice(line).ok()?;
            Some((value["completed_at"].as_str()?.to_string(), value["task_id"].as_str()?.to_string()))
        };
        let fresh: Vec<(&[u8], Option<String>)> = lines
            .iter()
            .map(|line| (*line, completed(line)))
            .filter(|(_, meta)| meta.as_ref().is_none_or(|(at, _)| *at >= cutoff))
            .map(|(line, meta)| (line, meta.map(|(_, id)| id)))
            .collect();
        let limit = usize::try_from(self.retention.max_entries).unwrap_or(usize::MAX);
        let kept = &fresh[fresh.len().saturating_sub(limit)..];
        let known: std::collections::HashSet<String> =
            lines.iter().filter_map(|l| completed(l)).map(|(_, id)| id).collect();
        self.sweep_orphan_bodies(&known);
        // Bodies and prompts are written without a sweep per write (their folders grow
        // with the history): what killed writers left there goes here, once a day.
        files::sweep_stale_temps(&self.dir.join("bodies"));
        files::sweep_stale_temps(&self.dir.join("prompts"));
        if kept.len() == lines.len() {
            return Ok(());
        }
        let kept_ids: std::collections::HashSet<&str> = kept.iter().filter_map(|(_, id)| id.as_deref()).collect();
        let mut text = Vec::with_capacity(bytes.len());
        for (line, _) in kept {
            text.extend_from_slice(line);
            text.push(b'\n');
        }
        files::write_atomic(&self.history, &text, 0o600, true).map_err(|e| self.io(e))?;
        state.history_bytes = Some(text.len() as u64);
        for line in &lines {
            if let Some((_, id)) = completed(line)
                && !kept_ids.contains(id.as_str())
                && let Some(path) = self.body_file(&id)
            {
                let _ = std::fs::remove_file(path);
            }
        }
        Ok(())
    }

    /// Bodies with no history line, older than a day: a kill between writing a body
    /// and its history line leaves one, and nothing else would ever remove it.
    pub(super) fn sweep_orphan_bodies(&self, known: &std::collections::HashSet<String>) {
        let Ok(entries) = std::fs::read_dir(self.dir.join("bodies")) else { return };
        let day_ago = std::time::SystemTime::now() - ORPHAN_AGE;
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(id) = name.to_str().and_then(|n| n.strip_suffix(".json")) else { continue };
            let old = entry.metadata().and_then(|m| m.modified()).is_ok_and(|t| t < day_ago);
            if old && crate::ids::is_generated_id(id, "tk") && !known.contains(id) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    pub(super) fn history_len(&self) -> Result<u64, StateError> {
        match std::fs::metadata(&self.history) {
            Ok(meta) => Ok(meta.len()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(0),
            Err(source) => Err(self.io(FsError { action: "read history", path: self.history.clone(), source })),
        }
    }

    /// The history bytes from `from` to the end.
    pub(super) fn history_tail(&self, from: u64) -> Result<Vec<u8>, StateError> {
        let fail = |source| self.io(FsError { action: "read history", path: self.history.clone(), source });
        let mut file = std::fs::File::open(&self.history).map_err(fail)?;
        file.seek(SeekFrom::Start(from)).map_err(fail)?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(fail)?;
        Ok(bytes)
    }

    /// Count history lines the totals lack (a writer killed after appending) into
    /// `state`. Returns where complete lines end: a torn last line starts there.
    pub(super) fn catch_up(&self, state: &mut State) -> Result<(u64, u64), StateError> {
        let len = self.history_len()?;
        let (from, count) = match state.history_bytes {
            Some(mark) if mark <= len => (mark, true),
            // No mark yet (an older file), or the history was cut short by hand:
            // count nothing, only look for a torn tail.
            _ => (len.saturating_sub(64 * 1024), false),
        };
        if from == len {
            return Ok((len, len));
        }
        let tail = self.history_tail(from)?;
        let complete = match tail.iter().rposition(|b| *b == b'\n') {
            Some(index) => index + 1,
            // A window without a newline in a long file: nothing to judge by.
            None if !count && from > 0 => tail.len(),
            None => 0,
        };
        if count {
            for line in tail[..complete].split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
                if let Ok(record) = serde_json::from_slice::<TaskRecord>(line) {
                    record.apply(state);
                }
            }
        }
        Ok((from + complete as u64, len))
    }
}
