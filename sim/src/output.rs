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
    let mut sink = Sink::open(path)?;
    sink.write(text)?;
    sink.finish()
}

/// Write `text` to `path` as a shell redirect would (see the module documentation).
pub fn write_file(path: &Path, text: &str) -> Result<(), WriteError> {
    write(Some(path), text)
}

/// A report written piece by piece (a large run renders each cluster as it arrives):
/// to stdout, to a device or FIFO directly, or to a regular file through a temporary file
/// that [`Sink::finish`] renames into place — so a failed run leaves the old report.
pub struct Sink {
    /// The path as given, for messages.
    name: String,
    to: To,
}

enum To {
    Stdout(anstream::AutoStream<io::Stdout>),
    /// stdout's reader went away (`| head`): the rest is not wanted.
    Closed,
    Direct(io::BufWriter<fs::File>),
    Replace {
        tmp: io::BufWriter<tempfile::NamedTempFile>,
        target: PathBuf,
    },
}

impl Sink {
    /// Open `path` (`None` or `-`: stdout) for writing.
    pub fn open(path: Option<&Path>) -> Result<Sink, WriteError> {
        let Some(path) = path.filter(|p| p.as_os_str() != "-") else {
            return Ok(Sink {
                name: "stdout".into(),
                to: To::Stdout(anstream::stdout()),
            });
        };
        let name = path.display().to_string();
        let err = |source| WriteError::File {
            path: name.clone(),
            source,
        };
        // `/dev/stdout` → `/proc/self/fd/1` → `pipe:[123]` is no ordinary link: hand such
        // paths to the kernel as they are.
        let direct = |p: &Path| -> io::Result<To> {
            // O_TRUNC, as `>` uses it, is ignored by devices and FIFOs and empties a
            // regular file reached through `/dev/stdout`.
            let f = OpenOptions::new().write(true).truncate(true).open(p)?;
            Ok(To::Direct(io::BufWriter::new(f)))
        };
        let to = if is_special(path) {
            direct(path).map_err(err)?
        } else {
            let target = resolve_links(path).map_err(err)?;
            match fs::metadata(&target) {
                Ok(meta) if meta.is_file() => {
                    replacement(&target, Some(meta.permissions())).map_err(err)?
                }
                Ok(_) => direct(path).map_err(err)?,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    replacement(&target, None).map_err(err)?
                }
                Err(e) => return Err(err(e)),
            }
        };
        Ok(Sink { name, to })
    }

    fn error(&self, source: io::Error) -> WriteError {
        match self.to {
            To::Stdout(_) | To::Closed => WriteError::Stdout(source),
            _ => WriteError::File {
                path: self.name.clone(),
                source,
            },
        }
    }

    /// Write `text` (ANSI styles kept only for a colour terminal).
    pub fn write(&mut self, text: &str) -> Result<(), WriteError> {
        let result = match &mut self.to {
            // Text with nothing to strip goes to stdout as it is, whatever the terminal:
            // anstream would copy it byte by byte through its escape parser.
            To::Stdout(out) if is_plain(text) => {
                let mut raw: &io::Stdout = out.as_inner();
                raw.write_all(text.as_bytes())
            }
            To::Stdout(out) => out.write_all(text.as_bytes()),
            To::Closed => Ok(()),
            To::Direct(f) => f.write_all(plain(text).as_bytes()),
            To::Replace { tmp, .. } => tmp.write_all(plain(text).as_bytes()),
        };
        self.check(result)
    }

    /// A closed pipe (`| head`) is the reader's choice, not an error.
    fn check(&mut self, result: io::Result<()>) -> Result<(), WriteError> {
        match result {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe && matches!(self.to, To::Stdout(_)) => {
                self.to = To::Closed;
                Ok(())
            }
            Err(e) => Err(self.error(e)),
            Ok(()) => Ok(()),
        }
    }

    /// Flush, and put a regular file's report in place.
    pub fn finish(mut self) -> Result<(), WriteError> {
        let to = std::mem::replace(&mut self.to, To::Closed);
        match to {
            To::Stdout(mut out) => {
                let flushed = out.flush();
                self.to = To::Stdout(out);
                self.check(flushed)
            }
            To::Closed => Ok(()),
            To::Direct(mut f) => f.flush().map_err(|e| self.error_file(e)),
            To::Replace { tmp, target } => {
                let tmp = tmp
                    .into_inner()
                    .map_err(|e| self.error_file(e.into_error()))?;
                tmp.as_file().sync_all().map_err(|e| self.error_file(e))?;
                tmp.persist(&target).map_err(|e| self.error_file(e.error))?;
                Ok(())
            }
        }
    }

    fn error_file(&self, source: io::Error) -> WriteError {
        WriteError::File {
            path: self.name.clone(),
            source,
        }
    }
}

