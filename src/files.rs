//! Files agentry writes, for the state backend and the providers file alike:
//! private folders (0700) and files (0600), atomic replace that writes through a
//! symbolic link and keeps the target's mode, and lock files that are waited for off
//! the async runtime's thread, with a timeout and the holder's pid for the message.
//! Errors carry the path and what was being done; the command edge words them.

use std::fs::{self, File, TryLockError};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// An I/O failure with the file it happened to and what agentry was doing.
#[derive(Debug, thiserror::Error)]
#[error("cannot {action} {}: {source}", path.display())]
pub struct FsError {
    pub action: &'static str,
    pub path: PathBuf,
    #[source]
    pub source: std::io::Error,
}

pub(crate) fn fs_error<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> FsError + 'a {
    move |source| FsError { action, path: path.to_path_buf(), source }
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("timed out after {} waiting for {}{}", jiff::SignedDuration::try_from(*after).map(|d| format!("{d:#}")).unwrap_or_default(), path.display(), holder.map(|p| format!(" (held by process {p})")).unwrap_or_default())]
    Timeout { path: PathBuf, holder: Option<u32>, after: Duration },
    #[error("file locks are not supported on the file system of {}: {source}", path.display())]
    Unsupported { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Io(#[from] FsError),
}

/// Why a local file was not read whole: it is not a regular file (a FIFO would block
/// for ever, `/dev/zero` never ends), or it is larger than the cap.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReadError {
    #[error("{} is not a regular file", path.display())]
    NotRegular { path: PathBuf },
    #[error("{} is larger than {}", path.display(), crate::units::size_words(*max))]
    TooLarge { path: PathBuf, max: u64 },
    #[error(transparent)]
    Io(#[from] FsError),
}

/// The largest certificate file (`ca_cert`) read: a bundle of hundreds of roots
/// is a few hundred KiB.
pub(crate) const MAX_CERT_FILE: u64 = 1024 * 1024;

/// Read a regular file of at most `max` bytes whole.
pub(crate) fn read_capped(path: &Path, max: u64, action: &'static str) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let meta = fs::metadata(path).map_err(fs_error(action, path))?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular { path: path.to_path_buf() });
    }
    let file = File::open(path).map_err(fs_error(action, path))?;
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes).map_err(fs_error(action, path))?;
    if bytes.len() as u64 > max {
        return Err(ReadError::TooLarge { path: path.to_path_buf(), max });
    }
    Ok(bytes)
}

/// Lines of at most `max` bytes each, read one at a time: a source with no newline
/// (`/dev/zero`) is refused at the cap instead of filling memory.
pub(crate) struct CappedLines<R> {
    reader: R,
    max: usize,
    number: usize,
    offset: u64,
}

/// A line too long, or the source failing, with the line's number (from 1).
#[derive(Debug)]
pub(crate) enum LineError {
    TooLong { number: usize, max: usize },
    Io { number: usize, source: std::io::Error },
}

/// One line read: its number (from 1), its bytes without the newline, where it
/// starts, and whether a newline ended it (a last line without one may be torn).
pub(crate) struct RawLine {
    pub number: usize,
    pub bytes: Vec<u8>,
    pub offset: u64,
    pub complete: bool,
}

impl<R: std::io::BufRead> CappedLines<R> {
    pub(crate) fn new(reader: R, max: usize) -> Self {
        Self { reader, max, number: 0, offset: 0 }
    }

    pub(crate) fn next_line(&mut self) -> Result<Option<RawLine>, LineError> {
        use std::io::{BufRead, Read};
        let mut bytes = Vec::new();
        self.number += 1;
        let number = self.number;
        let read = (&mut self.reader)
            .take(self.max as u64 + 1)
            .read_until(b'\n', &mut bytes)
            .map_err(|source| LineError::Io { number, source })?;
        if read == 0 {
            return Ok(None);
        }
        let offset = self.offset;
        self.offset += read as u64;
        let complete = bytes.last() == Some(&b'\n');
        if complete {
            bytes.pop();
            if bytes.last() == Some(&b'\r') {
                bytes.pop();
            }
        } else if bytes.len() > self.max {
            return Err(LineError::TooLong { number, max: self.max });
        }
        Ok(Some(RawLine { number, bytes, offset, complete }))
    }
}

