//! Zero cost on the real model: the derived merge of the EKS NodeConfig against the same merge
//! written by hand (below, field by field), side by side in one run. The inputs are the three
//! layers of `benches/data` (Karpenter-like, user, drop-in) without their documents
//! (`containerd.config`, `containerd.baseRuntimeSpec`, `kubelet.config`), so what is timed is
//! the model's own merge and not the document strategies. The setup checks that both merges give
//! equal results before anything is timed.
//!
//! `cargo bench -p nodeconfig-eks --bench derive_vs_hand_eks`; instruction counts:
//! `scripts/zero_cost_callgrind.sh nodeconfig-eks derive_vs_hand_eks`.

#[path = "../../nodeconfig-core/benches/zero_cost/callgrind.rs"]
mod callgrind;

use criterion::{BatchSize, Criterion};
use nodeconfig_core::DeepMerge;
use nodeconfig_eks::model::NodeConfig;
use std::hint::black_box;

/// The merge a careful person writes for this model by hand, with the derive's semantics:
/// a later `Some` wins for scalars, lists replace except `kubelet.flags` (appended), maps merge
/// key by key, nested options merge inside, the TOML document is checked before anything changes
/// (atomicity) and the documents merge with the same strategies as the derive's.
mod by_hand {
    use nodeconfig_core::MergeError;
    use nodeconfig_core::strategy::{JsonDeep, TomlDeep};
    use nodeconfig_eks::model::{
        ClusterDetails, ContainerdOptions, InstanceOptions, KubeletOptions, LocalStorageOptions,
        NetworkOptions, NodeConfig, NodeConfigSpec, ObjectMeta,
    };
    use std::collections::BTreeMap;
    use std::collections::btree_map::Entry;

    fn option<T>(existing: &mut Option<T>, incoming: Option<T>) {
        if incoming.is_some() {
            *existing = incoming;
        }
    }

    /// `Some` into `Some` merges with `merge`; `Some` into `None` takes it.
    fn nested<T>(existing: &mut Option<T>, incoming: Option<T>, merge: fn(&mut T, T)) {
        match (existing, incoming) {
            (Some(existing), Some(incoming)) => merge(existing, incoming),
            (existing @ None, incoming @ Some(_)) => *existing = incoming,
            (_, None) => {}
        }
    }

    fn map<V>(existing: &mut BTreeMap<String, V>, incoming: BTreeMap<String, V>) {
        if existing.is_empty() {
            *existing = incoming;
        } else {
            existing.extend(incoming);
        }
    }

    pub(super) fn node_config(
        existing: &mut NodeConfig,
        mut incoming: NodeConfig,
    ) -> Result<(), MergeError> {
        // The only fallible step, done first so that a broken document changes nothing.
        let absent = None;
        let earlier = existing
            .spec
            .as_ref()
            .and_then(|spec| spec.containerd.as_ref())
            .map_or(&absent, |containerd| &containerd.config);
        let later = incoming
            .spec
            .as_mut()
            .and_then(|spec| spec.containerd.as_mut())
            .map(|containerd| &mut containerd.config);
        if let Some(later) = later {
            earlier
                .prepare_toml_deep(later)
                .map_err(|error| error.at("config").at("containerd").at("spec"))?;
        }
        option(&mut existing.api_version, incoming.api_version);
        option(&mut existing.kind, incoming.kind);
        nested(&mut existing.metadata, incoming.metadata, metadata);
        nested(&mut existing.spec, incoming.spec, spec);
        Ok(())
    }

    fn metadata(existing: &mut ObjectMeta, incoming: ObjectMeta) {
        option(&mut existing.name, incoming.name);
        nested(&mut existing.labels, incoming.labels, map);
        nested(&mut existing.annotations, incoming.annotations, map);
    }

    fn spec(existing: &mut NodeConfigSpec, incoming: NodeConfigSpec) {
        nested(&mut existing.cluster, incoming.cluster, cluster);
        nested(&mut existing.containerd, incoming.containerd, containerd);
        nested(&mut existing.instance, incoming.instance, instance);
        nested(&mut existing.kubelet, incoming.kubelet, kubelet);
        nested(&mut existing.feature_gates, incoming.feature_gates, map);
    }

    fn cluster(existing: &mut ClusterDetails, incoming: ClusterDetails) {
        option(&mut existing.name, incoming.name);
        option(
            &mut existing.api_server_endpoint,
            incoming.api_server_endpoint,
        );
        option(
            &mut existing.certificate_authority,
            incoming.certificate_authority,
        );
        option(&mut existing.cidr, incoming.cidr);
        option(&mut existing.enable_outpost, incoming.enable_outpost);
        option(&mut existing.id, incoming.id);
    }

    fn containerd(existing: &mut ContainerdOptions, incoming: ContainerdOptions) {
        // Prepared (parsed and merged) by `node_config` before anything changed.
        existing.config.apply_toml_deep(incoming.config);
        existing
            .base_runtime_spec
            .apply_json_deep(incoming.base_runtime_spec);
    }

