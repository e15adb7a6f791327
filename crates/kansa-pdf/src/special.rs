//! The cover page, the table of contents, `kansa-chart` bar charts and code
//! blocks.

use super::layout::{BODY, CODE_BG, Ctx, Draw, HEAD, MUTED, Rgb, TEXT};
use super::linebreak::break_lines;
use super::model::{Block, Span, Style, Target};
use super::tags::Role;

const MET: Rgb = Rgb(0.22, 0.60, 0.36);
const GAP: Rgb = Rgb(0.82, 0.27, 0.25);

/// Font size of a chart's labels, captions and legend.
const CHART_SIZE: f32 = 8.5;
/// Height of one bar's row, and of the bar in it.
const CHART_ROW: f32 = 15.0;
const CHART_BAR_H: f32 = 9.0;

/// Where a chart's columns are: the labels from `x`, the bars from `bar_x`, the captions after
/// the bars, the asides after the captions.
struct ChartColumns {
    x: f32,
    label_w: f32,
    bar_x: f32,
    bar_w: f32,
    cap_w: f32,
    aside_w: f32,
}

/// One bar of a `kansa-chart` block (the same for the PDF and the Word writer).
#[derive(Debug, PartialEq)]
pub struct Bar {
    /// The bar's label, set left of it.
    pub label: String,
    /// Met and gap, in percent of what the bar stands for (the applicable items): the green
    /// part's length is `parts[0]` of the bar.
    pub parts: [f32; 2],
    /// The caption right-aligned after the bar (kansa: the coverage, or "—").
    pub caption: String,
    /// Text set apart after the caption, outside the bar (e.g. the not-applicable count).
    pub aside: String,
}

/// A bar's number: `83.7`, `83.7%`; anything else (`—`, empty) is an empty part.
fn chart_number(s: &str) -> f32 {
    s.trim()
        .trim_end_matches('%')
        .parse::<f32>()
        .unwrap_or(0.0)
        .max(0.0)
}

/// Parses a chart block: optional `#legend` line, then one bar per line,
/// `label<TAB>met%<TAB>gap%[<TAB>caption[<TAB>aside]]`.
pub fn parse_chart(text: &str, ja: bool) -> (Vec<String>, Vec<Bar>) {
    let mut legend: Vec<String> = if ja {
        vec!["充足".into(), "ギャップ".into()]
    } else {
        vec!["Met".into(), "Gap".into()]
    };
    let mut bars = Vec::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        if f[0].starts_with("#legend") {
            for (i, t) in f.iter().skip(1).take(2).enumerate() {
                legend[i] = t.trim().to_string();
            }
            continue;
        }
        if f.len() < 3 {
            continue;
        }
        let text_at = |i: usize| f.get(i).map(|s| s.trim().to_string()).unwrap_or_default();
        bars.push(Bar {
            label: f[0].trim().to_string(),
            parts: [chart_number(f[1]), chart_number(f[2])],
            caption: text_at(3),
            aside: text_at(4),
        });
    }
    (legend, bars)
}

