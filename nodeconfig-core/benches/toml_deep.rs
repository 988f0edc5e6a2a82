//! `strategy = "toml_deep"` on TOML text, against what it is made of and against the `toml`
//! crate, side by side in one run, on nodeadm's default containerd config and a user's patch
//! (`benches/data/containerd-*.toml`):
//!
//! - `toml_deep`: the whole format-preserving merge of the two texts (parse both with
//!   toml_edit, merge the trees, write the result);
//! - `toml_edit_parse_both`: parsing the two documents with toml_edit, nothing else;
//! - `toml_edit_write`: writing the parsed earlier document back to text;
//! - `toml_edit_parse_both_write`: both, the floor for any merge on toml_edit's tree;
//! - `toml_parse_merge_serialize`: the `toml` crate's way (parse both into `toml::Table`,
//!   merge the tables, `toml::to_string`), which loses comments, order and spelling;
//! - `toml_deep_identical`: the fast path, a document merged with itself.
//!
//! Inputs are cloned outside the timed section (`iter_batched`).
//!
//! `cargo bench -p nodeconfig-core --bench toml_deep`

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use nodeconfig_core::strategy::TomlDeep;
use std::hint::black_box;
use toml_edit::DocumentMut;

const CONFIG: &str = include_str!("data/containerd-config.toml");
const PATCH: &str = include_str!("data/containerd-patch.toml");

fn toml_deep(c: &mut Criterion) {
    let mut group = c.benchmark_group("toml_deep/containerd");
    group.bench_function("toml_deep", |b| {
        b.iter_batched(
            || (CONFIG.to_owned(), PATCH.to_owned()),
            |(mut config, patch)| {
                config.merge_toml(patch).expect("the fixtures merge");
                config
            },
            BatchSize::SmallInput,
        );
    });
    group.bench_function("toml_edit_parse_both", |b| {
        b.iter(|| {
            let config: DocumentMut = black_box(CONFIG).parse().expect("valid");
            let patch: DocumentMut = black_box(PATCH).parse().expect("valid");
            (config, patch)
        });
    });
    group.bench_function("toml_edit_parse_both_write", |b| {
        b.iter(|| {
            let config: DocumentMut = black_box(CONFIG).parse().expect("valid");
            let patch: DocumentMut = black_box(PATCH).parse().expect("valid");
            (config.to_string(), patch)
        });
    });
    let parsed: DocumentMut = CONFIG.parse().expect("valid");
    group.bench_function("toml_edit_write", |b| {
        b.iter(|| black_box(&parsed).to_string());
    });
    group.bench_function("toml_parse_merge_serialize", |b| {
        b.iter(|| {
            let mut config: toml::Table = toml::from_str(black_box(CONFIG)).expect("valid");
            let patch: toml::Table = toml::from_str(black_box(PATCH)).expect("valid");
            config.merge_toml(patch).expect("tables always merge");
            toml::to_string(&config).expect("tables serialize")
        });
    });
    group.bench_function("toml_deep_identical", |b| {
        b.iter_batched(
            || (CONFIG.to_owned(), CONFIG.to_owned()),
            |(mut config, same)| {
                config.merge_toml(same).expect("the fixture parses");
                config
            },
            BatchSize::SmallInput,
        );
    });
    group.finish();
}

criterion_group!(benches, toml_deep);
criterion_main!(benches);
