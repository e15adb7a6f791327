//! Synthetic catalogues and overlays of any size, for the benchmarks and for
//! whole-process timings (`cargo run --release --example gen_synthetic`).
//!
//! The shape follows the FISC catalogue: three sections, 10 基準大項目 × 10
//! 中項目 each, contiguous groups, ids like `設1-2`; Japanese control texts of
//! 20–120 characters. Two full overlays stack as in real use: a provider's
//! (status, responsibility, answer with Markdown, evidence) and the
//! organisation's (status, answer, owner, due date, a custom column), so
//! merge does per-field work on every control. Deterministic: the same `n`
//! gives the same bytes.

#![allow(dead_code)]

/// `KANSA_BENCH_JOBS=N` pins the benches' thread pool to N threads; by default every core is
/// used, as by the `kansa` command.
pub fn configure_threads() {
    if let Some(jobs) = std::env::var("KANSA_BENCH_JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
    {
        rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build_global()
            .expect("thread pool");
    }
}

/// The `catalogue.toml` of a synthetic catalogue directory.
pub const CATALOGUE_TOML: &str = "id = \"synthetic\"\nname = \"合成カタログ (synthetic)\"\nedition = \"1\"\n\n\
     [[sections]]\nname = \"設備\"\nprefix = \"設\"\n\n\
     [[sections]]\nname = \"運用\"\nprefix = \"運\"\n\n\
     [[sections]]\nname = \"技術\"\nprefix = \"技\"\n";

/// How the catalogue lists its groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// Each section, 基準大項目 and 中項目 in one run of rows, as FISC lists them.
    Contiguous,
    /// The same controls, rows reordered so that sections, 基準大項目 and 中項目 interleave:
    /// 設1-1, 運1-1, 技1-1, 設…, every row in another 中項目 than the one before (issue 11:
    /// grouping must not depend on the order).
    Interleaved,
}

impl Shape {
    /// `KANSA_BENCH_INTERLEAVED=1` makes the benches use interleaved catalogues.
    pub fn from_env() -> Shape {
        match std::env::var("KANSA_BENCH_INTERLEAVED").as_deref() {
            Ok("1") => Shape::Interleaved,
            _ => Shape::Contiguous,
        }
    }

    /// Suffix of a bench-data directory of this shape.
    pub fn suffix(self) -> &'static str {
        match self {
            Shape::Contiguous => "",
            Shape::Interleaved => "-interleaved",
        }
    }
}

/// Write a catalogue directory of `n` controls (`controls.csv`, `catalogue.toml`) with its two
/// overlays (`provider.csv`, `organisation.csv`) into `dir`, as `kansa report` reads them.
pub fn write_dir(n: usize, dir: &std::path::Path) -> std::io::Result<()> {
    write_dir_shaped(n, Shape::Contiguous, dir)
}

/// [`write_dir`] with the catalogue's rows in the given shape.
pub fn write_dir_shaped(n: usize, shape: Shape, dir: &std::path::Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let s = synthetic_shaped(n, shape);
    std::fs::write(dir.join("controls.csv"), s.catalogue)?;
    std::fs::write(dir.join("provider.csv"), s.provider)?;
    std::fs::write(dir.join("organisation.csv"), s.organisation)?;
    std::fs::write(dir.join("catalogue.toml"), CATALOGUE_TOML)
}

/// Inputs of one synthetic run, as CSV text.
pub struct Synthetic {
    /// `id,section,major,middle,text`.
    pub catalogue: String,
    /// The provider's overlay (first layer).
    pub provider: String,
    /// The organisation's overlay (second layer).
    pub organisation: String,
}

