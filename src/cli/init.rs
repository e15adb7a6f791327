//! `kansa init`: a blank or pre-filled answer sheet (CSV or xlsx).

use std::path::Path;

use super::{InitArgs, InitFormat, emit};
use crate::error::{Error, Result};
use crate::load::{self, EncodingChoice};
use crate::model::date::report_date;

pub(super) fn init(args: InitArgs) -> Result<()> {
    if !args.force {
        refuse_existing_sheet(args.output.as_deref())?;
    }
    let limits = args.limits.limits();
    let format = match (args.format, &args.output) {
        (Some(f), _) => f,
        (None, Some(p))
            if p.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xlsx")) =>
        {
            InitFormat::Xlsx
        }
        _ => InitFormat::Csv,
    };
    if let Some(output) = args.output.as_deref().filter(|p| *p != Path::new("-")) {
        let mut inputs = super::report::catalogue_files(&args.catalogue.catalogue);
        inputs.extend(args.from.iter().cloned());
        crate::fs::refuse_output_over_input(output, &inputs)?;
    }
    let (catalogue, overlays) = load::load_inputs_with(
        &args.catalogue.catalogue,
        &args.from,
        EncodingChoice::Auto,
        &[],
        &limits,
    )?;
    let merged = crate::merge::merge(&catalogue, &overlays);
    let prefill = (!overlays.is_empty()).then_some(&merged);
    let bytes = match format {
        InitFormat::Csv => crate::workbook::answer_sheet(&catalogue, args.lang, prefill),
        InitFormat::Xlsx => {
            let date = report_date(None).map_err(Error::Usage)?;
            crate::workbook::answer_workbook(&catalogue, args.lang, prefill, date)?
        }
    };
    emit(args.output.as_deref(), &bytes)
}

/// `init` writes a blank sheet: an existing regular file at `-o` is most likely a filled-in
/// one, so it is only replaced with `--force` (as `templates export` does). Standard output
/// and devices (`/dev/null`) are always written.
fn refuse_existing_sheet(output: Option<&Path>) -> Result<()> {
    let Some(path) = output.filter(|p| *p != Path::new("-")) else {
        return Ok(());
    };
    if std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return Err(Error::Usage(format!(
            "{} already exists; use --force to overwrite it (kansa init writes a new sheet)",
            path.display()
        )));
    }
    Ok(())
}
