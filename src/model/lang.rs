//! The two report languages, and the names of statuses and responsibilities in each.

use super::{Responsibility, Risk, Status};

/// Report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Japanese.
    #[default]
    Ja,
    /// English.
    En,
}

impl Lang {
    /// The Japanese or the English of a pair, as this language asks: the one place a text is
    /// chosen by language, so no caller keeps a `bool` for it.
    pub fn pick<T>(self, ja: T, en: T) -> T {
        match self {
            Lang::Ja => ja,
            Lang::En => en,
        }
    }

    /// BCP 47 tag.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }
}

/// Display name of a status.
pub fn status_label(status: Status, lang: Lang) -> &'static str {
    let (ja, en) = match status {
        Status::Implemented => ("実施済", "Implemented"),
        Status::Inherited => ("継承", "Inherited"),
        Status::Partial => ("一部実施", "Partial"),
        Status::Planned => ("計画中", "Planned"),
        Status::NotImplemented => ("未実施", "Not implemented"),
        Status::NotApplicable => ("対象外", "Not applicable"),
        Status::Unanswered => ("未回答", "Unanswered"),
    };
    lang.pick(ja, en)
}

/// Display name of a responsibility; `None` is "unassigned".
pub fn responsibility_label(r: Option<Responsibility>, lang: Lang) -> &'static str {
    let (ja, en) = match r {
        Some(Responsibility::Provider) => ("事業者", "Provider"),
        Some(Responsibility::Customer) => ("利用者", "Customer"),
        Some(Responsibility::Shared) => ("共同", "Shared"),
        None => ("未設定", "Unassigned"),
    };
    lang.pick(ja, en)
}

/// Display name of a risk rating (高 / High, ...).
pub fn risk_label(risk: Risk, lang: Lang) -> &'static str {
    let (ja, en) = match risk {
        Risk::High => ("高", "High"),
        Risk::Medium => ("中", "Medium"),
        Risk::Low => ("低", "Low"),
    };
    lang.pick(ja, en)
}

/// How a risk is typed in an answer sheet (see [`status_input`]).
pub fn risk_input(risk: Risk, lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => risk_label(risk, lang),
        Lang::En => risk.code(),
    }
}

/// How a status is typed in an answer sheet (CSV or workbook): the Japanese label, which the
/// loader accepts as an alias, or the English code. Both read back as the same status.
pub fn status_input(s: Status, lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => status_label(s, lang),
        Lang::En => s.code(),
    }
}

/// How a responsibility is typed in an answer sheet (see [`status_input`]).
pub fn responsibility_input(r: Responsibility, lang: Lang) -> &'static str {
    match lang {
        Lang::Ja => responsibility_label(Some(r), lang),
        Lang::En => r.code(),
    }
}
