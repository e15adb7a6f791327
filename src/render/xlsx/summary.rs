//! The summary sheet of the gap register: headline figures, coverage by section with a native
//! Excel chart, counts by status and by responsibility.

use rust_xlsxwriter::{Chart, ChartDataLabel, ChartType, Format, Worksheet};

use super::XlsxError;
use crate::model::fields::Field;
use crate::render::labels::Label;
use crate::render::view::{Report, TotalsView};

/// Cell formats of the summary.
struct Formats {
    title: Format,
    bold: Format,
    header: Format,
    percent: Format,
}

/// Fill the summary sheet `ws`, named `name` (the chart refers to it by name).
pub(super) fn write(ws: &mut Worksheet, name: &str, report: &Report) -> Result<(), XlsxError> {
    let l = |label: Label| label.text(report.lang);
    let f = Formats {
        title: Format::new().set_bold().set_font_size(14),
        bold: Format::new().set_bold(),
        header: Format::new()
            .set_bold()
            .set_text_wrap()
            .set_background_color(0xDDEBF7),
        percent: Format::new().set_num_format("0.0%"),
    };
    ws.set_column_width(0, 24)?;
    ws.set_column_range_width(1, 6, 11)?;
    ws.write_string_with_format(0, 0, super::fit_cell(&report.title), &f.title)?;
    let c = &report.catalogue;
    let mut facts: Vec<(&str, String)> = Vec::new();
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
    let mut row = 2;
    for (label, value) in facts {
        ws.write_string_with_format(row, 0, label, &f.bold)?;
        ws.write_string(row, 1, super::fit_cell(&value))?;
        row += 1;
    }
    row += 1;
    row = headline(ws, row, report, &f)?;
    row += 1;
    let table_row = row;
    row = by_section(ws, row, report, &f)?;
    chart(ws, name, table_row, report)?;
    row += 1;
    row = by_status(ws, row, report, &f)?;
    row += 1;
    by_responsibility(ws, row, report, &f)?;
    super::print_setup(ws)?;
    ws.set_print_fit_to_pages(1, 1);
    Ok(())
}

fn headline(ws: &mut Worksheet, row: u32, r: &Report, f: &Formats) -> Result<u32, XlsxError> {
    let l = |label: Label| label.text(r.lang);
    let s = &r.summary;
    ws.write_string_with_format(row, 0, l(Label::Summary), &f.bold)?;
    let counts = [
        (l(Label::Controls), s.total),
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
    ws.write_number_with_format(row, 1, s.coverage / 100.0, &f.percent)?;
    Ok(row + 1)
}

/// One row of counts: controls, applicable, met, gaps, overdue, coverage.
fn totals_row(
    ws: &mut Worksheet,
    row: u32,
    label: &str,
    t: &TotalsView,
    f: &Formats,
) -> Result<(), XlsxError> {
    ws.write_string(row, 0, label)?;
    for (col, n) in [t.total, t.applicable, t.met, t.gaps, t.overdue]
        .into_iter()
        .enumerate()
    {
        ws.write_number(row, col as u16 + 1, n as f64)?;
    }
    ws.write_number_with_format(row, 6, t.coverage / 100.0, &f.percent)?;
    Ok(())
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

/// The by-section table; its first data row is `row + 1`, one row per section, then overall.
fn by_section(ws: &mut Worksheet, row: u32, r: &Report, f: &Formats) -> Result<u32, XlsxError> {
    ws.write_string_with_format(row, 0, Label::BySection.text(r.lang), &f.bold)?;
    totals_header(ws, row + 1, Label::Section.text(r.lang), r, f)?;
    let mut row = row + 2;
    for s in &r.sections {
        totals_row(ws, row, &s.label, &s.totals, f)?;
        row += 1;
    }
    totals_row(ws, row, Label::Overall.text(r.lang), &r.summary, f)?;
    Ok(row + 1)
}

/// A column chart of coverage by section, beside the by-section table that starts at `row`.
fn chart(ws: &mut Worksheet, sheet: &str, row: u32, r: &Report) -> Result<(), XlsxError> {
    if r.sections.is_empty() {
        return Ok(());
    }
    let (first, last) = (row + 2, row + 1 + r.sections.len() as u32);
    let mut chart = Chart::new(ChartType::Column);
    chart
        .add_series()
        .set_name(Label::Coverage.text(r.lang))
        .set_categories((sheet, first, 0, last, 0))
        .set_values((sheet, first, 6, last, 6))
        .set_data_label(ChartDataLabel::new().show_value());
    chart.title().set_name(Label::ChartTitle.text(r.lang));
    chart.y_axis().set_min(0).set_max(1).set_num_format("0%");
    chart.legend().set_hidden();
    chart.set_width(480).set_height(288);
    ws.insert_chart(2, 8, &chart)?;
    Ok(())
}

fn by_status(ws: &mut Worksheet, row: u32, r: &Report, f: &Formats) -> Result<u32, XlsxError> {
    ws.write_string_with_format(row, 0, Label::ByStatus.text(r.lang), &f.bold)?;
    ws.write_string_with_format(row + 1, 0, Field::Status.label(r.lang), &f.header)?;
    ws.write_string_with_format(row + 1, 1, Label::Count.text(r.lang), &f.header)?;
    let mut row = row + 2;
    for s in &r.summary.by_status {
        ws.write_string(row, 0, s.label)?;
        ws.write_number(row, 1, s.count as f64)?;
        row += 1;
    }
    Ok(row)
}

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
        totals_row(ws, row, &g.label, &g.totals, f)?;
        row += 1;
    }
    Ok(row)
}