    fn instance(existing: &mut InstanceOptions, incoming: InstanceOptions) {
        nested(
            &mut existing.local_storage,
            incoming.local_storage,
            local_storage,
        );
        nested(
            &mut existing.environment,
            incoming.environment,
            |existing, incoming| {
                if existing.is_empty() {
                    *existing = incoming;
                    return;
                }
                for (service, variables) in incoming {
                    match existing.entry(service) {
                        Entry::Vacant(slot) => {
                            slot.insert(variables);
                        }
                        Entry::Occupied(mut slot) => map(slot.get_mut(), variables),
                    }
                }
            },
        );
        nested(&mut existing.network, incoming.network, network);
    }

    fn local_storage(existing: &mut LocalStorageOptions, incoming: LocalStorageOptions) {
        option(&mut existing.strategy, incoming.strategy);
        option(&mut existing.mount_path, incoming.mount_path);
        option(&mut existing.disabled_mounts, incoming.disabled_mounts);
    }

    fn network(existing: &mut NetworkOptions, incoming: NetworkOptions) {
        option(&mut existing.nameservers, incoming.nameservers);
        option(&mut existing.domains, incoming.domains);
    }

    fn kubelet(existing: &mut KubeletOptions, incoming: KubeletOptions) {
        existing.config.apply_json_deep(incoming.config);
        nested(
            &mut existing.flags,
            incoming.flags,
            |existing, mut incoming| {
                existing.append(&mut incoming);
            },
        );
        option(
            &mut existing.max_pods_expression,
            incoming.max_pods_expression,
        );
    }
}

/// A merge under test.
type Merge = fn(&mut NodeConfig, NodeConfig);

#[inline(never)]
fn zero_cost_merge_hand_written(existing: &mut NodeConfig, incoming: NodeConfig) {
    by_hand::node_config(existing, incoming).expect("no documents, nothing can fail");
}

#[inline(never)]
fn zero_cost_merge_derived(existing: &mut NodeConfig, incoming: NodeConfig) {
    existing
        .deep_merge(incoming)
        .expect("no documents, nothing can fail");
}

/// A layer of `benches/data`, without its documents.
fn layer(json: &str) -> NodeConfig {
    let mut config: NodeConfig = serde_json::from_str(json).expect("the fixture is a NodeConfig");
    if let Some(spec) = &mut config.spec {
        if let Some(containerd) = &mut spec.containerd {
            containerd.config = None;
            containerd.base_runtime_spec = None;
        }
        if let Some(kubelet) = &mut spec.kubelet {
            kubelet.config = None;
        }
    }
    config
}

/// The Karpenter-like layer merged with the user's, and the drop-in: the last merge of a
/// three-document fold is the one timed.
fn layers() -> (NodeConfig, NodeConfig) {
    let mut earlier = layer(include_str!("data/karpenter.json"));
    earlier
        .deep_merge(layer(include_str!("data/user.json")))
        .expect("no documents, nothing can fail");
    (earlier, layer(include_str!("data/drop-in.json")))
}

/// [`layers`], once both merges are seen to agree on them.
fn checked_layers() -> (NodeConfig, NodeConfig) {
    let (earlier, later) = layers();
    let mut by_hand = earlier.clone();
    zero_cost_merge_hand_written(&mut by_hand, later.clone());
    let mut derived = earlier.clone();
    zero_cost_merge_derived(&mut derived, later.clone());
    assert_eq!(
        by_hand, derived,
        "the hand-written merge must match the derive"
    );
    assert_ne!(by_hand, earlier, "the later layer must change something");
    (earlier, later)
}

fn bench(criterion: &mut Criterion) {
    let (earlier, later) = checked_layers();
    let mut group = criterion.benchmark_group("merge_eks_node_config");
    let contestants: [(&str, Merge); 2] = [
        ("hand_written", zero_cost_merge_hand_written),
        ("derived", zero_cost_merge_derived),
    ];
    for (name, merge) in contestants {
        group.bench_function(name, |bencher| {
            bencher.iter_batched(
                || (earlier.clone(), later.clone()),
                |(mut existing, incoming)| {
                    merge(&mut existing, black_box(incoming));
                    existing
                },
                BatchSize::SmallInput,
            );
        });
    }
    group.finish();
}

fn main() {
    if let Some((contestant, iterations)) = callgrind::requested() {
        let (earlier, later) = layers();
        let merge: Merge = match contestant.as_str() {
            "hand_written" => zero_cost_merge_hand_written,
            "derived" => zero_cost_merge_derived,
            other => panic!("unknown contestant `{other}`: hand_written or derived"),
        };
        callgrind::run(&earlier, &later, iterations, merge);
        return;
    }
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion);
    criterion.final_summary();
}
