//! How merging scales: time and peak heap against the number of layers and the document size.
//!
//! ```text
//! cargo run --release -p nodeconfig-eks --example scaling [-- --quick] [-- --csv DIR]
//! cargo run --release -p nodeconfig-eks --example scaling -- --layers N   (one point, to profile)
//! cargo run --release -p nodeconfig-eks --example scaling -- --toml-bytes S   (one merge, to profile)
//! ```
//!
//! With `--toml-bytes S` the merge runs inside `profiled_toml_merge`, so that callgrind can count
//! it alone: `valgrind --tool=callgrind --collect-atstart=no
//! --toggle-collect='*profiled_toml_merge*' target/release/examples/scaling --toml-bytes S`.
//!
//! - Layers: N NodeConfig JSON documents (1 to 10,000), each decoded and folded into the merge
//!   as it comes (what `nodeconfig merge` does), every layer adding a label and a kubelet flag
//!   and changing a kubelet config value and a key of the containerd TOML config.
//! - Size: one `json_deep` merge of two JSON documents of S bytes each (1 KB to 100 MB, the
//!   later one touching a quarter of the earlier one's sections), and one `toml_deep` merge of
//!   two TOML texts of S bytes (1 KB to 100 MB; the syntax tree keeps every byte of spelling,
//!   about 35 bytes of heap per input byte, so the 100 MB point needs about 3.5 GB).
//!
//! Peak heap is measured with a counting global allocator: the highest number of live bytes
//! during the measured step, above what was live before it (the inputs included: they are made
//! before). Times are the best of a few runs. Prints markdown tables; with `--csv DIR` also writes
//! `layers.csv` and `size.csv` there for `scripts/plot_scaling.py`.

use nodeconfig_core::DeepMerge;
use nodeconfig_core::strategy::{JsonDeep, TomlDeep};
use nodeconfig_eks::model::NodeConfig;
use serde_json::{Map, Value, json};
use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

/// The system allocator, counting live bytes and their high-water mark.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to `System` unchanged; the counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        let pointer = unsafe { System.alloc(layout) };
        if !pointer.is_null() {
            grow(layout.size());
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's pointer and layout.
        unsafe { System.dealloc(pointer, layout) };
        LIVE.fetch_sub(layout.size(), Relaxed);
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's pointer, layout and size.
        let moved = unsafe { System.realloc(pointer, layout, new_size) };
        if !moved.is_null() {
            LIVE.fetch_sub(layout.size(), Relaxed);
            grow(new_size);
        }
        moved
    }
}

