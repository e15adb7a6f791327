//! The summary sheet of the gap register: headline figures, coverage by section with a native
//! Excel chart, counts by status and by responsibility, and the definitions of the figures.
//!
//! Every count table has the same columns (controls, not applicable, applicable, met, gaps,
//! overdue, coverage) and ends with a 合計 row, so a reader can add them up: controls =
//! not applicable + applicable, applicable = met + gaps. A group with nothing applicable has no
//! coverage: its cell is the text "—", not 100%.

use rust_xlsxwriter::{
    Chart, ChartDataLabel, ChartDataLabelPosition, ChartFormat, ChartSolidFill, ChartType, Format,
    Worksheet,
};

use super::XlsxError;
use crate::model::fields::Field;
use crate::render::labels::Label;
use crate::render::view::{NO_COVERAGE, Report, TotalsView};

/// The status colours of the PDF and HTML charts: met green, gap red.
const MET_COLOUR: u32 = 0x2E7D32;
const GAP_COLOUR: u32 = 0xC62828;

/// Column of the coverage in a count table (label, then [`COUNT_COLUMNS`] counts).
const COVERAGE_COLUMN: u16 = 7;
/// Counts of a row, after its label: controls, not applicable, applicable, met, gaps, overdue.
const COUNT_COLUMNS: usize = 6;

/// Cell formats of the summary.
struct Formats {
    title: Format,
    bold: Format,
    header: Format,
    percent: Format,
    total_label: Format,
    total_count: Format,
    total_percent: Format,
    right: Format,
}

impl Formats {
    fn new() -> Self {
        let top = |f: Format| {
            f.set_bold()
                .set_border_top(rust_xlsxwriter::FormatBorder::Thin)
        };
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            bold: Format::new().set_bold(),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_background_color(0xDDEBF7),
            percent: Format::new().set_num_format("0.0%"),
            total_label: top(Format::new()),
            total_count: top(Format::new()),
            total_percent: top(Format::new().set_num_format("0.0%")),
            right: Format::new().set_align(rust_xlsxwriter::FormatAlign::Right),
        }
    }
}

/// Fill the summary sheet `ws`, named `name` (the chart refers to it by name).
pub(super) fn write(ws: &mut Worksheet, name: &str, report: &Report) -> Result<(), XlsxError> {
    let f = Formats::new();
    ws.set_column_width(0, 24)?;
    ws.set_column_range_width(1, COVERAGE_COLUMN, 11)?;
    ws.write_string_with_format(0, 0, super::fit_cell(&report.title), &f.title)?;
    let mut row = facts(ws, 2, report, &f)?;
    row += 1;
    row = headline(ws, row, report, &f)?;
    row += 1;
    let table_row = row;
    row = by_section(ws, row, report, &f)?;
    chart(ws, name, table_row, report)?;
    row += 1;
    row = by_status(ws, row, report, &f)?;
    row += 1;
    row = by_responsibility(ws, row, report, &f)?;
    row += 1;
    definitions(ws, row, report, &f)?;
    super::print_setup(ws)?;
    super::classification_header(ws, report.document.classification.as_deref());
    ws.set_print_fit_to_pages(1, 1);
    Ok(())
}

/// The report's facts (organisation, catalogue, date, inputs) from `row`; returns the next row.
fn facts(ws: &mut Worksheet, row: u32, report: &Report, f: &Formats) -> Result<u32, XlsxError> {
    let l = |label: Label| label.text(report.lang);
    let c = &report.catalogue;
    let mut facts: Vec<(&str, String)> = Vec::new();
    let d = &report.document;
    for (label, value) in [
        (Label::DocumentNumber, &d.number),
        (Label::DocumentVersion, &d.version),
        (Label::Classification, &d.classification),
        (Label::Purpose, &d.purpose),
        (Label::Scope, &d.scope),
    ] {
        if let Some(value) = value {
            facts.push((l(label), value.clone()));
        }
    }
    if let Some(org) = &report.organisation {
        facts.push((l(Label::Organisation), org.clone()));
    }
    facts.push((l(Label::Catalogue), format!("{} ({})", c.name, c.id)));
    facts.push((l(Label::Edition), c.edition.clone()));
    facts.push((l(Label::ReportDate), report.report_date.to_string()));
    facts.push((
        l(Label::GeneratedBy),
        format!("kansa {}", report.kansa_version),
    ));
    for input in &report.inputs {
        facts.push((
            l(Label::Inputs),
            format!("{} ({}: {})", input.label, l(Label::Rows), input.rows),
        ));
    }
    for s in &d.sign_off {
        if let Some(name) = &s.name {
            let date = s
                .date
                .as_deref()
                .map_or(String::new(), |d| format!(" ({d})"));
            facts.push((s.label, format!("{name}{date}")));
        }
    }
    let mut row = row;
    for (label, value) in facts {
        ws.write_string_with_format(row, 0, label, &f.bold)?;
        ws.write_string(row, 1, super::fit_cell(&value))?;
        row += 1;
    }
    Ok(row)
}

