//! The closed sets a `kansa.toml` key takes (`lang`, `paper`, `formats`, `fail_on`), parsed
//! straight into their enums.
//!
//! Each value is named as on the command line (the enum's `clap::ValueEnum` names), so a value
//! has one spelling everywhere, and an unknown one is an error naming the key, the value and
//! every allowed value, located by TOML like an unknown key; never a silent default.

use clap::ValueEnum;
use serde::{Deserialize, Deserializer};

use crate::model::Lang;
use crate::pack::Gate;
use crate::render::Format;
use crate::render::view::GapOrder;
/// The PDF typesetter's paper, imported here only (the pack and the command line take it from
/// here), so moving the typesetter to its own crate changes this one line.
pub use kansa_pdf::Paper;

/// A kansa.toml key whose value is one of a closed set: the enum, with the key it is given by.
pub trait ConfigKey: ValueEnum + Copy {
    /// The key as written in kansa.toml, for messages.
    const KEY: &'static str;
}

impl ConfigKey for Lang {
    const KEY: &'static str = "lang";
}

impl ConfigKey for Format {
    const KEY: &'static str = "formats";
}

impl ConfigKey for Gate {
    const KEY: &'static str = "fail_on";
}

impl ConfigKey for PaperName {
    const KEY: &'static str = "paper";
}

impl ConfigKey for GapOrder {
    const KEY: &'static str = "sort";
}

/// The PDF paper as kansa.toml and `--paper` name it (`a4`, `letter`). A newtype because the
/// typesetter stays free of clap (it is a leaf any program may use), and clap's `ValueEnum`
/// cannot be implemented on another crate's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PaperName(pub Paper);

impl ValueEnum for PaperName {
    fn value_variants<'a>() -> &'a [Self] {
        &[PaperName(Paper::A4), PaperName(Paper::Letter)]
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(match self.0 {
            Paper::A4 => "a4",
            Paper::Letter => "letter",
        }))
    }
}

/// Every name `T` takes, as `--help` lists them.
pub fn names<T: ValueEnum>() -> Vec<String> {
    T::value_variants()
        .iter()
        .filter_map(ValueEnum::to_possible_value)
        .map(|v| v.get_name().to_owned())
        .collect()
}

/// The name of `value`, as kansa.toml and the command line write it.
pub fn name<T: ValueEnum>(value: &T) -> String {
    value
        .to_possible_value()
        .map(|v| v.get_name().to_owned())
        .unwrap_or_default()
}

/// The value named `name`, else the message naming the key, the value and the allowed values.
pub fn parse<T: ConfigKey>(name: &str) -> Result<T, String> {
    T::value_variants()
        .iter()
        .find(|v| v.to_possible_value().is_some_and(|p| p.get_name() == name))
        .copied()
        .ok_or_else(|| {
            format!(
                "{}: unknown value {name:?}; allowed values: {}",
                T::KEY,
                names::<T>().join(", ")
            )
        })
}

/// One value of a closed set, deserialised from its name.
struct Named<T>(T);

impl<'de, T: ConfigKey> Deserialize<'de> for Named<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        parse(&name).map(Named).map_err(serde::de::Error::custom)
    }
}

/// `key = "name"`.
pub fn one<'de, D: Deserializer<'de>, T: ConfigKey>(d: D) -> Result<T, D::Error> {
    Named::deserialize(d).map(|n: Named<T>| n.0)
}

/// `key = ["name", ...]`.
pub fn list<'de, D: Deserializer<'de>, T: ConfigKey>(d: D) -> Result<Vec<T>, D::Error> {
    let named: Vec<Named<T>> = Vec::deserialize(d)?;
    Ok(named.into_iter().map(|n| n.0).collect())
}

/// `paper = "a4"`: the paper itself, not its name, in the config.
pub fn paper<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Paper>, D::Error> {
    one(d).map(|p: PaperName| Some(p.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_named_as_on_the_command_line() {
        assert_eq!(names::<PaperName>(), ["a4", "letter"]);
        assert_eq!(names::<Lang>(), ["ja", "en"]);
        assert_eq!(names::<Gate>(), ["new-gaps", "regression"]);
        assert_eq!(
            names::<Format>(),
            ["md", "html", "json", "xlsx", "pdf", "docx"]
        );
        assert_eq!(parse::<PaperName>("letter"), Ok(PaperName(Paper::Letter)));
        assert_eq!(parse::<Gate>("new-gaps"), Ok(Gate::NewGaps));
        assert_eq!(
            parse::<Lang>("fr"),
            Err("lang: unknown value \"fr\"; allowed values: ja, en".to_owned())
        );
    }
}
