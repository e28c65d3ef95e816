//! Text a streamed report holds back: written to an anonymous temporary file (in the
//! system's temporary directory, removed when closed) in arrival order, and read back
//! whole or piece by piece in the order the report needs.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, Write};

use crate::output::{Sink, WriteError};

/// Why a streamed report could not be written.
#[derive(Debug, thiserror::Error)]
pub enum StreamError {
    /// The output.
    #[error(transparent)]
    Write(#[from] WriteError),
    /// A temporary file (in the system's temporary directory).
    #[error("temporary file for the report: {0}")]
    Spill(#[source] io::Error),
    /// The engine could not add a cluster to the fleet's totals.
    #[error("the engine could not add a cluster to the fleet's totals: {0}")]
    Fold(#[from] crate::engine::GuestFault),
}

fn spill_error(e: impl Into<io::Error>) -> StreamError {
    StreamError::Spill(e.into())
}

/// Where a piece of text is in a [`Spill`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    offset: u64,
    len: usize,
}

impl Span {
    /// Whether the piece is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// An anonymous temporary file of text pieces.
pub struct Spill {
    file: BufWriter<File>,
    len: u64,
}

impl Spill {
    /// A new, empty spill.
    pub fn new() -> Result<Spill, StreamError> {
        let file = tempfile::tempfile().map_err(spill_error)?;
        Ok(Spill {
            file: BufWriter::new(file),
            len: 0,
        })
    }

    /// Append `text`; where it is.
    pub fn push(&mut self, text: &str) -> Result<Span, StreamError> {
        self.file.write_all(text.as_bytes()).map_err(spill_error)?;
        let span = Span {
            offset: self.len,
            len: text.len(),
        };
        self.len += text.len() as u64;
        Ok(span)
    }

    /// The spill, for reading back.
    pub fn into_reader(self) -> Result<SpillReader, StreamError> {
        let mut file = self
            .file
            .into_inner()
            .map_err(|e| spill_error(e.into_error()))?;
        file.rewind().map_err(spill_error)?;
        Ok(SpillReader {
            file,
            bytes: Vec::new(),
        })
    }

    /// Write everything spilled to `sink`, in the order it was pushed.
    pub fn copy_to(self, sink: &mut Sink) -> Result<(), StreamError> {
        let reader = self.into_reader()?;
        let mut lines = BufReader::with_capacity(1 << 16, reader.file);
        let mut line = String::new();
        loop {
            line.clear();
            if lines.read_line(&mut line).map_err(spill_error)? == 0 {
                return Ok(());
            }
            sink.write(&line)?;
        }
    }
}

/// A spill being read back, piece by piece.
pub struct SpillReader {
    file: File,
    bytes: Vec<u8>,
}

impl SpillReader {
    /// The text at `span`.
    pub fn read(&mut self, span: Span) -> Result<&str, StreamError> {
        self.file
            .seek(io::SeekFrom::Start(span.offset))
            .map_err(spill_error)?;
        self.bytes.resize(span.len, 0);
        self.file.read_exact(&mut self.bytes).map_err(spill_error)?;
        // Pushed as `&str`: the bytes are UTF-8 unless the file was changed under us.
        std::str::from_utf8(&self.bytes).map_err(|e| spill_error(io::Error::other(e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_read_back_in_any_order() {
        let mut s = Spill::new().unwrap();
        let a = s.push("alpha\n").unwrap();
        let empty = s.push("").unwrap();
        let b = s.push("βeta, two bytes a letter\n").unwrap();
        assert!(empty.is_empty());
        let mut r = s.into_reader().unwrap();
        assert_eq!(r.read(b).unwrap(), "βeta, two bytes a letter\n");
        assert_eq!(r.read(a).unwrap(), "alpha\n");
        assert_eq!(r.read(empty).unwrap(), "");
    }
}
