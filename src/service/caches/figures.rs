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
    /// while a background recount runs if stale; when this instance has none for this key, the
    /// ones `recall` finds (counted earlier or by another instance) while it recounts, or else a
    /// count now.
    pub async fn get<F, Fut, R, RFut>(
        self: &Arc<Self>,
        key: K,
        now: DateTime<Utc>,
        count: F,
        recall: R,
    ) -> Result<(Arc<T>, DateTime<Utc>), DbError>
    where
        F: FnOnce() -> Fut + 'static,
        Fut: Future<Output = Result<T, DbError>> + 'static,
        R: FnOnce() -> RFut,
        RFut: Future<Output = Option<(T, DateTime<Utc>)>>,
    {
        let cached = self.cached(&key);
        match cached {
            Some((value, at, counted_at)) if at.elapsed() < self.fresh_for => {
                Ok((value, counted_at))
            }
            Some((value, _, counted_at)) => {
                self.recount(key, now, count);
                Ok((value, counted_at))
            }
            None => {
                let _counting = self.first_count.lock().await;
                if let Some((value, _, counted_at)) = self.cached(&key) {
                    return Ok((value, counted_at));
                }
                if let Some((value, counted_at)) = recall().await {
                    let value = self.store(key.clone(), value, counted_at);
                    self.recount(key, now, count);
                    return Ok((value, counted_at));
                }
                let value = count().await?;
                Ok((self.store(key, value, now), now))
            }
        }
    }

    /// Counts again in the background unless a recount is already running.
    fn recount<F, Fut>(self: &Arc<Self>, key: K, now: DateTime<Utc>, count: F)
    where
        F: FnOnce() -> Fut + 'static,
        Fut: Future<Output = Result<T, DbError>> + 'static,
    {
        if self.refreshing.swap(true, Ordering::AcqRel) {
            return;
        }
        let cache = self.clone();
        actix_web::rt::spawn(async move {
            match count().await {
                Ok(fresh) => {
                    cache.store(key, fresh, now);
                }
                Err(error) => tracing::warn!(%error, "recount failed; kept the last figures"),
            }
            cache.refreshing.store(false, Ordering::Release);
        });
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

    async fn nothing() -> Option<(u32, DateTime<Utc>)> {
        None
    }

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
        assert_eq!(
            *cache.get(1, now, counter(10), nothing).await.unwrap().0,
            10
        );
        assert_eq!(
            *cache.get(1, now, counter(11), nothing).await.unwrap().0,
            10,
            "fresh"
        );
        assert_eq!(counts.get(), 1);
        assert_eq!(
            *cache.get(2, now, counter(20), nothing).await.unwrap().0,
            20,
            "new key"
        );
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(
            *cache.get(2, now, counter(21), nothing).await.unwrap().0,
            20,
            "stale, served"
        );
        assert_eq!(
            *cache.get(2, now, counter(22), nothing).await.unwrap().0,
            20
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert_eq!(
            *cache.get(2, now, counter(23), nothing).await.unwrap().0,
            21,
            "recounted once"
        );
        assert_eq!(counts.get(), 3);
    }

    #[actix_web::test]
    async fn recalled_figures_are_served_at_once_while_the_first_count_runs() {
        let cache: Arc<FigureCache<u32, u32>> = FigureCache::new(Duration::from_secs(60));
        let counted_before = Utc::now() - chrono::Duration::minutes(3);
        let counted = Rc::new(Cell::new(false));
        let count = {
            let counted = counted.clone();
            move || async move {
                counted.set(true);
                Ok(7)
            }
        };
        let (value, at) = cache
            .get(
                1,
                Utc::now(),
                count,
                || async move { Some((5, counted_before)) },
            )
            .await
            .unwrap();
        assert_eq!((*value, at), (5, counted_before), "the recalled figures");
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert!(counted.get(), "counted afresh behind them");
        let (value, _) = cache
            .get(1, Utc::now(), || async { Ok(8) }, nothing)
            .await
            .unwrap();
        assert_eq!(*value, 7, "the fresh count replaced them");
    }
}
