//! Writing a report: to stdout (colour via anstream, which honours NO_COLOR and plain
//! pipes), or to `-o FILE` through a temporary file in the same directory renamed into
//! place — so a failure never leaves a partial report over an existing one.

use std::io::Write;
use std::path::Path;

/// Why a report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// The output file.
    #[error("cannot write {path}: {source}")]
    File {
        /// The path.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// stdout.
    #[error("cannot write to stdout: {0}")]
    Stdout(std::io::Error),
}

/// Write `text` to `path` atomically, or to stdout when `path` is `None` or `-`.
/// ANSI styles are kept only for a colour terminal.
pub fn write(path: Option<&Path>, text: &str) -> Result<(), WriteError> {
    match path.filter(|p| p.as_os_str() != "-") {
        None => {
            let mut out = anstream::stdout();
            match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                Ok(()) => Ok(()),
                // A closed pipe (`| head`) is the reader's choice, not an error.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(WriteError::Stdout(e)),
            }
        }
        Some(p) => write_file(p, &anstream::adapter::strip_str(text).to_string()),
    }
}

/// Write `text` to `path` through a temporary file renamed into place.
pub fn write_file(path: &Path, text: &str) -> Result<(), WriteError> {
    let err = |source| WriteError::File {
        path: path.display().to_string(),
        source,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".akscert-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(err)?;
    tmp.write_all(text.as_bytes()).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}
