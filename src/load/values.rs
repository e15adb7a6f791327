//! Cell values and column headers: the accepted spellings and their hints.

use crate::model::BadValue;

use crate::diag::nearest;
use crate::model::fields::Field;
use crate::model::{Lang, Responsibility, Risk, Status};

/// Spellings accepted for each status (compared after trimming and lower-casing).
const STATUS_ALIASES: &[(&str, Status)] = &[
    ("implemented", Status::Implemented),
    ("実施済", Status::Implemented),
    ("実施済み", Status::Implemented),
    ("partial", Status::Partial),
    ("一部実施", Status::Partial),
    ("planned", Status::Planned),
    ("計画中", Status::Planned),
    ("not_implemented", Status::NotImplemented),
    ("not implemented", Status::NotImplemented),
    ("未実施", Status::NotImplemented),
    ("not_applicable", Status::NotApplicable),
    ("not applicable", Status::NotApplicable),
    ("n/a", Status::NotApplicable),
    ("対象外", Status::NotApplicable),
    ("該当なし", Status::NotApplicable),
    ("inherited", Status::Inherited),
    ("継承", Status::Inherited),
];

const RESPONSIBILITY_ALIASES: &[(&str, Responsibility)] = &[
    ("provider", Responsibility::Provider),
    ("事業者", Responsibility::Provider),
    ("customer", Responsibility::Customer),
    ("利用者", Responsibility::Customer),
    ("顧客", Responsibility::Customer),
    ("shared", Responsibility::Shared),
    ("共同", Responsibility::Shared),
    ("共有", Responsibility::Shared),
];

const RISK_ALIASES: &[(&str, Risk)] = &[
    ("high", Risk::High),
    ("高", Risk::High),
    ("高い", Risk::High),
    ("medium", Risk::Medium),
    ("中", Risk::Medium),
    ("中程度", Risk::Medium),
    ("low", Risk::Low),
    ("低", Risk::Low),
    ("低い", Risk::Low),
];

fn lookup<T: Copy>(raw: &str, table: &[(&str, T)], what: &str) -> Result<T, BadValue> {
    use unicode_normalization::UnicodeNormalization;
    // NFKC, so that full-width letters typed with a Japanese IME (ｐａｒｔｉａｌ) match.
    let key: String = if raw.is_ascii() {
        raw.to_owned()
    } else {
        raw.nfkc()
            .filter(|c| !crate::model::text::is_invisible(*c))
            .collect()
    };
    let key = key.trim().to_lowercase().replace('-', "_");
    if let Some((_, v)) = table
        .iter()
        .find(|(k, _)| *k == key || k.replace(' ', "_") == key)
    {
        return Ok(*v);
    }
    let allowed: Vec<&str> = table
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| !k.contains(' ') && *k != "n/a")
        .collect();
    let (english, japanese): (Vec<&str>, Vec<&str>) = allowed.iter().partition(|k| k.is_ascii());
    let expected = format!(
        "expected one of {} (or {})",
        english.join(", "),
        japanese.join(", ")
    );
    let hint = match nearest(&key, allowed.iter().copied()) {
        Some(near) => format!("did you mean \"{near}\"? {expected}"),
        None => expected,
    };
    Err(BadValue {
        message: format!("unknown {what}"),
        hint,
    })
}

/// Parse a status cell (English codes or Japanese aliases).
pub fn parse_status(raw: &str) -> Result<Status, BadValue> {
    lookup(raw, STATUS_ALIASES, "status")
}

/// Parse a responsibility cell (English codes or Japanese aliases).
pub fn parse_responsibility(raw: &str) -> Result<Responsibility, BadValue> {
    lookup(raw, RESPONSIBILITY_ALIASES, "responsibility")
}

/// Parse a risk cell (`high`/`medium`/`low` or 高/中/低).
pub fn parse_risk(raw: &str) -> Result<Risk, BadValue> {
    lookup(raw, RISK_ALIASES, "risk")
}

/// A column kansa knows about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Column {
    /// Control id.
    Id,
    /// An answer field ([`Field`]: status, owner, due, ...).
    Field(Field),
    /// A catalogue column repeated for the reader's convenience (`kansa init` writes them);
    /// ignored when reading answers.
    Context,
    /// Which cells of the row `kansa init --from` pre-filled, as fingerprints
    /// ([`crate::load::prefill`]): those still unchanged keep the provider's credit.
    Prefilled,
}

/// Spellings of the columns that are not answer fields (those come from [`Field::spec`]),
/// compared trimmed and lower-cased.
const OTHER_HEADERS: &[(&str, Column)] = &[
    ("id", Column::Id),
    ("項番", Column::Id),
    ("section", Column::Context),
    ("区分", Column::Context),
    ("major", Column::Context),
    ("基準大項目", Column::Context),
    ("middle", Column::Context),
    ("中項目", Column::Context),
    ("text", Column::Context),
    ("control", Column::Context),
    ("小項目", Column::Context),
    ("prefilled", Column::Prefilled),
    ("事前記入", Column::Prefilled),
];

