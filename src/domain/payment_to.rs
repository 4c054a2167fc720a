//! Where a requester pays (docs/fees.md §8): the operator's payment destinations as lines for
//! the requester's page, the fee mail and the clerk's fee form. Only values a seed, a statute
//! or the operator confirmed are given; a placeholder to confirm is never shown as fact.

use crate::domain::office::PaymentDestinations;
use crate::domain::text::Bilingual;

/// The confirmed ways and places to pay, one line each.
pub fn where_to_pay(payment: &PaymentDestinations) -> Vec<Bilingual> {
    let mut lines = Vec::new();
    if let Some(Some(account)) = payment.bank_account.public() {
        lines.push(Bilingual::owned(
            format!(
                "振込先: {} {} {} {} 口座名義 {}",
                account.bank,
                account.branch,
                account.account_type.ja,
                account.number,
                account.holder
            ),
            format!(
                "Bank transfer to: {} {} {} {}, account holder {}",
                account.bank,
                account.branch,
                account.account_type.en,
                account.number,
                account.holder
            ),
        ));
    }
    if let Some(Some(address)) = payment.registered_cash_to.public() {
        lines.push(Bilingual::owned(
            format!(
                "現金書留の送付先: 〒{} {} {}",
                address.postcode, address.lines.ja, address.attention.ja
            ),
            format!(
                "Cash by registered post to: {} {} (postcode {})",
                address.attention.en, address.lines.en, address.postcode
            ),
        ));
    }
    if payment.revenue_stamps.public() == Some(&true) {
        lines.push(Bilingual::fixed(
            "収入印紙（請求書に貼ってお納めください）",
            "Revenue stamps (収入印紙), stuck on the request form",
        ));
    }
    if let Some(Some(note)) = payment.note.public() {
        lines.push(note.clone());
    }
    lines
}

/// Whether some destination is still a placeholder the operator has to confirm (the clerk is
/// told; the public sees nothing of it).
pub fn has_unconfirmed(payment: &PaymentDestinations) -> bool {
    !(payment.bank_account.is_confirmed()
        && payment.registered_cash_to.is_confirmed()
        && payment.revenue_stamps.is_confirmed()
        && payment.note.is_confirmed())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::profile::ProfileName;

    #[test]
    fn only_what_a_seed_or_statute_states_is_shown() {
        let lines = |name: ProfileName| where_to_pay(&name.profile().office.payment);
        let national = lines(ProfileName::National);
        assert_eq!(national.len(), 1);
        assert!(national[0].ja.contains("収入印紙"));
        let jmimo = lines(ProfileName::Jmimo);
        assert_eq!(jmimo.len(), 1, "{jmimo:?}");
        assert!(jmimo[0].ja.contains("現金書留") && jmimo[0].ja.contains("振込"));
        assert!(
            !jmimo.iter().any(|l| l.ja.contains("〒")),
            "the seed names no address for 現金書留"
        );
        for name in [
            ProfileName::Private,
            ProfileName::Kanagawa,
            ProfileName::Fukushima,
        ] {
            assert!(lines(name).is_empty(), "{name}");
            assert!(has_unconfirmed(&name.profile().office.payment));
        }
    }
}
