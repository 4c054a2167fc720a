//! Integer yen. Fees are never fractional (施行令 Art. 27 and every schedule seen are whole yen).

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Mul, Neg, Sub, SubAssign};

use serde::{Deserialize, Serialize};

/// An amount in yen; negative only for balances (credit).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Yen(pub i64);

impl Yen {
    pub const ZERO: Yen = Yen(0);

    pub const fn value(self) -> i64 {
        self.0
    }

    pub const fn is_positive(self) -> bool {
        self.0 > 0
    }

    /// Multiplies by a count, saturating instead of overflowing on absurd page counts.
    pub fn times(self, count: u32) -> Yen {
        Yen(self.0.saturating_mul(i64::from(count)))
    }
}

/// Why a typed amount is not an amount of money to record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountProblem {
    Empty,
    /// Not a whole number of yen (letters, a decimal point, two numbers).
    NotANumber,
    Zero,
    Negative,
}

impl AmountProblem {
    /// The form's message code.
    pub fn code(self) -> &'static str {
        match self {
            AmountProblem::Empty => "required",
            AmountProblem::NotANumber => "invalid",
            AmountProblem::Zero => "zero",
            AmountProblem::Negative => "negative",
        }
    }
}

impl Yen {
    /// An amount as people type it: 「４，０００」, "4,000円", "¥4000", " 4000 " are all 4000円.
    /// Digits may be full-width; commas group thousands; 円 may follow and ¥ precede the number.
    pub fn from_typed(raw: &str) -> Result<Yen, AmountProblem> {
        let trimmed = raw.trim_matches(|c: char| c.is_whitespace());
        if trimmed.is_empty() {
            return Err(AmountProblem::Empty);
        }
        let body = trimmed
            .strip_suffix('円')
            .unwrap_or(trimmed)
            .trim_start_matches(['¥', '￥'])
            .trim();
        let mut digits = String::with_capacity(body.len());
        let mut negative = false;
        for (i, c) in body.chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c),
                '０'..='９' => digits.push(char::from(b'0' + (c as u32 - '０' as u32) as u8)),
                ',' | '，' if !digits.is_empty() => {}
                '-' | '－' | '−' | 'ー' if i == 0 => negative = true,
                _ => return Err(AmountProblem::NotANumber),
            }
        }
        let value: i64 = digits.parse().map_err(|_| AmountProblem::NotANumber)?;
        match value {
            0 => Err(AmountProblem::Zero),
            _ if negative => Err(AmountProblem::Negative),
            v => Ok(Yen(v)),
        }
    }
}

impl fmt::Display for Yen {
    /// `1,500円`: the form used on Japanese notices.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.unsigned_abs().to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        if self.0 < 0 {
            f.write_str("-")?;
        }
        write!(f, "{grouped}円")
    }
}

impl Add for Yen {
    type Output = Yen;
    fn add(self, rhs: Yen) -> Yen {
        Yen(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign for Yen {
    fn add_assign(&mut self, rhs: Yen) {
        *self = *self + rhs;
    }
}

impl Sub for Yen {
    type Output = Yen;
    fn sub(self, rhs: Yen) -> Yen {
        Yen(self.0.saturating_sub(rhs.0))
    }
}

impl SubAssign for Yen {
    fn sub_assign(&mut self, rhs: Yen) {
        *self = *self - rhs;
    }
}

impl Neg for Yen {
    type Output = Yen;
    fn neg(self) -> Yen {
        Yen(self.0.saturating_neg())
    }
}

impl Mul<u32> for Yen {
    type Output = Yen;
    fn mul(self, rhs: u32) -> Yen {
        self.times(rhs)
    }
}

impl Sum for Yen {
    fn sum<I: Iterator<Item = Yen>>(iter: I) -> Yen {
        iter.fold(Yen::ZERO, Add::add)
    }
}

/// Where a case's fee stands (derive it from the ledger with [`crate::domain::ledger::FeeLedger`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum FeeStatus {
    NotRequired,
    Outstanding {
        amount: Yen,
    },
    Settled,
    /// Paid beyond what is owed: the difference is to be refunded.
    Overpaid {
        amount: Yen,
    },
}

impl FeeStatus {
    /// The requester owes nothing (an overpayment included).
    pub fn is_settled(self) -> bool {
        !matches!(self, FeeStatus::Outstanding { .. })
    }

    /// Neither side owes the other.
    pub fn is_square(self) -> bool {
        matches!(self, FeeStatus::NotRequired | FeeStatus::Settled)
    }

    pub fn outstanding(self) -> Yen {
        match self {
            FeeStatus::Outstanding { amount } => amount,
            _ => Yen::ZERO,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yen_prints_with_thousands_separators() {
        assert_eq!(Yen(0).to_string(), "0円");
        assert_eq!(Yen(300).to_string(), "300円");
        assert_eq!(Yen(4000).to_string(), "4,000円");
        assert_eq!(Yen(1_234_567).to_string(), "1,234,567円");
        assert_eq!(Yen(-1500).to_string(), "-1,500円");
    }

    #[test]
    fn amounts_are_read_as_people_type_them() {
        for typed in [
            "４，０００",
            "4,000円",
            "4000",
            " ４０００円 ",
            "¥4,000",
            "￥４０００",
        ] {
            assert_eq!(Yen::from_typed(typed), Ok(Yen(4000)), "{typed}");
        }
        assert_eq!(Yen::from_typed(""), Err(AmountProblem::Empty));
        assert_eq!(Yen::from_typed("　"), Err(AmountProblem::Empty));
        assert_eq!(Yen::from_typed("0"), Err(AmountProblem::Zero));
        assert_eq!(Yen::from_typed("０円"), Err(AmountProblem::Zero));
        assert_eq!(Yen::from_typed("-300"), Err(AmountProblem::Negative));
        assert_eq!(Yen::from_typed("－３００"), Err(AmountProblem::Negative));
        for typed in [
            "abc",
            "4000.5",
            "4 000 1",
            "300円円",
            ",300",
            "99999999999999999999",
            "円",
        ] {
            assert_eq!(
                Yen::from_typed(typed),
                Err(AmountProblem::NotANumber),
                "{typed}"
            );
        }
    }

    #[test]
    fn yen_arithmetic_saturates() {
        assert_eq!(Yen(50) * 3, Yen(150));
        assert_eq!(Yen(i64::MAX) + Yen(1), Yen(i64::MAX));
        assert_eq!([Yen(1), Yen(2)].into_iter().sum::<Yen>(), Yen(3));
    }
}
