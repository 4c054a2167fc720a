//! Figures that take a while to count over a million cases (the dashboard), kept for a few seconds
//! per instance and refreshed in the background: every request is served at once from the last
//! count, and at most one recount runs at a time. Each page says when its figures were counted.
//! Nothing here must agree across instances: it is a view, and the database stays the truth.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use crate::db::DbError;

struct Entry<K, T> {
    key: K,
    at: Instant,
    counted_at: DateTime<Utc>,
    value: Arc<T>,
}

pub struct FigureCache<K, T> {
    slot: Mutex<Option<Entry<K, T>>>,
    refreshing: AtomicBool,
    /// Held by the one request that counts when there is nothing to serve; the others wait for it.
    first_count: tokio::sync::Mutex<()>,
    fresh_for: Duration,
}

impl<K, T> FigureCache<K, T>
where
    K: PartialEq + Clone + 'static,
    T: 'static,
{
    pub fn new(fresh_for: Duration) -> Arc<Self> {
        Arc::new(FigureCache {
            slot: Mutex::new(None),
            refreshing: AtomicBool::new(false),
            first_count: tokio::sync::Mutex::new(()),
            fresh_for,
        })
    }

    fn store(&self, key: K, value: T, counted_at: DateTime<Utc>) -> Arc<T> {
        let value = Arc::new(value);
        if let Ok(mut slot) = self.slot.lock() {
            *slot = Some(Entry {
                key,
                at: Instant::now(),
                counted_at,
                value: value.clone(),
            });
        }
        value
    }

    /// The figures for `key` and when they were counted: the cached ones if fresh; the cached ones
    /// while a background recount runs if stale; a count now if there are none for this key.
    pub async fn get<F, Fut>(
        self: &Arc<Self>,
        key: K,
        now: DateTime<Utc>,
        count: F,
    ) -> Result<(Arc<T>, DateTime<Utc>), DbError>
    where
        F: FnOnce() -> Fut + 'static,
        Fut: Future<Output = Result<T, DbError>> + 'static,
    {
        let cached = self.cached(&key);
        match cached {
            Some((value, at, counted_at)) if at.elapsed() < self.fresh_for => {
                Ok((value, counted_at))
            }
            Some((value, _, counted_at)) => {
                if !self.refreshing.swap(true, Ordering::AcqRel) {
                    let cache = self.clone();
                    actix_web::rt::spawn(async move {
                        match count().await {
                            Ok(fresh) => {
                                cache.store(key, fresh, now);
                            }
                            Err(error) => {
                                tracing::warn!(%error, "recount failed; kept the last figures")
                            }
                        }
                        cache.refreshing.store(false, Ordering::Release);
                    });
                }
                Ok((value, counted_at))
            }
            None => {
                let _counting = self.first_count.lock().await;
                if let Some((value, _, counted_at)) = self.cached(&key) {
                    return Ok((value, counted_at));
                }
                let value = count().await?;
                Ok((self.store(key, value, now), now))
            }
        }
    }

    fn cached(&self, key: &K) -> Option<(Arc<T>, Instant, DateTime<Utc>)> {
        self.slot.lock().ok().and_then(|slot| {
            slot.as_ref()
                .filter(|e| e.key == *key)
                .map(|e| (e.value.clone(), e.at, e.counted_at))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::rc::Rc;

    #[actix_web::test]
    async fn fresh_figures_are_reused_stale_ones_served_while_one_recount_runs() {
        let cache: Arc<FigureCache<u32, u32>> = FigureCache::new(Duration::from_millis(50));
        let counts = Rc::new(Cell::new(0));
        let counter = |n: u32| {
            let counts = counts.clone();
            move || async move {
                counts.set(counts.get() + 1);
                Ok(n)
            }
        };
        let now = Utc::now();
        assert_eq!(*cache.get(1, now, counter(10)).await.unwrap().0, 10);
        assert_eq!(
            *cache.get(1, now, counter(11)).await.unwrap().0,
            10,
            "fresh"
        );
        assert_eq!(counts.get(), 1);
        assert_eq!(
            *cache.get(2, now, counter(20)).await.unwrap().0,
            20,
            "new key"
        );
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(
            *cache.get(2, now, counter(21)).await.unwrap().0,
            20,
            "stale, served"
        );
        assert_eq!(*cache.get(2, now, counter(22)).await.unwrap().0, 20);
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert_eq!(
            *cache.get(2, now, counter(23)).await.unwrap().0,
            21,
            "recounted once"
        );
        assert_eq!(counts.get(), 3);
    }
}
