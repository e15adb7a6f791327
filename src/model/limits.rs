//! Input limits that protect the machine from hostile or broken files: the size of one file,
//! the size of one cell and the number of rows, each a located error (exit 2) naming the
//! limit and the flag that raises it. Also the cap on problems listed per file.

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
}
