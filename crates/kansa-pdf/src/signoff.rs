//! Document control on paper: `kansa-signoff` stamp boxes (作成 / 確認 / 承認), `kansa-right`
//! right-aligned lines (a handling class on the cover, the closing 以上) and the
//! classification mark of the running header.
//!
//! Japanese documents are approved by stamping (or signing) boxes in a row at the top right
//! of the cover, one per role; an empty box is a request to stamp, so a role nobody filled in
//! is still drawn, with its label and a blank stamp area about 25 mm tall.

use super::font::Font;
use super::layout::{BODY, Ctx, Draw, MUTED, TEXT};
use super::tags::Role;

/// Width of one stamp box (28 mm).
const BOX_W: f32 = 79.4;
/// Height of the label strip above the stamp area.
const LABEL_H: f32 = 15.0;
/// Height of the stamp area (25 mm): room for a seal above the name and date.
const STAMP_H: f32 = 70.9;
/// Font size of a box's label, and of its name and date.
const LABEL_SIZE: f32 = 8.5;
const NAME_SIZE: f32 = 8.0;
/// Font size of the running header's classification mark.
const MARK_SIZE: f32 = 7.5;

/// One stamp box of a `kansa-signoff` block.
#[derive(Debug, PartialEq)]
pub(crate) struct SignOff {
    pub label: String,
    pub name: String,
    pub date: String,
}

/// Parses a `kansa-signoff` block: one box per line, `label<TAB>name<TAB>date` (name and
/// date may be empty).
pub(crate) fn parse_signoff(text: &str) -> Vec<SignOff> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let mut f = line.split('\t').map(str::trim);
            let mut next = || f.next().unwrap_or_default().to_string();
            SignOff {
                label: next(),
                name: next(),
                date: next(),
            }
        })
        .collect()
}

/// The running header's classification, boxed at the right edge `right` on baseline `y`:
/// its draws and the width it takes (with the gap before it); nothing for an empty class.
pub(crate) fn classification_mark(
    font: &mut Font,
    class: &str,
    right: f32,
    y: f32,
) -> (Vec<Draw>, f32) {
    if class.trim().is_empty() {
        return (Vec::new(), 0.0);
    }
    let text = font.clip(class.trim(), MARK_SIZE, 120.0);
    let bold = super::font::Look {
        bold: true,
        mono: false,
    };
    let tw = font.width_in(&text, MARK_SIZE, bold);
    let (pad, w) = (3.0, tw + 6.0);
    let x = right - w;
    let draws = vec![
        Draw::Rect {
            x,
            y: y - MARK_SIZE - 1.0,
            w,
            h: MARK_SIZE + 4.0,
            fill: None,
            stroke: Some(TEXT),
        },
        Draw::Text {
            x: x + pad,
            y,
            size: MARK_SIZE,
            text,
            color: TEXT,
            bold: true,
            italic: false,
            mono: false,
        },
    ];
    (draws, w + 8.0)
}

