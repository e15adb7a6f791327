//! Checking the ids of an overlay: known to the catalogue, answered once, and a hint (the
//! nearest id) for those that are not, found fast enough for 200,000-control catalogues.

use std::collections::HashMap;

use crate::diag::{Diagnostic, Problems, nearest};
use crate::load::ids::normalize_id;
use crate::load::table::{Record, Table};
use crate::load::values::{self, Column};
use crate::model::Catalogue;

/// computed once per distinct id, and not at all once the problem list is full, so a file of
/// 200,000 unknown ids stays linear.
pub(super) struct IdCheck<'c> {
    catalogue: &'c Catalogue,
    /// By catalogue position: where the control was first answered (table, line).
    first_seen: Vec<Option<(usize, u64)>>,
    /// By table: how a line of it is named (`line 12`, `設備!A12`), less the number.
    pub(super) places: Vec<String>,
    /// Normalised unknown id → its hint.
    hints: HashMap<String, String>,
    /// Catalogue ids by their one-deletion variants, built at the first unknown id.
    near: Option<NearIndex>,
    /// Edit distances the slow search (no id one edit away) may still compute for this file.
    budget: usize,
}

impl<'c> IdCheck<'c> {
    /// The checks of one overlay of `tables` tables against `catalogue`.
    pub(super) fn new(catalogue: &'c Catalogue, tables: usize) -> Self {
        IdCheck {
            catalogue,
            first_seen: vec![None; catalogue.controls.len()],
            places: Vec::with_capacity(tables),
            hints: HashMap::new(),
            near: None,
            budget: SLOW_SEARCH_BUDGET,
        }
    }

    /// The normalised id of `rec` when it is a control of the catalogue not answered before
    /// in this overlay; otherwise the problem is pushed and `None` returned.
    pub(super) fn check(
        &mut self,
        path: &str,
        table: &Table,
        table_index: usize,
        rec: &Record,
        id_col: usize,
        problems: &mut Problems,
    ) -> Option<String> {
        let raw = &rec.fields[id_col];
        let at = |msg: &str| {
            Diagnostic::new(path, rec.field_line(id_col), id_col as u64 + 1, msg)
                .in_sheet(table.sheet.as_deref())
                .column_name("id")
        };
        let id = normalize_id(raw);
        if id.is_empty() {
            problems.push(
                at("missing id")
                    .value(crate::model::text::excerpt(&rec.fields.join(","), 60))
                    .hint("every row needs the id of a control, e.g. 設1"),
            );
            return None;
        }
        let catalogue = self.catalogue;
        let Some(position) = catalogue.position(&id) else {
            if problems.is_full() {
                problems.push(at("unknown id"));
                return None;
            }
            let hint = match self.hints.get(&id) {
                Some(h) => h.clone(),
                None => {
                    let near = self.near.get_or_insert_with(|| NearIndex::new(catalogue));
                    let h = unknown_id_hint(&id, catalogue, near, &mut self.budget);
                    self.hints.insert(id.clone(), h.clone());
                    h
                }
            };
            problems.push(at("unknown id").value(raw.as_str()).hint(hint));
            return None;
        };
        if let Some((first_table, first_line)) = self.first_seen[position] {
            let first = format!("{}{first_line}", self.places[first_table]);
            problems.push(at("duplicate id").value(raw.as_str()).hint(format!(
                "{id} is also answered on {first}; keep one row per control"
            )));
            return None;
        }
        self.first_seen[position] = Some((table_index, rec.line));
        Some(id)
    }
}

/// What to say about an id the catalogue does not have.
fn unknown_id_hint(
    id: &str,
    catalogue: &Catalogue,
    near: &NearIndex,
    budget: &mut usize,
) -> String {
    if values::column_for_header(id) == Some(Column::Id) {
        return "this is a second header row (two files joined together?); delete it".to_owned();
    }
    match nearest_id(id, catalogue, near, budget) {
        Some(near) => format!("did you mean {near}? ({} has no {id})", catalogue.meta.id),
        None => format!(
            "no such control in {}; `kansa catalogue show {}` lists the ids",
            catalogue.meta.id, catalogue.meta.id
        ),
    }
}

/// Steps of edit-distance work the full search may do per file once no id is one edit away
/// (comparing ids of `a` and `b` bytes counts `a × b`, what the distance costs): on a
/// 200,000-control catalogue, a file of ids far from every control would otherwise compare
/// each with every control (95 s), and long ids make each comparison dear (50,000 ids of 306
/// characters: 2 min 49 s). 20 million steps take about 5 s in a debug build, well under one
/// in a release build. Ids one edit away never need it.
const SLOW_SEARCH_BUDGET: usize = 20_000_000;