/// A coverage cell: the percentage, or "—" (right-aligned text) when nothing applies.
fn coverage_cell(
    ws: &mut Worksheet,
    (row, col): (u32, u16),
    coverage: Option<f64>,
    percent: &Format,
    text: &Format,
) -> Result<(), XlsxError> {
    match coverage {
        Some(c) => ws.write_number_with_format(row, col, c / 100.0, percent)?,
        None => ws.write_string_with_format(row, col, NO_COVERAGE, text)?,
    };
    Ok(())
}

fn headline(ws: &mut Worksheet, row: u32, r: &Report, f: &Formats) -> Result<u32, XlsxError> {
    let l = |label: Label| label.text(r.lang);
    let s = &r.summary;
    ws.write_string_with_format(row, 0, l(Label::Summary), &f.bold)?;
    let counts = [
        (l(Label::Controls), s.total),
        (l(Label::NotApplicable), s.not_applicable),
        (l(Label::Applicable), s.applicable),
        (l(Label::Met), s.met),
        (l(Label::Gaps), s.gaps),
        (l(Label::Overdue), s.overdue),
    ];
    let mut row = row + 1;
    for (label, n) in counts {
        ws.write_string(row, 0, label)?;
        ws.write_number(row, 1, n as f64)?;
        row += 1;
    }
    ws.write_string(row, 0, l(Label::Coverage))?;
    coverage_cell(ws, (row, 1), s.coverage, &f.percent, &f.right)?;
    Ok(row + 1)
}

/// The counts of a row, in the order of [`totals_header`].
fn counts(t: &TotalsView) -> [usize; COUNT_COLUMNS] {
    [
        t.total,
        t.not_applicable,
        t.applicable,
        t.met,
        t.gaps,
        t.overdue,
    ]
}

/// One row of counts and the coverage; the 合計 row (`total`) set apart by a rule and bold.
fn totals_row(
    ws: &mut Worksheet,
    row: u32,
    label: &str,
    t: &TotalsView,
    (f, total): (&Formats, bool),
) -> Result<(), XlsxError> {
    let (label_f, count_f, percent_f) = if total {
        (&f.total_label, &f.total_count, &f.total_percent)
    } else {
        (&Format::new(), &Format::new(), &f.percent)
    };
    ws.write_string_with_format(row, 0, super::fit_cell(label), label_f)?;
    for (col, n) in counts(t).into_iter().enumerate() {
        ws.write_number_with_format(row, col as u16 + 1, n as f64, count_f)?;
    }
    let text = if total {
        f.total_label
            .clone()
            .set_align(rust_xlsxwriter::FormatAlign::Right)
    } else {
        f.right.clone()
    };
    coverage_cell(ws, (row, COVERAGE_COLUMN), t.coverage, percent_f, &text)
}

fn totals_header(
    ws: &mut Worksheet,
    row: u32,
    first: &str,
    r: &Report,
    f: &Formats,
) -> Result<(), XlsxError> {
    let l = |label: Label| label.text(r.lang);
    let names = [
        first,
        l(Label::Controls),
        l(Label::NotApplicable),
        l(Label::Applicable),
        l(Label::Met),
        l(Label::Gaps),
        l(Label::Overdue),
        l(Label::Coverage),
    ];
    for (col, h) in names.into_iter().enumerate() {
        ws.write_string_with_format(row, col as u16, h, &f.header)?;
    }
    Ok(())
}

/// The by-section table; its first data row is `row + 2`, one row per section, then 合計.
fn by_section(ws: &mut Worksheet, row: u32, r: &Report, f: &Formats) -> Result<u32, XlsxError> {
    ws.write_string_with_format(row, 0, Label::BySection.text(r.lang), &f.bold)?;
    totals_header(ws, row + 1, Label::Section.text(r.lang), r, f)?;
    let mut row = row + 2;
    for s in &r.sections {
        totals_row(ws, row, &s.label, &s.totals, (f, false))?;
        row += 1;
    }
    totals_row(ws, row, Label::Total.text(r.lang), &r.summary, (f, true))?;
    Ok(row + 1)
}

/// The coverage as a chart's data label prints it: "83.7%", or "—" when nothing applies.
fn coverage_text(t: &TotalsView) -> String {
    t.coverage
        .map_or_else(|| NO_COVERAGE.to_owned(), |c| format!("{c:.1}%"))
}

