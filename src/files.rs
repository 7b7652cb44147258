//! Writing the files attrib produces (`--out`, report directories, rejected
//! rows) so that a reader never sees a half-written file and a failed run
//! leaves every file as it was.
//!
//! The rules, for every file attrib writes:
//! - A regular file, a missing one, or a symbolic link (to a regular file, or
//!   dangling) is replaced: the new content goes to a temporary file created
//!   exclusively (`O_CREAT|O_EXCL|O_NOFOLLOW`) in the same directory, is
//!   flushed to disk, then renamed over the name. A symbolic link is replaced
//!   by the new file; the file it pointed to stays untouched.
//! - Anything else that exists (a device such as `/dev/null`, a FIFO, a
//!   socket, or a link to one), and every name of an open descriptor
//!   (`/dev/stdout`, `/dev/fd/N`, `/proc/...`), is written into directly, as
//!   a shell redirection does.
//!   It is never renamed over.
//! - A directory is refused.
//! - The files of one run ([`write_all_or_nothing`], [`commit_all`]) are all
//!   written to temporaries first and renamed only when every one was
//!   written; on a failure the temporaries are removed and the old files
//!   stay as they were.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// A file that could not be written, and why.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}: {source}", path.display())]
pub struct WriteError {
    pub path: PathBuf,
    #[source]
    pub source: io::Error,
}

impl WriteError {
    fn new(path: &Path, source: io::Error) -> WriteError {
        WriteError {
            path: path.to_path_buf(),
            source,
        }
    }
}

impl From<WriteError> for io::Error {
    fn from(e: WriteError) -> io::Error {
        io::Error::new(e.source.kind(), e.to_string())
    }
}

/// How a target is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Through a temporary file renamed over the name.
    Replace,
    /// Into the existing device, FIFO or socket itself.
    Direct,
}

/// Decides how `path` is written (see the module rules).
fn mode_of(path: &Path) -> io::Result<Mode> {
    if is_system_path(path) {
        return Ok(Mode::Direct);
    }
    match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "it is a directory; name a file",
        )),
        Ok(meta) if meta.is_file() => Ok(Mode::Replace),
        Ok(_) => Ok(Mode::Direct),
        // Missing, or a dangling link: the link is replaced by the file.
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Mode::Replace),
        Err(e) => Err(e),
    }
}

/// Names of open descriptors (`/dev/stdout`, `/dev/fd/3`, anything under
/// `/proc`) are written into: `/dev/stdout` links to `/proc/self/fd/1`,
/// which may be a regular file (stdout redirected to one), yet renaming over
/// `/dev/stdout` would replace the system's link. (Other names under `/dev`
/// follow the general rules: `/dev/null` is a device, a file in `/dev/shm`
/// is a regular file.)
fn is_system_path(path: &Path) -> bool {
    let descriptor = |p: &Path| {
        p.starts_with("/proc")
            || p.starts_with("/dev/fd")
            || ["/dev/stdout", "/dev/stderr", "/dev/stdin"]
                .iter()
                .any(|name| p == Path::new(name))
    };
    if descriptor(path) {
        return true;
    }
    // A relative name in such a directory (`cd /proc/self/fd; ... --out 1`).
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    fs::canonicalize(dir).is_ok_and(|d| descriptor(&d))
}

/// A file being written, put in place by [`OutputFile::commit`]. Dropped
/// without a commit, its temporary file is removed and the target stays as
/// it was. (A device or FIFO target receives the bytes as they are written:
/// those cannot be taken back.)
#[derive(Debug)]
pub struct OutputFile {
    target: PathBuf,
    /// The temporary file, for a target that is replaced.
    temp: Option<PathBuf>,
    file: File,
}

