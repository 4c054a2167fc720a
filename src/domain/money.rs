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
    fn yen_arithmetic_saturates() {
        assert_eq!(Yen(50) * 3, Yen(150));
        assert_eq!(Yen(i64::MAX) + Yen(1), Yen(i64::MAX));
        assert_eq!([Yen(1), Yen(2)].into_iter().sum::<Yen>(), Yen(3));
    }
}
