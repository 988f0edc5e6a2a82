//! End to end: three NodeConfig JSON documents (`benches/data`: Karpenter-like, the user's,
//! a drop-in; between them a containerd TOML config merged twice, nodeadm's base runtime spec
//! patched with rlimits, and a kubelet config patched twice, once with a `null` that deletes)
//! decoded, merged and encoded back to JSON, four ways, side by side in one run:
//!
//! - `nodeconfig`: decode each into the model, `merge_all`, encode;
//! - `serde_round_trip`: decode each into a `serde_json::Value`, merge the values with a generic
//!   deep merge (`json_patch::merge`, RFC 7396) after taking out the two fields a generic merge
//!   gets wrong (the appended `kubelet.flags` and the TOML text in `containerd.config`, merged
//!   with the same `toml_deep` as the derive's), decode the merged value into the model (what
//!   validates it), encode;
//! - `merge_crate`: the `merge` crate's `#[derive(Merge)]` on a copy of the model; see
//!   [`with_merge_crate`] for what it can and cannot say;
//! - and each of the first two without the TOML document, whose parse-merge-write is the same
//!   work on both sides and the largest part of it.
//!
//! The setup checks that all contestants decode to the same merged model before timing.
//!
//! `cargo bench -p nodeconfig-eks --bench end_to_end`

#[path = "../../nodeconfig-core/benches/zero_cost/callgrind.rs"]
mod callgrind;

use criterion::{BatchSize, Criterion};
use nodeconfig_core::merge_all;
use nodeconfig_core::strategy::TomlDeep;
use nodeconfig_eks::model::NodeConfig;
use serde_json::Value;
use std::hint::black_box;

/// The allocator of the `nodeconfig` binary (`src/main.rs`, feature `mimalloc`, on by
/// default), so that every contestant here runs on what the product runs;
/// `cargo bench -p nodeconfig-eks --no-default-features` measures them on the system allocator.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const DOCUMENTS: [&str; 3] = [
    include_str!("data/karpenter.json"),
    include_str!("data/user.json"),
    include_str!("data/drop-in.json"),
];

fn decode(documents: &[String]) -> Vec<NodeConfig> {
    documents
        .iter()
        .map(|document| serde_json::from_str(document).expect("the fixtures are NodeConfigs"))
        .collect()
}

fn nodeconfig(documents: &[String]) -> String {
    let layers = documents.iter().map(|document| {
        serde_json::from_str::<NodeConfig>(document).expect("the fixtures are NodeConfigs")
    });
    let merged: NodeConfig = merge_all(layers).expect("the fixtures merge");
    serde_json::to_string(&merged).expect("encodes")
}

/// Takes `spec.<section>.<key>` out of a document, if it is there.
fn take(document: &mut Value, section: &str, key: &str) -> Option<Value> {
    document
        .pointer_mut(&format!("/spec/{section}"))?
        .as_object_mut()?
        .remove(key)
}

/// Puts the fields [`take`]n out for merging by hand back into the merged document.
fn put_back(document: &mut Value, flags: Vec<Value>, config: Option<String>) {
    if !flags.is_empty() {
        document["spec"]["kubelet"]["flags"] = Value::Array(flags);
    }
    if let Some(config) = config {
        document["spec"]["containerd"]["config"] = Value::String(config);
    }
}

fn serde_round_trip(documents: &[String]) -> String {
    let mut merged = Value::Object(serde_json::Map::new());
    let (mut flags, mut config): (Vec<Value>, Option<String>) = (Vec::new(), None);
    for document in documents {
        let mut layer: Value = serde_json::from_str(document).expect("the fixtures are JSON");
        if let Some(Value::Array(items)) = take(&mut layer, "kubelet", "flags") {
            flags.extend(items);
        }
        if let Some(Value::String(text)) = take(&mut layer, "containerd", "config") {
            match &mut config {
                Some(earlier) => earlier.merge_toml(text).expect("the fixtures merge"),
                None => config = Some(text),
            }
        }
        json_patch::merge(&mut merged, &layer);
    }
    put_back(&mut merged, flags, config);
    let merged: NodeConfig = serde_json::from_value(merged).expect("the merge is a NodeConfig");
    serde_json::to_string(&merged).expect("encodes")
}

