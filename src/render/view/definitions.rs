//! The definitions box every summary shows: what counts as met, as a gap, as not applicable,
//! and how the coverage is computed, so a reader can check the numbers of every table.
//!
//! The status names in the texts come from the same rules the totals use
//! ([`counts_as`](super::sections::counts_as)), so the box cannot list a status the
//! analysis counts elsewhere.

use serde::Serialize;

use super::sections::counts_as;
use crate::model::lang::status_label;
use crate::model::{Lang, Status};
use crate::render::labels::Label;

/// One term of the definitions box.
#[derive(Debug, Serialize)]
pub struct DefinitionView {
    /// The term as the tables head their column (充足, ギャップ, ...).
    pub term: &'static str,
    /// What it means.
    pub text: String,
}

/// The statuses that count as `class`, by display name: 「実施済・継承」 or "Implemented, Inherited".
fn statuses_counted_as(class: Label, lang: Lang) -> String {
    let names: Vec<&str> = Status::ALL
        .iter()
        .filter(|s| counts_as(**s) == class)
        .map(|s| status_label(*s, lang))
        .collect();
    match lang {
        Lang::Ja => format!("「{}」", names.join("・")),
        Lang::En => names.join(", "),
    }
}

/// The definitions, in the order of the summary tables' columns, then overdue.
pub(super) fn definitions(lang: Lang) -> Vec<DefinitionView> {
    let with_statuses = |term: Label, text: Label| DefinitionView {
        term: term.text(lang),
        text: text
            .text(lang)
            .replace("{statuses}", &statuses_counted_as(term, lang)),
    };
    let plain = |term: Label, text: Label| DefinitionView {
        term: term.text(lang),
        text: text.text(lang).to_owned(),
    };
    vec![
        with_statuses(Label::Met, Label::DefMet),
        with_statuses(Label::Gaps, Label::DefGap),
        with_statuses(Label::NotApplicable, Label::DefNotApplicable),
        plain(Label::Applicable, Label::DefApplicable),
        plain(Label::Coverage, Label::DefCoverage),
        plain(Label::Overdue, Label::DefOverdue),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The box names every status once, under the total the analysis counts it in.
    #[test]
    fn definitions_name_each_status_where_it_counts() {
        let ja = definitions(Lang::Ja);
        assert_eq!(ja[0].term, "充足");
        assert!(
            ja[0].text.starts_with("対応状況が「実施済・継承」の項目"),
            "{}",
            ja[0].text
        );
        assert_eq!(
            ja[1].text,
            "対応状況が「一部実施・計画中・未実施・未回答」の項目（対象項目のうち充足でないもの）。"
        );
        assert!(ja[2].text.starts_with("対応状況が「対象外」の項目"));
        assert_eq!(ja[4].text, "充足 ÷ 対象項目。対象項目のない区分は「—」。");
        let en = definitions(Lang::En);
        assert_eq!(en[0].term, "Met");
        assert!(
            en[0]
                .text
                .starts_with("Controls whose status is Implemented, Inherited ")
        );
        assert!(en.iter().all(|d| !d.text.contains('{')));
        for s in Status::ALL {
            let named = ja[..3]
                .iter()
                .filter(|d| d.text.contains(status_label(s, Lang::Ja)))
                .count();
            assert!(named >= 1, "{s:?} is in no definition");
        }
    }
}
