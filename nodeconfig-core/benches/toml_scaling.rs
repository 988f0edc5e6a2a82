//! How `toml_deep` on text grows: time and peak heap of one merge against the number of new
//! keys (10 to 100,000, into a `[table]` and into an inline table), and of `merge_all` against
//! the number of layers (1 to 10,000), and what the memo's copy and comparison of a merged
//! text cost per KB, and the folds on `TomlText` (1 to 100,000 layers; `--text-only` runs
//! only those). With `--features toml-reference`, the toml_edit engine
//! it replaced runs the same cases up to where it takes seconds, for comparison.
//!
//! `cargo bench -p nodeconfig-core --features toml-reference --bench toml_scaling -- [--csv DIR]`
//!
//! prints Markdown tables (and with `--csv DIR` writes `DIR/toml_keys.csv` and
//! `DIR/toml_layers.csv` for `scripts/plot_toml_scaling.py`). Times are the best of 3 runs;
//! peak heap is the highest live byte count during the merge above what was live before it,
//! from a counting global allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use nodeconfig_core::strategy::{TomlDeep, TomlText};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to `System` unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(live, Ordering::Relaxed);
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract is `System`'s.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Runs `work` 3 times on fresh inputs; the best time in ms and the peak heap above the start.
fn measure<I, O>(make: impl Fn() -> I, work: impl Fn(I) -> O) -> (f64, usize) {
    let mut best = f64::INFINITY;
    let mut peak = 0;
    for _ in 0..3 {
        let input = make();
        let before = LIVE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let start = Instant::now();
        let output = work(input);
        best = best.min(start.elapsed().as_secs_f64() * 1e3);
        peak = peak.max(PEAK.load(Ordering::Relaxed) - before);
        drop(black_box(output));
    }
    (best, peak)
}

type Engine = fn(String, String) -> String;

fn span_engine(mut existing: String, incoming: String) -> String {
    existing.merge_toml(incoming).expect("the documents merge");
    existing
}

#[cfg(feature = "toml-reference")]
fn toml_edit_engine(existing: String, incoming: String) -> String {
    nodeconfig_core::strategy::toml::reference::merge(&existing, &incoming)
        .expect("the documents merge")
}

