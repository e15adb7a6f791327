//! The state of one CSV parse: editor line numbers for csv's byte offsets, and the builder
//! that checks each record against the header and the limits.

use super::{Record, Table, check_cell, line_breaks, unterminated_quote};
use crate::diag::Problems;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::limits::Limits;
use crate::model::text::excerpt;

/// One record read but not yet checked against the header: held back until the next one is
/// read, because only the last record of a file can run into an unterminated quote.
pub(super) struct Pending {
    pub(super) line: u64,
    pub(super) byte: usize,
    pub(super) fields: Result<Vec<String>, Vec<Diagnostic>>,
}

/// Turns csv's byte offsets into editor lines. csv's own line counter skips newlines inside
/// quoted fields, so the lines are counted here, incrementally (linear in the file size).
pub(super) struct LineCounter<'t> {
    text: &'t str,
    counted_to: usize,
    line_at: u64,
}

impl<'t> LineCounter<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        LineCounter {
            text,
            counted_to: 0,
            line_at: 1,
        }
    }

    /// The 1-based line of the record csv reports at `byte`.
    pub(super) fn line_of(&mut self, byte: u64) -> u64 {
        let bytes = self.text.as_bytes();
        // csv reports a record as starting at the line terminator before it (after a CR).
        let mut byte = (byte as usize).min(self.text.len());
        while matches!(bytes.get(byte), Some(b'\r' | b'\n')) {
            byte += 1;
        }
        if byte >= self.counted_to {
            // A CR at the end of the range is a break unless the LF after it is counted next.
            let from = self.counted_to;
            self.line_at += bytes[from..byte]
                .iter()
                .enumerate()
                .filter(|(i, b)| {
                    **b == b'\n' || (**b == b'\r' && bytes.get(from + i + 1) != Some(&b'\n'))
                })
                .count() as u64;
            self.counted_to = byte;
        }
        self.line_at
    }
}

/// The state of one parse: the header once read, the records checked against it, and the
/// problems found so far.
pub(super) struct TableBuilder<'a> {
    file: &'a str,
    limits: &'a Limits,
    pub(super) problems: Problems,
    headers: Option<Vec<String>>,
    header_line: u64,
    records: Vec<Record>,
    cells: usize,
}

impl<'a> TableBuilder<'a> {
    pub(super) fn new(file: &'a str, limits: &'a Limits) -> Self {
        TableBuilder {
            file,
            limits,
            problems: Problems::default(),
            headers: None,
            header_line: 1,
            records: Vec::new(),
            cells: 0,
        }
    }

    /// Takes a checked record: the header, or a data row checked against the header's width.
    /// Returns false when reading must stop (no usable header, or a limit reached).
    pub(super) fn take(&mut self, p: Pending) -> bool {
        let fields = match p.fields {
            Ok(f) => f,
            Err(bad) => {
                for d in bad {
                    self.problems.push(d);
                }
                // Without a usable header nothing below it can be read.
                return self.headers.is_some();
            }
        };
        let Some(width) = self.headers.as_ref().map(Vec::len) else {
            self.headers = Some(fields.iter().map(|h| h.trim().to_owned()).collect());
            self.header_line = p.line;
            return true;
        };
        if fields.iter().all(|f| f.trim().is_empty()) {
            return true;
        }
        if !self.within_limits(p.line, fields.len()) {
            return false;
        }
        if fields.len() != width {
            self.wrong_width(p.line, &fields, width);
            return true;
        }
        self.records.push(Record {
            line: p.line,
            fields,
        });
        true
    }

    /// Counts the row's cells against the cell limit and the rows against the row limit,
    /// reporting the first one passed.
    fn within_limits(&mut self, line: u64, width: usize) -> bool {
        let limits = self.limits;
        // Each field costs a string header however empty it is: a file of commas alone would
        // take 24 times its size.
        self.cells += width;
        if self.cells > limits.max_cells() {
            self.problems.push(
                Diagnostic::new(
                    self.file,
                    line,
                    1,
                    format!(
                        "more than {} cells ({} columns × {} rows so far)",
                        limits.max_cells(),
                        width,
                        self.records.len() + 1
                    ),
                )
                .hint(format!(
                    "delete empty columns, or split the file; the limit is 32 cells per allowed row (--max-rows, now {}), at most 32000000",
                    limits.max_rows
                )),
            );
            return false;
        }
        if self.records.len() >= limits.max_rows {
            self.problems.push(
                Diagnostic::new(
                    self.file,
                    line,
                    1,
                    format!("more than {} data rows", limits.max_rows),
                )
                .hint(format!(
                    "split the file, or raise the limit with --max-rows (now {})",
                    limits.max_rows
                )),
            );
            return false;
        }
        true
    }

    /// Reports a data row whose field count differs from the header's.
    fn wrong_width(&mut self, line: u64, fields: &[String], width: usize) {
        self.problems.push(
            Diagnostic::new(
                self.file,
                line,
                fields.len().min(width) as u64 + 1,
                format!(
                    "found {} field{} instead of {} in line {line}",
                    fields.len(),
                    if fields.len() == 1 { "" } else { "s" },
                    width
                ),
            )
            .value(excerpt(&fields.join(","), 60))
            .hint("every row needs one field per header column; quote fields that contain commas"),
        );
    }

    /// Takes the last record of the file, unless it opens a quote that never closes: then
    /// that is the problem to report, located at the opening quote.
    pub(super) fn take_last(&mut self, last: Pending, text: &str) {
        let rest = &text[last.byte.min(text.len())..];
        let Some((newlines, field, content)) = unterminated_quote(rest) else {
            self.take(last);
            return;
        };
        // The record may start at the line terminator before it.
        let skipped = rest.len() - rest.trim_start_matches(['\r', '\n']).len();
        let lead = line_breaks(&rest.as_bytes()[..skipped]);
        self.problems.push(
            Diagnostic::new(
                self.file,
                last.line + newlines - lead.min(newlines),
                field as u64 + 1,
                "quoted field is never closed: it runs to the end of the file",
            )
            .value(excerpt(&rest[content..], 40))
            .hint("end the field with a \" (a quote inside a field is written \"\"); rows after it were read as part of this field"),
        );
    }

    /// The table, or every problem found.
    pub(super) fn finish(mut self) -> Result<Table, Diagnostics> {
        let Some(headers) = self.headers else {
            if self.problems.is_empty() {
                self.problems
                    .push(Diagnostic::new(self.file, 1, 1, "the file is empty").hint(
                        "the first row must name the columns, e.g. id,status,responsibility,answer",
                    ));
            }
            return Err(self.problems.finish(self.file));
        };
        if !self.problems.is_empty() {
            return Err(self.problems.finish(self.file));
        }
        Ok(Table {
            sheet: None,
            header_line: self.header_line,
            headers,
            records: self.records,
        })
    }
}

/// The record's fields, or the cells that break the limits. Checked before anything is copied
/// out of csv's buffer.
pub(super) fn checked_fields(
    file: &str,
    record: &csv::StringRecord,
    line: u64,
    limits: &Limits,
) -> Result<Vec<String>, Vec<Diagnostic>> {
    let mut bad = Vec::new();
    for (i, f) in record.iter().enumerate() {
        if let Some(mut d) = check_cell(file, None, line, i as u64 + 1, f, limits) {
            // A quoted field with newlines pushes later fields down.
            d.line += record
                .iter()
                .take(i)
                .map(|f| line_breaks(f.as_bytes()))
                .sum::<u64>();
            bad.push(d);
        }
    }
    if bad.is_empty() {
        Ok(record.iter().map(str::to_owned).collect())
    } else {
        Err(bad)
    }
}
