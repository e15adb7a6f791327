//! `kansa validate`: every problem of every input, as text, JSON or SARIF.

use super::{ValidateArgs, ValidateFormat, emit};
use crate::error::{Error, Result};
use crate::load;

pub(super) fn validate(args: ValidateArgs) -> Result<()> {
    let input = args.input;
    let limits = input.limits.limits();
    let result = load::load_inputs_with(
        &input.catalogue.catalogue,
        &input.answers,
        input.encoding,
        &input.sheet,
        &limits,
    );
    if result.is_ok() {
        input.require_answers("validate")?;
    }
    if args.format == ValidateFormat::Text {
        let (catalogue, overlays) = result?;
        if overlays.is_empty() {
            let n = catalogue.controls.len();
            say!("ok: catalogue {} ({n} controls)", input.catalogue.catalogue);
        }
        for o in overlays {
            let n = o.rows.len();
            let rows = if n == 1 { "row" } else { "rows" };
            say!("ok: {} ({n} {rows}, {})", o.path, o.encoding);
        }
        return Ok(());
    }
    let result = result.map(|(_, overlays)| overlays);
    let (problems, failed) = match result {
        Ok(_) => (crate::diag::Diagnostics::default(), None),
        Err(Error::Input(d)) => (d.clone(), Some(Error::Input(d))),
        Err(other) => return Err(other),
    };
    let doc = match args.format {
        ValidateFormat::Sarif => crate::diag::sarif(&problems),
        _ => problems.to_json(),
    };
    let mut bytes = serde_json::to_vec_pretty(&doc).map_err(|e| Error::Internal(e.to_string()))?;
    bytes.push(b'\n');
    emit(None, &bytes)?;
    match failed {
        // Problems were printed as data; still exit 2 so CI marks the step.
        Some(Error::Input(_)) => Err(Error::Reported(crate::error::ErrorKind::Input)),
        _ => Ok(()),
    }
}