fn engines() -> Vec<(&'static str, Engine, usize)> {
    // The name, the engine, and the largest count it runs (the quadratic one stops early).
    #[allow(unused_mut)]
    let mut engines: Vec<(&'static str, Engine, usize)> = vec![("spans", span_engine, usize::MAX)];
    #[cfg(feature = "toml-reference")]
    engines.push(("toml_edit", toml_edit_engine, 10_000));
    engines
}

/// `n` new keys into a `[t]` table (`inline`: into `t = { ... }`) of nodeadm's config.
fn new_keys(n: usize, inline: bool) -> (String, String) {
    let base = include_str!("data/containerd-config.toml");
    let existing = if inline {
        base.replacen("version = 2\n", "version = 2\nt = { existing = 1 }\n", 1)
    } else {
        format!("{base}\n[t]\nexisting = 1\n")
    };
    let mut incoming = String::from("[t]\n");
    for i in 0..n {
        incoming.push_str(&format!("k{i} = {i}\n"));
    }
    (existing, incoming)
}

/// Layer `i` of `n`: a value of a fixed table and one of 64 tables (so the merged text stays
/// the same size), or, `growing`, one new key (so it grows by a line per layer).
fn layer(i: usize, growing: bool) -> String {
    if growing {
        format!("[t]\nk{i} = {i}\n")
    } else {
        format!("[t]\nk{} = {i}\n[u{}]\nv = {i}\n", i % 16, i % 64)
    }
}

fn fold(engine: Engine, layers: Vec<String>) -> String {
    layers.into_iter().fold(String::new(), engine)
}

/// The same fold on `TomlText`, each layer read as it is made (inside the timed work, as the
/// `String` fold reads it inside its merge).
fn fold_text(layers: Vec<String>) -> TomlText {
    layers
        .into_iter()
        .fold(TomlText::default(), |mut text, layer| {
            let layer = TomlText::new(layer).expect("the layers are TOML");
            text.merge_toml(layer).expect("the documents merge");
            text
        })
}

/// The layers table of `TomlText` folds, 1 to 100,000 layers.
fn text_folds(layers_csv: &mut String) {
    println!();
    println!("| type | layers | case | input | time | time per layer | peak heap |");
    println!("| --- | ---: | --- | ---: | ---: | ---: | ---: |");
    for case in ["fixed", "growing"] {
        for n in [1, 10, 100, 1_000, 10_000, 100_000] {
            let layers: Vec<String> = (0..n).map(|i| layer(i, case == "growing")).collect();
            let bytes: usize = layers.iter().map(String::len).sum();
            let (ms, peak) = measure(|| layers.clone(), fold_text);
            println!(
                "| TomlText | {n} | {case} | {:.1} KB | {ms:.3} ms | {:.2} µs | {:.1} KB |",
                bytes as f64 / 1e3,
                ms * 1e3 / n as f64,
                peak as f64 / 1e3
            );
            layers_csv.push_str(&format!("TomlText,{case},{n},{bytes},{ms},{peak}\n"));
        }
    }
}

/// What keeping a merged text for the next layer costs per layer, beside deriving its index:
/// the memo's copy of the text and the comparison that makes sure the next merge's earlier
/// side is those bytes (best of 3 over 100 rounds, per KB of text).
fn memo_cost() {
    println!();
    println!("| merged text | copy + compare | per KB |");
    println!("| ---: | ---: | ---: |");
    for layers in [100, 1_000, 10_000] {
        let text: String = (0..layers).map(|i| format!("k{i} = {i}\n")).collect();
        let text = format!("[t]\n{text}");
        let (ms, _) = measure(
            || text.clone(),
            |merged| {
                for _ in 0..100 {
                    let kept = black_box(&merged).to_owned();
                    assert!(black_box(&kept) == &merged);
                }
            },
        );
        let per_round = ms * 1e3 / 100.0;
        println!(
            "| {:.1} KB | {per_round:.2} µs | {:.3} µs |",
            text.len() as f64 / 1e3,
            per_round / (text.len() as f64 / 1e3)
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let csv_dir = args
        .iter()
        .position(|arg| arg == "--csv")
        .and_then(|at| args.get(at + 1).cloned());
    let mut keys_csv = String::from("engine,case,keys,input_bytes,ms,peak_bytes\n");
    let mut layers_csv = String::from("engine,case,layers,input_bytes,ms,peak_bytes\n");
    // `--text-only`: only the `TomlText` folds.
    if args.iter().any(|arg| arg == "--text-only") {
        text_folds(&mut layers_csv);
        return;
    }

    println!(
        "| engine | new keys into | keys | later document | time | time per key | peak heap |"
    );
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
    for (name, engine, limit) in engines() {
        for case in ["table", "inline"] {
            for n in [10, 100, 1_000, 10_000, 100_000] {
                if n > limit {
                    continue;
                }
                let (existing, incoming) = new_keys(n, case == "inline");
                let bytes = incoming.len();
                let (ms, peak) = measure(
                    || (existing.clone(), incoming.clone()),
                    |(e, i)| engine(e, i),
                );
                println!(
                    "| {name} | {case} | {n} | {:.1} KB | {ms:.3} ms | {:.3} µs | {:.1} KB |",
                    bytes as f64 / 1e3,
                    ms * 1e3 / n as f64,
                    peak as f64 / 1e3
                );
                keys_csv.push_str(&format!("{name},{case},{n},{bytes},{ms},{peak}\n"));
            }
        }
    }

    println!();
    println!("| engine | layers | case | input | time | time per layer | peak heap |");
    println!("| --- | ---: | --- | ---: | ---: | ---: | ---: |");
    for (name, engine, limit) in engines() {
        for case in ["fixed", "growing"] {
            for n in [1, 10, 100, 1_000, 10_000] {
                if n > limit / 10 {
                    continue;
                }
                let layers: Vec<String> = (0..n).map(|i| layer(i, case == "growing")).collect();
                let bytes: usize = layers.iter().map(String::len).sum();
                let (ms, peak) = measure(|| layers.clone(), |layers| fold(engine, layers));
                println!(
                    "| {name} | {n} | {case} | {:.1} KB | {ms:.3} ms | {:.2} µs | {:.1} KB |",
                    bytes as f64 / 1e3,
                    ms * 1e3 / n as f64,
                    peak as f64 / 1e3
                );
                layers_csv.push_str(&format!("{name},{case},{n},{bytes},{ms},{peak}\n"));
            }
        }
    }
    text_folds(&mut layers_csv);
    memo_cost();
    if let Some(dir) = csv_dir {
        std::fs::create_dir_all(&dir).expect("the CSV directory can be made");
        std::fs::write(format!("{dir}/toml_keys.csv"), keys_csv).expect("writable");
        std::fs::write(format!("{dir}/toml_layers.csv"), layers_csv).expect("writable");
    }
}
