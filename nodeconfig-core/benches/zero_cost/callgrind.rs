//! The callgrind mode of the zero-cost benches: instruction counts, which a shared machine does
//! not blur the way it blurs wall-clock time.
//!
//! With `ZERO_COST_LOOP=<contestant>` set, a bench binary skips criterion and merges its inputs
//! `ZERO_COST_ITERATIONS` times (default 100) with that contestant only. The merge runs inside an
//! `#[inline(never)]` function named `zero_cost_merge_<contestant>`, so that
//! `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*zero_cost_merge_*'` counts
//! the merges and nothing else (not the clones that make their inputs).
//! `scripts/zero_cost_callgrind.sh` runs it and divides by the iteration count.

/// The contestant named by `ZERO_COST_LOOP`, and how many merges to run.
pub fn requested() -> Option<(String, usize)> {
    let contestant = std::env::var("ZERO_COST_LOOP").ok()?;
    let iterations = std::env::var("ZERO_COST_ITERATIONS")
        .ok()
        .and_then(|count| count.parse().ok())
        .unwrap_or(100);
    Some((contestant, iterations))
}

/// Runs `merge` on fresh copies of the inputs `iterations` times; the copies are made and the
/// results dropped outside `merge`.
#[allow(dead_code, reason = "the end-to-end bench runs its own loop")]
pub fn run<T: Clone>(earlier: &T, later: &T, iterations: usize, merge: fn(&mut T, T)) {
    for _ in 0..iterations {
        let (mut existing, incoming) = (earlier.clone(), later.clone());
        merge(&mut existing, incoming);
        std::hint::black_box(&existing);
    }
}
