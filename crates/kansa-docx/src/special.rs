//! kansa's fenced blocks: `kansa-chart` (a stacked bar chart, drawn as a table whose bar is
//! shaded cells spanning their share of a hundred grid columns: native Word, scalable, no
//! picture, and its numbers stay text) and `kansa-signoff` (the stamp boxes, as a right-aligned table).

use crate::body::Writer;
use crate::xml::text;
// The chart block's format is defined once, by the PDF typesetter that introduced it.
use kansa_pdf::parse_chart;

/// Met and gap colours (the PDF's chart colours), and the unfilled rest of a bar.
const MET: &str = "38995C";
const GAP: &str = "D14540";
const REST: &str = "F0F0F0";

/// Widths of the met, gap and rest parts of a bar `total` twips long (a sum over 100 % is
/// scaled down).
fn bar_parts(parts: [f64; 2], total: u32) -> [u32; 3] {
    let sum = parts[0] + parts[1];
    let scale = if sum > 100.0 { 100.0 / sum } else { 1.0 };
    let w = |p: f64| (p * scale / 100.0 * f64::from(total)).round() as u32;
    let (met, gap) = (w(parts[0]), w(parts[1]).min(total - w(parts[0]).min(total)));
    let met = met.min(total);
    [met, gap, total - met - gap]
}

/// A cell `width` twips wide spanning `span` grid columns, shaded with `fill`.
fn cell(width: u32, span: u32, fill: Option<&str>, body: &str) -> String {
    let span = if span > 1 {
        format!("<w:gridSpan w:val=\"{span}\"/>")
    } else {
        String::new()
    };
    let shd = fill.map_or(String::new(), |f| {
        format!("<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"{f}\"/>")
    });
    format!(
        "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/>{span}{shd}<w:vAlign w:val=\"center\"/></w:tcPr>{body}</w:tc>"
    )
}

/// A paragraph of a chart, kept with the next (the legend with the bars, the bars together).
fn chart_para(runs: &str, jc: &str) -> String {
    format!("<w:p><w:pPr><w:pStyle w:val=\"ChartText\"/><w:keepNext/>{jc}</w:pPr>{runs}</w:p>")
}

/// White horizontal borders: the gaps between bars.
const ROW_GAPS: &str = "<w:tblBorders><w:top w:val=\"single\" w:sz=\"24\" w:space=\"0\" w:color=\"FFFFFF\"/><w:left w:val=\"nil\"/><w:bottom w:val=\"single\" w:sz=\"24\" w:space=\"0\" w:color=\"FFFFFF\"/><w:right w:val=\"nil\"/><w:insideH w:val=\"single\" w:sz=\"24\" w:space=\"0\" w:color=\"FFFFFF\"/><w:insideV w:val=\"nil\"/></w:tblBorders>";

