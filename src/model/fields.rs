//! The answer fields, each defined once (as ripgrep defines each flag once in `flags/defs.rs`):
//! every stage that reads, merges, shows or writes an answer field walks [`Field::ALL`] and asks
//! [`Field::spec`], instead of naming the fields itself.
//!
//! # What each consumer needs to know about a field
//!
//! Read before the table was made (issue 12); the consumers that now derive from it:
//!
//! | consumer | needs |
//! |---|---|
//! | `load::values` (headers) | the English and Japanese header and any aliases, to map a header to a field; the sheet order for `kansa init` |
//! | `load::overlay` (cells) | the kind, to parse a cell (status/responsibility aliases, dates, text) |
//! | `load::prefill` | the key (the fingerprint hashes it), and whether an answer sets the field (to drop a pre-filled cell) |
//! | `model::Answer`, `merge` | a typed slot per field; merge moves each set value with the overlay that set it |
//! | `render::view` | the key (JSON and template name), the value as text, its provenance (`sources.<key>`) |
//! | `pack::exports` | the key as CSV column (`<key>`, `<key>_source`); which fields the gap list shows, in its order |
//! | `render::xlsx::register` | the label in both languages, the column width; the gap list's fields |
//! | `workbook` (CSV sheet, workbook) | the headers in the sheet's language, the kind (dropdown, date cell), the width, the position (from [`Field::ALL`], never a constant such as `DUE = 9`) |
//! | `render::pdf_report` | which fields hold free text from the files (checked against the font), by key |
//! | templates | the key (`c.<key>`, `c.sources.<key>`, `labels.<key>`) |
//!
//! Status, responsibility and risk are fields like the others here, but a view also shows them
//! as codes and labels (`status_label`, `responsibility_label`, `risk_label`), and a control's
//! status in the view is the analysis' outcome (`unanswered` when no overlay gave one).
//!
//! Sheet order: `finding`, `plan` and `risk` follow `answer` because a reviewer reads them
//! together (what is done, what is wrong, what will be done, how much it matters), and they come
//! before owner and due, which belong to the plan's follow-up; risk is last of the three because
//! it rates the finding.
//!
//! # Why `Answer` keeps typed slots
//!
//! [`Answer`] and `merge::MergedAnswer` keep one typed member per field (`status: Option<Status>`,
//! `due: Option<Date>`) rather than a map from field to value: the analysis compares dates and
//! statuses, and typed members keep those reads checked by the compiler. Iteration goes through
//! the accessors ([`Answer::get`], [`Answer::take`], [`Answer::set`]), whose `match`es are
//! exhaustive, so a new [`Field`] variant is a compile error until its slot exists.

use jiff::civil::Date;

use super::{Answer, Lang, Responsibility, Risk, Status};

/// One answer field of an overlay row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Field {
    /// Implementation status.
    Status,
    /// Who is responsible.
    Responsibility,
    /// Answer text (Markdown).
    Answer,
    /// What is wrong now: the gap as found (Markdown).
    Finding,
    /// What will be done about it: the remediation plan (Markdown).
    Plan,
    /// How risky the gap is ([`Risk`]).
    Risk,
    /// Evidence references.
    Evidence,
    /// Owner of the control or the remediation.
    Owner,
    /// Due date of the remediation.
    Due,
    /// Date the answer was last reviewed.
    Reviewed,
    /// Free notes.
    Notes,
}

/// What a field holds, which decides how its cells are parsed and shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A [`Status`], typed as a code or a Japanese alias.
    Status,
    /// A [`Responsibility`], typed as a code or a Japanese alias.
    Responsibility,
    /// A [`Risk`], typed as a code or a Japanese alias.
    Risk,
    /// Free text from the file (Markdown where a template renders it so).
    Text,
    /// A date, `YYYY-MM-DD` (or `YYYY/MM/DD`).
    Date,
}

/// Everything kansa knows about one answer field.
#[derive(Debug)]
pub struct FieldSpec {
    /// Name in JSON, templates (`c.<key>`), exports and fingerprints; also the English header.
    pub key: &'static str,
    /// English header of an answer sheet.
    pub header_en: &'static str,
    /// Japanese header of an answer sheet.
    pub header_ja: &'static str,
    /// Further header spellings accepted when reading (compared trimmed and lower-cased).
    pub aliases: &'static [&'static str],
    /// What the field holds.
    pub kind: Kind,
    /// Column heading in English reports.
    pub label_en: &'static str,
    /// Column heading in Japanese reports.
    pub label_ja: &'static str,
    /// Column width (characters) in the gap register and the answer workbook.
    pub width: f64,
    /// Position among the answer columns of the gap list (`gaps.csv`, the register's gap
    /// sheet); `None`: not in the gap list. Fields added later take the next positions, so
    /// the columns a `gaps.csv` reader knows keep their places (finding, plan, risk and
    /// reviewed came with the findings register, after notes).
    pub gap_list: Option<u8>,
}