/// The serde round trip on typed layers, as `serde_merge`-style helpers do it: each document is
/// decoded into the model (where a program holds its layers), and each merge step turns both
/// sides into `Value`s, merges them like [`serde_round_trip`] (flags appended and the TOML
/// text merged by hand, the rest by `json_patch::merge`) and decodes the result back.
fn serde_round_trip_typed(documents: &[String]) -> String {
    let mut merged: Option<NodeConfig> = None;
    for document in documents {
        let layer: NodeConfig = serde_json::from_str(document).expect("the fixtures decode");
        let Some(earlier) = merged.take() else {
            merged = Some(layer);
            continue;
        };
        let mut earlier = serde_json::to_value(earlier).expect("encodes");
        let mut later = serde_json::to_value(layer).expect("encodes");
        let mut flags = match take(&mut earlier, "kubelet", "flags") {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        };
        if let Some(Value::Array(items)) = take(&mut later, "kubelet", "flags") {
            flags.extend(items);
        }
        let config = match (
            take(&mut earlier, "containerd", "config"),
            take(&mut later, "containerd", "config"),
        ) {
            (Some(Value::String(mut text)), Some(Value::String(later))) => {
                text.merge_toml(later).expect("the fixtures merge");
                Some(text)
            }
            (Some(Value::String(text)), _) | (_, Some(Value::String(text))) => Some(text),
            _ => None,
        };
        json_patch::merge(&mut earlier, &later);
        put_back(&mut earlier, flags, config);
        merged = Some(serde_json::from_value(earlier).expect("the merge is a NodeConfig"));
    }
    serde_json::to_string(&merged.unwrap_or_default()).expect("encodes")
}

/// Not a merge: what any contestant pays at least. It decodes the three documents into the
/// model, merges the TOML texts once when the documents have them, and encodes the largest
/// document with the merged TOML text in it, which is a little less than the merged result
/// holds. So it is a lower bound on every contestant's cost, and a contestant's cost over it
/// bounds the speed-up any merge could have over that contestant.
fn floor(documents: &[String]) -> String {
    let mut layers = decode(documents);
    let mut texts = layers
        .iter_mut()
        .filter_map(|layer| layer.spec.as_mut()?.containerd.as_mut()?.config.take());
    let merged_text = texts.next().map(|mut text| {
        for later in texts {
            text.merge_toml(later).expect("the fixtures merge");
        }
        text
    });
    let largest = (0..documents.len())
        .max_by_key(|&index| documents[index].len())
        .expect("there are documents");
    let mut output = layers.swap_remove(largest);
    if let Some(text) = merged_text {
        output
            .spec
            .get_or_insert_default()
            .containerd
            .get_or_insert_default()
            .config = Some(text);
    }
    serde_json::to_string(&output).expect("encodes")
}

/// The documents without `containerd.config`.
fn without_toml() -> Vec<String> {
    DOCUMENTS
        .iter()
        .map(|document| {
            let mut value: Value = serde_json::from_str(document).expect("the fixtures are JSON");
            take(&mut value, "containerd", "config");
            serde_json::to_string(&value).expect("encodes")
        })
        .collect()
}

/// The `merge` crate (0.2) on a copy of the model.
///
/// Its `Merge::merge(&mut self, other)` gives `self` precedence, and its built-in strategies
/// follow: `option::overwrite_none` keeps an earlier `Some`, `vec::append` puts `self`'s items
/// first, there are no `BTreeMap` strategies, and a strategy cannot fail. Folding the layers
/// from the last one back would fit the built-ins, but an RFC 7396 merge patch is not
/// associative (a later `null` deletes only what is there when it is applied), so the fold must
/// run first to last, like ours. In that order the built-ins express only `option::recurse`
/// (the nested sections); every leaf (a later `Some` wins), every map (key by key), the
/// appended flags and the two document kinds need a hand-written strategy, and a TOML document
/// that does not parse can only panic.
mod with_merge_crate {
    use merge::Merge;
    use nodeconfig_core::strategy::{JsonDeep, TomlDeep};
    use serde::{Deserialize, Serialize};
    use serde_json::{Map, Value};
    use std::collections::BTreeMap;

    fn later<T>(existing: &mut Option<T>, incoming: Option<T>) {
        if incoming.is_some() {
            *existing = incoming;
        }
    }

    fn map<V>(existing: &mut Option<BTreeMap<String, V>>, incoming: Option<BTreeMap<String, V>>) {
        match (existing, incoming) {
            (Some(existing), Some(incoming)) => existing.extend(incoming),
            (existing @ None, incoming @ Some(_)) => *existing = incoming,
            (_, None) => {}
        }
    }