/// The complete lines of a file, newest (last) first, read from its end in chunks, so
/// that finding the last few lines of a long log costs what those lines cost. A torn
/// last line (no newline yet, a writer killed mid-line) is not a line. `visit` returns
/// whether to go on.
pub(crate) fn lines_from_end(path: &Path, mut visit: impl FnMut(&[u8]) -> bool) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    const CHUNK: u64 = 64 * 1024;
    let mut file = File::open(path)?;
    let mut pos = file.metadata()?.len();
    // Bytes after `pos` not yet handed out: the tail of a line whose start is earlier.
    let mut pending: Vec<u8> = Vec::new();
    let mut torn_tail_dropped = false;
    while pos > 0 {
        let start = pos.saturating_sub(CHUNK);
        let mut buf = vec![0; usize::try_from(pos - start).unwrap_or(0)];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut buf)?;
        buf.extend_from_slice(&pending);
        pos = start;
        if !torn_tail_dropped {
            if let Some(newline) = memchr::memrchr(b'\n', &buf) {
                buf.truncate(newline);
                torn_tail_dropped = true;
            } else {
                pending.clear();
                continue;
            }
        }
        // `buf` now ends where a line ends; its first piece may start before `start`.
        let mut end = buf.len();
        while let Some(newline) = memchr::memrchr(b'\n', &buf[..end]) {
            let line = &buf[newline + 1..end];
            if !line.is_empty() && !visit(line) {
                return Ok(());
            }
            end = newline;
        }
        if pos == 0 {
            if end > 0 {
                visit(&buf[..end]);
            }
            return Ok(());
        }
        buf.truncate(end);
        pending = buf;
    }
    Ok(())
}

/// Create a folder (and its parents) with mode 0700 where agentry creates it.
pub(crate) fn create_private_dir(path: &Path) -> Result<(), FsError> {
    if path.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(path).map_err(fs_error("create folder", path))
}

/// Open options for a file agentry creates: mode 0600 on Unix.
pub(crate) fn private_file_options() -> fs::OpenOptions {
    #[allow(unused_mut, reason = "mutated only on Unix, where the mode is set")]
    let mut options = fs::OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

#[cfg(unix)]
pub(crate) fn mode_of(path: &Path) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).ok().map(|m| m.permissions().mode() & 0o777)
}

#[cfg(not(unix))]
pub fn mode_of(_path: &Path) -> Option<u32> {
    None
}

/// The file a write lands in: a symbolic link (dotfile managers link providers.toml)
/// is written through to its target rather than replaced by a plain file.
pub(crate) fn write_target(path: &Path) -> PathBuf {
    if path.is_symlink()
        && let Ok(target) = fs::canonicalize(path)
    {
        return target;
    }
    path.to_path_buf()
}

const TEMP_MARK: &str = ".tmp-";
const STALE_TEMP: Duration = Duration::from_secs(60);

/// Replace `path` with `contents` atomically: a temp file in the same folder, then a
/// rename, so readers see the old file or the new one and a killed writer leaves no
/// torn file. The target keeps its mode; a new file gets `mode`. A symbolic link is
/// written through. Temp files that killed writers left behind, older than a minute,
/// are removed (once per folder per process).
pub(crate) fn write_atomic(path: &Path, contents: &[u8], mode: u32, keep_mode: bool) -> Result<(), FsError> {
    write_replacing(path, contents, mode, keep_mode, true)
}

/// [`write_atomic`] for a file in a folder that grows with the history (task bodies,
/// system prompts): no sweep here, since listing a folder of 200,000 bodies would cost
/// every task tens of milliseconds; the daily history prune sweeps those folders with
/// [`sweep_stale_temps`].
pub(crate) fn write_atomic_unswept(path: &Path, contents: &[u8], mode: u32) -> Result<(), FsError> {
    write_replacing(path, contents, mode, false, false)
}

fn write_replacing(path: &Path, contents: &[u8], mode: u32, keep_mode: bool, sweep: bool) -> Result<(), FsError> {
    let target = write_target(path);
    let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if sweep {
        sweep_stale_temps_once(dir);
    }
    let mode = if keep_mode { mode_of(&target).unwrap_or(mode) } else { mode };
    // tempfile names the file (O_EXCL, a random suffix) and removes it if anything
    // below fails; the prefix lets the sweep above find what a killed writer left.
    let prefix = format!(".{name}{TEMP_MARK}");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(fs::Permissions::from_mode(mode));
    }
    let mut temp = builder.tempfile_in(dir).map_err(fs_error("write", &target))?;
    temp.write_all(contents).map_err(fs_error("write", &target))?;
    #[cfg(unix)]
    {
        // The umask may have narrowed the mode at creation; set it exactly.
        use std::os::unix::fs::PermissionsExt;
        temp.as_file().set_permissions(fs::Permissions::from_mode(mode)).map_err(fs_error("write", &target))?;
    }
    temp.persist(&target).map(drop).map_err(|err| FsError {
        action: "replace",
        path: target.clone(),
        source: err.error,
    })
}