impl Writer<'_> {
    /// A `kansa-chart` block: a legend, then one row per bar. The bar is one percent-wide
    /// grid column per percent, its parts cells spanning their share and shaded; white row borders
    /// keep the bars apart.
    pub(crate) fn chart(&mut self, src: &str) {
        let (legend, bars) = parse_chart(src, self.ja);
        let swatch = |c: &str| {
            format!(
                "<w:r><w:rPr><w:color w:val=\"{c}\"/></w:rPr>{}</w:r>",
                text("■ ")
            )
        };
        self.out.push_str(&chart_para(
            &format!(
                "{}<w:r>{}</w:r>{}<w:r>{}</w:r>",
                swatch(MET),
                text(&format!("{}　", legend[0])),
                swatch(GAP),
                text(&legend[1])
            ),
            "",
        ));
        let total = self.text_width.saturating_sub(self.indent);
        let (label_w, cap_w, aside_w) = (total * 28 / 100, total * 10 / 100, total * 14 / 100);
        let step = (total - label_w - cap_w - aside_w) / 100;
        let mut x = format!(
            "<w:tbl><w:tblPr><w:tblW w:w=\"{total}\" w:type=\"dxa\"/>{ROW_GAPS}<w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid><w:gridCol w:w=\"{label_w}\"/>"
        );
        for _ in 0..100 {
            x.push_str(&format!("<w:gridCol w:w=\"{step}\"/>"));
        }
        x.push_str(&format!(
            "<w:gridCol w:w=\"{cap_w}\"/><w:gridCol w:w=\"{aside_w}\"/></w:tblGrid>"
        ));
        for b in &bars {
            x.push_str("<w:tr><w:trPr><w:cantSplit/></w:trPr>");
            x.push_str(&cell(
                label_w,
                1,
                None,
                &chart_para(&format!("<w:r>{}</w:r>", text(&b.label)), ""),
            ));
            for (span, fill) in bar_parts(b.parts.map(f64::from), 100)
                .into_iter()
                .zip([MET, GAP, REST])
            {
                if span > 0 {
                    x.push_str(&cell(span * step, span, Some(fill), &chart_para("", "")));
                }
            }
            x.push_str(&cell(
                cap_w,
                1,
                None,
                &chart_para(
                    &format!("<w:r>{}</w:r>", text(&b.caption)),
                    "<w:jc w:val=\"right\"/>",
                ),
            ));
            let aside = format!(
                "<w:r><w:rPr><w:color w:val=\"666666\"/></w:rPr>{}</w:r>",
                text(&b.aside)
            );
            x.push_str(&cell(aside_w, 1, None, &chart_para(&aside, "")));
            x.push_str("</w:tr>");
        }
        x.push_str("</w:tbl><w:p><w:pPr><w:pStyle w:val=\"TableGap\"/></w:pPr></w:p>");
        self.out.push_str(&x);
    }

    /// A `kansa-signoff` block: one column per role, label over stamp space over name and
    /// date, set at the right.
    pub(crate) fn signoff(&mut self, src: &str) {
        let boxes: Vec<[String; 3]> = src
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let mut f = l.split('\t').map(|s| s.trim().to_owned());
                [
                    f.next().unwrap_or_default(),
                    f.next().unwrap_or_default(),
                    f.next().unwrap_or_default(),
                ]
            })
            .collect();
        if boxes.is_empty() {
            return;
        }
        let w = 1701u32; // 30 mm per box
        let mut x = format!(
            "<w:tbl><w:tblPr><w:tblStyle w:val=\"KansaTable\"/><w:tblW w:w=\"{}\" w:type=\"dxa\"/><w:jc w:val=\"right\"/><w:tblLayout w:type=\"fixed\"/></w:tblPr><w:tblGrid>",
            w * boxes.len() as u32
        );
        for _ in &boxes {
            x.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
        }
        x.push_str("</w:tblGrid>");
        let row = |x: &mut String, trpr: &str, part: &dyn Fn(&[String; 3]) -> String| {
            x.push_str(&format!("<w:tr><w:trPr><w:cantSplit/>{trpr}</w:trPr>"));
            for b in &boxes {
                x.push_str(&cell(w, 1, None, &part(b)));
            }
            x.push_str("</w:tr>");
        };
        let centred = |s: &str, style: &str| {
            format!(
                "<w:p><w:pPr><w:pStyle w:val=\"{style}\"/><w:jc w:val=\"center\"/></w:pPr><w:r>{}</w:r></w:p>",
                text(s)
            )
        };
        row(&mut x, "<w:tblHeader/>", &|b| {
            centred(&b[0], "TableHeading")
        });
        // 25 mm of stamp space, as in the PDF.
        row(
            &mut x,
            "<w:trHeight w:val=\"1417\" w:hRule=\"atLeast\"/>",
            &|_| centred("", "TableText"),
        );
        row(&mut x, "", &|b| {
            format!(
                "{}{}",
                centred(&b[1], "TableText"),
                centred(&b[2], "TableText")
            )
        });
        x.push_str("</w:tbl><w:p><w:pPr><w:pStyle w:val=\"TableGap\"/></w:pPr></w:p>");
        self.out.push_str(&x);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_shares_of_their_length() {
        assert_eq!(bar_parts([50.0, 25.0], 1000), [500, 250, 250]);
        assert_eq!(bar_parts([100.0, 100.0], 1000), [500, 500, 0]);
        assert_eq!(bar_parts([0.0, 0.0], 1000), [0, 0, 1000]);
        let (legend, bars) = parse_chart(
            "#legend\tA\tB\n設備\t47.5%\t52.5%\t47.5%\t対象外 3\nbad\n",
            true,
        );
        assert_eq!(legend, ["A", "B"]);
        assert_eq!(bars.len(), 1);
        assert_eq!(bars[0].parts, [47.5, 52.5]);
        assert_eq!(bars[0].aside, "対象外 3");
    }
}