    fn environment(
        existing: &mut Option<BTreeMap<String, BTreeMap<String, String>>>,
        incoming: Option<BTreeMap<String, BTreeMap<String, String>>>,
    ) {
        match (existing, incoming) {
            (Some(existing), Some(incoming)) => {
                for (service, variables) in incoming {
                    existing.entry(service).or_default().extend(variables);
                }
            }
            (existing @ None, incoming @ Some(_)) => *existing = incoming,
            (_, None) => {}
        }
    }

    fn append(existing: &mut Option<Vec<String>>, incoming: Option<Vec<String>>) {
        match (existing, incoming) {
            (Some(existing), Some(mut incoming)) => existing.append(&mut incoming),
            (existing @ None, incoming @ Some(_)) => *existing = incoming,
            (_, None) => {}
        }
    }

    fn json(existing: &mut Option<Map<String, Value>>, incoming: Option<Map<String, Value>>) {
        existing.apply_json_deep(incoming);
    }

    fn toml(existing: &mut Option<String>, incoming: Option<String>) {
        existing
            .merge_toml(incoming)
            .expect("a merge crate strategy cannot fail");
    }

    #[derive(Debug, Default, Merge, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", default)]
    pub struct NodeConfig {
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = later)]
        pub api_version: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = later)]
        pub kind: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = merge::option::recurse)]
        pub metadata: Option<ObjectMeta>,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = merge::option::recurse)]
        pub spec: Option<Spec>,
    }

    #[derive(Debug, Default, Merge, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", default)]
    pub struct ObjectMeta {
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = later)]
        pub name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = map)]
        pub labels: Option<BTreeMap<String, String>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = map)]
        pub annotations: Option<BTreeMap<String, String>>,
    }

    #[derive(Debug, Default, Merge, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", default)]
    pub struct Spec {
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = merge::option::recurse)]
        pub cluster: Option<Cluster>,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = merge::option::recurse)]
        pub containerd: Option<Containerd>,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = merge::option::recurse)]
        pub instance: Option<Instance>,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = merge::option::recurse)]
        pub kubelet: Option<Kubelet>,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = map)]
        pub feature_gates: Option<BTreeMap<String, bool>>,
    }

    #[derive(Debug, Default, Merge, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", default)]
    pub struct Cluster {
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = later)]
        pub name: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = later)]
        pub api_server_endpoint: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = later)]
        pub certificate_authority: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = later)]
        pub cidr: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = later)]
        pub enable_outpost: Option<bool>,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = later)]
        pub id: Option<String>,
    }

    #[derive(Debug, Default, Merge, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", default)]
    pub struct Containerd {
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = toml)]
        pub config: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = json)]
        pub base_runtime_spec: Option<Map<String, Value>>,
    }

    #[derive(Debug, Default, Merge, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", default)]
    pub struct Instance {
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = merge::option::recurse)]
        pub local_storage: Option<LocalStorage>,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = environment)]
        pub environment: Option<BTreeMap<String, BTreeMap<String, String>>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = merge::option::recurse)]
        pub network: Option<Network>,
    }

    #[derive(Debug, Default, Merge, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", default)]
    pub struct LocalStorage {
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = later)]
        pub strategy: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = later)]
        pub mount_path: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = later)]
        pub disabled_mounts: Option<Vec<String>>,
    }

    #[derive(Debug, Default, Merge, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", default)]
    pub struct Network {
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = later)]
        pub nameservers: Option<Vec<String>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = later)]
        pub domains: Option<Vec<String>>,
    }

    #[derive(Debug, Default, Merge, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase", default)]
    pub struct Kubelet {
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = json)]
        pub config: Option<Map<String, Value>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = append)]
        pub flags: Option<Vec<String>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        #[merge(strategy = later)]
        pub max_pods_expression: Option<String>,
    }

    pub fn run(documents: &[String]) -> String {
        let mut merged = NodeConfig::default();
        for document in documents {
            let layer: NodeConfig = serde_json::from_str(document).expect("the fixtures decode");
            merged.merge(layer);
        }
        serde_json::to_string(&merged).expect("encodes")
    }
}

fn same_merge(documents: &[String]) {
    let decode = |json: String| serde_json::from_str::<NodeConfig>(&json).expect("decodes");
    let ours = decode(nodeconfig(documents));
    assert_eq!(
        ours,
        decode(serde_round_trip(documents)),
        "serde round trip"
    );
    assert_eq!(
        ours,
        decode(with_merge_crate::run(documents)),
        "merge crate"
    );
    assert_eq!(
        ours,
        decode(serde_round_trip_typed(documents)),
        "serde round trip on typed layers"
    );
}

