//! Problems found in user input, each with a location, a hint and a severity.
//!
//! Loaders collect every problem of every file before failing once, because users fix a whole
//! sheet per run, not one cell per run. Warnings and notes (a missing evidence file, a pack
//! built without a baseline) are [`Diagnostic`]s too, with their [`Severity`], so they travel
//! in the same [`Diagnostics`] list as errors and are printed by one function (as typst's
//! `SourceDiagnostic` carries its severity).

use std::fmt;

use serde::Serialize;

/// How much a [`Diagnostic`] matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input is wrong: the run fails (exit 2) and writes nothing.
    Error,
    /// Something the user should look at; the run goes on (e.g. a missing evidence file).
    Warning,
    /// What the run did or left out, for the record (e.g. problems not listed, no baseline).
    Note,
}

impl Severity {
    /// The word printed before the diagnostic (`warning: …`), also its SARIF `level` and its
    /// `level` in JSON logs.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// One problem in an input file, or a warning or note about the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error, warning or note.
    pub severity: Severity,
    /// The file as the user named it (empty for a remark about the run as a whole).
    pub file: String,
    /// 1-based line, as a text editor counts (0 when the problem concerns the whole file).
    pub line: u64,
    /// 1-based column: the field number in a CSV row, or the character in a line of text.
    pub column: u64,
    /// Name of the CSV column, when the problem is in one.
    pub column_name: Option<String>,
    /// The offending value, verbatim.
    pub value: Option<String>,
    /// What is wrong, lower-case, no final period.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
    /// Worksheet name, for problems in a workbook: the location then reads `FILE!SHEET!C12`
    /// (`line` is the spreadsheet row, `column` the column number).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// For the note closing a file's list once it is full: how many problems it stands for.
    /// Such a note is not a problem itself, so it never counts as one.
    #[serde(skip)]
    pub unlisted: Option<usize>,
}

impl Diagnostic {
    /// A problem (an error) at `file:line:column`.
    pub fn new(file: &str, line: u64, column: u64, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_owned(),
            line,
            column,
            column_name: None,
            value: None,
            message: message.into(),
            hint: None,
            sheet: None,
            unlisted: None,
        }
    }

    /// A remark about the run as a whole, in no file (printed as its message alone).
    pub fn about_run(severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic::new("", 0, 0, message).severity(severity)
    }

    /// Set the severity (a missing evidence file is a warning, or an error with `--strict`).
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Make this the note that stands for `count` problems not listed.
    pub fn unlisted(mut self, count: usize) -> Self {
        self.unlisted = Some(count);
        self.severity(Severity::Note)
    }

    /// True for a note: it is no problem itself, and counts only as the problems it stands
    /// for ([`Diagnostic::unlisted`]).
    pub fn is_note(&self) -> bool {
        self.severity == Severity::Note
    }

    /// Place the problem in a worksheet of a workbook.
    pub fn in_sheet(mut self, sheet: Option<&str>) -> Self {
        self.sheet = sheet.map(str::to_owned);
        self
    }

    /// Name the CSV column the problem is in.
    pub fn column_name(mut self, name: impl Into<String>) -> Self {
        self.column_name = Some(name.into());
        self
    }

    /// Quote the offending value (at most 200 characters of it: a 4 MB cell is not echoed).
    pub fn value(mut self, value: impl Into<String>) -> Self {
        let value = value.into();
        self.value = Some(if value.len() > 200 {
            crate::model::text::excerpt(&value, 200)
        } else {
            value
        });
        self
    }

    /// Add a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.file.is_empty() || self.line > 0 {
            self.fmt_location(f)?;
            f.write_str(": ")?;
        }
        write!(f, "{}", self.message)?;
        if let Some(value) = &self.value {
            write!(f, " {value:?}")?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

impl Diagnostic {
    /// `FILE:LINE:COLUMN (column)`, or as much of it as the diagnostic has.
    fn fmt_location(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.sheet {
            Some(sheet) => write!(
                f,
                "{}!{}!{}{}",
                self.file,
                sheet,
                column_letters(self.column),
                self.line
            )?,
            // Problems of a whole file (or of no file) have no position to print.
            None if self.line == 0 => write!(f, "{}", self.file)?,
            // A whole row (e.g. an evidence reference found after merging).
            None if self.column == 0 => write!(f, "{}:{}", self.file, self.line)?,
            None => write!(f, "{}:{}:{}", self.file, self.line, self.column)?,
        }
        if let Some(name) = &self.column_name {
            write!(f, " ({name})")?;
        }
        Ok(())
    }
}

/// Every problem found in one run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Add a problem.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of entries listed (problems and notes).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The listed problems and warnings, without the notes (such as the one standing for
    /// unlisted problems).
    pub fn listed(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| !d.is_note())
    }

    /// Problems (errors) found, listed or not: a note counts as the problems it stands for,
    /// a warning not at all.
    pub fn total(&self) -> usize {
        self.0
            .iter()
            .map(|d| match d.severity {
                Severity::Error => 1,
                Severity::Warning | Severity::Note => d.unlisted.unwrap_or(0),
            })
            .sum()
    }

    /// True when an entry is an error (the run must fail).
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// The entries most severe first (errors, then warnings, then notes), each severity in the
    /// order found: the order they are printed in.
    pub fn by_severity(&self) -> Vec<&Diagnostic> {
        let mut all: Vec<&Diagnostic> = self.0.iter().collect();
        all.sort_by_key(|d| d.severity);
        all
    }

    /// Problems found but not listed.
    pub fn unlisted(&self) -> usize {
        self.0.iter().filter_map(|d| d.unlisted).sum()
    }

    /// The problems as JSON (`kansa validate --format json`): the listed problems, their
    /// total (listed or not) and how many of them are not listed.
    pub fn to_json(&self) -> serde_json::Value {
        let listed: Vec<&Diagnostic> = self.listed().collect();
        serde_json::json!({
            "problems": listed,
            "count": self.total(),
            "unlisted": self.unlisted(),
        })
    }

    /// Append all problems of another run.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        let n = self.total();
        write!(f, "{n} problem{} found", if n == 1 { "" } else { "s" })
    }
}

