//! Dates: `--date`, `SOURCE_DATE_EPOCH` and date cells outside the calendar kansa accepts.

use super::*;

/// `--date` and `SOURCE_DATE_EPOCH` obey the same 1900–2999 range as the cells.
#[test]
fn report_dates_outside_1900_to_2999_are_usage_errors() {
    let answers = ["--answers", crate::EXAMPLE_ANSWERS[0]];
    for date in ["0000-01-01", "3000-01-01", "1899-12-31"] {
        let out = kansa()
            .args(["report", "-f", "json", "--date", date])
            .args(answers)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{date}: {}", outcome(&out));
        assert!(
            stderr(&out).contains("date out of range"),
            "{}",
            outcome(&out)
        );
        assert!(out.stdout.is_empty());
    }
    // 1800-01-01 and 3000-01-01 as seconds since 1970.
    for epoch in ["-5364662400", "32503680000"] {
        let out = kansa()
            .args(["report", "-f", "json"])
            .args(answers)
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{epoch}: {}", outcome(&out));
        assert!(
            stderr(&out).contains(&format!("SOURCE_DATE_EPOCH \"{epoch}\" is ")),
            "{}",
            outcome(&out)
        );
        assert!(stderr(&out).contains("date out of range"));
    }
    let out = kansa()
        .args(["report", "-f", "json", "--date", "2999-12-31"])
        .args(answers)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", outcome(&out));
}

/// A `SOURCE_DATE_EPOCH` beyond any calendar (either sign) gets kansa's own range message, not
/// the date library's internal one.
#[test]
fn source_date_epoch_beyond_any_calendar_is_out_of_range() {
    for epoch in ["99999999999999", "-99999999999999", "9223372036854775807"] {
        let out = kansa()
            .args([
                "report",
                "-f",
                "json",
                "--answers",
                crate::EXAMPLE_ANSWERS[0],
            ])
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{epoch}: {}", outcome(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!(
                "SOURCE_DATE_EPOCH \"{epoch}\": date out of range; dates must lie between 1900-01-01 and 2999-12-31"
            )),
            "{err}"
        );
        assert!(!err.contains("parameter"), "{err}");
        assert!(out.stdout.is_empty());
    }
}

/// Date-formatted cells beyond Excel's calendar (negative, after 9999-12-31, huge) quote the
/// number the cell holds, with the range hint; they were shown as a made-up `00:00:00` or
/// `9999-12-31`.
#[test]
fn generated_date_cells_beyond_excel_quote_their_serial() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("serials.xlsx");
    let serials = [-1.0, -100_000.75, 2_958_466.0, 1e300];
    sheets_workbook(
        &path,
        &[(
            "運用",
            &[&["項番", "期限"], &["運10-1"], &["設3"], &["設1"], &["設2"]],
        )],
        |_, ws| {
            let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
            for (i, serial) in serials.iter().enumerate() {
                ws.write_number_with_format(i as u32 + 1, 1, *serial, &date)
                    .unwrap();
            }
        },
    );
    let out = validate(&path, &[]);
    assert_located(
        "xlsx-uncached-and-hidden",
        "serials",
        &out,
        &[
            "serials.xlsx!運用!B2 (期限): date out of range \"-1\"",
            "serials.xlsx!運用!B3 (期限): date out of range \"-100000.75\"",
            "serials.xlsx!運用!B4 (期限): date out of range \"2958466\"",
            "serials.xlsx!運用!B5 (期限): date out of range \"1e300\"",
            "hint: dates must lie between 1900-01-01 and 2999-12-31",
            "4 problems found",
        ],
    );
    assert!(!stderr(&out).contains("00:00:00"), "{}", outcome(&out));
    assert!(!stderr(&out).contains("9999-12-31"), "{}", outcome(&out));
}