/// A chart's alternate text: each bar's label, its two parts with the legend's names, and
/// its aside, e.g. "設備: 充足 47.5%, ギャップ 52.5% (対象外 3)".
pub(crate) fn chart_alt(legend: &[String], bars: &[Bar]) -> String {
    let name = |i: usize| legend.get(i).map(String::as_str).unwrap_or_default();
    let number = |v: f32| {
        let s = format!("{v:.1}");
        s.trim_end_matches(".0").to_owned()
    };
    bars.iter()
        .map(|b| {
            if b.caption.trim() == "—" {
                // Nothing applicable: no shares to speak of.
                return match b.aside.is_empty() {
                    true => format!("{}: —", b.label),
                    false => format!("{}: — ({})", b.label, b.aside),
                };
            }
            let mut s = format!(
                "{}: {} {}%, {} {}%",
                b.label,
                name(0),
                number(b.parts[0]),
                name(1),
                number(b.parts[1])
            );
            if !b.aside.is_empty() {
                s.push_str(&format!(" ({})", b.aside));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn text(s: &str) -> Vec<Span> {
    vec![Span::Text(s.to_string(), Style::default())]
}

const BOLD: Style = Style {
    bold: true,
    italic: false,
    code: false,
    strike: false,
    link: None,
};

impl Ctx<'_> {
    /// Lays out the cover: the `#` title large and centred, the rest below.
    pub(crate) fn cover(&mut self, blocks: &[Block]) {
        let (x, w) = (self.g.left, self.g.right - self.g.left);
        self.decorate = false;
        self.new_page();
        self.y = self.g.top + (self.g.bottom - self.g.top) * 0.2;
        for b in blocks {
            match b {
                Block::Heading { level: 1, inl, .. } => {
                    if let Some(e) = self.all_headings.get(self.heading_no) {
                        self.anchors
                            .insert(e.anchor.clone(), (self.page_no(), self.y - 4.0));
                    }
                    self.heading_no += 1;
                    self.open(Role::H(1));
                    self.para(inl, x + w * 0.075, w * 0.85, 22.0, 31.0, HEAD, BOLD, true);
                    self.close();
                    let y = self.y + 10.0;
                    self.push(Draw::Line {
                        x1: x + w * 0.35,
                        y1: y,
                        x2: x + w * 0.65,
                        y2: y,
                        color: HEAD,
                        width: 1.5,
                    });
                    self.y += 34.0;
                }
                Block::Toc => self.toc_pages(x, w),
                _ => self.blocks(std::slice::from_ref(b), x, w),
            }
        }
    }

    /// The table of contents, on a new page.
    pub(crate) fn toc_pages(&mut self, x: f32, w: f32) {
        self.decorate = true;
        if !self.at_top() || self.no_pages() {
            self.new_page();
        }
        let title = if self.ja { "目次" } else { "Contents" };
        self.open(Role::H(2));
        self.para(&text(title), x, w, 15.0, 20.25, HEAD, BOLD, false);
        self.close();
        self.heading_rule(x, w);
        self.y += 12.0;
        self.open(Role::Toc);
        for e in self.toc.clone() {
            let (size, indent, before, st) = if e.level == 2 {
                (10.5, 0.0, 5.0, BOLD)
            } else {
                (9.5, 14.0, 0.0, Style::default())
            };
            let lh = size * 1.5;
            let num_w = self.font.width("0000", size);
            let p = self.prep(&text(&e.title), size, st);
            let lines = break_lines(&p.pairs(), w - indent - num_w - 12.0);
            let h = lines.len() as f32 * lh;
            self.ensure(h + before);
            if !self.at_top() {
                self.y += before;
            }
            let top = self.y;
            let mut end = x + indent;
            // Each entry is a TOCI holding a Link: the title, its page number and the
            // annotation.
            self.open(Role::Toci);
            let link = self.open(Role::Link);
            for r in lines {
                end = x + indent + p.width(&r);
                let y = self.y;
                self.draw_line(&p, r, x + indent, y, lh, TEXT);
                self.y += lh;
            }
            let base = self.y - lh + (lh - size) / 2.0 + size * 0.88;
            self.push(Draw::TocNum {
                anchor: e.anchor.clone(),
                x0: end + 4.0,
                x1: x + w,
                y: base,
                size,
            });
            self.push(Draw::Link {
                x,
                y: top,
                w,
                h,
                target: Target::Anchor(e.anchor),
                elem: Some(link),
                alt: e.title.clone(),
            });
            self.close();
            self.close();
        }
        self.close();
    }

    /// A horizontal stacked bar chart (met / gap / n/a) with a legend.
    pub(crate) fn chart(&mut self, src: &str, x: f32, w: f32) {
        let (legend, bars) = parse_chart(src, self.ja);
        let size = CHART_SIZE;
        let label_w = bars
            .iter()
            .map(|b| self.font.width(&b.label, size))
            .fold(0.0, f32::max)
            .min(w * 0.3);
        let mut widest = |text: fn(&Bar) -> &str, share: f32| {
            bars.iter()
                .map(|b| self.font.width(text(b), size))
                .fold(0.0, f32::max)
                .min(w * share)
        };
        let cap_w = widest(|b| &b.caption, 0.15);
        let aside_w = widest(|b| &b.aside, 0.15);
        let aside_gap = if aside_w > 0.0 { 8.0 } else { 0.0 };
        let cols = ChartColumns {
            x,
            label_w,
            bar_x: x + label_w + 8.0,
            bar_w: (w - label_w - cap_w - aside_gap - aside_w - 16.0).max(w * 0.3),
            cap_w,
            aside_w,
        };
        self.ensure(CHART_ROW * 2.0);
        // A figure whose alternate text gives the numbers in words.
        let figure = self.open(Role::Figure);
        self.tags.set_alt(figure, chart_alt(&legend, &bars));
        self.chart_legend(&legend, cols.bar_x);
        self.y += CHART_ROW + 2.0;
        for b in &bars {
            self.chart_bar(b, &cols);
        }
        self.close();
        self.y += 8.0;
    }

    /// The legend, right above the bars: a colour swatch and a name for each part.
    fn chart_legend(&mut self, legend: &[String], bar_x: f32) {
        let size = CHART_SIZE;
        let mut lx = bar_x;
        let base = self.y + 9.0;
        for (t, c) in legend.iter().zip([MET, GAP]) {
            self.push(Draw::Rect {
                x: lx,
                y: base - 7.0,
                w: 7.0,
                h: 7.0,
                fill: Some(c),
                stroke: None,
            });
            self.push(Draw::Text {
                x: lx + 10.0,
                y: base,
                size,
                text: t.clone(),
                color: TEXT,
                bold: false,
                italic: false,
                mono: false,
            });
            lx += 10.0 + self.font.width(t, size) + 14.0;
        }
    }

    /// One bar: its label, its parts stacked in a frame, its caption.
    fn chart_bar(&mut self, b: &Bar, cols: &ChartColumns) {
        let (size, row, bar_h) = (CHART_SIZE, CHART_ROW, CHART_BAR_H);
        self.ensure(row);
        let top = self.y + (row - bar_h) / 2.0;
        let base = top + bar_h / 2.0 + size * 0.36;
        let label = self.font.clip(&b.label, size, cols.label_w);
        self.push(Draw::Text {
            x: cols.x,
            y: base,
            size,
            text: label,
            color: TEXT,
            bold: false,
            italic: false,
            mono: false,
        });
        let total: f32 = b.parts.iter().sum::<f32>().max(100.0);
        let mut bx = cols.bar_x;
        for (v, c) in b.parts.iter().zip([MET, GAP]) {
            let sw = cols.bar_w * v / total;
            if sw > 0.05 {
                self.push(Draw::Rect {
                    x: bx,
                    y: top,
                    w: sw,
                    h: bar_h,
                    fill: Some(c),
                    stroke: None,
                });
            }
            bx += sw;
        }
        self.push(Draw::Rect {
            x: cols.bar_x,
            y: top,
            w: cols.bar_w,
            h: bar_h,
            fill: None,
            stroke: Some(MUTED),
        });
        let cap = self.font.clip(&b.caption, size, cols.cap_w);
        // Right-aligned, so that the percentages line up on the decimal point.
        let cap_x = cols.bar_x + cols.bar_w + 6.0 + cols.cap_w - self.font.width(&cap, size);
        self.push(Draw::Text {
            x: cap_x,
            y: base,
            size,
            text: cap,
            color: TEXT,
            bold: false,
            italic: false,
            mono: false,
        });
        if !b.aside.is_empty() {
            let aside = self.font.clip(&b.aside, size, cols.aside_w);
            self.push(Draw::Text {
                x: cols.bar_x + cols.bar_w + 6.0 + cols.cap_w + 8.0,
                y: base,
                size,
                text: aside,
                color: MUTED,
                bold: false,
                italic: false,
                mono: false,
            });
        }
        self.y += row;
    }

    /// A code block: lines kept, wrapped by character when too wide.
    pub(crate) fn code(&mut self, src: &str, x: f32, w: f32) {
        let (size, lh) = (BODY * 0.85, BODY * 1.25);
        let st = Style {
            code: false,
            ..Style::default()
        };
        for line in src.trim_end_matches('\n').split('\n') {
            // Keep indentation: leading spaces become no-break spaces.
            let lead = line.len() - line.trim_start_matches(' ').len();
            let line = format!("{}{}", "\u{a0}".repeat(lead), &line[lead..]);
            let p = self.prep(&text(&line), size, st);
            for r in break_lines(&p.pairs(), w - 8.0) {
                self.ensure(lh);
                let y = self.y;
                self.push(Draw::Rect {
                    x,
                    y,
                    w,
                    h: lh,
                    fill: Some(CODE_BG),
                    stroke: None,
                });
                self.draw_line(&p, r, x + 4.0, y, lh, TEXT);
                self.y += lh;
            }
        }
        self.y += 6.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_lines_and_legend() {
        let (legend, bars) = parse_chart(
            "#legend\tA\tB\n設備\t47.5%\t52.5%\t47.5%\t対象外 3\nbad line\n空\t—\t—\t—\t対象外 4\n",
            true,
        );
        assert_eq!(legend, ["A", "B"]);
        assert_eq!(
            bars,
            vec![
                Bar {
                    label: "設備".into(),
                    parts: [47.5, 52.5],
                    caption: "47.5%".into(),
                    aside: "対象外 3".into(),
                },
                Bar {
                    label: "空".into(),
                    parts: [0.0, 0.0],
                    caption: "—".into(),
                    aside: "対象外 4".into(),
                }
            ]
        );
        let (legend, _) = parse_chart("", false);
        assert_eq!(legend, ["Met", "Gap"]);
    }
}
