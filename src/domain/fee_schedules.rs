//! The operator's own fee schedules, added beside the profile's. A new schedule takes effect on a
//! future day only: the fee of a case is that of its receipt day (docs/fees.md §5), so no request
//! already received, nor one received today, changes its fee. A schedule not yet in force may be
//! withdrawn; one in force stays, since fees were quoted from it.
//!
//! A profile's built-in schedule that no statute or seed backs is shown to the public as
//! provisional until an administrator confirms it (docs/fees.md §9).

use chrono::{NaiveDate, NaiveDateTime};

use crate::domain::fees::{FeeSchedule, FeeSource};
use crate::domain::money::Yen;
use crate::domain::profile::ProfileName;

/// The largest amount a schedule may hold; anything above is a typing mistake.
pub const MAX_YEN: Yen = Yen(1_000_000);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleProblem {
    /// Takes effect today or earlier.
    NotAfterToday,
    /// Another schedule already takes effect that day.
    DateTaken,
    /// Something is charged but no way to pay is offered.
    NoPaymentMethod,
}

impl ScheduleProblem {
    pub fn code(self) -> &'static str {
        match self {
            ScheduleProblem::NotAfterToday => "not_after_today",
            ScheduleProblem::DateTaken => "taken",
            ScheduleProblem::NoPaymentMethod => "required",
        }
    }
}

/// Every schedule, oldest first: the profile's, with the operator's added ones (an added one on the
/// same day as a profile's replaces it).
pub fn merged(base: &[FeeSchedule], added: &[FeeSchedule]) -> Vec<FeeSchedule> {
    let mut all: Vec<FeeSchedule> = base
        .iter()
        .filter(|b| !added.iter().any(|a| a.effective_from == b.effective_from))
        .chain(added)
        .cloned()
        .collect();
    all.sort_by_key(|s| s.effective_from);
    all
}

fn charges_anything(s: &FeeSchedule) -> bool {
    s.request_fees
        .iter()
        .any(|f| f.standard.is_positive() || f.online.is_positive())
        || s.page_fees.iter().any(|p| p.per_page.is_positive())
        || s.disc_fee.is_positive()
        || matches!(s.postage, crate::domain::fees::Postage::AtCost { estimate } if estimate.is_positive())
}

/// What keeps `schedule` from being added to `existing` on `today`, per form field.
pub fn check_new(
    schedule: &FeeSchedule,
    existing: &[FeeSchedule],
    today: NaiveDate,
) -> Vec<(&'static str, ScheduleProblem)> {
    let mut out = Vec::new();
    if schedule.effective_from <= today {
        out.push(("effective_from", ScheduleProblem::NotAfterToday));
    } else if existing
        .iter()
        .any(|s| s.effective_from == schedule.effective_from)
    {
        out.push(("effective_from", ScheduleProblem::DateTaken));
    }
    if charges_anything(schedule) && schedule.payment_methods.is_empty() {
        out.push(("methods", ScheduleProblem::NoPaymentMethod));
    }
    out
}

/// An administrator's confirmation of one of a profile's built-in schedules, with the amounts as
/// they were confirmed: should a later release change the built-in amounts, the confirmation no
/// longer covers them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirmation {
    pub profile: ProfileName,
    pub schedule: FeeSchedule,
    pub by: String,
    pub at: NaiveDateTime,
}

/// `profile`'s built-in schedules, each one unconfirmed in code but confirmed by an administrator
/// (with the amounts it still has) marked as confirmed by them.
pub fn with_confirmations(
    profile: ProfileName,
    base: &[FeeSchedule],
    confirmations: &[Confirmation],
) -> Vec<FeeSchedule> {
    let mut base = base.to_vec();
    for schedule in base.iter_mut().filter(|s| !s.source.is_confirmed()) {
        if let Some(c) = confirmations.iter().find(|c| {
            c.profile == profile
                && c.schedule.effective_from == schedule.effective_from
                && c.schedule.same_amounts(schedule)
        }) {
            schedule.source = FeeSource::ConfirmedBy {
                staff: c.by.clone(),
                at: c.at,
            };
        }
    }
    base
}

/// The built-in schedule of `day` an administrator may confirm, if it is one still unconfirmed
/// and no added schedule replaces it.
pub fn confirmable(all: &[FeeSchedule], day: NaiveDate) -> Option<&FeeSchedule> {
    all.iter()
        .find(|s| s.effective_from == day && !s.source.is_confirmed())
}