const SECTIONS: [&str; 3] = ["設", "運", "技"];
const SECTION_NAMES: [&str; 3] = ["設備", "運用", "技術"];
const STATUSES: [&str; 6] = [
    "implemented",
    "partial",
    "planned",
    "not_implemented",
    "not_applicable",
    "inherited",
];
const PHRASES: [&str; 16] = [
    "情報システムの安全対策として",
    "必要な措置を講ずること。",
    "アクセス権限の管理手順を定め、",
    "定期的に見直しを行っている。",
    "データセンターの入退館管理は、",
    "生体認証と監視カメラにより実施している。",
    "障害発生時の連絡体制を整備し、",
    "年一回の訓練で実効性を確認している。",
    "暗号鍵はハードウェアセキュリティモジュールで保管し、",
    "外部委託先の管理状況を四半期ごとに評価している。",
    "バックアップは遠隔地に保管され、",
    "復旧手順は文書化されている。",
    "ログは改ざん防止措置を講じた上で一年間保存する。",
    "利用者の本人確認を厳格に行い、",
    "不正アクセスの監視を二十四時間体制で実施する。",
    "変更管理の承認記録を残している。",
];

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn sentence(&mut self, phrases: usize) -> String {
        (0..phrases)
            .map(|_| PHRASES[self.below(PHRASES.len())])
            .collect()
    }
}

/// Quotes a CSV field.
fn q(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// Control id `i` of `n`: section letter, then a number within the section.
pub fn id(i: usize, n: usize) -> String {
    let s = i * 3 / n;
    let first = (s * n).div_ceil(3);
    format!(
        "{}{}-{}",
        SECTIONS[s],
        (i - first) / 4 + 1,
        (i - first) % 4 + 1
    )
}

/// A catalogue of `n` controls and two full overlays.
pub fn synthetic(n: usize) -> Synthetic {
    synthetic_shaped(n, Shape::Contiguous)
}

/// [`synthetic`] with the catalogue's rows in the given shape: the controls, ids, texts and
/// overlays are the same in both shapes, only the catalogue's row order differs.
pub fn synthetic_shaped(n: usize, shape: Shape) -> Synthetic {
    let mut rng = Rng(2012);
    // (sort key, row): the key is the row's place in an interleaved catalogue: its rank
    // within its 中項目, then the 中項目 within the section, then the section.
    let mut rows: Vec<((usize, usize, usize), String)> = Vec::with_capacity(n);
    let mut provider = String::from("id,status,responsibility,answer,evidence\n");
    let mut organisation = String::from("id,status,answer,owner,due,cost centre\n");
    for i in 0..n {
        let (s, ma, mi) = (i * 3 / n, (i * 30 / n) % 10, (i * 300 / n) % 10);
        let id = id(i, n);
        let k = 1 + rng.below(4);
        let text = rng.sentence(k);
        let middle = i * 300 / n;
        let rank = i - (middle * n).div_ceil(300);
        rows.push((
            (rank, ma * 10 + mi, s),
            format!(
                "{id},{},大項目{s}-{ma}: 設備・運用の基準,中項目{ma}-{mi},{}\n",
                SECTION_NAMES[s],
                q(&text)
            ),
        ));
        let resp = ["provider", "customer", "shared"][rng.below(3)];
        let answer = match rng.below(3) {
            0 => rng.sentence(2),
            1 => format!(
                "**{}**\n\n- {}\n- {}",
                rng.sentence(1),
                rng.sentence(1),
                rng.sentence(2)
            ),
            _ => format!("{}\n\n{}", rng.sentence(3), rng.sentence(4)),
        };
        provider.push_str(&format!(
            "{id},{},{resp},{},docs/evidence-{}.pdf\n",
            STATUSES[rng.below(STATUSES.len())],
            q(&answer),
            i % 97
        ));
        let status = if resp == "provider" {
            ""
        } else {
            STATUSES[rng.below(STATUSES.len())]
        };
        let k = 1 + rng.below(2);
        organisation.push_str(&format!(
            "{id},{status},{},担当{},2026-{:02}-{:02},CC-{}\n",
            q(&rng.sentence(k)),
            i % 17,
            i % 12 + 1,
            i % 28 + 1,
            i % 50
        ));
    }
    if shape == Shape::Interleaved {
        rows.sort_by_key(|(key, _)| *key);
    }
    let mut catalogue = String::from("id,section,major,middle,text\n");
    for (_, row) in rows {
        catalogue.push_str(&row);
    }
    Synthetic {
        catalogue,
        provider,
        organisation,
    }
}
