//! When each recorded interaction of a cassette was last replayed, for `cassette
//! prune`: `replayed/IX_ID`, an empty file whose modification time is that moment.
//! A replay only touches files, so replays running at once need no lock, and the
//! cassette itself is never written by a replay.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use super::FileState;
use crate::files::{self, FsError};
use crate::state::StateError;

impl FileState {
    fn replay_note(&self, id: &str) -> Option<PathBuf> {
        crate::ids::is_generated_id(id, "ix").then(|| self.dir.join("replayed").join(id))
    }

    pub(super) fn note_replayed(&self, ids: &[String], at_ms: i64) -> Result<(), StateError> {
        if ids.is_empty() {
            return Ok(());
        }
        self.ensure_dirs()?;
        let folder = self.dir.join("replayed");
        files::create_private_dir(&folder).map_err(|e| self.io(e))?;
        let at = SystemTime::UNIX_EPOCH + Duration::from_millis(u64::try_from(at_ms).unwrap_or(0));
        for path in ids.iter().filter_map(|id| self.replay_note(id)) {
            let touched = files::private_file_options()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .and_then(|file| file.set_modified(at));
            touched.map_err(|source| self.io(FsError { action: "note a replay in", path, source }))?;
        }
        Ok(())
    }

    pub(super) fn replayed(&self, ids: &[String]) -> Vec<Option<i64>> {
        ids.iter()
            .map(|id| {
                let modified = std::fs::metadata(self.replay_note(id)?).ok()?.modified().ok()?;
                let since = modified.duration_since(SystemTime::UNIX_EPOCH).ok()?;
                i64::try_from(since.as_millis()).ok()
            })
            .collect()
    }
}
