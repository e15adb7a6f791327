//! Document control: what an auditor files a report under (number, version, handling class,
//! purpose, scope) and who prepared, reviewed and approved it.
//!
//! The values come from `[document]` / `[pack.document]` in kansa.toml or `kansa report
//! --document FILE.toml` ([`DocumentInfo`], checked and length-capped when read). The view
//! always lists the three sign-off roles, given or not: a role nobody filled in is shown as an
//! empty box, ready to stamp, rather than left out.

use serde::Serialize;

use super::shown;
use crate::model::Lang;
use crate::render::labels::Label;

/// One sign-off as given: a name and a day, either may be missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Signature {
    /// Who signed.
    pub name: Option<String>,
    /// When.
    pub date: Option<jiff::civil::Date>,
}

/// Document-control values as given (all optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentInfo {
    /// Document number, e.g. `KANSA-EX-2026-001`.
    pub number: Option<String>,
    /// Version, e.g. `1.0`.
    pub version: Option<String>,
    /// Handling class, e.g. 社外秘; also in every PDF page's running header.
    pub classification: Option<String>,
    /// Why the document was written.
    pub purpose: Option<String>,
    /// What it covers.
    pub scope: Option<String>,
    /// 作成.
    pub prepared_by: Signature,
    /// 確認.
    pub reviewed_by: Signature,
    /// 承認.
    pub approved_by: Signature,
}

/// Document control as templates and JSON see it (`document.<key>`).
#[derive(Debug, Serialize)]
pub struct DocumentView {
    /// Document number, if given.
    pub number: Option<String>,
    /// Version, if given.
    pub version: Option<String>,
    /// Handling class, if given.
    pub classification: Option<String>,
    /// Purpose, if given.
    pub purpose: Option<String>,
    /// Scope, if given.
    pub scope: Option<String>,
    /// Always three: prepared, reviewed, approved, in that order.
    pub sign_off: Vec<SignOffView>,
}

/// One sign-off box.
#[derive(Debug, Serialize)]
pub struct SignOffView {
    /// `prepared_by`, `reviewed_by` or `approved_by`.
    pub role: &'static str,
    /// 作成 / 確認 / 承認 (Prepared / Reviewed / Approved).
    pub label: &'static str,
    /// The name, if given.
    pub name: Option<String>,
    /// The day, `YYYY-MM-DD`, if given.
    pub date: Option<String>,
}

/// The document-control view of `info` in `lang`, invisible characters made visible.
pub(super) fn document_view(info: &DocumentInfo, lang: Lang) -> DocumentView {
    let text = |t: &Option<String>| t.as_deref().map(shown);
    let roles = [
        (Label::PreparedBy, &info.prepared_by),
        (Label::ReviewedBy, &info.reviewed_by),
        (Label::ApprovedBy, &info.approved_by),
    ];
    DocumentView {
        number: text(&info.number),
        version: text(&info.version),
        classification: text(&info.classification),
        purpose: text(&info.purpose),
        scope: text(&info.scope),
        sign_off: roles
            .into_iter()
            .map(|(label, s)| SignOffView {
                role: label.key(),
                label: label.text(lang),
                name: text(&s.name),
                date: s.date.map(|d| d.to_string()),
            })
            .collect(),
    }
}

impl DocumentView {
    /// Every text of the document control, for the PDF font check.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        let own = [
            &self.number,
            &self.version,
            &self.classification,
            &self.purpose,
            &self.scope,
        ];
        own.into_iter()
            .chain(self.sign_off.iter().map(|s| &s.name))
            .filter_map(|t| t.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_boxes_whatever_is_given() {
        let info = DocumentInfo {
            classification: Some("社外秘".into()),
            prepared_by: Signature {
                name: Some("山田\u{200B}太郎".into()),
                date: Some(jiff::civil::date(2026, 11, 20)),
            },
            ..Default::default()
        };
        let v = document_view(&info, Lang::Ja);
        let roles: Vec<_> = v.sign_off.iter().map(|s| (s.role, s.label)).collect();
        assert_eq!(
            roles,
            [
                ("prepared_by", "作成"),
                ("reviewed_by", "確認"),
                ("approved_by", "承認")
            ]
        );
        assert_eq!(v.sign_off[0].name.as_deref(), Some("山田[U+200B]太郎"));
        assert_eq!(v.sign_off[0].date.as_deref(), Some("2026-11-20"));
        assert_eq!(
            (v.sign_off[1].name.as_ref(), v.sign_off[2].date.as_ref()),
            (None, None)
        );
        assert_eq!(
            v.texts().collect::<Vec<_>>(),
            ["社外秘", "山田[U+200B]太郎"]
        );
        let en = document_view(&DocumentInfo::default(), Lang::En);
        assert_eq!(en.sign_off[2].label, "Approved");
    }
}
