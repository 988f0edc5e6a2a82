//! `strategy = "keyed"` beside `append`, on two lists of 1,000, 10,000 and 100,000 items:
//! linear if the time per item stays flat as the lists grow tenfold.
//!
//! The later list shares half its keys with the earlier one (those items merge field by field)
//! and brings as many new keys (appended), in an order unlike the earlier list's. Inputs are
//! cloned outside the timed section, and the merged list is dropped outside it too.
//!
//! `cargo bench -p nodeconfig-core --bench keyed`

use criterion::{BatchSize, BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use nodeconfig_core::DeepMerge;
use std::hint::black_box;

#[derive(DeepMerge, Clone)]
struct Listener {
    name: String,
    port: Option<u16>,
    protocol: Option<String>,
}

#[derive(DeepMerge, Clone)]
struct Keyed {
    #[merge(strategy = "keyed", key = "name")]
    listeners: Vec<Listener>,
}

#[derive(DeepMerge, Clone)]
struct Appended {
    #[merge(strategy = "append")]
    listeners: Vec<Listener>,
}

/// Items `keys`, in that order.
fn listeners(keys: impl Iterator<Item = usize>, port: u16) -> Vec<Listener> {
    keys.map(|key| Listener {
        name: format!("listener-{key}"),
        port: Some(port),
        protocol: (key % 2 == 0).then(|| "TCP".to_owned()),
    })
    .collect()
}

/// The earlier list holds keys `0..len`; the later one `len/2..len*3/2`, odd keys first.
fn inputs(len: usize) -> (Vec<Listener>, Vec<Listener>) {
    let earlier = listeners(0..len, 80);
    let later_keys = len / 2..len / 2 + len;
    let odd = later_keys.clone().filter(|key| key % 2 == 1);
    let even = later_keys.filter(|key| key % 2 == 0);
    (earlier, listeners(odd.chain(even), 8080))
}

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