/// The catalogue columns an answer sheet repeats before its answer columns, (English,
/// Japanese); read back as [`Column::Context`].
const SHEET_CONTEXT: [(&str, &str); 5] = [
    ("id", "項番"),
    ("section", "区分"),
    ("major", "基準大項目"),
    ("middle", "中項目"),
    ("text", "小項目"),
];

/// Headers of an answer sheet written by `kansa init` (CSV or workbook), in the sheet's
/// language: the catalogue's columns (read back as context and ignored), then one column per
/// answer field in [`Field::ALL`] order. Every one is accepted by [`column_for_header`], so a
/// sheet reads back.
pub fn sheet_headers(lang: Lang, with_section: bool) -> Vec<&'static str> {
    SHEET_CONTEXT
        .iter()
        .filter(|(en, _)| with_section || *en != "section")
        .map(|(en, ja)| lang.pick(*ja, *en))
        .chain(Field::ALL.iter().map(|f| f.header(lang)))
        .collect()
}

/// Which known column a header names, if any.
pub fn column_for_header(header: &str) -> Option<Column> {
    let key = header.trim().to_lowercase();
    if let Some(field) = Field::ALL.into_iter().find(|f| f.is_named(&key)) {
        return Some(Column::Field(field));
    }
    OTHER_HEADERS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, c)| *c)
}

/// The canonical English name of a column (for messages).
pub fn column_name(column: Column) -> &'static str {
    match column {
        Column::Id => "id",
        Column::Field(field) => field.key(),
        Column::Context => "context",
        Column::Prefilled => "prefilled",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_japanese_aliases() {
        assert_eq!(parse_status("実施済み"), Ok(Status::Implemented));
        assert_eq!(
            parse_status(" Not_Implemented "),
            Ok(Status::NotImplemented)
        );
        assert_eq!(parse_status("not-applicable"), Ok(Status::NotApplicable));
        assert_eq!(parse_status("該当なし"), Ok(Status::NotApplicable));
        assert_eq!(parse_status("継承"), Ok(Status::Inherited));
        assert_eq!(parse_status("ｐａｒｔｉａｌ"), Ok(Status::Partial));
        assert_eq!(parse_status("partial\u{200B}"), Ok(Status::Partial));
        let err = parse_status("implemnted").unwrap_err();
        assert!(
            err.hint.starts_with("did you mean \"implemented\""),
            "{}",
            err.hint
        );
    }

    #[test]
    fn responsibilities_and_aliases() {
        assert_eq!(parse_responsibility("顧客"), Ok(Responsibility::Customer));
        assert_eq!(parse_responsibility("共有"), Ok(Responsibility::Shared));
        assert!(parse_responsibility("vendor").is_err());
    }

    #[test]
    fn risks_codes_aliases_and_case() {
        for (raw, want) in [
            ("high", Risk::High),
            ("HIGH", Risk::High),
            (" High ", Risk::High),
            ("ｈｉｇｈ", Risk::High),
            ("高", Risk::High),
            ("高い", Risk::High),
            ("medium", Risk::Medium),
            ("中", Risk::Medium),
            ("中程度", Risk::Medium),
            ("Low", Risk::Low),
            ("低", Risk::Low),
            ("低い", Risk::Low),
        ] {
            assert_eq!(parse_risk(raw), Ok(want), "{raw}");
        }
    }

    #[test]
    fn bad_risk_names_the_nearest_and_the_allowed_values() {
        let e = parse_risk("hihg").unwrap_err();
        assert_eq!(e.message, "unknown risk");
        assert!(e.hint.starts_with("did you mean \"high\"?"), "{}", e.hint);
        assert!(
            e.hint.contains("high, medium, low") && e.hint.contains("高, 高い, 中"),
            "{}",
            e.hint
        );
        assert!(parse_risk("critical").is_err());
    }

    #[test]
    fn sheet_headers_read_back() {
        for lang in [Lang::Ja, Lang::En] {
            let h = sheet_headers(lang, true);
            assert_eq!(h.len(), 16);
            assert!(h.iter().all(|h| column_for_header(h).is_some()), "{h:?}");
            assert_eq!(sheet_headers(lang, false).len(), 15);
        }
    }

    #[test]
    fn headers_in_english_and_japanese() {
        assert_eq!(
            column_for_header(" Status "),
            Some(Column::Field(Field::Status))
        );
        assert_eq!(column_for_header("期限"), Some(Column::Field(Field::Due)));
        assert_eq!(column_for_header("cost centre"), None);
    }
}