impl OutputFile {
    /// Opens a writer for `path` (see the module rules).
    pub fn create(path: &Path) -> Result<OutputFile, WriteError> {
        let fail = |e| WriteError::new(path, e);
        match mode_of(path).map_err(fail)? {
            Mode::Direct => {
                // Appending: a regular file reached through /dev/stdout may
                // already hold what the shell put there (`>>`).
                let file = OpenOptions::new().append(true).open(path).map_err(fail)?;
                Ok(OutputFile {
                    target: path.to_path_buf(),
                    temp: None,
                    file,
                })
            }
            Mode::Replace => {
                let (temp, file) = create_temporary(path).map_err(fail)?;
                Ok(OutputFile {
                    target: path.to_path_buf(),
                    temp: Some(temp),
                    file,
                })
            }
        }
    }

    /// The name this file will have.
    pub fn path(&self) -> &Path {
        &self.target
    }

    /// Flushes the content to disk: after this only the rename is left.
    fn sync(&mut self) -> Result<(), WriteError> {
        self.file
            .flush()
            .map_err(|e| WriteError::new(&self.target, e))?;
        if self.temp.is_some() {
            self.file
                .sync_all()
                .map_err(|e| WriteError::new(&self.target, e))?;
        }
        Ok(())
    }

    /// Renames the temporary file over the target. Consumes the writer.
    fn rename(mut self) -> Result<(), WriteError> {
        let Some(temp) = self.temp.take() else {
            return Ok(());
        };
        if let Err(e) = fs::rename(&temp, &self.target) {
            let _ = fs::remove_file(&temp);
            return Err(WriteError::new(&self.target, e));
        }
        sync_directory(&self.target);
        Ok(())
    }