/// Once per folder per process: [`sweep_stale_temps`].
fn sweep_stale_temps_once(dir: &Path) {
    static SWEPT: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
    {
        let Ok(mut swept) = SWEPT.lock() else { return };
        if swept.iter().any(|d| d == dir) {
            return;
        }
        swept.push(dir.to_path_buf());
    }
    sweep_stale_temps(dir);
}

/// Remove the `.NAME.tmp-*` files in `dir` older than a minute: what writers killed
/// between creating a temp file and renaming it left behind.
pub(crate) fn sweep_stale_temps(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    let now = SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !name.starts_with('.') || !name.contains(TEMP_MARK) {
            continue;
        }
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|modified| now.duration_since(modified).ok())
            .is_some_and(|age| age > STALE_TEMP);
        if old {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Append `bytes` to a file, creating it 0600. One write: lines of parallel writers
/// do not interleave.
pub(crate) fn append(path: &Path, bytes: &[u8]) -> Result<u64, FsError> {
    let target = write_target(path);
    let mut file =
        private_file_options().create(true).append(true).open(&target).map_err(fs_error("append to", &target))?;
    file.write_all(bytes).map_err(fs_error("append to", &target))?;
    file.metadata().map(|m| m.len()).map_err(fs_error("append to", &target))
}

/// Exclusive or shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockMode {
    Exclusive,
    Shared,
}

/// How long to wait for a lock: `quiet` before telling anyone, `timeout` in all
/// (`None`: for as long as it takes, as for an agent busy with a long task).
#[derive(Debug, Clone, Copy)]
pub struct Wait {
    pub quiet: Duration,
    pub timeout: Option<Duration>,
}

/// A held lock on a lock file. The OS releases it when the process exits or is
/// killed, so a lock can never go stale.
#[derive(Debug)]
pub struct LockedFile {
    file: File,
    path: PathBuf,
}

fn open_lock_file(path: &Path) -> Result<File, FsError> {
    private_file_options()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(path)
        .map_err(fs_error("open lock file", path))
}

fn unsupported(err: &std::io::Error) -> bool {
    matches!(err.kind(), std::io::ErrorKind::Unsupported) || err.raw_os_error() == Some(38) // ENOSYS
}

impl LockedFile {
    /// Take the lock without waiting: `None` when another process holds it.
    pub fn try_acquire(path: &Path, mode: LockMode) -> Result<Option<Self>, LockError> {
        let file = open_lock_file(path)?;
        let attempt = match mode {
            LockMode::Exclusive => file.try_lock(),
            LockMode::Shared => file.try_lock_shared(),
        };
        match attempt {
            Ok(()) => Ok(Some(Self { file, path: path.to_path_buf() })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(source)) if unsupported(&source) => {
                Err(LockError::Unsupported { path: path.to_path_buf(), source })
            }
            Err(TryLockError::Error(source)) => {
                Err(FsError { action: "lock", path: path.to_path_buf(), source }.into())
            }
        }
    }

