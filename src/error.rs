//! The library's error type. Reporting (colours, exit codes) happens only in the binary.

use std::path::PathBuf;

use crate::diag::Diagnostics;

/// Everything that can stop a kansa run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Problems in the user's input files, all of them.
    #[error("{0}")]
    Input(Diagnostics),
    /// A file could not be read or written.
    #[error("{action} {path}: {source}")]
    Io {
        /// "cannot read", "cannot write", ...
        action: &'static str,
        /// The file concerned.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A template failed to parse or render.
    #[error("template {name}: {message}")]
    Template {
        /// Template file name.
        name: String,
        /// Tera's report, with line and column.
        message: String,
    },
    /// A command-line value is wrong.
    #[error("{0}")]
    Usage(String),
    /// Input problems that were already printed (e.g. as SARIF); exit 2 without repeating them.
    #[error("{0} problem(s) found")]
    Reported(usize),
    /// A pack gate tripped (the pack was written), or `verify` found a problem; already
    /// reported; exit 1.
    #[error("{0} check(s) failed")]
    GateFailed(usize),
    /// An output could not be produced (e.g. the PDF writer failed); exit 1.
    #[error("{0}")]
    Output(String),
    /// A failure other than bad input that was already reported; exit 1.
    #[error("failed")]
    WriteReported,
}

impl Error {
    /// Bad input and bad usage exit 2; everything else 1.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_) | Error::Template { .. } | Error::Usage(_) | Error::Reported(_) => 2,
            Error::GateFailed(_) | Error::WriteReported | Error::Output(_) => 1,
            // A missing or unreadable input is bad input; a failed write is not.
            Error::Io { action, .. } if *action == "cannot read" => 2,
            Error::Io { .. } => 1,
        }
    }
}

impl From<Diagnostics> for Error {
    fn from(d: Diagnostics) -> Self {
        Error::Input(d)
    }
}

/// Result with kansa's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
