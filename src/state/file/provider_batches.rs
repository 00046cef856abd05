//! Provider batches in files: `batches/PB_ID.json`, one file per batch, replaced
//! whole (atomically) when its status changes. Only the run that submitted or
//! collects a batch writes its file, so no lock is needed; a file that does not
//! parse (not agentry's) is skipped, not fatal.

use std::path::PathBuf;

use super::FileState;
use crate::files::{self, FsError};
use crate::state::{ProviderBatch, StateError};

/// A record larger than this is not one agentry wrote (100,000 lines of ids).
const MAX_BATCH_FILE: u64 = 64 * 1024 * 1024;

impl FileState {
    fn batches_dir(&self) -> PathBuf {
        self.dir.join("batches")
    }

    pub(super) fn put_provider_batch(&self, batch: &ProviderBatch) -> Result<(), StateError> {
        if !crate::ids::is_generated_id(&batch.id, "pb") {
            return Ok(());
        }
        self.ensure_dirs()?;
        let folder = self.batches_dir();
        files::create_private_dir(&folder).map_err(|e| self.io(e))?;
        let bytes = crate::state::encode("a provider batch", batch)?;
        files::write_atomic_unswept(&folder.join(format!("{}.json", batch.id)), &bytes, 0o600).map_err(|e| self.io(e))
    }

    pub(super) fn provider_batches(&self) -> Result<Vec<ProviderBatch>, StateError> {
        let folder = self.batches_dir();
        let entries = match std::fs::read_dir(&folder) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => return Err(self.io(FsError { action: "read", path: folder, source })),
        };
        let mut batches: Vec<ProviderBatch> = entries
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".json"))
            .filter_map(|e| files::read_capped(&e.path(), MAX_BATCH_FILE, "read a provider batch").ok())
            .filter_map(|bytes| serde_json::from_slice(&bytes).ok())
            .collect();
        batches.sort_by(|a, b| a.submitted_at.cmp(&b.submitted_at).then_with(|| a.id.cmp(&b.id)));
        Ok(batches)
    }
}