    /// Take the lock, waiting if needed. Holders usually keep it for microseconds, so
    /// it is tried for a moment before `on_wait` is told (with the holder's pid when
    /// it wrote one); then the wait runs on a blocking thread, so the async runtime
    /// never stalls, for at most `timeout` in all.
    pub async fn acquire(
        path: &Path,
        mode: LockMode,
        wait: Wait,
        on_wait: impl FnOnce(Option<u32>),
    ) -> Result<Self, LockError> {
        let Wait { quiet, timeout } = wait;
        let started = tokio::time::Instant::now();
        let quiet_for = timeout.map_or(quiet, |t| (t / 2).min(quiet));
        loop {
            if let Some(held) = Self::try_acquire(path, mode)? {
                return Ok(held);
            }
            if started.elapsed() >= quiet_for {
                break;
            }
            tokio::time::sleep(Duration::from_micros(500 + fastrand::u64(..2_000))).await;
        }
        on_wait(read_holder(path));
        let file = open_lock_file(path)?;
        let wait = tokio::task::spawn_blocking(move || {
            let locked = match mode {
                LockMode::Exclusive => file.lock(),
                LockMode::Shared => file.lock_shared(),
            };
            locked.map(|()| file)
        });
        let joined = match timeout {
            Some(limit) => {
                let left = limit.saturating_sub(started.elapsed());
                match tokio::time::timeout(left, wait).await {
                    Ok(joined) => joined,
                    Err(_) => {
                        return Err(LockError::Timeout {
                            path: path.to_path_buf(),
                            holder: read_holder(path),
                            after: limit,
                        });
                    }
                }
            }
            None => wait.await,
        };
        let file = joined
            .map_err(|err| FsError { action: "lock", path: path.to_path_buf(), source: std::io::Error::other(err) })?
            .map_err(|source| FsError { action: "lock", path: path.to_path_buf(), source })?;
        Ok(Self { file, path: path.to_path_buf() })
    }

    /// Record this process as the holder, for the waiting lines of others.
    pub fn write_holder(&self) {
        let mut file = &self.file;
        let _ = file.set_len(0);
        let _ = file.write_all(std::process::id().to_string().as_bytes());
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for LockedFile {
    fn drop(&mut self) {
        // Clear the pid before the lock goes, so no reader sees a finished holder.
        let _ = self.file.set_len(0);
    }
}

/// The pid a holder wrote into a lock file, if any.
pub(crate) fn read_holder(path: &Path) -> Option<u32> {
    fs::read_to_string(path).ok()?.trim().parse().ok()
}

/// True while some process holds the lock.
pub(crate) fn is_locked(path: &Path) -> bool {
    let Ok(file) = File::open(path) else { return false };
    match file.try_lock_shared() {
        Ok(()) => {
            let _ = file.unlock();
            false
        }
        Err(TryLockError::WouldBlock) => true,
        Err(TryLockError::Error(_)) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_atomic_writes_through_a_symlink_and_keeps_its_mode() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("real.toml");
        fs::write(&target, "old").expect("write");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).expect("chmod");
            let link = dir.path().join("link.toml");
            std::os::unix::fs::symlink(&target, &link).expect("symlink");
            write_atomic(&link, b"new", 0o600, true).expect("write");
            assert!(link.is_symlink());
            assert_eq!(fs::read_to_string(&target).expect("read"), "new");
            assert_eq!(mode_of(&target), Some(0o640));
        }
    }

    #[test]
    fn lines_come_from_the_end_across_chunks_without_the_torn_tail() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("log");
        let long = "y".repeat(150_000);
        let lines: Vec<String> = (0..3000).map(|i| format!("line {i}")).chain([long.clone(), "last".into()]).collect();
        fs::write(&path, format!("{}\n{{torn", lines.join("\n"))).expect("write");
        let mut seen = Vec::new();
        lines_from_end(&path, |line| {
            seen.push(String::from_utf8_lossy(line).into_owned());
            true
        })
        .expect("read");
        let expected: Vec<String> = lines.iter().rev().cloned().collect();
        assert_eq!(seen, expected);
        let mut first = Vec::new();
        lines_from_end(&path, |line| {
            first.push(line.to_vec());
            false
        })
        .expect("read");
        assert_eq!(first, vec![b"last".to_vec()]);
        fs::write(&path, "no newline at all").expect("write");
        let mut none = 0;
        lines_from_end(&path, |_| {
            none += 1;
            true
        })
        .expect("read");
        assert_eq!(none, 0);
    }

    #[test]
    fn stale_temp_files_are_swept() {
        let dir = tempfile::tempdir().expect("tempdir");
        let stale = dir.path().join(".state.json.tmp-1-deadbeef");
        let fresh = dir.path().join(".state.json.tmp-2-deadbeef");
        fs::write(&stale, "x").expect("write");
        fs::write(&fresh, "x").expect("write");
        let old = SystemTime::now() - Duration::from_secs(120);
        File::options().write(true).open(&stale).expect("open").set_modified(old).expect("mtime");
        write_atomic(&dir.path().join("state.json"), b"{}", 0o600, true).expect("write");
        assert!(!stale.exists());
        assert!(fresh.exists());
    }
}