impl Field {
    /// Every field, in sheet order (the answer columns of `kansa init`, exports, register; why
    /// this order: the module doc).
    pub const ALL: [Field; 11] = [
        Field::Status,
        Field::Responsibility,
        Field::Answer,
        Field::Finding,
        Field::Plan,
        Field::Risk,
        Field::Evidence,
        Field::Owner,
        Field::Due,
        Field::Reviewed,
        Field::Notes,
    ];

    /// The field's description: the one place a field is defined.
    pub fn spec(self) -> &'static FieldSpec {
        match self {
            Field::Status => &STATUS,
            Field::Responsibility => &RESPONSIBILITY,
            Field::Answer => &ANSWER,
            Field::Finding => &FINDING,
            Field::Plan => &PLAN,
            Field::Risk => &RISK,
            Field::Evidence => &EVIDENCE,
            Field::Owner => &OWNER,
            Field::Due => &DUE,
            Field::Reviewed => &REVIEWED,
            Field::Notes => &NOTES,
        }
    }

    /// The field's position in [`Field::ALL`] (the declaration order), to index arrays
    /// that hold one entry per field.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// [`FieldSpec::key`].
    pub fn key(self) -> &'static str {
        self.spec().key
    }

    /// [`FieldSpec::kind`].
    pub fn kind(self) -> Kind {
        self.spec().kind
    }

    /// The header of an answer sheet in `lang`.
    pub fn header(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Ja => self.spec().header_ja,
            Lang::En => self.spec().header_en,
        }
    }

    /// The column heading in reports in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Ja => self.spec().label_ja,
            Lang::En => self.spec().label_en,
        }
    }

    /// Does `header` (trimmed, lower-cased) name this field?
    pub fn is_named(self, header: &str) -> bool {
        let s = self.spec();
        s.header_en == header || s.header_ja == header || s.aliases.contains(&header)
    }

    /// The fields of the gap list, in its order.
    pub fn gap_list() -> Vec<Field> {
        let mut fields: Vec<Field> = Field::ALL
            .into_iter()
            .filter(|f| f.spec().gap_list.is_some())
            .collect();
        fields.sort_by_key(|f| f.spec().gap_list);
        fields
    }

    /// Fields that hold free text from the files (what a font must be able to draw).
    pub fn texts() -> impl Iterator<Item = Field> {
        Field::ALL.into_iter().filter(|f| f.kind() == Kind::Text)
    }
}

const STATUS: FieldSpec = FieldSpec {
    key: "status",
    header_en: "status",
    header_ja: "対応状況",
    aliases: &[],
    kind: Kind::Status,
    label_en: "Status",
    label_ja: "対応状況",
    width: 11.0,
    gap_list: Some(0),
};

const RESPONSIBILITY: FieldSpec = FieldSpec {
    key: "responsibility",
    header_en: "responsibility",
    header_ja: "責任区分",
    aliases: &[],
    kind: Kind::Responsibility,
    label_en: "Responsibility",
    label_ja: "責任区分",
    width: 10.0,
    gap_list: Some(1),
};

const ANSWER: FieldSpec = FieldSpec {
    key: "answer",
    header_en: "answer",
    header_ja: "回答",
    aliases: &[],
    kind: Kind::Text,
    label_en: "Answer",
    label_ja: "回答",
    width: 40.0,
    gap_list: None,
};

const FINDING: FieldSpec = FieldSpec {
    key: "finding",
    header_en: "finding",
    header_ja: "現状・課題",
    aliases: &["現状", "課題", "指摘事項"],
    kind: Kind::Text,
    label_en: "Finding",
    label_ja: "現状・課題",
    width: 32.0,
    gap_list: Some(6),
};

const PLAN: FieldSpec = FieldSpec {
    key: "plan",
    header_en: "plan",
    header_ja: "対応策",
    aliases: &["改善計画", "是正計画"],
    kind: Kind::Text,
    label_en: "Plan",
    label_ja: "対応策",
    width: 32.0,
    gap_list: Some(7),
};

const RISK: FieldSpec = FieldSpec {
    key: "risk",
    header_en: "risk",
    header_ja: "リスク",
    aliases: &["リスク評価"],
    kind: Kind::Risk,
    label_en: "Risk",
    label_ja: "リスク",
    width: 8.0,
    gap_list: Some(8),
};

