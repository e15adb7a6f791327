//! The library's error type. Reporting (colours, exit codes) happens only in the binary.
//!
//! Every error says its cause by type ([`Error::kind`]), and the exit code follows from the
//! cause alone ([`ErrorKind::exit_code`]): the README's exit-code table is that mapping.

use std::fmt;
use std::path::PathBuf;

use crate::diag::Diagnostics;

/// Why a run stopped, as the README's exit-code table sorts causes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad input: a file's contents, a missing or unreadable input file, a broken template.
    Input,
    /// Bad usage: a flag or value that cannot work (e.g. `--paper` with Markdown output).
    Usage,
    /// An output could not be written or produced (disk full, read-only directory, no
    /// temporary directory for an xlsx register).
    Output,
    /// A check the user asked for failed: a pack gate tripped, or `verify` found a problem.
    Gate,
    /// A failure that is no one's input: a bug in kansa, or the system refusing threads.
    Internal,
}

impl ErrorKind {
    /// Every kind, for tables and tests.
    pub const ALL: [ErrorKind; 5] = [
        ErrorKind::Input,
        ErrorKind::Usage,
        ErrorKind::Output,
        ErrorKind::Gate,
        ErrorKind::Internal,
    ];

    /// The process exit code: 2 when the user must change what they gave kansa, 1 when the
    /// run itself failed or a check failed.
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::Input | ErrorKind::Usage => 2,
            ErrorKind::Output | ErrorKind::Gate | ErrorKind::Internal => 1,
        }
    }

    /// The kind's name as the README's exit-code table writes it.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Input => "input",
            ErrorKind::Usage => "usage",
            ErrorKind::Output => "output",
            ErrorKind::Gate => "gate",
            ErrorKind::Internal => "internal",
        }
    }
}

/// What kansa was doing with a file when the system refused: it decides whether the failure
/// is bad input (exit 2) or a failed output (exit 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IoAction {
    /// Reading an input (overlay, catalogue, config, template, font, baseline, a pack being
    /// verified).
    Read,
    /// Looking at the place an output goes (listing the directory a pack would replace).
    ReadTarget,
    /// Creating or writing an output file or directory.
    Write,
    /// Swapping a new pack in for the old one.
    Replace,
    /// Removing a staged or replaced pack.
    Remove,
}

impl IoAction {
    /// Reading an input is bad input; every other action concerns an output.
    pub fn kind(self) -> ErrorKind {
        match self {
            IoAction::Read => ErrorKind::Input,
            IoAction::ReadTarget | IoAction::Write | IoAction::Replace | IoAction::Remove => {
                ErrorKind::Output
            }
        }
    }
}

impl fmt::Display for IoAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IoAction::Read | IoAction::ReadTarget => "cannot read",
            IoAction::Write => "cannot write",
            IoAction::Replace => "cannot replace",
            IoAction::Remove => "cannot remove",
        })
    }
}

/// Everything that can stop a kansa run.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Problems in the user's input files, all of them.
    #[error("{0}")]
    Input(Diagnostics),
    /// An input file kansa cannot use as a whole (e.g. a font that does not parse).
    #[error("{file}: {message}")]
    InputFile {
        /// The file as the user named it.
        file: String,
        /// What is wrong with it.
        message: String,
    },
    /// A file could not be read or written.
    #[error("{action} {path}: {source}")]
    Io {
        /// What kansa was doing; decides input (exit 2) or output (exit 1).
        action: IoAction,
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
    /// An output could not be produced (the PDF or xlsx writer failed); exit 1.
    #[error("{0}")]
    Output(String),
    /// Something that cannot fail on any input did (serialising kansa's own data, starting
    /// threads); exit 1.
    #[error("{0}")]
    Internal(String),
    /// A pack gate tripped (the pack was written), or `verify` found a problem; already
    /// reported; exit 1.
    #[error("{0} check(s) failed")]
    GateFailed(usize),
    /// A failure already printed (e.g. problems as SARIF, or per pack in a pack log): exit
    /// with its kind's code without printing it again.
    #[error("failed ({} error, already reported)", .0.name())]
    Reported(ErrorKind),
}