/// The work of comparing `id` with every one of `candidates` ([`SLOW_SEARCH_BUDGET`]).
fn search_cost(id: &str, candidates: &[&str]) -> usize {
    candidates
        .iter()
        .map(|c| c.len().saturating_mul(id.len() + 1))
        .fold(0, usize::saturating_add)
}

/// The letters before an id's number (設, 運, AC-), which a suggestion must share.
fn id_prefix(s: &str) -> &str {
    let end = s.find(|c: char| c.is_ascii_digit()).unwrap_or(s.len());
    &s[..end]
}

/// The first number of an id (83 in 設83-1), to prefer the closest of equally near ids.
fn id_number(s: &str) -> i64 {
    let digits: String = s
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().unwrap_or(0)
}

/// An index of the catalogue's ids by every variant with one character deleted (and the id
/// itself), as hashes: two ids one edit apart (a character typed extra, missing or wrong)
/// always share a variant, so every id one edit from a typo is found by a few lookups instead
/// of a pass over the whole catalogue.
struct NearIndex {
    /// (hash of a variant, catalogue position), sorted.
    variants: Vec<(u64, u32)>,
    /// Catalogue positions by id prefix ([`id_prefix`]), in order: the full search compares
    /// only these, without looking at every id of the catalogue again.
    by_prefix: HashMap<String, Vec<usize>>,
}

