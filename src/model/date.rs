//! Dates as kansa reads them: `YYYY-MM-DD` or `YYYY/MM/DD`, within [`DATE_YEARS`].

use jiff::civil::Date;

use super::BadValue;

/// Parse `YYYY-MM-DD` or `YYYY/MM/DD` (full-width digits accepted).
pub fn parse_date(raw: &str) -> Result<Date, BadValue> {
    use unicode_normalization::UnicodeNormalization;
    let s: String = raw.trim().nfkc().collect();
    let bad = |message: &str| BadValue {
        message: message.to_owned(),
        hint: "write dates as YYYY-MM-DD (or YYYY/MM/DD), e.g. 2026-03-31".to_owned(),
    };
    let parts: Vec<&str> = s.split(['-', '/']).collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad("not a date"));
    };
    if y.len() != 4 || !(1..=2).contains(&m.len()) || !(1..=2).contains(&d.len()) {
        return Err(bad("not a date"));
    }
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i16>(), m.parse::<i8>(), d.parse::<i8>()) else {
        return Err(bad("not a date"));
    };
    let date = Date::new(y, m, d).map_err(|_| bad("no such date"))?;
    check_date_range(date)
}

/// The years a date of kansa may have. Outside them a date is a typo (`0000-01-01`, `20266`)
/// or a placeholder, and would sort every due date as overdue or never due.
pub const DATE_YEARS: std::ops::RangeInclusive<i16> = 1900..=2999;

/// Every date kansa reads (due, reviewed, workbook date cells, `--date`, `SOURCE_DATE_EPOCH`,
/// a pack's `date`) passes here: a date outside [`DATE_YEARS`] is an error.
pub fn check_date_range(date: Date) -> Result<Date, BadValue> {
    if DATE_YEARS.contains(&date.year()) {
        return Ok(date);
    }
    Err(date_out_of_range())
}

/// The problem of a date outside [`DATE_YEARS`], also for values that are no date at all
/// (a workbook serial beyond Excel's calendar, a `SOURCE_DATE_EPOCH` beyond any calendar).
pub fn date_out_of_range() -> BadValue {
    BadValue {
        message: "date out of range".to_owned(),
        hint: format!(
            "dates must lie between {}-01-01 and {}-12-31",
            DATE_YEARS.start(),
            DATE_YEARS.end()
        ),
    }
}

/// Serialise a date as `YYYY-MM-DD`, the form the JSON report and the templates show (serde's
/// `serialize_with`; jiff's own serde support is not compiled in).
pub fn serialize_iso<S: serde::Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(date)
}

/// The report date: `--date`, else `SOURCE_DATE_EPOCH` (reproducible builds), else today.
pub fn report_date(arg: Option<&str>) -> Result<Date, String> {
    if let Some(s) = arg {
        return parse_date(s).map_err(|e| format!("--date {s:?}: {}; {}", e.message, e.hint));
    }
    if let Ok(epoch) = std::env::var("SOURCE_DATE_EPOCH") {
        let secs: i64 = epoch
            .trim()
            .parse()
            .map_err(|_| format!("SOURCE_DATE_EPOCH {epoch:?} is not a number of seconds"))?;
        // Beyond jiff's own range (about ±9999 years) there is no date to name, but the
        // problem is the same as for any other date outside kansa's years.
        let out_of_range = |shown: String| {
            let e = date_out_of_range();
            format!("SOURCE_DATE_EPOCH {shown}: {}; {}", e.message, e.hint)
        };
        let Ok(ts) = jiff::Timestamp::from_second(secs) else {
            return Err(out_of_range(format!("{epoch:?}")));
        };
        let date = ts.to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
        return check_date_range(date).map_err(|_| out_of_range(format!("{epoch:?} is {date}")));
    }
    Ok(jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::system())
        .date())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_serialise_as_iso_text() {
        #[derive(serde::Serialize)]
        struct Dated {
            #[serde(serialize_with = "serialize_iso")]
            day: Date,
        }
        let json = serde_json::to_string(&Dated {
            day: jiff::civil::date(2026, 3, 1),
        })
        .unwrap();
        assert_eq!(json, r#"{"day":"2026-03-01"}"#);
    }

    #[test]
    fn dates_in_both_forms() {
        assert_eq!(parse_date("2026-03-31").unwrap().to_string(), "2026-03-31");
        assert_eq!(parse_date("2026/3/1").unwrap().to_string(), "2026-03-01");
        assert_eq!(
            parse_date("２０２６／０４／０１").unwrap().to_string(),
            "2026-04-01"
        );
        assert_eq!(
            parse_date("2026-02-30").unwrap_err().message,
            "no such date"
        );
        assert_eq!(parse_date("next week").unwrap_err().message, "not a date");
    }

    #[test]
    fn dates_outside_1900_to_2999_are_errors() {
        for bad in [
            "0000-01-01",
            "1899-12-31",
            "3000-01-01",
            "9999/12/31",
            "０００１-01-01",
        ] {
            let err = parse_date(bad).unwrap_err();
            assert_eq!(err.message, "date out of range", "{bad}");
            assert!(err.hint.contains("1900-01-01 and 2999-12-31"), "{bad}");
        }
        assert_eq!(parse_date("1900-01-01").unwrap().to_string(), "1900-01-01");
        assert_eq!(parse_date("2999-12-31").unwrap().to_string(), "2999-12-31");
    }
}