impl Ctx<'_> {
    /// A row of stamp boxes, right-aligned in the column `x`..`x + w`, kept on one page.
    pub(crate) fn signoff(&mut self, src: &str, x: f32, w: f32) {
        let boxes = parse_signoff(src);
        if boxes.is_empty() {
            return;
        }
        let bw = BOX_W.min(w / boxes.len() as f32);
        self.ensure(LABEL_H + STAMP_H + 8.0);
        self.y += 4.0;
        let left = x + w - bw * boxes.len() as f32;
        // Tagged as a table: the roles (作成 / 確認 / 承認) head the columns, the names and
        // dates are the cells below them.
        self.open(Role::Table);
        let head = self.open(Role::THead);
        let head_row = self.tags.child(head, Role::TR);
        self.close();
        let body = self.open(Role::TBody);
        let body_row = self.tags.child(body, Role::TR);
        self.close();
        for (i, b) in boxes.iter().enumerate() {
            let th = self.tags.child(head_row, Role::TH);
            let td = self.tags.child(body_row, Role::TD);
            self.stamp_box(b, left + bw * i as f32, bw, (th, td));
        }
        self.close();
        self.y += LABEL_H + STAMP_H + 8.0;
    }

    /// One box: the label in a strip on top, the stamp area below it with the name and date
    /// at its foot. The label is content of structure element `th`, the name and date of `td`.
    fn stamp_box(&mut self, b: &SignOff, x: f32, w: f32, (th, td): (u32, u32)) {
        let top = self.y;
        for (y, h) in [(top, LABEL_H), (top + LABEL_H, STAMP_H)] {
            self.push(Draw::Rect {
                x,
                y,
                w,
                h,
                fill: None,
                stroke: Some(TEXT),
            });
        }
        self.tags.enter(th);
        self.centred(&b.label, x, w, top + LABEL_H - 4.5, LABEL_SIZE, TEXT);
        self.close();
        self.tags.enter(td);
        let foot = top + LABEL_H + STAMP_H;
        // A long name (with its department) wraps upwards, leaving the top for the stamp.
        let lines = wrap(self.font, &b.name, NAME_SIZE, w - 4.0, MAX_NAME_LINES);
        let mut y = foot - 16.0 - NAME_SIZE * 1.25 * (lines.len().max(1) - 1) as f32;
        for line in &lines {
            self.centred(line, x, w, y, NAME_SIZE, TEXT);
            y += NAME_SIZE * 1.25;
        }
        // After the name, so the cell reads "name date".
        self.centred(&b.date, x, w, foot - 5.0, NAME_SIZE - 0.5, MUTED);
        self.close();
    }

    /// `text` centred in `x`..`x + w` on baseline `y`, clipped to fit.
    fn centred(
        &mut self,
        text: &str,
        x: f32,
        w: f32,
        y: f32,
        size: f32,
        color: super::layout::Rgb,
    ) {
        if text.is_empty() {
            return;
        }
        let text = self.font.clip(text, size, w - 4.0);
        let tw = self.font.width(&text, size);
        self.push(Draw::Text {
            x: x + (w - tw) / 2.0,
            y,
            size,
            text,
            color,
            bold: false,
            italic: false,
            mono: false,
        });
    }

    /// A `kansa-right` block: each line set flush right (a handling class on the cover, the
    /// closing 以上), clipped to the column.
    pub(crate) fn right_lines(&mut self, src: &str, x: f32, w: f32) {
        let (size, lh) = (BODY + 1.0, BODY_LH_RIGHT);
        for line in src.lines().map(str::trim).filter(|l| !l.is_empty()) {
            self.ensure(lh);
            let text = self.font.clip(line, size, w);
            let tw = self.font.width(&text, size);
            let base = self.y + (lh - size) / 2.0 + size * 0.88;
            self.open(Role::P);
            self.push(Draw::Text {
                x: x + w - tw,
                y: base,
                size,
                text,
                color: TEXT,
                bold: false,
                italic: false,
                mono: false,
            });
            self.close();
            self.y += lh;
        }
        self.y += 4.0;
    }
}

/// Most lines of a name in a stamp box; the last is clipped.
const MAX_NAME_LINES: usize = 3;

/// `text` broken into lines no wider than `max` (at spaces when a word fits, else between
/// characters), at most `most` lines, the last one clipped.
fn wrap(font: &mut Font, text: &str, size: f32, max: f32, most: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let joined = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if font.width(&joined, size) <= max {
            line = joined;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            line.push(c);
            if font.width(&line, size) > max && line.chars().count() > 1 {
                line.pop();
                lines.push(std::mem::replace(&mut line, c.to_string()));
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.len() > most {
        let rest = lines[most - 1..].join(" ");
        lines.truncate(most - 1);
        lines.push(font.clip(&rest, size, max));
    }
    lines
}

/// Line height of a `kansa-right` line.
const BODY_LH_RIGHT: f32 = 16.5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_wrap_within_the_box() {
        let mut font = Font::load(&crate::FontSource::builtin()).unwrap();
        let max = BOX_W - 4.0;
        let lines = wrap(&mut font, "情報セキュリティ部 山田 太郎", NAME_SIZE, max, 3);
        assert_eq!(lines, ["情報セキュリティ部", "山田 太郎"]);
        let long = "あ".repeat(60);
        let lines = wrap(&mut font, &long, NAME_SIZE, max, 3);
        assert_eq!(lines.len(), 3);
        for l in &lines {
            assert!(font.width(l, NAME_SIZE) <= max + 0.01, "{l}");
        }
        assert!(lines[2].ends_with('…'), "{lines:?}");
        assert!(wrap(&mut font, "", NAME_SIZE, max, 3).is_empty());
    }

    #[test]
    fn signoff_lines_keep_empty_names_and_dates() {
        let boxes = parse_signoff("作成\t山田 太郎\t2026-11-20\n確認\t\t\n承認\n\n");
        assert_eq!(
            boxes,
            [
                SignOff {
                    label: "作成".into(),
                    name: "山田 太郎".into(),
                    date: "2026-11-20".into()
                },
                SignOff {
                    label: "確認".into(),
                    name: String::new(),
                    date: String::new()
                },
                SignOff {
                    label: "承認".into(),
                    name: String::new(),
                    date: String::new()
                },
            ]
        );
    }
}
