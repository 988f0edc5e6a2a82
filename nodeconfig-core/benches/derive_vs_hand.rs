//! Zero cost: the derived merge of a 3-level struct of scalars, options and maps against the
//! same merge written by hand, measured side by side in one run.
//!
//! `cargo bench -p nodeconfig-core --bench derive_vs_hand`

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use nodeconfig_core::DeepMerge;
use std::collections::BTreeMap;
use std::hint::black_box;

#[derive(DeepMerge, Clone, Default)]
struct Root {
    name: Option<String>,
    revision: u64,
    enabled: Option<bool>,
    labels: BTreeMap<String, String>,
    middle: Middle,
    middles: BTreeMap<String, Middle>,
}

#[derive(DeepMerge, Clone, Default)]
struct Middle {
    max_pods: Option<u32>,
    ratio: f64,
    gates: BTreeMap<String, bool>,
    leaf: Leaf,
}

#[derive(DeepMerge, Clone, Default)]
struct Leaf {
    path: Option<String>,
    size: Option<u64>,
    flag: bool,
    env: BTreeMap<String, String>,
}

/// The merge a careful person writes by hand: same semantics, no `Result`, no traits.
mod by_hand {
    use super::{Leaf, Middle, Root};
    use std::collections::BTreeMap;
    use std::collections::btree_map::Entry;

    fn option<T>(existing: &mut Option<T>, incoming: Option<T>) {
        if incoming.is_some() {
            *existing = incoming;
        }
    }

    fn map_replace<V>(existing: &mut BTreeMap<String, V>, incoming: BTreeMap<String, V>) {
        if existing.is_empty() {
            *existing = incoming;
            return;
        }
        for (key, value) in incoming {
            existing.insert(key, value);
        }
    }

    pub(super) fn leaf(existing: &mut Leaf, incoming: Leaf) {
        option(&mut existing.path, incoming.path);
        option(&mut existing.size, incoming.size);
        existing.flag = incoming.flag;
        map_replace(&mut existing.env, incoming.env);
    }

    pub(super) fn middle(existing: &mut Middle, incoming: Middle) {
        option(&mut existing.max_pods, incoming.max_pods);
        existing.ratio = incoming.ratio;
        map_replace(&mut existing.gates, incoming.gates);
        leaf(&mut existing.leaf, incoming.leaf);
    }

    pub(super) fn root(existing: &mut Root, incoming: Root) {
        option(&mut existing.name, incoming.name);
        existing.revision = incoming.revision;
        option(&mut existing.enabled, incoming.enabled);
        map_replace(&mut existing.labels, incoming.labels);
        middle(&mut existing.middle, incoming.middle);
        if existing.middles.is_empty() {
            existing.middles = incoming.middles;
            return;
        }
        for (key, value) in incoming.middles {
            match existing.middles.entry(key) {
                Entry::Vacant(slot) => {
                    slot.insert(value);
                }
                Entry::Occupied(mut slot) => middle(slot.get_mut(), value),
            }
        }
    }
}

fn strings(prefix: &str, count: usize) -> BTreeMap<String, String> {
    (0..count)
        .map(|i| (format!("{prefix}{i}"), format!("value-{i}")))
        .collect()
}

fn middle(seed: usize) -> Middle {
    Middle {
        max_pods: seed.is_multiple_of(2).then_some(110),
        ratio: seed as f64,
        gates: (0..4)
            .map(|i| (format!("Gate{i}"), (i + seed).is_multiple_of(2)))
            .collect(),
        leaf: Leaf {
            path: Some(format!("/mnt/{seed}")),
            size: seed.is_multiple_of(3).then_some(1 << 30),
            flag: seed % 2 == 1,
            env: strings("VAR", 4),
        },
    }
}

/// An earlier and a later layer that overlap on about half of their keys.
fn layers() -> (Root, Root) {
    let earlier = Root {
        name: Some("earlier".into()),
        revision: 1,
        enabled: Some(true),
        labels: strings("label-", 8),
        middle: middle(0),
        middles: (0..16).map(|i| (format!("m{i}"), middle(i))).collect(),
    };
    let later = Root {
        name: None,
        revision: 2,
        enabled: Some(false),
        labels: strings("label-", 12),
        middle: middle(1),
        middles: (8..24).map(|i| (format!("m{i}"), middle(i + 1))).collect(),
    };
    (earlier, later)
}

fn bench(c: &mut Criterion) {
    let (earlier, later) = layers();
    let mut group = c.benchmark_group("merge_3_level_struct");
    group.bench_function("hand_written", |b| {
        b.iter_batched(
            || (earlier.clone(), later.clone()),
            |(mut existing, incoming)| {
                by_hand::root(&mut existing, incoming);
                black_box(existing)
            },
            BatchSize::SmallInput,
        );
    });
    group.bench_function("derived", |b| {
        b.iter_batched(
            || (earlier.clone(), later.clone()),
            |(mut existing, incoming)| {
                existing
                    .deep_merge(incoming)
                    .expect("scalars and maps cannot fail");
                black_box(existing)
            },
            BatchSize::SmallInput,
        );
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