impl Error {
    /// The cause of the error, decided by its type alone.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Input(_) | Error::InputFile { .. } | Error::Template { .. } => ErrorKind::Input,
            Error::Io { action, .. } => action.kind(),
            Error::Usage(_) => ErrorKind::Usage,
            Error::Output(_) => ErrorKind::Output,
            Error::Internal(_) => ErrorKind::Internal,
            Error::GateFailed(_) => ErrorKind::Gate,
            Error::Reported(kind) => *kind,
        }
    }

    /// The process exit code, from the kind only.
    pub fn exit_code(&self) -> u8 {
        self.kind().exit_code()
    }
}

impl From<Diagnostics> for Error {
    fn from(d: Diagnostics) -> Self {
        Error::Input(d)
    }
}

/// Result with kansa's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    fn io(action: IoAction) -> Error {
        Error::Io {
            action,
            path: PathBuf::from("x"),
            source: std::io::Error::other("refused"),
        }
    }

    /// One error of every cause and the code it must exit with (README "Exit codes").
    #[test]
    fn every_kind_of_error_exits_with_its_code() {
        let table: Vec<(Error, ErrorKind, u8)> = vec![
            (Error::Input(Diagnostics::default()), ErrorKind::Input, 2),
            (
                Error::InputFile {
                    file: "font.ttf".into(),
                    message: "not a font".into(),
                },
                ErrorKind::Input,
                2,
            ),
            (io(IoAction::Read), ErrorKind::Input, 2),
            (
                Error::Template {
                    name: "report.md".into(),
                    message: "bad".into(),
                },
                ErrorKind::Input,
                2,
            ),
            (Error::Usage("bad flag".into()), ErrorKind::Usage, 2),
            (io(IoAction::Write), ErrorKind::Output, 1),
            (io(IoAction::ReadTarget), ErrorKind::Output, 1),
            (io(IoAction::Replace), ErrorKind::Output, 1),
            (io(IoAction::Remove), ErrorKind::Output, 1),
            (Error::Output("xlsx".into()), ErrorKind::Output, 1),
            (Error::GateFailed(1), ErrorKind::Gate, 1),
            (Error::Internal("serde".into()), ErrorKind::Internal, 1),
        ];
        for (error, kind, code) in &table {
            assert_eq!(
                (error.kind(), error.exit_code()),
                (*kind, *code),
                "{error:?}"
            );
        }
        // Every kind is covered, and an already reported error exits as its kind does.
        for kind in ErrorKind::ALL {
            assert!(table.iter().any(|(_, k, _)| *k == kind), "{kind:?}");
            assert_eq!(Error::Reported(kind).exit_code(), kind.exit_code());
        }
    }

    /// The README's exit-code table names each kind with its code: the documentation cannot
    /// drift from [`ErrorKind::exit_code`].
    #[test]
    fn readme_exit_code_table_matches_the_kinds() {
        let readme = include_str!("../README.md");
        let rows: Vec<(u8, &str)> = readme
            .lines()
            .filter_map(|line| {
                let cells: Vec<&str> = line.split('|').map(str::trim).collect();
                let code = cells.get(1)?.parse().ok()?;
                let kind = cells.get(2)?.strip_prefix('`')?.strip_suffix('`')?;
                Some((code, kind))
            })
            .collect();
        for kind in ErrorKind::ALL {
            let documented: Vec<u8> = rows
                .iter()
                .filter(|(_, k)| *k == kind.name())
                .map(|(code, _)| *code)
                .collect();
            assert_eq!(documented, [kind.exit_code()], "README row for {kind:?}");
        }
        assert_eq!(rows.len(), ErrorKind::ALL.len(), "{rows:?}");
    }

    #[test]
    fn io_errors_say_what_was_done() {
        assert_eq!(
            io(IoAction::Read).to_string(),
            "cannot read x: refused",
            "reads keep today's wording"
        );
        assert_eq!(
            io(IoAction::ReadTarget).to_string(),
            "cannot read x: refused"
        );
        assert_eq!(io(IoAction::Write).to_string(), "cannot write x: refused");
        assert_eq!(
            io(IoAction::Replace).to_string(),
            "cannot replace x: refused"
        );
        assert_eq!(io(IoAction::Remove).to_string(), "cannot remove x: refused");
    }
}
