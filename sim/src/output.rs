//! Writing a report: to stdout (colour via anstream, which honours NO_COLOR and plain
//! pipes), or to `-o PATH` the way a shell redirect would. A regular file (or a path that
//! does not exist yet) is written through a temporary file in the same directory renamed
//! into place — so a failure never leaves a partial report over an existing one — and
//! keeps the existing file's mode (a new file gets 0666 minus the umask, like `>`).
//! Symbolic links are followed, so the link stays and its target gets the report.
//! Anything else (a device such as /dev/full, a FIFO, /dev/stdout) is opened and written
//! directly: renaming over it would replace the device or pipe with a regular file.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The output file.
    #[error("cannot write {path}: {source}")]
    File {
        /// The path.
        path: String,
        /// Why.
        source: io::Error,
    },
    /// stdout.
    #[error("cannot write to stdout: {0}")]
    Stdout(io::Error),
}

/// Write `text` to `path`, or to stdout when `path` is `None` or `-`.
/// ANSI styles are kept only for a colour terminal.
pub fn write(path: Option<&Path>, text: &str) -> Result<(), WriteError> {
    match path.filter(|p| p.as_os_str() != "-") {
        None => {
            let mut out = anstream::stdout();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Ok(()) => Ok(()),
                // A closed pipe (`| head`) is the reader's choice, not an error.
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(WriteError::Stdout(e)),
            }
        }
        Some(p) => write_file(p, &anstream::adapter::strip_str(text).to_string()),
    }
}

/// Write `text` to `path` as a shell redirect would (see the module documentation).
pub fn write_file(path: &Path, text: &str) -> Result<(), WriteError> {
    let err = |source| WriteError::File {
        path: path.display().to_string(),
        source,
    };
    // `/dev/stdout` → `/proc/self/fd/1` → `pipe:[123]` is no ordinary link: hand such
    // paths to the kernel as they are.
    if is_special(path) {
        return write_in_place(path, text).map_err(err);
    }
    let target = resolve_links(path).map_err(err)?;
    match fs::metadata(&target) {
        Ok(meta) if meta.is_file() => replace(&target, text, Some(meta.permissions())).map_err(err),
        Ok(_) => write_in_place(path, text).map_err(err),
        Err(e) if e.kind() == io::ErrorKind::NotFound => replace(&target, text, None).map_err(err),
        Err(e) => Err(err(e)),
    }
}

/// Device and process paths, whose links only the kernel can resolve (`/dev/stdout`):
/// written in place, as a shell's `>` does.
fn is_special(path: &Path) -> bool {
    path.starts_with("/dev") || path.starts_with("/proc")
}

/// Follow symbolic links from `path` to the file they name (which may not exist yet: a
/// dangling link is written through, creating its target, as `>` does).
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    // The kernel's own limit on links in a path (ELOOP).
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let link = fs::read_link(&p)?;
                p = match p.parent() {
                    Some(dir) if link.is_relative() => dir.join(link),
                    _ => link,
                };
            }
            Ok(_) => return Ok(p),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(p),
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Write a device, FIFO or terminal directly. O_TRUNC, as `>` uses it, is ignored by
/// devices and FIFOs and empties a regular file reached through `/dev/stdout`.
fn write_in_place(path: &Path, text: &str) -> io::Result<()> {
    let mut f = OpenOptions::new().write(true).truncate(true).open(path)?;
    f.write_all(text.as_bytes())?;
    f.flush()
}

/// Write a regular file through a temporary file renamed into place, with `keep`'s mode
/// (the replaced file's), or 0666 minus the umask for a new file.
fn replace(path: &Path, text: &str, keep: Option<fs::Permissions>) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // The mode is passed to open(2), which applies the umask: exactly what `>` does.
    let mut tmp = tempfile::Builder::new()
        .prefix(".akscert-")
        .suffix(".tmp")
        .permissions(fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)?;
    if let Some(perms) = keep {
        // chmod(2) ignores the umask, so an existing 0644 (or 0600) file keeps its mode.
        tmp.as_file().set_permissions(perms)?;
    }
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