/// Spreadsheet column letters for a 1-based column number: 1 → A, 27 → AA.
pub fn column_letters(mut column: u64) -> String {
    let mut out = Vec::new();
    while column > 0 {
        let rem = ((column - 1) % 26) as u8;
        out.push(b'A' + rem);
        column = (column - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// The nearest candidate to `value` by edit distance, if it is close enough to be a likely typo.
pub fn nearest<'a>(value: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let value_len = value.chars().count();
    let allowed = |c_len: usize| (value_len.max(c_len) / 2).max(1);
    candidates
        .into_iter()
        // The distance is at least the difference in length: a 4 MB cell is never compared
        // character by character with "implemented".
        .filter(|c| {
            let c_len = c.chars().count();
            value_len.abs_diff(c_len) <= allowed(c_len)
        })
        .map(|c| (strsim::levenshtein(value, c), c))
        .filter(|(d, c)| *d <= allowed(c.chars().count()))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Problems as a SARIF 2.1.0 log, so CI systems can annotate the offending CSV line. Errors
/// and warnings are results (SARIF `level` from the severity); notes, such as the one standing
/// for problems not listed, are no results: SARIF's place for such a remark is a notification
/// of the run.
pub fn sarif(problems: &Diagnostics) -> serde_json::Value {
    let mut rules: Vec<String> = problems.listed().map(sarif_rule_id).collect();
    rules.sort();
    rules.dedup();
    let results: Vec<serde_json::Value> = problems.listed().map(sarif_result).collect();
    let notes: Vec<serde_json::Value> = problems
        .0
        .iter()
        .filter(|d| d.is_note())
        .map(sarif_notification)
        .collect();
    let mut log = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "kansa",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules.iter().map(|r| serde_json::json!({ "id": r })).collect::<Vec<_>>(),
            }},
            "results": results,
        }],
    });
    if !notes.is_empty() {
        log["runs"][0]["invocations"] = serde_json::json!([{
            "executionSuccessful": true,
            "toolExecutionNotifications": notes,
        }]);
    }
    log
}

