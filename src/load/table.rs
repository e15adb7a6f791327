//! CSV text into rows that remember where they are, with the csv crate doing the parsing.

use crate::diag::Problems;
use crate::diag::{Diagnostic, Diagnostics};
use crate::model::limits::Limits;
use crate::model::text::{excerpt, human_bytes};

/// One data record.
#[derive(Debug, Clone)]
pub struct Record {
    /// 1-based line where the record starts.
    pub line: u64,
    /// The fields, exactly as read.
    pub fields: Vec<String>,
}

impl Record {
    /// The line a field starts on: a quoted field with newlines pushes later fields down.
    pub fn field_line(&self, index: usize) -> u64 {
        let newlines: u64 = self.fields[..index.min(self.fields.len())]
            .iter()
            .map(|f| line_breaks(f.as_bytes()))
            .sum();
        self.line + newlines
    }
}

/// Line breaks as an editor counts them: LF, CRLF, and a lone CR (old Mac files).
pub fn line_breaks(bytes: &[u8]) -> u64 {
    let mut n = 0;
    for (i, b) in bytes.iter().enumerate() {
        n += u64::from(*b == b'\n' || (*b == b'\r' && bytes.get(i + 1) != Some(&b'\n')));
    }
    n
}

/// A parsed CSV file (or one worksheet): the header row and the records below it.
#[derive(Debug, Clone)]
pub struct Table {
    /// Worksheet name for workbooks; `None` for CSV.
    pub sheet: Option<String>,
    /// Line (row) of the header.
    pub header_line: u64,
    /// Header cells, trimmed.
    pub headers: Vec<String>,
    /// Data records; records whose cells are all empty are dropped (Excel leaves them).
    pub records: Vec<Record>,
}

/// Parse `text` with the default [`Limits`].
pub fn parse(file: &str, text: &str) -> Result<Table, Diagnostics> {
    parse_with(file, text, &Limits::default())
}

/// A control character that has no business in a cell (tab, CR and LF are fine): NUL bytes
/// and their kin usually mean a binary file or UTF-16 read as something else, and they break
/// XML (xlsx), PDF text and terminals.
fn is_forbidden_control(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{7F}'
}

/// `9.5 MiB (10000000 bytes)`: rounded for reading, exact for checking.
fn exact_bytes(n: u64) -> String {
    if n < 1024 {
        human_bytes(n)
    } else {
        format!("{} ({n} bytes)", human_bytes(n))
    }
}

/// Check one cell against the limits: its size and its characters. `line`/`column` locate it;
/// `sheet` names the worksheet for workbooks.
pub fn check_cell(
    file: &str,
    sheet: Option<&str>,
    line: u64,
    column: u64,
    value: &str,
    limits: &Limits,
) -> Option<Diagnostic> {
    if value.len() > limits.max_field_bytes {
        return Some(
            Diagnostic::new(
                file,
                line,
                column,
                format!(
                    "cell of {} is over the limit of {}",
                    exact_bytes(value.len() as u64),
                    human_bytes(limits.max_field_bytes as u64)
                ),
            )
            .in_sheet(sheet)
            .value(excerpt(value, 40))
            .hint(format!(
                "shorten the cell (link to a document instead of pasting it), or raise the limit with --max-field-bytes (now {})",
                limits.max_field_bytes
            )),
        );
    }
    // Most cells hold no control character at all: a byte scan tells (C1 controls are C2 80–9F).
    let bytes = value.as_bytes();
    let suspicious = bytes.iter().enumerate().any(|(i, &b)| {
        (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
            || b == 0x7F
            || (b == 0xC2 && bytes.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)))
    });
    if !suspicious {
        return None;
    }
    let (at, c) = value
        .chars()
        .enumerate()
        .find(|(_, c)| is_forbidden_control(*c))?;
    let hint = if c == '\0' {
        "NUL bytes mean a binary file, or UTF-16 without a byte-order mark: save the sheet as CSV UTF-8"
    } else {
        "remove the control character (it is invisible in most editors; retype the cell)"
    };
    Some(
        Diagnostic::new(
            file,
            line,
            column,
            format!(
                "control character U+{:04X} at character {} of the cell",
                c as u32,
                at + 1
            ),
        )
        .in_sheet(sheet)
        .value(excerpt(value, 40))
        .hint(hint),
    )
}

