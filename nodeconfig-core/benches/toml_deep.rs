//! `strategy = "toml_deep"` on TOML text, against what it is made of and against the `toml`
//! crate, side by side in one run, on nodeadm's default containerd config and a user's patch
//! (`benches/data/containerd-*.toml`):
//!
//! - `toml_deep`: the whole format-preserving merge of the two texts (the span engine: parse
//!   both with the `toml` crate's spanned parser, decide the merge, splice the earlier text);
//! - `toml_deep_reference`: the toml_edit engine it replaced (only with
//!   `--features toml-reference`);
//! - `toml_edit_parse_both`: parsing the two documents into `toml_edit::DocumentMut`, nothing
//!   else: the yardstick of the 0.4× target;
//! - `index_both`: the span engine's own parse of the two documents (its index on
//!   `toml_parser` events), its floor (only with `--features toml-reference`);
//! - `detable_parse_both`: the `toml` crate's spanned parse (`DeTable`) of the two documents,
//!   what the span engine parsed with before its own index;
//! - `events_both` (callgrind only): a bare `toml_parser` lex and event pass decoding every
//!   key and scalar;
//! - `toml_parse_merge_serialize`: the `toml` crate's way (parse both into `toml::Table`,
//!   merge the tables, `toml::to_string`), which loses comments, order and spelling;
//! - `toml_deep_identical`: the fast path, a document merged with itself.
//!
//! Inputs are cloned outside the timed section (`iter_batched`).
//!
//! `cargo bench -p nodeconfig-core --features toml-reference --bench toml_deep`
//!
//! With `TOML_DEEP_LOOP=<contestant>` (and `TOML_DEEP_ITERATIONS`, default 100) the binary
//! skips criterion and runs that contestant alone inside `count_<contestant>`, for callgrind:
//! `scripts/toml_deep_callgrind.sh` counts the instructions per merge of each.

use criterion::{BatchSize, Criterion, criterion_group};
use nodeconfig_core::strategy::TomlDeep;
use std::hint::black_box;
use toml_edit::DocumentMut;

const CONFIG: &str = include_str!("data/containerd-config.toml");
const PATCH: &str = include_str!("data/containerd-patch.toml");

#[inline(never)]
fn count_toml_deep(config: String, patch: String) -> String {
    let mut config = config;
    config.merge_toml(patch).expect("the fixtures merge");
    config
}

#[cfg(feature = "toml-reference")]
#[inline(never)]
fn count_toml_deep_reference(config: String, patch: String) -> String {
    nodeconfig_core::strategy::toml::reference::merge(&config, &patch).expect("the fixtures merge")
}

#[inline(never)]
fn count_toml_edit_parse_both(config: &str, patch: &str) -> (DocumentMut, DocumentMut) {
    let config: DocumentMut = config.parse().expect("valid");
    let patch: DocumentMut = patch.parse().expect("valid");
    (config, patch)
}

#[inline(never)]
fn count_detable_parse_both(config: &str, patch: &str) -> usize {
    let config = toml::de::DeTable::parse(config).expect("valid");
    let patch = toml::de::DeTable::parse(patch).expect("valid");
    config.get_ref().len() + patch.get_ref().len()
}

/// The span engine's own parse of both documents: its index, built in one pass over
/// `toml_parser`'s events.
#[cfg(feature = "toml-reference")]
#[inline(never)]
fn count_index_both(config: &str, patch: &str) -> usize {
    use nodeconfig_core::strategy::toml::reference::index_tables;
    index_tables(config).expect("valid") + index_tables(patch).expect("valid")
}

