//! Where the running application reads the time. Production uses the system clock; tests hold
//! a [`ShiftedClock`] and move it forward instead of editing stored times.

use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};

pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The operating system's clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// The system clock moved forward by a shift that tests set: time keeps running (so the order of
/// events a test causes is kept), and a test can jump days or months ahead. Clones share the
/// shift.
#[derive(Clone, Default)]
pub struct ShiftedClock(Arc<Mutex<Duration>>);

impl ShiftedClock {
    pub fn new() -> ShiftedClock {
        ShiftedClock::default()
    }

    /// Moves the clock forward by `by` (backwards for a negative duration).
    pub fn advance(&self, by: Duration) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) += by;
    }

    fn shift(&self) -> Duration {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + self.shift()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shifted_clock_runs_with_the_system_and_clones_share_the_shift() {
        let clock = ShiftedClock::new();
        let other = clock.clone();
        let before = Utc::now();
        assert!(clock.now() >= before);
        other.advance(Duration::days(40));
        let shifted = clock.now();
        assert!(shifted >= before + Duration::days(40));
        assert!(shifted < Utc::now() + Duration::days(40) + Duration::seconds(5));
        assert!(clock.now() >= shifted, "time keeps running");
    }
}