    /// Puts the file in place: flushed to disk, then renamed over the target.
    pub fn commit(mut self) -> Result<(), WriteError> {
        self.sync()?;
        self.rename()
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        #[cfg(test)]
        if let Some(e) = seam::injected_error(&self.target) {
            return Err(e);
        }
        self.file.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl Drop for OutputFile {
    fn drop(&mut self) {
        if let Some(temp) = self.temp.take() {
            let _ = fs::remove_file(temp);
        }
    }
}

/// Puts several files of one run in place: each is flushed to disk first,
/// and only when all are is any renamed. On a failure every temporary file
/// is removed and no target has changed (unless a rename itself fails, which
/// on one directory means the disk or its permissions changed under us).
pub fn commit_all(files: Vec<OutputFile>) -> Result<(), WriteError> {
    let mut files = files;
    for file in &mut files {
        file.sync()?;
    }
    for file in files {
        file.rename()?;
    }
    Ok(())
}

/// Writes `bytes` to `path` atomically (see the module rules).
pub fn write_one(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_all_or_nothing(&[(path.to_path_buf(), bytes.to_vec())])
}

/// Writes every `(path, bytes)` or none: regular files go to temporaries,
/// then devices and FIFOs get their bytes, then the temporaries are renamed.
/// On a failure the temporaries are removed and the old files stay.
pub fn write_all_or_nothing(files: &[(PathBuf, Vec<u8>)]) -> Result<(), WriteError> {
    // Check every target before writing anything.
    let mut modes = Vec::with_capacity(files.len());
    for (path, _) in files {
        modes.push(mode_of(path).map_err(|e| WriteError::new(path, e))?);
    }
    let mut replaced = Vec::new();
    for ((path, bytes), mode) in files.iter().zip(&modes) {
        if *mode == Mode::Replace {
            let mut file = OutputFile::create(path)?;
            file.write_all(bytes)
                .map_err(|e| WriteError::new(path, e))?;
            file.sync()?;
            replaced.push(file);
        }
    }
    for ((path, bytes), mode) in files.iter().zip(&modes) {
        if *mode == Mode::Direct {
            let mut file = OutputFile::create(path)?;
            file.write_all(bytes)
                .and_then(|()| file.flush())
                .map_err(|e| WriteError::new(path, e))?;
        }
    }
    for file in replaced {
        file.rename()?;
    }
    Ok(())
}

/// Creates `.NAME.PID-N.tmp` beside `path`, exclusively and without
/// following a link planted at that name; another name is tried if one is
/// taken. It gets the permissions of the file it replaces.
fn create_temporary(path: &Path) -> io::Result<(PathBuf, File)> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "it is not a file name"))?;
    let mode = fs::metadata(path)
        .ok()
        .filter(fs::Metadata::is_file)
        .map(|m| m.permissions().mode() & 0o7777);
    let mut last = None;
    for _ in 0..64 {
        let mut temp_name = OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(
            ".{}-{}.tmp",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let temp = dir.join(temp_name);
        match create_exclusive(&temp) {
            Ok(file) => {
                if let Some(mode) = mode {
                    // umask applied at creation; the old file's mode wins.
                    let _ = file.set_permissions(fs::Permissions::from_mode(mode));
                }
                return Ok((temp, file));
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no free temporary name")))
}

/// Creates `path`, failing if anything (a link included) is there already.
fn create_exclusive(path: &Path) -> io::Result<File> {
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
        .open(path)
}

/// Makes a rename durable; not every file system can sync a directory,
/// hence best effort.
fn sync_directory(path: &Path) {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// A test-only way to make writes to one file fail, as a full disk would.
#[cfg(test)]
pub(crate) mod seam {
    use std::cell::RefCell;
    use std::io;
    use std::path::{Path, PathBuf};

    thread_local! {
        static FAILING: RefCell<Option<PathBuf>> = const { RefCell::new(None) };
    }

    /// Writes to `path` fail with "no space left on device" on this thread.
    pub fn fail_writes_to(path: Option<&Path>) {
        FAILING.with(|f| *f.borrow_mut() = path.map(Path::to_path_buf));
    }

    pub(super) fn injected_error(target: &Path) -> Option<io::Error> {
        FAILING.with(|f| {
            f.borrow()
                .as_deref()
                .filter(|p| *p == target)
                .map(|_| io::Error::from_raw_os_error(libc::ENOSPC))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{FileTypeExt, symlink};

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn mkfifo(path: &Path) {
        let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    }

    #[test]
    fn replaces_a_regular_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        write_one(&path, b"first").unwrap();
        write_one(&path, b"second").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"second");
        assert_eq!(names(dir.path()), ["out.csv"]);
    }

    #[test]
    fn keeps_the_permissions_of_the_replaced_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        fs::write(&path, b"old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        write_one(&path, b"new").unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }

    #[test]
    fn dev_null_stays_a_device() {
        write_one(Path::new("/dev/null"), b"discarded").unwrap();
        let meta = fs::metadata("/dev/null").unwrap();
        assert!(meta.file_type().is_char_device());
    }

    #[test]
    fn a_link_to_dev_null_stays_a_link_to_the_device() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("sink");
        symlink("/dev/null", &link).unwrap();
        write_one(&link, b"discarded").unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(
            fs::metadata("/dev/null")
                .unwrap()
                .file_type()
                .is_char_device()
        );
        assert_eq!(names(dir.path()), ["sink"]);
    }

    #[test]
    fn a_fifo_receives_the_bytes_and_stays_a_fifo() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        mkfifo(&fifo);
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || fs::read(fifo).unwrap())
        };
        write_one(&fifo, b"through the pipe").unwrap();
        assert_eq!(reader.join().unwrap(), b"through the pipe");
        assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
        assert_eq!(names(dir.path()), ["pipe"]);
    }

    #[test]
    fn a_link_to_a_regular_file_is_replaced_and_its_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("precious.txt");
        fs::write(&target, b"keep me").unwrap();
        let link = dir.path().join("out.csv");
        symlink(&target, &link).unwrap();
        write_one(&link, b"new").unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"keep me");
        assert!(fs::symlink_metadata(&link).unwrap().is_file());
        assert_eq!(fs::read(&link).unwrap(), b"new");
    }

    #[test]
    fn descriptor_names_are_written_into_other_dev_names_follow_the_rules() {
        assert!(is_system_path(Path::new("/dev/stdout")));
        assert!(is_system_path(Path::new("/dev/fd/1")));
        assert!(is_system_path(Path::new("/proc/self/fd/1")));
        assert!(!is_system_path(Path::new("/dev/shm/report.csv")));
        assert!(!is_system_path(Path::new("/dev/null")));
        assert_eq!(mode_of(Path::new("/dev/null")).unwrap(), Mode::Direct);
        assert_eq!(mode_of(Path::new("/dev/stdout")).unwrap(), Mode::Direct);
    }

    #[test]
    fn a_directory_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_one(dir.path(), b"x").unwrap_err();
        assert_eq!(err.path, dir.path());
        assert!(err.to_string().contains("is a directory"), "{err}");
    }

    #[test]
    fn a_missing_directory_is_an_error_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope").join("x.csv");
        assert!(write_one(&missing, b"x").is_err());
        assert!(!dir.path().join("nope").exists());
    }

    #[test]
    fn a_link_planted_at_a_temporary_name_is_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        fs::write(&victim, b"keep me").unwrap();
        let planted = dir.path().join(".out.csv.1-1.tmp");
        symlink(&victim, &planted).unwrap();
        let err = create_exclusive(&planted).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&victim).unwrap(), b"keep me");
        // A dangling link is not followed either (O_EXCL on the link itself).
        let dangling = dir.path().join(".x.tmp");
        symlink(dir.path().join("would-be-created"), &dangling).unwrap();
        assert!(create_exclusive(&dangling).is_err());
        assert!(!dir.path().join("would-be-created").exists());
    }

    #[test]
    fn a_failed_write_of_one_file_leaves_every_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<(PathBuf, Vec<u8>)> = ["a.csv", "b.csv", "c.csv"]
            .iter()
            .map(|n| (dir.path().join(n), b"new".to_vec()))
            .collect();
        for (path, _) in &files {
            fs::write(path, b"old").unwrap();
        }
        seam::fail_writes_to(Some(&files[1].0));
        let err = write_all_or_nothing(&files).unwrap_err();
        seam::fail_writes_to(None);
        assert_eq!(err.path, files[1].0);
        assert!(err.to_string().contains("No space left"), "{err}");
        for (path, _) in &files {
            assert_eq!(fs::read(path).unwrap(), b"old", "{}", path.display());
        }
        assert_eq!(names(dir.path()), ["a.csv", "b.csv", "c.csv"]);
        // And without the failure, all are replaced.
        write_all_or_nothing(&files).unwrap();
        for (path, _) in &files {
            assert_eq!(fs::read(path).unwrap(), b"new");
        }
    }

    #[test]
    fn a_failing_device_leaves_the_regular_files_as_they_were() {
        let dir = tempfile::tempdir().unwrap();
        let regular = dir.path().join("a.csv");
        fs::write(&regular, b"old").unwrap();
        let full = dir.path().join("b.csv");
        symlink("/dev/full", &full).unwrap();
        let files = vec![
            (regular.clone(), b"new".to_vec()),
            (full.clone(), b"new".to_vec()),
        ];
        let err = write_all_or_nothing(&files).unwrap_err();
        assert_eq!(err.path, full);
        assert_eq!(fs::read(&regular).unwrap(), b"old");
        assert_eq!(names(dir.path()), ["a.csv", "b.csv"]);
    }

    #[test]
    fn a_directory_among_the_targets_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let regular = dir.path().join("a.csv");
        fs::create_dir(dir.path().join("b.csv")).unwrap();
        let files = vec![
            (regular.clone(), b"new".to_vec()),
            (dir.path().join("b.csv"), b"new".to_vec()),
        ];
        assert!(write_all_or_nothing(&files).is_err());
        assert!(!regular.exists());
    }

    #[test]
    fn a_streamed_file_dropped_without_commit_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rejected.csv");
        fs::write(&path, b"old").unwrap();
        let mut file = OutputFile::create(&path).unwrap();
        file.write_all(b"partial").unwrap();
        drop(file);
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert_eq!(names(dir.path()), ["rejected.csv"]);
        let mut a = OutputFile::create(&path).unwrap();
        a.write_all(b"one").unwrap();
        let mut b = OutputFile::create(&dir.path().join("other.csv")).unwrap();
        b.write_all(b"two").unwrap();
        commit_all(vec![a, b]).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"one");
        assert_eq!(names(dir.path()), ["other.csv", "rejected.csv"]);
    }
}
