//! Input limits that protect the machine from hostile or broken files: the size of one file,
//! the size of one cell and the number of rows, each a located error (exit 2) naming the
//! limit and the flag that raises it. Also the cap on problems listed per file.

use crate::diag::{Diagnostic, Diagnostics};

/// Default `--max-field-bytes`: 4 MiB per cell, so a 1 MB answer loads and a 10 MB one does not.
pub const DEFAULT_MAX_FIELD_BYTES: usize = 4 * 1024 * 1024;
/// Default `--max-rows`: one million data rows per file (or per workbook sheet).
pub const DEFAULT_MAX_ROWS: usize = 1_000_000;
/// Most cells of one table whatever the limits (about 800 MB of empty cells at most).
pub const MAX_CELLS: usize = 32 * DEFAULT_MAX_ROWS;
/// Default `--max-file-bytes`: 256 MiB per input file.
pub const DEFAULT_MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;
/// Problems listed per file; the rest are counted in one closing line, so a file of 200,000
/// bad rows gives a readable answer quickly instead of 200,000 lines.
pub const MAX_PROBLEMS_PER_FILE: usize = 1000;

/// Limits applied while reading catalogues and overlays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest cell (CSV field or workbook cell), in bytes of UTF-8.
    pub max_field_bytes: usize,
    /// Most data rows in one CSV file or one sheet (blank rows are not counted).
    pub max_rows: usize,
    /// Largest input file, in bytes as stored.
    pub max_file_bytes: u64,
}

impl Limits {
    /// Most cells one table may hold (data rows × columns, empty cells included): 32 per
    /// allowed row, and never more than [`MAX_CELLS`] however far `--max-rows` is raised. A
    /// CSV file pays a byte for each empty cell, a workbook nothing, so without this a small
    /// workbook could ask for billions of them (a 24 KB workbook took 1.2 GB with
    /// `--max-rows 2000000`).
    pub fn max_cells(&self) -> usize {
        self.max_rows.saturating_mul(32).min(MAX_CELLS)
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_field_bytes: DEFAULT_MAX_FIELD_BYTES,
            max_rows: DEFAULT_MAX_ROWS,
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
        }
    }
}

/// A byte count for messages: `4 MiB`, `1.5 KiB`, `12 bytes`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if n >= size {
            let whole = n / size;
            let tenth = (n % size) * 10 / size;
            return if tenth == 0 {
                format!("{whole} {unit}")
            } else {
                format!("{whole}.{tenth} {unit}")
            };
        }
    }
    format!("{n} bytes")
}

/// Parse a size given on the command line or in kansa.toml: a number of bytes, optionally with
/// a binary unit (`K`/`KiB`, `M`/`MiB`, `G`/`GiB`, case-insensitive): `4194304`, `4MiB`, `512k`.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '_')
        .unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let digits = digits.replace('_', "");
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("{s:?} is not a size; write bytes (4194304) or 4MiB, 512KiB, 1GiB"))?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        other => {
            return Err(format!(
                "unknown unit {other:?} in {s:?}; use KiB, MiB or GiB"
            ));
        }
    };
    let bytes = n
        .checked_mul(factor)
        .ok_or_else(|| format!("{s:?} is too large"))?;
    if bytes == 0 {
        return Err("a limit must be at least 1".to_owned());
    }
    Ok(bytes)
}

/// Parse a row count: a positive number, `_` allowed as a separator (`1_000_000`).
pub fn parse_count(s: &str) -> Result<usize, String> {
    match s.trim().replace('_', "").parse::<usize>() {
        Ok(0) => Err("a limit must be at least 1".to_owned()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("{s:?} is not a number of rows")),
    }
}

/// The first characters of a long value, for messages: a 4 MB cell is not echoed whole.
pub fn excerpt(value: &str, chars: usize) -> String {
    match value.char_indices().nth(chars) {
        None => value.to_owned(),
        Some((end, _)) => format!("{}…", &value[..end]),
    }
}

/// Problems of one file, of which at most [`MAX_PROBLEMS_PER_FILE`] are kept: the others are
/// only counted, and [`Problems::finish`] closes the list with one line saying how many.
#[derive(Debug)]
pub struct Problems {
    list: Diagnostics,
    hidden: usize,
    max: usize,
}

impl Default for Problems {
    fn default() -> Self {
        Problems::with_max(MAX_PROBLEMS_PER_FILE)
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
    fn sizes_parse_with_binary_units() {
        assert_eq!(parse_size("4194304"), Ok(4 << 20));
        assert_eq!(parse_size("4MiB"), Ok(4 << 20));
        assert_eq!(parse_size("4 mib"), Ok(4 << 20));
        assert_eq!(parse_size("512k"), Ok(512 << 10));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert_eq!(parse_size("1_000"), Ok(1000));
        assert!(parse_size("0").is_err());
        assert!(parse_size("four").is_err());
        assert!(parse_size("4TB").unwrap_err().contains("unknown unit"));
        assert!(parse_size("99999999999999999999G").is_err());
        assert_eq!(parse_count("1_000_000"), Ok(1_000_000));
        assert!(parse_count("0").is_err());
        assert!(parse_count("-1").is_err());
    }

    #[test]
    fn byte_counts_read_well() {
        assert_eq!(human_bytes(4 << 20), "4 MiB");
        assert_eq!(human_bytes(10_000_000), "9.5 MiB");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(12), "12 bytes");
    }

    #[test]
    fn excerpts_cut_on_character_boundaries() {
        assert_eq!(excerpt("設備設備", 2), "設備…");
        assert_eq!(excerpt("ab", 2), "ab");
    }

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
}
