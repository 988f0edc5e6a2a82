//! `strategy = "keyed"` beside `append`, on two lists of 1,000, 10,000 and 100,000 items:
//! linear if the time per item stays flat as the lists grow tenfold.
//!
//! The later list shares half its keys with the earlier one (those items merge field by field)
//! and brings as many new keys (appended), in an order unlike the earlier list's. Inputs are
//! cloned outside the timed section, and the merged list is dropped outside it too.
//!
//! `cargo bench -p nodeconfig-core --bench keyed`; instructions, which do not move with the
//! machine's load: `scripts/keyed_callgrind.sh`.

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use nodeconfig_core::DeepMerge;
use std::hint::black_box;

mod keyed_inputs;

use keyed_inputs::{Appended, Keyed, inputs};

fn keyed_beside_append(criterion: &mut Criterion) {
    let mut group = criterion.benchmark_group("keyed");
    for len in [1_000, 10_000, 100_000] {
        let (earlier, later) = inputs(len);
        group.throughput(Throughput::Elements(2 * len as u64));
        if len == 100_000 {
            group.sample_size(20);
        }
        group.bench_with_input(BenchmarkId::new("append", len), &len, |bencher, _| {
            bencher.iter_batched(
                || {
                    let existing = Appended {
                        listeners: earlier.clone(),
                    };
                    (
                        existing,
                        Appended {
                            listeners: later.clone(),
                        },
                    )
                },
                |(mut existing, incoming)| {
                    existing.deep_merge(black_box(incoming)).unwrap();
                    existing
                },
                BatchSize::LargeInput,
            );
        });
        group.bench_with_input(BenchmarkId::new("keyed", len), &len, |bencher, _| {
            bencher.iter_batched(
                || {
                    let existing = Keyed {
                        listeners: earlier.clone(),
                    };
                    (
                        existing,
                        Keyed {
                            listeners: later.clone(),
                        },
                    )
                },
                |(mut existing, incoming)| {
                    existing.deep_merge(black_box(incoming)).unwrap();
                    existing
                },
                BatchSize::LargeInput,
            );
        });
    }
    group.finish();
}

criterion_group!(benches, keyed_beside_append);
criterion_main!(benches);