/// The SARIF rule of a diagnostic: its message up to the first colon, dashed
/// (`unknown status` → `unknown-status`).
fn sarif_rule_id(d: &Diagnostic) -> String {
    d.message.split(':').next().unwrap_or("").replace(' ', "-")
}

/// One SARIF result: the message with column, value and hint, at the file's line and column
/// (a worksheet's cell has no text column).
fn sarif_result(d: &Diagnostic) -> serde_json::Value {
    let mut text = d.message.clone();
    if let Some(c) = &d.column_name {
        text = format!("{c}: {text}");
    }
    if let Some(v) = &d.value {
        text.push_str(&format!(" {v:?}"));
    }
    if let Some(h) = &d.hint {
        text.push_str(&format!(" (hint: {h})"));
    }
    let mut region = serde_json::json!({ "startLine": d.line.max(1) });
    if d.column > 0 && d.sheet.is_none() {
        region["startColumn"] = d.column.into();
    }
    serde_json::json!({
        "ruleId": sarif_rule_id(d),
        "level": d.severity.name(),
        "message": { "text": text },
        "locations": [{ "physicalLocation": {
            "artifactLocation": { "uri": d.file },
            "region": region,
        }}],
    })
}

/// A note as a SARIF notification of the run, naming its file.
fn sarif_notification(d: &Diagnostic) -> serde_json::Value {
    serde_json::json!({
        "level": d.severity.name(),
        "message": { "text": d.message },
        "locations": [{ "physicalLocation": {
            "artifactLocation": { "uri": d.file },
        }}],
    })
}

/// Problems of one file, of which at most [`MAX_PROBLEMS_PER_FILE`](crate::model::limits::MAX_PROBLEMS_PER_FILE) are kept: the others are
/// only counted, and [`Problems::finish`] closes the list with one line saying how many.
#[derive(Debug)]
pub struct Problems {
    list: Diagnostics,
    hidden: usize,
    max: usize,
}

impl Default for Problems {
    fn default() -> Self {
        Problems::with_max(crate::model::limits::MAX_PROBLEMS_PER_FILE)
    }
}

impl Problems {
    /// An empty list keeping at most `max` problems.
    pub fn with_max(max: usize) -> Self {
        Problems {
            list: Diagnostics::default(),
            hidden: 0,
            max,
        }
    }

    /// Add a problem (or only count it, once the list is full).
    pub fn push(&mut self, d: Diagnostic) {
        if self.list.len() < self.max {
            self.list.push(d);
        } else {
            self.hidden += 1;
        }
    }

    /// Add several problems.
    pub fn extend(&mut self, more: Diagnostics) {
        for d in more.0 {
            self.push(d);
        }
    }

