//! A value an instance caches with the database revision it was loaded at. Settings that every
//! instance must apply alike (the business calendar, fee schedules) bump a revision number in the
//! same transaction as the change; an instance compares its revision with one tiny query and
//! reloads only when they differ.

use std::sync::{Arc, RwLock};

pub struct Revisioned<T> {
    held: RwLock<(i64, Arc<T>)>,
}

impl<T> Revisioned<T> {
    /// Holds `initial` at revision -1, which matches no database: the first check loads.
    pub fn new(initial: T) -> Revisioned<T> {
        Revisioned {
            held: RwLock::new((-1, Arc::new(initial))),
        }
    }

    fn read(&self) -> (i64, Arc<T>) {
        let guard = match self.held.read() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        (guard.0, guard.1.clone())
    }

    pub fn current(&self) -> Arc<T> {
        self.read().1
    }

    pub fn revision(&self) -> i64 {
        self.read().0
    }

    /// Keeps `value` as of `revision` unless a newer one is held already (two loads racing).
    pub fn offer(&self, revision: i64, value: T) -> Arc<T> {
        let value = Arc::new(value);
        let mut guard = match self.held.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if guard.0 < revision {
            *guard = (revision, value.clone());
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_older_load_never_replaces_a_newer_one() {
        let cache = Revisioned::new("initial");
        assert_eq!(cache.revision(), -1);
        cache.offer(3, "three");
        cache.offer(2, "two, loaded before three but finished after");
        assert_eq!((*cache.current(), cache.revision()), ("three", 3));
    }
}