/// Whether anstream's stripping — of ANSI escape sequences and of every control character
/// but whitespace — would leave `text` as it is. Only the human format is ever styled:
/// every other report is checked in one pass instead of going through the escape parser,
/// which cost a quarter of the time of a large JSON report. (Bytes from 0x80 up are UTF-8
/// sequences in a `str`, which the stripper keeps whole.)
fn is_plain(text: &str) -> bool {
    let keeps = |b: u8| (b >= 0x20 && b != 0x7f) | matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r');
    // Whole chunks without an early exit, so that the check compiles to vector code.
    text.as_bytes()
        .chunks(256)
        .all(|chunk| chunk.iter().fold(true, |all, &b| all & keeps(b)))
}

/// `text` as a plain file gets it (what anstream writes to a pipe).
fn plain(text: &str) -> std::borrow::Cow<'_, str> {
    if is_plain(text) {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(anstream::adapter::strip_str(text).to_string())
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

/// A temporary file beside `path` to be renamed over it, with `keep`'s mode (the
/// replaced file's), or 0666 minus the umask for a new file.
fn replacement(path: &Path, keep: Option<fs::Permissions>) -> io::Result<To> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // The mode is passed to open(2), which applies the umask: exactly what `>` does.
    let tmp = tempfile::Builder::new()
        .prefix(".akscert-")
        .suffix(".tmp")
        .permissions(fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)?;
    if let Some(perms) = keep {
        // chmod(2) ignores the umask, so an existing 0644 (or 0600) file keeps its mode.
        tmp.as_file().set_permissions(perms)?;
    }
    Ok(To::Replace {
        tmp: io::BufWriter::new(tmp),
        target: path.to_path_buf(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn stripped(text: &str) -> String {
        anstream::adapter::strip_str(text).to_string()
    }

    #[test]
    fn reports_without_styles_are_written_as_they_are_and_styles_are_stripped() {
        let json = r#"{"name":"aks-00000","reason":"expires at 2055-01-12T09:18:47Z"}"#.repeat(20);
        assert!(is_plain(&json));
        assert_eq!(plain(&json), json);
        for (styled, expected) in [
            ("\x1b[1mbold\x1b[0m text", "bold text"),
            ("bell\x07", "bell"),
            ("del\x7f", "del"),
            ("nul\0", "nul"),
            ("tab\there\r\nform\x0cfeed", "tab\there\r\nform\x0cfeed"),
            ("vertical\x0btab", "verticaltab"),
            (
                "C1 as text: \u{85}\u{9b}\u{a0} é 😀",
                "C1 as text: \u{85}\u{9b}\u{a0} é 😀",
            ),
        ] {
            assert_eq!(plain(styled), expected, "{styled:?}");
            assert_eq!(plain(styled), stripped(styled), "{styled:?}");
        }
        // A control character past the first chunk is found too.
        let late = format!("{}\x1b[31m!", "x".repeat(300));
        assert!(!is_plain(&late));
        assert_eq!(plain(&late), format!("{}!", "x".repeat(300)));
    }

    proptest! {
        #[test]
        fn a_plain_file_gets_exactly_what_the_stripper_leaves(
            text in "[ -~\t\n\r\u{b}\u{c}\u{0}\u{7}\u{1b}\u{7f}\u{80}-\u{a0}éő€😀\\[m0-9;]{0,40}"
        ) {
            prop_assert_eq!(plain(&text), stripped(&text));
            if is_plain(&text) {
                prop_assert_eq!(stripped(&text), text);
            }
        }
    }
}