/// Where a quoted field opened and never closed, if `rest` (the text of the last record to the
/// end of the file) ends inside one. Mirrors csv-core: a quote opens a field only at its start;
/// `""` inside is a quote; after the closing quote the field runs on to the next delimiter.
/// Returns (newlines before the opening quote, field index, byte offset of the content).
fn unterminated_quote(rest: &str) -> Option<(u64, usize, usize)> {
    #[derive(PartialEq)]
    enum S {
        Start,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let (mut state, mut field, mut newlines) = (S::Start, 0usize, 0u64);
    let mut open: Option<(u64, usize, usize)> = None;
    let bytes = rest.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let brk = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        state = match (state, b) {
            (S::Start, b'"') => {
                open = Some((newlines, field, i + 1));
                S::Quoted
            }
            (S::Quoted, b'"') => S::QuoteInQuoted,
            (S::Quoted, _) => {
                newlines += u64::from(brk);
                S::Quoted
            }
            (S::QuoteInQuoted, b'"') => S::Quoted,
            (_, b',') => {
                field += 1;
                S::Start
            }
            (_, b'\r' | b'\n') => {
                newlines += u64::from(brk);
                field = 0;
                S::Start
            }
            _ => S::Unquoted,
        };
    }
    if state == S::Quoted { open } else { None }
}

/// One record read but not yet checked against the header: held back until the next one is
/// read, because only the last record of a file can run into an unterminated quote.
struct Pending {
    line: u64,
    byte: usize,
    fields: Result<Vec<String>, Vec<Diagnostic>>,
}

