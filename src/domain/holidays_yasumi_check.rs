//! Cross-check against the `yasumi` crate (dev-dependency only; runtime code computes holidays
//! itself). Compares the *dates* of every 休日 from 1980 to 2050; names differ by design (yasumi
//! says 振替休日 / 国民の休日 where the Cabinet Office CSV says 休日).

use chrono::NaiveDate;

use super::JapaneseHolidays;

#[test]
fn dates_agree_with_yasumi_1980_2050() {
    let ours = JapaneseHolidays::default();
    let mut differences = Vec::new();
    for year in 1980..=2050 {
        let mine: Vec<NaiveDate> = ours.list(year, year).into_iter().map(|h| h.date).collect();
        let theirs: Vec<NaiveDate> = yasumi::year_holidays(year)
            .into_iter()
            .map(|(date, _)| date)
            .collect();
        for date in mine.iter().filter(|d| !theirs.contains(d)) {
            differences.push(format!("only ours: {date}"));
        }
        for date in theirs.iter().filter(|d| !mine.contains(d)) {
            differences.push(format!("only yasumi: {date}"));
        }
    }
    assert!(differences.is_empty(), "{differences:#?}");
}