/// A way to decode, merge and encode the documents.
type Run = fn(&[String]) -> String;

/// The contestants, each with its documents.
fn contestants<'a>(
    documents: &'a [String],
    lighter: &'a [String],
) -> [(&'static str, &'a [String], Run); 9] {
    [
        ("nodeconfig", documents, nodeconfig),
        ("serde_round_trip", documents, serde_round_trip),
        ("serde_round_trip_typed", documents, serde_round_trip_typed),
        ("merge_crate", documents, with_merge_crate::run),
        ("floor", documents, floor),
        ("nodeconfig_without_toml", lighter, nodeconfig),
        ("serde_round_trip_without_toml", lighter, serde_round_trip),
        (
            "serde_round_trip_typed_without_toml",
            lighter,
            serde_round_trip_typed,
        ),
        ("floor_without_toml", lighter, floor),
    ]
}

fn end_to_end(criterion: &mut Criterion, documents: &[String], lighter: &[String]) {
    same_merge(documents);
    same_merge(lighter);
    let mut group = criterion.benchmark_group("end_to_end");
    for (name, documents, run) in contestants(documents, lighter) {
        group.bench_function(name, |bencher| bencher.iter(|| run(black_box(documents))));
    }
    // Where nodeconfig's time goes.
    group.bench_function("nodeconfig_decode_only", |bencher| {
        bencher.iter(|| decode(black_box(documents)));
    });
    let layers = decode(documents);
    group.bench_function("nodeconfig_merge_only", |bencher| {
        bencher.iter_batched(
            || layers.clone(),
            |layers| merge_all::<NodeConfig, _>(layers).expect("the fixtures merge"),
            BatchSize::SmallInput,
        );
    });
    let merged: NodeConfig = merge_all(layers).expect("the fixtures merge");
    group.bench_function("nodeconfig_encode_only", |bencher| {
        bencher.iter(|| serde_json::to_string(black_box(&merged)).expect("encodes"));
    });
    group.finish();
}

/// One contestant run `iterations` times inside a function callgrind can count alone
/// (`scripts/zero_cost_callgrind.sh` with `CONTESTANTS`).
#[inline(never)]
fn zero_cost_merge_e2e(run: Run, documents: &[String]) -> String {
    run(documents)
}

/// The documents of the Go peer (`benches/data/nodeadm-go`, from `../shared/baselines/nodeadm-go`).
const GO_DOCUMENTS: [&str; 3] = [
    include_str!("data/nodeadm-go/01-karpenter.json"),
    include_str!("data/nodeadm-go/02-user.json"),
    include_str!("data/nodeadm-go/03-dropin.json"),
];

/// `END_TO_END_GO_ROUND=<iterations>`: one round against the Go peer (what its `main.go`
/// times: decode the three documents, merge, encode), printed as the Go program prints it, so
/// that `scripts/nodeadm_go_compare.sh` can alternate the two.
fn go_round(iterations: u32) {
    let documents: Vec<String> = GO_DOCUMENTS
        .iter()
        .map(|&document| document.into())
        .collect();
    let merged = nodeconfig(&documents);
    let start = std::time::Instant::now();
    for _ in 0..iterations {
        black_box(nodeconfig(black_box(&documents)));
    }
    let per_iteration = start.elapsed().as_nanos() / u128::from(iterations.max(1));
    let decode_start = std::time::Instant::now();
    for _ in 0..iterations {
        black_box(decode(black_box(&documents)));
    }
    let decode = decode_start.elapsed().as_nanos() / u128::from(iterations.max(1));
    println!("{merged}");
    eprintln!("nodeconfig ns_per_iter={per_iteration} decode_ns_per_iter={decode}");
}

fn main() {
    if let Some(iterations) = std::env::var("END_TO_END_GO_ROUND")
        .ok()
        .and_then(|count| count.parse().ok())
    {
        go_round(iterations);
        return;
    }
    let documents: Vec<String> = DOCUMENTS.iter().map(|&document| document.into()).collect();
    let lighter = without_toml();
    if let Some((contestant, iterations)) = callgrind::requested() {
        let (_, documents, run) = contestants(&documents, &lighter)
            .into_iter()
            .find(|(name, _, _)| *name == contestant)
            .unwrap_or_else(|| panic!("unknown contestant `{contestant}`"));
        for _ in 0..iterations {
            black_box(zero_cost_merge_e2e(run, documents));
        }
        return;
    }
    let mut criterion = Criterion::default().configure_from_args();
    end_to_end(&mut criterion, &documents, &lighter);
    criterion.final_summary();
}