/// A `toml_parser` lex and event pass over both documents, every key and scalar decoded (so
/// checked) into nothing: the floor of an engine on `toml_parser` events.
#[inline(never)]
fn count_events_both(config: &str, patch: &str) -> usize {
    use toml_parser::parser::{Event, EventKind, parse_document};
    let mut total = 0;
    for text in [config, patch] {
        let source = toml_parser::Source::new(text);
        let tokens = source.lex().into_vec();
        let mut errors: Option<toml_parser::ParseError> = None;
        let mut events: Vec<Event> = Vec::with_capacity(tokens.len());
        parse_document(&tokens, &mut |event: Event| events.push(event), &mut errors);
        for event in &events {
            let raw = source.get(event).expect("in bounds");
            match event.kind() {
                EventKind::SimpleKey => raw.decode_key(&mut (), &mut errors),
                EventKind::Scalar => drop(raw.decode_scalar(&mut (), &mut errors)),
                _ => {}
            }
        }
        total += events.len() + usize::from(errors.is_some());
    }
    total
}

#[inline(never)]
fn count_toml_parse_merge_serialize(config: &str, patch: &str) -> String {
    let mut config: toml::Table = toml::from_str(config).expect("valid");
    let patch: toml::Table = toml::from_str(patch).expect("valid");
    config.merge_toml(patch).expect("tables always merge");
    toml::to_string(&config).expect("tables serialize")
}

fn toml_deep(c: &mut Criterion) {
    let mut group = c.benchmark_group("toml_deep/containerd");
    group.bench_function("toml_deep", |b| {
        b.iter_batched(
            || (CONFIG.to_owned(), PATCH.to_owned()),
            |(config, patch)| count_toml_deep(config, patch),
            BatchSize::SmallInput,
        );
    });
    #[cfg(feature = "toml-reference")]
    group.bench_function("toml_deep_reference", |b| {
        b.iter_batched(
            || (CONFIG.to_owned(), PATCH.to_owned()),
            |(config, patch)| count_toml_deep_reference(config, patch),
            BatchSize::SmallInput,
        );
    });
    group.bench_function("toml_edit_parse_both", |b| {
        b.iter(|| count_toml_edit_parse_both(black_box(CONFIG), black_box(PATCH)));
    });
    #[cfg(feature = "toml-reference")]
    group.bench_function("index_both", |b| {
        b.iter(|| count_index_both(black_box(CONFIG), black_box(PATCH)));
    });
    group.bench_function("detable_parse_both", |b| {
        b.iter(|| count_detable_parse_both(black_box(CONFIG), black_box(PATCH)));
    });
    group.bench_function("toml_parse_merge_serialize", |b| {
        b.iter(|| count_toml_parse_merge_serialize(black_box(CONFIG), black_box(PATCH)));
    });
    group.bench_function("toml_deep_identical", |b| {
        b.iter_batched(
            || (CONFIG.to_owned(), CONFIG.to_owned()),
            |(config, same)| count_toml_deep(config, same),
            BatchSize::SmallInput,
        );
    });
    group.finish();
}

/// The callgrind mode: one contestant, `iterations` times, inputs made outside `count_*`.
fn count(contestant: &str, iterations: usize) {
    for _ in 0..iterations {
        let (config, patch) = (CONFIG.to_owned(), PATCH.to_owned());
        match contestant {
            "toml_deep" => drop(black_box(count_toml_deep(config, patch))),
            #[cfg(feature = "toml-reference")]
            "toml_deep_reference" => drop(black_box(count_toml_deep_reference(config, patch))),
            "toml_edit_parse_both" => drop(black_box(count_toml_edit_parse_both(&config, &patch))),
            #[cfg(feature = "toml-reference")]
            "index_both" => drop(black_box(count_index_both(&config, &patch))),
            "events_both" => drop(black_box(count_events_both(&config, &patch))),
            "detable_parse_both" => drop(black_box(count_detable_parse_both(&config, &patch))),
            "toml_parse_merge_serialize" => {
                drop(black_box(count_toml_parse_merge_serialize(&config, &patch)));
            }
            other => panic!("unknown contestant {other}"),
        }
    }
}

criterion_group!(benches, toml_deep);

fn main() {
    if let Ok(contestant) = std::env::var("TOML_DEEP_LOOP") {
        let iterations = std::env::var("TOML_DEEP_ITERATIONS")
            .ok()
            .and_then(|count| count.parse().ok())
            .unwrap_or(100);
        count(&contestant, iterations);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