    /// True when no more problems will be listed: expensive hints can be skipped.
    pub fn is_full(&self) -> bool {
        self.list.len() >= self.max
    }

    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty() && self.hidden == 0
    }

    /// The listed problems, closed by a line counting the unlisted ones of `file`.
    pub fn finish(mut self, file: &str) -> Diagnostics {
        if self.hidden > 0 {
            let shown = self.list.len();
            self.list.push(
                Diagnostic::new(
                    file,
                    0,
                    0,
                    format!(
                        "{} more problems not listed (only the first {shown} of a file are shown)",
                        self.hidden
                    ),
                )
                .hint("fix the problems above and run `kansa validate` again")
                .unlisted(self.hidden),
            );
        }
        self.list
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_beyond_the_cap_are_counted_not_kept() {
        let mut p = Problems::with_max(2);
        for i in 0..5 {
            p.push(Diagnostic::new("a.csv", i + 2, 1, "bad"));
        }
        assert!(p.is_full());
        let list = p.finish("a.csv");
        assert_eq!(list.len(), 3);
        assert_eq!(
            list.0[2].to_string().lines().next().unwrap(),
            "a.csv: 3 more problems not listed (only the first 2 of a file are shown)"
        );
        assert!(Problems::default().is_empty());
    }

    #[test]
    fn display_names_location_column_value_and_hint() {
        let d = Diagnostic::new("a.csv", 12, 3, "unknown status")
            .column_name("status")
            .value("Yes?")
            .hint("expected one of implemented, partial");
        assert_eq!(
            d.to_string(),
            "a.csv:12:3 (status): unknown status \"Yes?\"\n  hint: expected one of implemented, partial"
        );
    }

    #[test]
    fn workbook_locations_read_file_sheet_cell() {
        let d = Diagnostic::new("a.xlsx", 12, 3, "unknown status").in_sheet(Some("運用"));
        assert_eq!(d.to_string(), "a.xlsx!運用!C12: unknown status");
        assert_eq!(column_letters(1), "A");
        assert_eq!(column_letters(26), "Z");
        assert_eq!(column_letters(27), "AA");
        assert_eq!(column_letters(703), "AAA");
    }

    #[test]
    fn a_note_counts_as_the_problems_it_stands_for_not_as_one() {
        let mut d = Diagnostics::default();
        d.push(Diagnostic::new("a.csv", 2, 1, "unknown id"));
        d.push(Diagnostic::new("a.csv", 0, 0, "3 more problems not listed").unlisted(3));
        assert_eq!(
            (d.len(), d.total(), d.unlisted(), d.listed().count()),
            (2, 4, 3, 1)
        );
        assert!(d.to_string().ends_with("\n4 problems found"));
        assert_eq!(d.to_json()["count"], 4);
        assert_eq!(d.to_json()["problems"].as_array().unwrap().len(), 1);
        let log = sarif(&d);
        assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 1);
        assert_eq!(
            log["runs"][0]["invocations"][0]["toolExecutionNotifications"][0]["level"],
            "note"
        );
        // Without a note, the SARIF log has no invocation.
        let mut plain = Diagnostics::default();
        plain.push(Diagnostic::new("a.csv", 2, 1, "unknown id"));
        assert!(sarif(&plain)["runs"][0].get("invocations").is_none());
    }

    #[test]
    fn sarif_levels_come_from_the_severity() {
        let mut d = Diagnostics::default();
        d.push(Diagnostic::new("a.csv", 2, 1, "unknown id"));
        d.push(
            Diagnostic::new("a.csv", 3, 0, "evidence file not found").severity(Severity::Warning),
        );
        d.push(Diagnostic::new("a.csv", 0, 0, "1 more problems not listed").unlisted(1));
        let log = sarif(&d);
        let levels: Vec<&str> = log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["level"].as_str().unwrap())
            .collect();
        assert_eq!(levels, ["error", "warning"]);
        let notes = &log["runs"][0]["invocations"][0]["toolExecutionNotifications"];
        assert_eq!(notes.as_array().unwrap().len(), 1);
        assert_eq!(notes[0]["level"], "note");
        assert_eq!(d.to_json()["problems"][1]["severity"], "warning");
    }

    /// Errors, warnings and notes travel in one list: only errors (and the problems a note
    /// stands for) count as problems, and they print most severe first.
    #[test]
    fn warnings_and_errors_travel_in_one_list() {
        let mut d = Diagnostics::default();
        d.push(Diagnostic::about_run(Severity::Note, "no baseline"));
        d.push(
            Diagnostic::new("e.csv", 4, 0, "evidence file not found").severity(Severity::Warning),
        );
        assert!(!d.has_errors());
        assert_eq!((d.len(), d.total(), d.listed().count()), (2, 0, 1));
        d.push(Diagnostic::new("a.csv", 2, 1, "unknown id"));
        assert!(d.has_errors());
        assert_eq!(d.total(), 1);
        let order: Vec<Severity> = d.by_severity().iter().map(|d| d.severity).collect();
        assert_eq!(order, [Severity::Error, Severity::Warning, Severity::Note]);
        // A remark about the run has no location to print.
        assert_eq!(d.0[0].to_string(), "no baseline");
        assert_eq!(d.0[1].to_string(), "e.csv:4: evidence file not found");
        assert_eq!(serde_json::to_value(&d.0[2]).unwrap()["severity"], "error");
    }

    #[test]
    fn nearest_finds_typos_but_not_unrelated_words() {
        let c = ["implemented", "partial", "planned"];
        assert_eq!(nearest("implemnted", c), Some("implemented"));
        assert_eq!(nearest("plannd", c), Some("planned"));
        assert_eq!(nearest("xyzzy-totally-else", c), None);
    }
}
