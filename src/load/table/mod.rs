//! CSV text into rows that remember where they are, with the csv crate doing the parsing.

use crate::diag::{Diagnostic, Diagnostics};
use crate::model::limits::Limits;
use crate::model::text::{excerpt, human_bytes};

mod build;

use build::{LineCounter, Pending, TableBuilder, checked_fields};

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
    control_character(file, sheet, line, column, value)
}

/// The first control character in a cell that must not hold one, reported.
fn control_character(
    file: &str,
    sheet: Option<&str>,
    line: u64,
    column: u64,
    value: &str,
) -> Option<Diagnostic> {
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

/// Parse `text`, reporting structural problems (field counts, broken quoting, cells over the
/// size limit or with control characters, too many rows) for `file`.
pub fn parse_with(file: &str, text: &str, limits: &Limits) -> Result<Table, Diagnostics> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut lines = LineCounter::new(text);
    let mut builder = TableBuilder::new(file, limits);
    let mut pending: Option<Pending> = None;
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.line_of(p.byte()));
                builder.problems.push(
                    Diagnostic::new(file, line, 1, format!("cannot parse CSV: {e}"))
                        .hint("check the quoting: a field with a comma or newline must be inside \"...\", and a quote inside it doubled (\"\")"),
                );
                continue;
            }
        }
        let byte = record.position().map_or(0, |p| p.byte());
        let line = lines.line_of(byte);
        let fields = checked_fields(file, &record, line, limits);
        if let Some(p) = pending.take()
            && !builder.take(p)
        {
            return builder.finish();
        }
        pending = Some(Pending {
            line,
            byte: byte as usize,
            fields,
        });
    }
    if let Some(last) = pending {
        builder.take_last(last, text);
    }
    builder.finish()
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