impl NearIndex {
    fn new(catalogue: &Catalogue) -> Self {
        let mut variants = Vec::new();
        let mut by_prefix: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, c) in catalogue.controls.iter().enumerate() {
            for h in deletion_hashes(&c.id) {
                variants.push((h, i as u32));
            }
            by_prefix
                .entry(id_prefix(&c.id).to_owned())
                .or_default()
                .push(i);
        }
        variants.sort_unstable();
        variants.dedup();
        NearIndex {
            variants,
            by_prefix,
        }
    }

    /// Catalogue positions of the ids with this prefix, in order.
    fn with_prefix(&self, prefix: &str) -> Vec<usize> {
        self.by_prefix.get(prefix).cloned().unwrap_or_default()
    }

    /// Catalogue positions of ids that may be one edit from `id` (a superset), in order.
    fn candidates(&self, id: &str) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for h in deletion_hashes(id) {
            let start = self.variants.partition_point(|(v, _)| *v < h);
            out.extend(
                self.variants[start..]
                    .iter()
                    .take_while(|(v, _)| *v == h)
                    .map(|(_, i)| *i as usize),
            );
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Ids longer than this (in bytes) get no one-deletion variants in [`NearIndex`].
const MAX_INDEXED_ID_BYTES: usize = 64;

/// Hashes of `s` and of every string made by deleting one of its characters.
fn deletion_hashes(s: &str) -> Vec<u64> {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    let hasher = BuildHasherDefault::<DefaultHasher>::default();
    let mut out = vec![hasher.hash_one(s)];
    // A long id has as many variants as characters, each as long as the id: such ids are
    // left to the budgeted full search rather than hashed quadratically.
    if s.len() > MAX_INDEXED_ID_BYTES {
        return out;
    }
    for (i, c) in s.char_indices() {
        let variant = [&s[..i], &s[i + c.len_utf8()..]].concat();
        out.push(hasher.hash_one(variant));
    }
    out
}

/// The likeliest intended id: same prefix (設/運/技), smallest edit distance, then the closest
/// number, so `設84` suggests `設83` rather than `設4`. Ids one edit away come from the index;
/// only when there is none are all ids of the prefix compared, within the file's budget.
fn nearest_id<'c>(
    id: &str,
    catalogue: &'c Catalogue,
    near: &NearIndex,
    budget: &mut usize,
) -> Option<&'c str> {
    let want_prefix = id_prefix(id);
    let ids = |positions: Vec<usize>| -> Vec<&'c str> {
        positions
            .into_iter()
            .map(|i| catalogue.controls[i].id.as_str())
            .filter(|c| id_prefix(c) == want_prefix)
            .collect()
    };
    let close = ids(near.candidates(id));
    let one_edit: Vec<&str> = close
        .into_iter()
        .filter(|c| strsim::levenshtein(id, c) == 1)
        .collect();
    let candidates = if one_edit.is_empty() {
        let same_prefix: Vec<&str> = near
            .with_prefix(want_prefix)
            .into_iter()
            .map(|i| catalogue.controls[i].id.as_str())
            .collect();
        let cost = search_cost(id, &same_prefix);
        if *budget < cost {
            return None;
        }
        *budget -= cost;
        same_prefix
    } else {
        one_edit
    };
    let best = nearest(id, candidates.iter().copied())?;
    let distance = strsim::levenshtein(id, best);
    let want_number = id_number(id);
    candidates
        .into_iter()
        .filter(|c| strsim::levenshtein(id, c) == distance)
        .min_by_key(|c| (id_number(c) - want_number).abs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CatalogueMeta, Control};

    /// The old search: every id of the prefix compared (what the index must agree with).
    fn brute_force<'c>(id: &str, catalogue: &'c Catalogue) -> Option<&'c str> {
        let same: Vec<&str> = catalogue
            .controls
            .iter()
            .map(|c| c.id.as_str())
            .filter(|c| id_prefix(c) == id_prefix(id))
            .collect();
        let best = nearest(id, same.iter().copied())?;
        let d = strsim::levenshtein(id, best);
        same.into_iter()
            .filter(|c| strsim::levenshtein(id, c) == d)
            .min_by_key(|c| (id_number(c) - id_number(id)).abs())
    }

    /// A control of section `s` with text `t` and nothing else.
    fn plain_control(id: String) -> Control {
        Control {
            id,
            section: "s".into(),
            major: String::new(),
            middle: String::new(),
            text: "t".into(),
            extra: vec![],
        }
    }

    fn big_catalogue(n: usize) -> Catalogue {
        let controls = (1..=n)
            .map(|i| plain_control(format!("{}{i}-{}", ["設", "運", "技"][i % 3], i % 7 + 1)))
            .collect();
        Catalogue::new(
            CatalogueMeta {
                id: "big".into(),
                ..Default::default()
            },
            controls,
        )
    }

    #[test]
    fn the_index_finds_what_a_full_search_finds() {
        let c = big_catalogue(3000);
        let near = NearIndex::new(&c);
        let typos = [
            "設84",
            "設84-2",
            "運10-1",
            "運100-22",
            "技35-",
            "設2999-5",
            "設299-55",
            "設1-",
            "運2O-3",
            "技3",
            "設",
            "XYZ-1",
            "設83ー1",
            "設12345-6",
            "運1000-16",
            "技299-4x",
        ];
        for typo in typos {
            let mut budget = usize::MAX;
            assert_eq!(
                nearest_id(typo, &c, &near, &mut budget),
                brute_force(typo, &c),
                "{typo}"
            );
        }
    }

    #[test]
    fn the_full_search_stops_at_its_budget() {
        let c = big_catalogue(1000);
        let near = NearIndex::new(&c);
        // One edit away: found by the index, whatever the budget.
        let mut budget = 0;
        assert_eq!(
            nearest_id("設30-39", &c, &near, &mut budget),
            Some("設30-3")
        );
        // Far from every id: one full search fits, the second does not.
        let same_prefix: Vec<&str> = c
            .controls
            .iter()
            .map(|c| c.id.as_str())
            .filter(|c| c.starts_with('設'))
            .collect();
        let one_search = search_cost("設30-399", &same_prefix);
        let mut budget = one_search * 3 / 2;
        assert_eq!(
            nearest_id("設30-399", &c, &near, &mut budget),
            Some("設30-3")
        );
        assert_eq!(budget, one_search * 3 / 2 - one_search);
        assert_eq!(nearest_id("設30-399", &c, &near, &mut budget), None);
    }

    /// The budget counts the work of each comparison, not comparisons: 300-character ids cost
    /// 100 times what 3-character ones do.
    #[test]
    fn the_search_budget_counts_the_length_of_the_ids() {
        let short = search_cost("abc", &["abd", "abe"]);
        let long_id = "X".repeat(300);
        let long = search_cost(&long_id, &[long_id.as_str(), long_id.as_str()]);
        assert_eq!(short, 2 * 3 * 4);
        assert_eq!(long, 2 * 300 * 301);
        assert_eq!(search_cost(&long_id, &[]), 0);
    }

    /// 2,000 long ids against a catalogue of 2,000 long ids with the same prefix, none one
    /// edit away: one full search would cost more than the whole budget, so none is made
    /// (counting comparisons, 1,000 searches of 2,000 comparisons each were allowed: hours in
    /// a debug build).
    #[test]
    fn long_ids_far_from_every_control_stay_fast() {
        let p = "X".repeat(300);
        let controls = (0..2000)
            .map(|i| plain_control(format!("{p}00{i:04}")))
            .collect();
        let c = Catalogue::new(CatalogueMeta::default(), controls);
        let near = NearIndex::new(&c);
        let started = std::time::Instant::now();
        let mut budget = SLOW_SEARCH_BUDGET;
        let mut searched = 0;
        for i in 0..2000 {
            let far = format!("{p}99{i:04}");
            if nearest_id(&far, &c, &near, &mut budget).is_some() {
                searched += 1;
            }
        }
        assert_eq!(searched, 0, "no full search fits in the budget");
        assert_eq!(budget, SLOW_SEARCH_BUDGET);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "{:?}",
            started.elapsed()
        );
    }
}
