//! Deadline throughput, with and without explanation (plain std, no harness).
//!
//! Run: `cargo bench --bench deadline`. Prints the median operations per second of 7 rounds for
//! each mode and their ratio. Target: ≥ 1,000,000 deadlines/s on one core without explanation.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use madoguchi::domain::calendar::BusinessCalendar;
use madoguchi::domain::deadline::{
    DeadlineRequest, Pause, PauseConvention, Period, PeriodSide, compute_deadline,
    compute_deadline_explained,
};
use madoguchi::domain::explain::LegalBasis;
use madoguchi::domain::state::PauseReason;

/// Counts heap allocations, to show that computing without explanation allocates nothing.
struct CountingAllocator;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwards the caller's layout unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by `System` with this layout in `alloc` above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

const ROUNDS: usize = 7;
const INPUTS: usize = 4096;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

/// A small deterministic generator (xorshift) so that inputs vary without extra crates.
struct Xorshift(u64);

impl Xorshift {
    fn next(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound
    }
}

struct Input {
    received_at: DateTime<Utc>,
    period: Period,
    side: PeriodSide,
    pauses: Vec<Pause>,
    extension_days: u32,
    rollover: bool,
    today: Option<NaiveDate>,
}

fn inputs() -> Vec<Input> {
    let mut rng = Xorshift(0x9E37_79B9_7F4A_7C15);
    let origin = date(2016, 1, 1)
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or_default();
    (0..INPUTS)
        .map(|_| {
            let received_at = origin
                + TimeDelta::days(rng.next(365 * 11) as i64)
                + TimeDelta::seconds(rng.next(86_400) as i64);
            let received = (received_at + TimeDelta::hours(9)).date_naive();
            let mut pauses = Vec::new();
            let mut cursor = received;
            for _ in 0..rng.next(3) {
                let from = cursor + TimeDelta::days(1 + rng.next(8) as i64);
                let until = from + TimeDelta::days(rng.next(10) as i64);
                pauses.push(Pause {
                    from,
                    until: Some(until),
                    // The reason changes only the words of an explanation, not the work.
                    reason: PauseReason::Correction,
                });
                cursor = until;
            }
            let period = match rng.next(4) {
                0 => Period::OfficeDays { days: 10 },
                1 => Period::CalendarDays {
                    days: 15,
                    first_day_counted: true,
                },
                _ => Period::CalendarDays {
                    days: 30,
                    first_day_counted: false,
                },
            };
            Input {
                received_at,
                period,
                side: if rng.next(5) == 0 {
                    PeriodSide::Requester
                } else {
                    PeriodSide::Agency
                },
                pauses,
                extension_days: if rng.next(3) == 0 {
                    1 + rng.next(30) as u32
                } else {
                    0
                },
                rollover: rng.next(4) == 0,
                today: (rng.next(2) == 0).then(|| received + TimeDelta::days(rng.next(40) as i64)),
            }
        })
        .collect()
}

fn request(input: &Input) -> DeadlineRequest<'_> {
    DeadlineRequest {
        received_at: input.received_at,
        period: input.period,
        side: input.side,
        basis: LegalBasis::APPI_83,
        pauses: &input.pauses,
        pause_convention: PauseConvention::EndMinusStart,
        extension_days: if input.side == PeriodSide::Agency {
            input.extension_days
        } else {
            0
        },
        max_extension_days: 30,
        agency_deadline_rollover: input.rollover,
        special: None,
        due_soon_office_days: 5,
        today: input.today,
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

fn measure(label: &str, repeats: usize, mut body: impl FnMut() -> usize) -> f64 {
    let mut rates = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let start = Instant::now();
        let mut ops = 0;
        for _ in 0..repeats {
            ops += body();
        }
        rates.push(ops as f64 / start.elapsed().as_secs_f64());
    }
    let rate = median(rates);
    println!("{label:<28} median {rate:>14.0} ops/s over {ROUNDS} rounds");
    rate
}

fn main() {
    let calendar = BusinessCalendar::administrative();
    let inputs = inputs();
    let requests: Vec<DeadlineRequest<'_>> = inputs.iter().map(request).collect();

    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for req in &requests {
        let _ = black_box(compute_deadline(black_box(req), &calendar));
    }
    let allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
    println!(
        "heap allocations for {} deadlines without explanation: {allocations}",
        requests.len()
    );

    let plain = measure("deadline (no explanation)", 200, || {
        for req in &requests {
            let _ = black_box(compute_deadline(black_box(req), &calendar));
        }
        requests.len()
    });
    let explained = measure("deadline (with explanation)", 10, || {
        for req in &requests {
            let _ = black_box(compute_deadline_explained(black_box(req), &calendar));
        }
        requests.len()
    });
    println!("ratio plain / explained: {:.1}x", plain / explained);
    if plain < 1_000_000.0 {
        println!("WARNING: below the target of 1,000,000 deadlines/s without explanation");
    }
}