/// Parse `text`, reporting structural problems (field counts, broken quoting, cells over the
/// size limit or with control characters, too many rows) for `file`.
pub fn parse_with(file: &str, text: &str, limits: &Limits) -> Result<Table, Diagnostics> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut problems = Problems::default();
    let mut headers: Option<Vec<String>> = None;
    let mut header_line = 1;
    let mut records = Vec::new();
    let mut cells = 0usize;
    // csv's own line counter skips newlines inside quoted fields, so count them ourselves from
    // the byte offsets (incrementally: linear in the file size).
    let (mut counted_to, mut line_at) = (0usize, 1u64);
    let mut line_of = |byte: u64| {
        // csv reports a record as starting at the line terminator before it (after a CR).
        let mut byte = (byte as usize).min(text.len());
        while matches!(text.as_bytes().get(byte), Some(b'\r' | b'\n')) {
            byte += 1;
        }
        if byte >= counted_to {
            // A CR at the end of the range is a break unless the LF after it is counted next.
            let bytes = text.as_bytes();
            line_at += bytes[counted_to..byte]
                .iter()
                .enumerate()
                .filter(|(i, b)| {
                    **b == b'\n' || (**b == b'\r' && bytes.get(counted_to + i + 1) != Some(&b'\n'))
                })
                .count() as u64;
            counted_to = byte;
        }
        line_at
    };
    let mut pending: Option<Pending> = None;
    let mut record = csv::StringRecord::new();
    let mut stop = false;
    // Takes a checked record: the header, or a data row checked against the header's width.
    let mut take = |p: Pending, problems: &mut Problems| -> bool {
        let fields = match p.fields {
            Ok(f) => f,
            Err(bad) => {
                for d in bad {
                    problems.push(d);
                }
                // Without a usable header nothing below it can be read.
                return headers.is_some();
            }
        };
        let line = p.line;
        let Some(h) = &headers else {
            headers = Some(fields.iter().map(|h| h.trim().to_owned()).collect());
            header_line = line;
            return true;
        };
        if fields.iter().all(|f| f.trim().is_empty()) {
            return true;
        }
        // Each field costs a string header however empty it is: a file of commas alone would
        // take 24 times its size.
        cells += fields.len();
        if cells > limits.max_cells() {
            problems.push(
                Diagnostic::new(
                    file,
                    line,
                    1,
                    format!(
                        "more than {} cells ({} columns × {} rows so far)",
                        limits.max_cells(),
                        fields.len(),
                        records.len() + 1
                    ),
                )
                .hint(format!(
                    "delete empty columns, or split the file; the limit is 32 cells per allowed row (--max-rows, now {}), at most 32000000",
                    limits.max_rows
                )),
            );
            return false;
        }
        if records.len() >= limits.max_rows {
            problems.push(
                Diagnostic::new(
                    file,
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
        if fields.len() != h.len() {
            problems.push(
                Diagnostic::new(
                    file,
                    line,
                    fields.len().min(h.len()) as u64 + 1,
                    format!(
                        "found {} field{} instead of {} in line {line}",
                        fields.len(),
                        if fields.len() == 1 { "" } else { "s" },
                        h.len()
                    ),
                )
                .value(excerpt(&fields.join(","), 60))
                .hint(
                    "every row needs one field per header column; quote fields that contain commas",
                ),
            );
            return true;
        }
        records.push(Record { line, fields });
        true
    };
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| line_of(p.byte()));
                problems.push(
                    Diagnostic::new(file, line, 1, format!("cannot parse CSV: {e}"))
                        .hint("check the quoting: a field with a comma or newline must be inside \"...\", and a quote inside it doubled (\"\")"),
                );
                continue;
            }
        }
        let byte = record.position().map_or(0, |p| p.byte());
        let line = line_of(byte);
        // Checked before anything is copied out of csv's buffer.
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
        let fields = if bad.is_empty() {
            Ok(record.iter().map(str::to_owned).collect())
        } else {
            Err(bad)
        };
        if let Some(p) = pending.take()
            && !take(p, &mut problems)
        {
            stop = true;
            break;
        }
        pending = Some(Pending {
            line,
            byte: byte as usize,
            fields,
        });
    }
    if let Some(last) = pending.filter(|_| !stop) {
        let rest = &text[last.byte.min(text.len())..];
        match unterminated_quote(rest) {
            Some((newlines, field, content)) => {
                // The record may start at the line terminator before it.
                let skipped = rest.len() - rest.trim_start_matches(['\r', '\n']).len();
                let lead = line_breaks(&rest.as_bytes()[..skipped]);
                problems.push(
                    Diagnostic::new(
                        file,
                        last.line + newlines - lead.min(newlines),
                        field as u64 + 1,
                        "quoted field is never closed: it runs to the end of the file",
                    )
                    .value(excerpt(&rest[content..], 40))
                    .hint("end the field with a \" (a quote inside a field is written \"\"); rows after it were read as part of this field"),
                );
            }
            None => {
                take(last, &mut problems);
            }
        }
    }
    let Some(headers) = headers else {
        if problems.is_empty() {
            problems.push(
                Diagnostic::new(file, 1, 1, "the file is empty").hint(
                    "the first row must name the columns, e.g. id,status,responsibility,answer",
                ),
            );
        }
        return Err(problems.finish(file));
    };
    if problems.is_empty() {
        Ok(Table {
            sheet: None,
            header_line,
            headers,
            records,
        })
    } else {
        Err(problems.finish(file))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_quotes_and_embedded_newlines() {
        let t = parse(
            "a.csv",
            "id,answer,owner\r\n設1,\"two\r\nlines, quoted\",x\r\n設2,b,y\r\n",
        )
        .unwrap();
        assert_eq!(t.headers, ["id", "answer", "owner"]);
        assert_eq!(t.records[0].fields[1], "two\r\nlines, quoted");
        assert_eq!(t.records[1].line, 4);
        assert_eq!(t.records[0].field_line(2), 3);
    }

    #[test]
    fn wrong_field_count_is_located() {
        let err = parse("a.csv", "id,status\n設1,ok\n設2,ok,extra\n").unwrap_err();
        assert_eq!(
            err.0[0].to_string().lines().next().unwrap(),
            "a.csv:3:3: found 3 fields instead of 2 in line 3 \"設2,ok,extra\""
        );
    }

    #[test]
    fn blank_rows_from_excel_are_skipped() {
        let t = parse("a.csv", "id,status\n,\n設1,ok\n").unwrap();
        assert_eq!(t.records.len(), 1);
    }

    fn limits(max_field_bytes: usize, max_rows: usize) -> Limits {
        Limits {
            max_field_bytes,
            max_rows,
            ..Limits::default()
        }
    }

    fn first_line(d: &Diagnostic) -> String {
        d.to_string().lines().next().unwrap().to_owned()
    }

    #[test]
    fn oversized_cells_are_located_and_name_the_flag() {
        let text = format!(
            "id,answer\n設1,short\n設2,\"two\nlines {}\"\n",
            "x".repeat(100)
        );
        let err = parse_with("a.csv", &text, &limits(64, 10)).unwrap_err();
        assert_eq!(err.len(), 1);
        let d = &err.0[0];
        assert_eq!((d.line, d.column), (3, 2));
        assert!(
            first_line(d).starts_with("a.csv:3:2: cell of 110 bytes is over the limit of 64 bytes"),
            "{d}"
        );
        assert!(
            d.hint
                .as_ref()
                .unwrap()
                .contains("--max-field-bytes (now 64)")
        );
        assert!(d.value.as_ref().unwrap().ends_with('…'));
        // At the limit is fine.
        assert!(parse_with("a.csv", "id\nxxxx\n", &limits(4, 10)).is_ok());
    }

    #[test]
    fn row_limit_stops_reading_at_the_first_row_over_it() {
        let text = "id\n設1\n\n設2\n設3\n設4\n";
        let t = parse_with("a.csv", text, &limits(100, 3)).unwrap_err();
        assert_eq!(t.len(), 1);
        assert_eq!(first_line(&t.0[0]), "a.csv:6:1: more than 3 data rows");
        assert!(t.0[0].hint.as_ref().unwrap().contains("--max-rows (now 3)"));
        // Blank rows do not count.
        assert_eq!(
            parse_with("a.csv", text, &limits(100, 4))
                .unwrap()
                .records
                .len(),
            4
        );
    }

    #[test]
    fn cell_limit_stops_reading_at_the_row_over_it() {
        // 2 rows allowed: 64 cells; 30 columns pass on the first two rows, not the third.
        let row = ",".repeat(29);
        let text = format!("id{row}\n設1{row}\n設2{row}\n設3{row}\n");
        let err = parse_with("a.csv", &text, &limits(100, 2)).unwrap_err();
        assert_eq!(err.len(), 1);
        assert_eq!(
            first_line(&err.0[0]),
            "a.csv:4:1: more than 64 cells (30 columns × 3 rows so far)"
        );
        assert!(
            err.0[0]
                .hint
                .as_ref()
                .unwrap()
                .contains("--max-rows, now 2")
        );
        let text = format!("id{row}\n設1{row}\n設2{row}\n");
        assert_eq!(
            parse_with("a.csv", &text, &limits(100, 2))
                .unwrap()
                .records
                .len(),
            2
        );
    }

    #[test]
    fn control_characters_are_located() {
        let err = parse("a.csv", "id,answer\n設1,a\0b\n設2,\"x\ny\u{1b}[31m\"\n").unwrap_err();
        assert_eq!(err.len(), 2);
        assert_eq!(
            first_line(&err.0[0]),
            "a.csv:2:2: control character U+0000 at character 2 of the cell \"a\\0b\""
        );
        assert!(err.0[0].hint.as_ref().unwrap().contains("UTF-16"));
        assert_eq!((err.0[1].line, err.0[1].column), (3, 2));
        // Tabs and newlines are text.
        assert!(parse("a.csv", "id,answer\n設1,\"a\tb\r\nc\"\n").is_ok());
    }

    #[test]
    fn unterminated_quote_is_located_at_its_opening() {
        let err = parse(
            "a.csv",
            "id,status,answer\n設1,implemented,ok\n設2,partial,\"abc\n設3,implemented,x\n",
        )
        .unwrap_err();
        assert_eq!(err.len(), 1, "{err}");
        assert_eq!(
            first_line(&err.0[0]),
            "a.csv:3:3: quoted field is never closed: it runs to the end of the file \"abc\\n設3,implemented,x\\n\""
        );
        // CRLF files and a quote in the first field.
        let err = parse("a.csv", "id\r\n設1\r\n\"設2\r\n").unwrap_err();
        assert_eq!((err.0[0].line, err.0[0].column), (3, 1));
        // Doubled quotes and quotes inside unquoted fields are fine.
        let t = parse("a.csv", "id,answer\n設1,\"say \"\"hi\"\"\"\n設2,5\" disk\n").unwrap();
        assert_eq!(t.records[0].fields[1], "say \"hi\"");
        assert_eq!(t.records[1].fields[1], "5\" disk");
    }

    #[test]
    fn lone_carriage_returns_count_as_line_breaks() {
        let err = parse("a.csv", "id,status\r設1,ok\r設2,ok,extra\r").unwrap_err();
        assert_eq!((err.0[0].line, err.0[0].column), (3, 3));
        let t = parse("a.csv", "id,answer,owner\r設1,\"a\rb\",x\r設2,y,z\r").unwrap();
        assert_eq!((t.records[0].field_line(2), t.records[1].line), (3, 4));
        assert_eq!(line_breaks(b"a\r\nb\nc\rd\r"), 4);
    }

    #[test]
    fn header_only_is_a_table_without_records() {
        let t = parse("a.csv", "id,status\n").unwrap();
        assert!(t.records.is_empty());
    }

    #[test]
    fn empty_file_is_an_error() {
        assert_eq!(
            parse("a.csv", "").unwrap_err().0[0].message,
            "the file is empty"
        );
    }
}