fn grow(size: usize) {
    let live = LIVE.fetch_add(size, Relaxed) + size;
    PEAK.fetch_max(live, Relaxed);
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// One measured step: best time of `runs`, and the peak heap above what was live at its start.
struct Measure {
    time: Duration,
    peak: usize,
}

fn measure<I, O>(runs: usize, mut input: impl FnMut() -> I, step: impl Fn(I) -> O) -> Measure {
    let mut best = Measure {
        time: Duration::MAX,
        peak: 0,
    };
    for _ in 0..runs {
        let input = input();
        let before = LIVE.load(Relaxed);
        PEAK.store(before, Relaxed);
        let start = Instant::now();
        let output = step(input);
        let time = start.elapsed();
        let peak = PEAK.load(Relaxed) - before;
        drop(black_box(output));
        best.time = best.time.min(time);
        best.peak = best.peak.max(peak);
    }
    best
}

/// Layer `index` of the layers experiment, as JSON text.
fn layer(index: usize) -> String {
    json!({
        "apiVersion": "node.eks.aws/v1alpha1",
        "kind": "NodeConfig",
        "metadata": {"labels": {format!("layer-{index}"): "true"}},
        "spec": {
            "cluster": {"name": "prod", "cidr": "10.100.0.0/16"},
            "containerd": {
                "config": format!(
                    "[plugins.\"io.containerd.grpc.v1.cri\"]\nsandbox_image = \"pause:{index}\"\n"
                ),
            },
            "kubelet": {
                "config": {"maxPods": index, "evictionHard": {"memory.available": "5%"}},
                "flags": [format!("--layer={index}")],
            },
        },
    })
    .to_string()
}

fn merge_layers(documents: &[String]) -> NodeConfig {
    let mut merged = NodeConfig::default();
    for document in documents {
        let layer: NodeConfig = serde_json::from_str(document).expect("a NodeConfig");
        merged.deep_merge(layer).expect("the layers merge");
    }
    merged
}

/// A JSON document of about `bytes` bytes: sections of 20 small entries.
fn json_document(bytes: usize, patch: bool) -> Value {
    let sections = (bytes / 2600).max(1);
    let entries = |section: usize| -> Map<String, Value> {
        (0..20)
            .map(|entry| {
                let value = json!({
                    "name": format!("workload-{section}-{entry}"),
                    "enabled": (section + entry).is_multiple_of(2),
                    "count": section * 20 + entry,
                    "limits": {"cpu": format!("{}m", 100 + entry), "memory": 1_u64 << 20},
                });
                (format!("entry-{entry:02}"), value)
            })
            .collect()
    };
    let document = (0..sections)
        .filter(|section| !patch || section.is_multiple_of(4))
        .map(|section| {
            (
                format!("section-{section:06}"),
                Value::Object(entries(section + 1)),
            )
        });
    Value::Object(document.collect())
}

/// A TOML document of about `bytes` bytes: `[section]` tables of 20 keys.
fn toml_document(bytes: usize, patch: bool) -> String {
    let sections = (bytes / 560).max(1);
    let mut text = String::with_capacity(bytes + 1024);
    for section in (0..sections).filter(|section| !patch || section.is_multiple_of(4)) {
        let _ = writeln!(text, "[plugins.\"section-{section:06}\"]");
        for key in 0..20 {
            let _ = writeln!(
                text,
                "key_{key:02} = \"value-{}\"",
                section + usize::from(patch)
            );
        }
        text.push('\n');
    }
    text
}

#[inline(never)]
fn profiled_toml_merge(mut earlier: String, later: String) -> String {
    earlier.merge_toml(later).expect("the documents merge");
    earlier
}

fn size_label(bytes: usize) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MB", b as f64 / f64::from(1 << 20)),
        b => format!("{:.1} KB", b as f64 / 1024.0),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|arg| arg == "--quick");
    let csv_dir = args
        .iter()
        .position(|arg| arg == "--csv")
        .and_then(|index| args.get(index + 1));

    // `--layers N`: merge N layers once and stop, for profiling one point (callgrind).
    if let Some(count) = args
        .iter()
        .position(|arg| arg == "--layers")
        .and_then(|index| args.get(index + 1)?.parse::<usize>().ok())
    {
        let documents: Vec<String> = (0..count).map(layer).collect();
        black_box(merge_layers(&documents));
        return;
    }
    // `--toml-bytes S`: one `toml_deep` merge of two S-byte documents, for callgrind.
    if let Some(bytes) = args
        .iter()
        .position(|arg| arg == "--toml-bytes")
        .and_then(|index| args.get(index + 1)?.parse::<usize>().ok())
    {
        let (earlier, later) = (toml_document(bytes, false), toml_document(bytes, true));
        println!("{} {}", earlier.len(), later.len());
        black_box(profiled_toml_merge(earlier, later));
        return;
    }
    let layer_counts: &[usize] = if quick {
        &[1, 10, 100, 1000]
    } else {
        &[1, 10, 100, 1000, 2000, 5000, 10_000]
    };
    let mut layers_csv = String::from("layers,input_bytes,time_us,peak_bytes\n");
    println!("| layers | input | time | time per layer | peak heap |");
    println!("| ---: | ---: | ---: | ---: | ---: |");
    for &count in layer_counts {
        let documents: Vec<String> = (0..count).map(layer).collect();
        let input: usize = documents.iter().map(String::len).sum();
        let runs = if count >= 5000 { 2 } else { 5 };
        let result = measure(runs, || (), |()| merge_layers(&documents));
        let micros = result.time.as_secs_f64() * 1e6;
        println!(
            "| {count} | {} | {:.2} ms | {:.1} µs | {} |",
            size_label(input),
            micros / 1000.0,
            micros / count as f64,
            size_label(result.peak),
        );
        let _ = writeln!(layers_csv, "{count},{input},{micros:.1},{}", result.peak);
    }

    let json_sizes: &[usize] = if quick {
        &[1 << 10, 1 << 20]
    } else {
        &[1 << 10, 10 << 10, 100 << 10, 1 << 20, 10 << 20, 100 << 20]
    };
    let toml_sizes: &[usize] = if quick {
        &[1 << 10, 1 << 20]
    } else {
        &[1 << 10, 10 << 10, 100 << 10, 1 << 20, 10 << 20, 100 << 20]
    };
    let mut size_csv = String::from("strategy,bytes,time_us,peak_bytes\n");
    println!();
    println!("| strategy | earlier document | later document | time | time per MB | peak heap |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for &bytes in json_sizes {
        let (earlier, later) = (json_document(bytes, false), json_document(bytes, true));
        let (earlier_bytes, later_bytes) = (earlier.to_string().len(), later.to_string().len());
        let runs = if bytes >= 10 << 20 { 2 } else { 5 };
        let result = measure(
            runs,
            || (earlier.clone(), later.clone()),
            |(mut existing, incoming)| {
                existing.apply_json_deep(incoming);
                existing
            },
        );
        report(
            &mut size_csv,
            "json_deep",
            earlier_bytes,
            later_bytes,
            &result,
        );
    }
    for &bytes in toml_sizes {
        let (earlier, later) = (toml_document(bytes, false), toml_document(bytes, true));
        // 100 MB of TOML is a 3.5 GB tree and half a minute per merge: run it once.
        let runs = match bytes {
            b if b >= 100 << 20 => 1,
            b if b >= 10 << 20 => 2,
            _ => 5,
        };
        let result = measure(
            runs,
            || (earlier.clone(), later.clone()),
            |(mut existing, incoming)| {
                existing.merge_toml(incoming).expect("the documents merge");
                existing
            },
        );
        report(
            &mut size_csv,
            "toml_deep",
            earlier.len(),
            later.len(),
            &result,
        );
    }

    if let Some(dir) = csv_dir {
        std::fs::write(format!("{dir}/layers.csv"), layers_csv).expect("writes layers.csv");
        std::fs::write(format!("{dir}/size.csv"), size_csv).expect("writes size.csv");
    }
}

fn report(csv: &mut String, strategy: &str, earlier: usize, later: usize, result: &Measure) {
    let micros = result.time.as_secs_f64() * 1e6;
    let per_mb = micros / 1000.0 / (earlier as f64 / f64::from(1 << 20));
    println!(
        "| {strategy} | {} | {} | {:.3} ms | {per_mb:.1} ms | {} |",
        size_label(earlier),
        size_label(later),
        micros / 1000.0,
        size_label(result.peak),
    );
    let _ = writeln!(csv, "{strategy},{earlier},{micros:.1},{}", result.peak);
}