const EVIDENCE: FieldSpec = FieldSpec {
    key: "evidence",
    header_en: "evidence",
    header_ja: "証跡",
    aliases: &[],
    kind: Kind::Text,
    label_en: "Evidence",
    label_ja: "証跡",
    width: 24.0,
    gap_list: Some(4),
};

const OWNER: FieldSpec = FieldSpec {
    key: "owner",
    header_en: "owner",
    header_ja: "担当",
    aliases: &[],
    kind: Kind::Text,
    label_en: "Owner",
    label_ja: "担当",
    width: 12.0,
    gap_list: Some(2),
};

const DUE: FieldSpec = FieldSpec {
    key: "due",
    header_en: "due",
    header_ja: "期限",
    aliases: &[],
    kind: Kind::Date,
    label_en: "Due",
    label_ja: "期限",
    width: 11.0,
    gap_list: Some(3),
};

const REVIEWED: FieldSpec = FieldSpec {
    key: "reviewed",
    header_en: "reviewed",
    header_ja: "確認日",
    aliases: &[],
    kind: Kind::Date,
    label_en: "Reviewed",
    label_ja: "確認日",
    width: 11.0,
    gap_list: Some(9),
};

const NOTES: FieldSpec = FieldSpec {
    key: "notes",
    header_en: "notes",
    header_ja: "備考",
    aliases: &[],
    kind: Kind::Text,
    label_en: "Notes",
    label_ja: "備考",
    width: 28.0,
    gap_list: Some(5),
};

/// A parsed value of a field, of its [`Kind`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// [`Kind::Status`].
    Status(Status),
    /// [`Kind::Responsibility`].
    Responsibility(Responsibility),
    /// [`Kind::Risk`].
    Risk(Risk),
    /// [`Kind::Text`].
    Text(String),
    /// [`Kind::Date`].
    Date(Date),
}

/// A borrowed [`Value`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ValueRef<'a> {
    /// [`Kind::Status`].
    Status(Status),
    /// [`Kind::Responsibility`].
    Responsibility(Responsibility),
    /// [`Kind::Risk`].
    Risk(Risk),
    /// [`Kind::Text`].
    Text(&'a str),
    /// [`Kind::Date`].
    Date(Date),
}

impl Value {
    /// Borrow it.
    pub fn as_ref(&self) -> ValueRef<'_> {
        match self {
            Value::Status(s) => ValueRef::Status(*s),
            Value::Responsibility(r) => ValueRef::Responsibility(*r),
            Value::Risk(r) => ValueRef::Risk(*r),
            Value::Text(t) => ValueRef::Text(t),
            Value::Date(d) => ValueRef::Date(*d),
        }
    }
}

/// A typed slot of [`Answer`] (or of a merged answer) and the [`Value`] it holds.
pub trait Slot: Sized {
    /// Wrap it.
    fn into_value(self) -> Value;
    /// Unwrap a value of the slot's kind; `None` for a value of another kind.
    fn from_value(value: Value) -> Option<Self>;
    /// Borrow it as a value.
    fn value_ref(&self) -> ValueRef<'_>;
}

/// `impl Slot` for a member type held by one [`Value`] variant (`$borrow` gives the
/// [`ValueRef`] of `&self`).
macro_rules! impl_slot {
    ($type:ty, $variant:ident, |$this:ident| $borrow:expr) => {
        impl Slot for $type {
            fn into_value(self) -> Value {
                Value::$variant(self)
            }
            fn from_value(value: Value) -> Option<Self> {
                match value {
                    Value::$variant(v) => Some(v),
                    _ => None,
                }
            }
            fn value_ref(&self) -> ValueRef<'_> {
                let $this = self;
                ValueRef::$variant($borrow)
            }
        }
    };
}

impl_slot!(Status, Status, |s| *s);
impl_slot!(Responsibility, Responsibility, |r| *r);
impl_slot!(Risk, Risk, |r| *r);
impl_slot!(String, Text, |t| t.as_str());
impl_slot!(Date, Date, |d| *d);