/// A bar chart of the by-section table that starts at `row` (its sections and 合計): met and
/// gaps stacked as shares of the applicable controls (Excel's percent-stacked bars), so the
/// green length is the coverage, which labels it. Not-applicable controls are not in the bars
/// (the table beside counts them); a section with nothing applicable has an empty bar, "—".
fn chart(ws: &mut Worksheet, sheet: &str, row: u32, r: &Report) -> Result<(), XlsxError> {
    if r.sections.is_empty() {
        return Ok(());
    }
    let (first, last) = (row + 2, row + 2 + r.sections.len() as u32);
    let groups: Vec<&TotalsView> = r
        .sections
        .iter()
        .map(|s| &s.totals)
        .chain([&r.summary])
        .collect();
    let labels: Vec<ChartDataLabel> = groups
        .iter()
        .map(|t| {
            ChartDataLabel::new()
                .set_value(coverage_text(t).as_str())
                .to_custom()
        })
        .collect();
    let mut chart = Chart::new(ChartType::BarPercentStacked);
    let categories = (sheet, first, 0, last, 0);
    // Columns of the by-section table: 4 met, 5 gaps.
    for (col, label, colour) in [
        (4, Label::LegendMet, MET_COLOUR),
        (5, Label::LegendGap, GAP_COLOUR),
    ] {
        let series = chart
            .add_series()
            .set_name(label.text(r.lang))
            .set_categories(categories)
            .set_values((sheet, first, col, last, col))
            .set_gap(60)
            .set_format(ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color(colour)));
        if col == 4 {
            series.set_custom_data_labels(&labels).set_data_label(
                ChartDataLabel::new()
                    .show_value()
                    .set_position(ChartDataLabelPosition::InsideBase),
            );
        }
    }
    chart.title().set_name(Label::ChartTitle.text(r.lang));
    // In a bar chart the x axis is the horizontal (value) one: the categories (y) are
    // reversed so that the sections read top-down in table order.
    chart.x_axis().set_num_format("0%");
    chart.y_axis().set_reverse();
    chart
        .set_width(560)
        .set_height(110 + 36 * groups.len() as u32);
    ws.insert_chart(2, COVERAGE_COLUMN + 2, &chart)?;
    Ok(())
}

/// Counts by status, each with the total it counts in (met, gap, not applicable), then 合計.
fn by_status(ws: &mut Worksheet, row: u32, r: &Report, f: &Formats) -> Result<u32, XlsxError> {
    let l = |label: Label| label.text(r.lang);
    ws.write_string_with_format(row, 0, l(Label::ByStatus), &f.bold)?;
    let header = [
        Field::Status.label(r.lang),
        l(Label::CountsAs),
        l(Label::Count),
    ];
    for (col, h) in header.into_iter().enumerate() {
        ws.write_string_with_format(row + 1, col as u16, h, &f.header)?;
    }
    let mut row = row + 2;
    for s in &r.summary.by_status {
        ws.write_string(row, 0, s.label)?;
        ws.write_string(row, 1, s.counts_as_label)?;
        ws.write_number(row, 2, s.count as f64)?;
        row += 1;
    }
    ws.write_string_with_format(row, 0, l(Label::Total), &f.total_label)?;
    ws.write_string_with_format(row, 1, "", &f.total_label)?;
    ws.write_number_with_format(row, 2, r.summary.total as f64, &f.total_count)?;
    Ok(row + 1)
}

/// Counts by responsibility (only those with controls), then 合計.
fn by_responsibility(
    ws: &mut Worksheet,
    row: u32,
    r: &Report,
    f: &Formats,
) -> Result<u32, XlsxError> {
    ws.write_string_with_format(row, 0, Label::ByResponsibility.text(r.lang), &f.bold)?;
    totals_header(ws, row + 1, Field::Responsibility.label(r.lang), r, f)?;
    let mut row = row + 2;
    for g in &r.by_responsibility {
        totals_row(ws, row, &g.label, &g.totals, (f, false))?;
        row += 1;
    }
    totals_row(ws, row, Label::Total.text(r.lang), &r.summary, (f, true))?;
    Ok(row + 1)
}

/// The definitions box: each term (充足, ギャップ, ...) and what it means.
fn definitions(ws: &mut Worksheet, row: u32, r: &Report, f: &Formats) -> Result<u32, XlsxError> {
    ws.write_string_with_format(row, 0, Label::Definitions.text(r.lang), &f.bold)?;
    let mut row = row + 1;
    for d in &r.definitions {
        ws.write_string_with_format(row, 0, d.term, &f.bold)?;
        ws.write_string(row, 1, &d.text)?;
        row += 1;
    }
    Ok(row)
}
