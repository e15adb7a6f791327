//! CSV text into rows that remember where they are, with the csv crate doing the parsing.

use crate::diag::{Diagnostic, Diagnostics};

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
        let newlines: usize = self.fields[..index.min(self.fields.len())]
            .iter()
            .map(|f| f.matches('\n').count())
            .sum();
        self.line + newlines as u64
    }
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

/// Parse `text`, reporting structural problems (field counts, broken quoting) for `file`.
pub fn parse(file: &str, text: &str) -> Result<Table, Diagnostics> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut problems = Diagnostics::default();
    let mut headers: Option<Vec<String>> = None;
    let mut header_line = 1;
    let mut records = Vec::new();
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
            line_at += text.as_bytes()[counted_to..byte]
                .iter()
                .filter(|b| **b == b'\n')
                .count() as u64;
            counted_to = byte;
        }
        line_at
    };
    for result in reader.records() {
        let record = match result {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| line_of(p.byte()));
                problems.push(
                    Diagnostic::new(file, line, 1, format!("cannot parse CSV: {e}"))
                        .hint("check the quoting: a field with a comma or newline must be inside \"...\", and a quote inside it doubled (\"\")"),
                );
                continue;
            }
        };
        let line = record.position().map_or(0, |p| line_of(p.byte()));
        let fields: Vec<String> = record.iter().map(str::to_owned).collect();
        match &headers {
            None => {
                headers = Some(fields.iter().map(|h| h.trim().to_owned()).collect());
                header_line = line;
            }
            Some(h) => {
                if fields.iter().all(|f| f.trim().is_empty()) {
                    continue;
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
                        .hint("every row needs one field per header column; quote fields that contain commas"),
                    );
                    continue;
                }
                records.push(Record { line, fields });
            }
        }
    }
    let Some(headers) = headers else {
        problems.push(
            Diagnostic::new(file, 1, 1, "the file is empty")
                .hint("the first row must name the columns, e.g. id,status,responsibility,answer"),
        );
        return Err(problems);
    };
    if problems.is_empty() {
        Ok(Table {
            sheet: None,
            header_line,
            headers,
            records,
        })
    } else {
        Err(problems)
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
            "a.csv:3:3: found 3 fields instead of 2 in line 3"
        );
    }

    #[test]
    fn blank_rows_from_excel_are_skipped() {
        let t = parse("a.csv", "id,status\n,\n設1,ok\n").unwrap();
        assert_eq!(t.records.len(), 1);
    }

    #[test]
    fn empty_file_is_an_error() {
        assert_eq!(
            parse("a.csv", "").unwrap_err().0[0].message,
            "the file is empty"
        );
    }
}