/// Runs `$body` with `$slot` bound to the typed member of `$answer` that holds `$field`
/// (`&mut` or `&`, as asked): the one exhaustive `match` from a [`Field`] to a member, shared
/// by [`Answer`] and the merged answer, whose members have the same names. A macro, not a
/// function, because each member has its own type and `$body` is generic over them.
macro_rules! with_answer_slot {
    (&mut $answer:expr, $field:expr, |$slot:ident| $body:expr) => {
        $crate::model::fields::with_answer_slot!(@match [&mut] $answer, $field, $slot, $body)
    };
    (&$answer:expr, $field:expr, |$slot:ident| $body:expr) => {
        $crate::model::fields::with_answer_slot!(@match [&] $answer, $field, $slot, $body)
    };
    (@match [$($borrow:tt)+] $answer:expr, $field:expr, $slot:ident, $body:expr) => {{
        use $crate::model::fields::Field as F;
        match $field {
            F::Status => {
                let $slot = $($borrow)+ $answer.status;
                $body
            }
            F::Responsibility => {
                let $slot = $($borrow)+ $answer.responsibility;
                $body
            }
            F::Answer => {
                let $slot = $($borrow)+ $answer.answer;
                $body
            }
            F::Finding => {
                let $slot = $($borrow)+ $answer.finding;
                $body
            }
            F::Plan => {
                let $slot = $($borrow)+ $answer.plan;
                $body
            }
            F::Risk => {
                let $slot = $($borrow)+ $answer.risk;
                $body
            }
            F::Evidence => {
                let $slot = $($borrow)+ $answer.evidence;
                $body
            }
            F::Owner => {
                let $slot = $($borrow)+ $answer.owner;
                $body
            }
            F::Due => {
                let $slot = $($borrow)+ $answer.due;
                $body
            }
            F::Reviewed => {
                let $slot = $($borrow)+ $answer.reviewed;
                $body
            }
            F::Notes => {
                let $slot = $($borrow)+ $answer.notes;
                $body
            }
        }
    }};
}
pub(crate) use with_answer_slot;

impl Answer {
    /// The value of `field`, if the row gives one.
    pub fn get(&self, field: Field) -> Option<ValueRef<'_>> {
        with_answer_slot!(&self, field, |slot| slot.as_ref().map(Slot::value_ref))
    }

    /// Move the value of `field` out, leaving the field empty.
    pub fn take(&mut self, field: Field) -> Option<Value> {
        with_answer_slot!(&mut self, field, |slot| slot.take().map(Slot::into_value))
    }

    /// Set `field` to `value`; a value of another kind than the field's is ignored (the loader
    /// parses each cell by its field's kind, so none reaches here).
    pub fn set(&mut self, field: Field, value: Value) {
        with_answer_slot!(&mut self, field, |slot| {
            if let Some(v) = Slot::from_value(value) {
                *slot = Some(v);
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value of `field`'s kind.
    fn sample(field: Field) -> Value {
        match field.kind() {
            Kind::Status => Value::Status(Status::Partial),
            Kind::Responsibility => Value::Responsibility(Responsibility::Shared),
            Kind::Risk => Value::Risk(Risk::High),
            Kind::Text => Value::Text(format!("{} text", field.key())),
            Kind::Date => Value::Date(Date::new(2026, 3, 31).unwrap()),
        }
    }

    #[test]
    fn every_field_has_its_own_slot_of_its_kind() {
        let mut a = Answer::default();
        for f in Field::ALL {
            a.set(f, sample(f));
        }
        for f in Field::ALL {
            assert_eq!(a.get(f), Some(sample(f).as_ref()), "{f:?}");
        }
        for f in Field::ALL {
            assert_eq!(a.take(f), Some(sample(f)), "{f:?}");
            assert_eq!(a.get(f), None, "{f:?} taken");
        }
        assert_eq!(a, Answer::default());
    }

    #[test]
    fn index_is_the_position_in_all() {
        for (i, f) in Field::ALL.into_iter().enumerate() {
            assert_eq!(f.index(), i, "{f:?}");
        }
    }

    #[test]
    fn keys_and_headers_are_unique_and_read_back() {
        let mut seen = std::collections::HashSet::new();
        for f in Field::ALL {
            let s = f.spec();
            for name in [s.key, s.header_en, s.header_ja]
                .into_iter()
                .chain(s.aliases.iter().copied())
            {
                assert_eq!(
                    name,
                    name.trim().to_lowercase(),
                    "{f:?}: compared lower-cased"
                );
                assert!(f.is_named(name), "{f:?} {name}");
                assert!(
                    Field::ALL.iter().all(|g| *g == f || !g.is_named(name)),
                    "{name} names two fields"
                );
            }
            assert!(seen.insert(s.key), "key {} twice", s.key);
            assert!(!s.label_en.is_empty() && !s.label_ja.is_empty(), "{f:?}");
        }
    }

    #[test]
    fn the_gap_list_has_each_position_once() {
        let positions: Vec<u8> = Field::gap_list()
            .iter()
            .filter_map(|f| f.spec().gap_list)
            .collect();
        let expected: Vec<u8> = (0..positions.len() as u8).collect();
        assert_eq!(positions, expected);
        assert_eq!(
            Field::gap_list(),
            [
                Field::Status,
                Field::Responsibility,
                Field::Owner,
                Field::Due,
                Field::Evidence,
                Field::Notes,
                Field::Finding,
                Field::Plan,
                Field::Risk,
                Field::Reviewed
            ]
        );
    }
}