/// Whether the added schedule of `day` may still be withdrawn on `today`.
pub fn may_withdraw(added: &[FeeSchedule], day: NaiveDate, today: NaiveDate) -> bool {
    day > today && added.iter().any(|s| s.effective_from == day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fees::{PaymentMethod, Postage, schedule_in_force};
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn base() -> Vec<FeeSchedule> {
        ProfileName::Private.profile().fee_schedules
    }

    fn from(day: NaiveDate, disc: i64) -> FeeSchedule {
        FeeSchedule {
            effective_from: day,
            disc_fee: Yen(disc),
            ..base()[0].clone()
        }
    }

    #[test]
    fn a_new_schedule_starts_tomorrow_at_the_earliest_and_on_a_free_day() {
        let today = d(2026, 11, 22);
        let existing = merged(&base(), &[from(d(2027, 4, 1), 200)]);
        assert_eq!(
            check_new(&from(today, 1), &existing, today),
            [("effective_from", ScheduleProblem::NotAfterToday)]
        );
        assert_eq!(
            check_new(&from(d(2027, 4, 1), 1), &existing, today),
            [("effective_from", ScheduleProblem::DateTaken)]
        );
        assert!(check_new(&from(d(2026, 11, 23), 1), &existing, today).is_empty());
        let unpayable = FeeSchedule {
            payment_methods: Vec::new(),
            ..from(d(2026, 12, 1), 1)
        };
        assert_eq!(
            check_new(&unpayable, &existing, today),
            [("methods", ScheduleProblem::NoPaymentMethod)]
        );
        let free = FeeSchedule {
            request_fees: Vec::new(),
            page_fees: Vec::new(),
            disc_fee: Yen::ZERO,
            postage: Postage::Included,
            payment_methods: Vec::new(),
            ..from(d(2026, 12, 1), 0)
        };
        assert!(
            check_new(&free, &existing, today).is_empty(),
            "nothing to pay"
        );
        assert!(
            base()[0]
                .payment_methods
                .contains(&PaymentMethod::BankTransfer)
        );
    }

    #[test]
    fn only_an_added_schedule_not_yet_in_force_may_be_withdrawn() {
        let added = [from(d(2027, 4, 1), 200)];
        assert!(may_withdraw(&added, d(2027, 4, 1), d(2027, 3, 31)));
        assert!(!may_withdraw(&added, d(2027, 4, 1), d(2027, 4, 1)));
        assert!(!may_withdraw(
            &added,
            base()[0].effective_from,
            d(2020, 1, 1)
        ));
    }

    proptest! {
        #[test]
        fn the_schedule_in_force_is_the_latest_started_of_either_list(
            starts in proptest::collection::btree_set(0i64..2000, 0..6),
            on in 0i64..2400,
        ) {
            let origin = d(2022, 1, 1);
            let added: Vec<FeeSchedule> = starts
                .iter()
                .map(|n| from(origin + chrono::Duration::days(*n), *n + 1))
                .collect();
            let profile_schedules = base();
            let all = merged(&profile_schedules, &added);
            let day = origin + chrono::Duration::days(on);
            let expected = added
                .iter()
                .chain(profile_schedules.iter().filter(|b| !added.iter().any(|a| a.effective_from == b.effective_from)))
                .filter(|s| s.effective_from <= day)
                .max_by_key(|s| s.effective_from);
            prop_assert_eq!(schedule_in_force(&all, day), expected);
            prop_assert!(all.windows(2).all(|w| w[0].effective_from < w[1].effective_from));
        }
    }

    #[test]
    fn only_a_confirmation_of_the_very_amounts_confirms_a_built_in_schedule() {
        let at = d(2026, 12, 6).and_hms_opt(3, 0, 0).unwrap();
        let built_ins = ProfileName::Kanagawa.profile().fee_schedules;
        let built_in = built_ins[0].clone();
        assert!(!built_in.source.is_confirmed());
        let confirmation = |profile, schedule: FeeSchedule| Confirmation {
            profile,
            schedule,
            by: "admin-1".into(),
            at,
        };
        let confirmed = with_confirmations(
            ProfileName::Kanagawa,
            &built_ins,
            &[confirmation(ProfileName::Kanagawa, built_in.clone())],
        );
        assert_eq!(
            confirmed[0].source,
            FeeSource::ConfirmedBy {
                staff: "admin-1".into(),
                at
            }
        );
        assert!(confirmable(&confirmed, built_in.effective_from).is_none());
        // Another profile's confirmation, or one of other amounts, confirms nothing.
        let other_amounts = FeeSchedule {
            disc_fee: Yen(999),
            ..built_in.clone()
        };
        for c in [
            confirmation(ProfileName::Fukushima, built_in.clone()),
            confirmation(ProfileName::Kanagawa, other_amounts),
        ] {
            let still = with_confirmations(ProfileName::Kanagawa, &built_ins, &[c]);
            assert_eq!(still[0].source, FeeSource::ToConfirm);
            assert!(confirmable(&still, built_in.effective_from).is_some());
        }
    }

    #[test]
    fn statute_and_seed_schedules_need_no_confirmation() {
        for name in [ProfileName::National, ProfileName::Jmimo] {
            let schedules = with_confirmations(name, &name.profile().fee_schedules, &[]);
            assert!(
                schedules.iter().all(|s| s.source.is_confirmed()),
                "{name:?}"
            );
            assert!(confirmable(&schedules, schedules[0].effective_from).is_none());
        }
        for name in [
            ProfileName::Private,
            ProfileName::Kanagawa,
            ProfileName::Fukushima,
        ] {
            assert!(
                with_confirmations(name, &name.profile().fee_schedules, &[])
                    .iter()
                    .all(|s| !s.source.is_confirmed()),
                "{name:?}"
            );
        }
    }
}
