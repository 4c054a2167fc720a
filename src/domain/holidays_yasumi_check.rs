//! Cross-check against the `yasumi` crate (dev-dependency only; runtime code computes holidays
//! itself). Compares the *dates* of every 休日 from 1980 to 2050; names differ by design (yasumi
//! says 振替休日 / 国民の休日 where the Cabinet Office CSV says 休日). The only differences are the
//! four dates where yasumi is known to be wrong, listed in the test.

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
    // yasumi applies the 国民の休日 rule (Art. 3(3)) before it existed: it was added by the
    // amendment in force on 1985-12-27, so 5/4 of 1982-1985 were ordinary weekdays.
    let yasumi_known_wrong = [
        "only yasumi: 1982-05-04",
        "only yasumi: 1983-05-04",
        "only yasumi: 1984-05-04",
        "only yasumi: 1985-05-04",
    ];
    assert_eq!(differences, yasumi_known_wrong);
}
