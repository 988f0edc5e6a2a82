//! Derived merges obey their laws on random layers of a nested model (options, maps of structs,
//! appended and replaced lists, `keep`, `json_deep` and `toml_deep` fields):
//!
//! - `merge_all(layers)` equals the pairwise left fold `((l1 <- l2) <- l3) ...` starting from
//!   the first layer, for 0 to 5 layers, errors included (same `Display`);
//! - a merge that fails leaves the destination equal to a clone taken before it: one broken
//!   TOML document is put in a random `toml_deep` field of a random nested struct of the later
//!   layer (a field the destination has, so the merge reaches it), with valid changes
//!   everywhere else; the error's path names that field in serde's spelling, and the same merge
//!   with the document repaired then succeeds.

use nodeconfig_core::{DeepMerge, MergeError, merge_all};
use proptest::prelude::*;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};

#[derive(DeepMerge, Debug, Clone, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
struct Node {
    name: Option<String>,
    max_pods: Option<u32>,
    #[merge(strategy = "append")]
    flags: Vec<String>,
    labels: BTreeMap<String, String>,
    #[merge(strategy = "toml_deep")]
    containerd_config: String,
    runtime: Option<Runtime>,
    pools: BTreeMap<String, Pool>,
}

#[derive(DeepMerge, Debug, Clone, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
struct Runtime {
    #[merge(strategy = "toml_deep")]
    #[serde(rename = "config")]
    settings: Option<String>,
    #[merge(strategy = "json_deep")]
    base_runtime_spec: Option<Value>,
    #[merge(strategy = "replace")]
    nameservers: Vec<String>,
    limits: HashMap<String, u64>,
}

#[derive(DeepMerge, Debug, Clone, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
struct Pool {
    #[merge(strategy = "toml_deep")]
    drop_in: String,
    runtime: Runtime,
    size: Option<u16>,
    #[merge(strategy = "keep")]
    zone: Option<String>,
}

/// Where the broken document goes, with the path the error must name.
#[derive(Debug, Clone)]
enum FailurePoint {
    ContainerdConfig,
    RuntimeConfig,
    PoolDropIn(String),
    PoolRuntimeConfig(String),
}

impl FailurePoint {
    fn path(&self) -> String {
        match self {
            FailurePoint::ContainerdConfig => "containerdConfig".to_owned(),
            FailurePoint::RuntimeConfig => "runtime.config".to_owned(),
            FailurePoint::PoolDropIn(pool) => format!("pools{}.dropIn", segment(pool)),
            FailurePoint::PoolRuntimeConfig(pool) => {
                format!("pools{}.runtime.config", segment(pool))
            }
        }
    }

    /// Makes sure `existing` has the struct holding the field, so the merge reaches it.
    fn reach(&self, existing: &mut Node) {
        match self {
            FailurePoint::ContainerdConfig => {}
            FailurePoint::RuntimeConfig => {
                existing.runtime.get_or_insert_with(Runtime::default);
            }
            FailurePoint::PoolDropIn(pool) | FailurePoint::PoolRuntimeConfig(pool) => {
                existing.pools.entry(pool.clone()).or_default();
            }
        }
    }

    /// Puts `document` in the field of `incoming`, creating what holds it.
    fn place(&self, incoming: &mut Node, document: &str) {
        let document = document.to_owned();
        match self {
            FailurePoint::ContainerdConfig => incoming.containerd_config = document,
            FailurePoint::RuntimeConfig => {
                incoming
                    .runtime
                    .get_or_insert_with(Runtime::default)
                    .settings = Some(document);
            }
            FailurePoint::PoolDropIn(pool) => {
                incoming.pools.entry(pool.clone()).or_default().drop_in = document;
            }
            FailurePoint::PoolRuntimeConfig(pool) => {
                let runtime = &mut incoming.pools.entry(pool.clone()).or_default().runtime;
                runtime.settings = Some(document);
            }
        }
    }
}

/// A map key in an error path: `.p1`, or `["p 3"]` when it needs quoting.
fn segment(key: &str) -> String {
    if key.contains(' ') {
        format!("[{key:?}]")
    } else {
        format!(".{key}")
    }
}

fn toml_document() -> impl Strategy<Value = String> {
    prop::sample::select(
        &[
            "",
            "# only a comment\n",
            "version = 2\n",
            "version = 3\n[grpc]\naddress = \"/run/c.sock\"\n",
            "[grpc]\nmax_recv_message_size = 16777216 # 16 MiB\n",
            "plugins.cri.sandbox_image = 'pause:3.9'\n",
            "[plugins.cri]\nsandbox_image = \"pause:3.10\"\nenable_cdi = true\n",
            "a = { b = 1 }\n[[c]]\nd = [1, 2]\n",
        ][..],
    )
    .prop_map(str::to_owned)
}

fn broken_toml() -> impl Strategy<Value = String> {
    prop::sample::select(
        &[
            "[grpc",
            "address = \n",
            "a = 1\na = 2\n",
            "x = \"unterminated\n",
            "[t]\n[t]\n",
            "version = 2\n[[plugins]\n",
        ][..],
    )
    .prop_map(str::to_owned)
}

fn word() -> impl Strategy<Value = String> {
    prop::sample::select(&["a", "b", "c", "--v=2", "10.0.0.10"][..]).prop_map(str::to_owned)
}

fn pool_name() -> impl Strategy<Value = String> {
    prop::sample::select(&["p1", "p2", "p 3"][..]).prop_map(str::to_owned)
}

fn json_document() -> impl Strategy<Value = Value> {
    prop::sample::select(vec![
        json!({}),
        json!({"process": {"rlimits": [{"type": "RLIMIT_NOFILE", "soft": 1024}]}}),
        json!({"process": {"cwd": "/", "user": null}, "hostname": "n"}),
        json!({"hostname": null}),
        json!({"linux": {"sysctl": {"a": u64::MAX}}}),
        json!([1, 2]),
    ])
}

fn runtime() -> impl Strategy<Value = Runtime> {
    (
        prop::option::of(toml_document()),
        prop::option::of(json_document()),
        prop::collection::vec(word(), 0..3),
        prop::collection::hash_map(word(), any::<u64>(), 0..3),
    )
        .prop_map(
            |(settings, base_runtime_spec, nameservers, limits)| Runtime {
                settings,
                base_runtime_spec,
                nameservers,
                limits,
            },
        )
}

fn pool() -> impl Strategy<Value = Pool> {
    (
        toml_document(),
        runtime(),
        prop::option::of(any::<u16>()),
        prop::option::of(word()),
    )
        .prop_map(|(drop_in, runtime, size, zone)| Pool {
            drop_in,
            runtime,
            size,
            zone,
        })
}

fn node() -> impl Strategy<Value = Node> {
    (
        (
            prop::option::of(word()),
            prop::option::of(any::<u32>()),
            prop::collection::vec(word(), 0..3),
            prop::collection::btree_map(word(), word(), 0..3),
        ),
        toml_document(),
        prop::option::of(runtime()),
        prop::collection::btree_map(pool_name(), pool(), 0..3),
    )
        .prop_map(
            |((name, max_pods, flags, labels), containerd_config, runtime, pools)| Node {
                name,
                max_pods,
                flags,
                labels,
                containerd_config,
                runtime,
                pools,
            },
        )
}

fn failure_point() -> impl Strategy<Value = FailurePoint> {
    prop_oneof![
        Just(FailurePoint::ContainerdConfig),
        Just(FailurePoint::RuntimeConfig),
        pool_name().prop_map(FailurePoint::PoolDropIn),
        pool_name().prop_map(FailurePoint::PoolRuntimeConfig),
    ]
}

/// A layer, broken at one point one time in six.
fn layer() -> impl Strategy<Value = Node> {
    (
        node(),
        prop::option::weighted(1.0 / 6.0, (failure_point(), broken_toml())),
    )
        .prop_map(|(mut node, broken)| {
            if let Some((point, document)) = broken {
                point.place(&mut node, &document);
            }
            node
        })
}

/// `((nothing <- l1) <- l2) <- l3 ...`, one `deep_merge` at a time, starting from an absent
/// value: the first layer arrives where nothing was, so its documents are checked like every
/// later layer's (`merge_all` promises the same).
fn left_fold(layers: Vec<Node>) -> Result<Node, MergeError> {
    let mut merged: Option<Node> = None;
    for layer in layers {
        merged.deep_merge(Some(layer))?;
    }
    Ok(merged.unwrap_or_default())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn merge_all_is_the_left_fold(layers in prop::collection::vec(layer(), 0..6)) {
        let all = merge_all(layers.clone()).map_err(|error| error.to_string());
        let folded = left_fold(layers).map_err(|error| error.to_string());
        prop_assert_eq!(all, folded);
    }

    #[test]
    fn a_failed_merge_changes_nothing_and_names_the_field(
        mut existing in node(),
        mut incoming in node(),
        point in failure_point(),
        broken in broken_toml(),
        repaired in toml_document(),
    ) {
        point.reach(&mut existing);
        point.place(&mut incoming, &broken);
        let before = existing.clone();

        let error = existing.deep_merge(incoming.clone()).expect_err("the broken document");
        prop_assert_eq!(&existing, &before, "the destination changed");
        prop_assert_eq!(error.path(), point.path());
        let message = error.to_string();
        prop_assert!(
            message.starts_with(&format!("{}: ", point.path())),
            "{}", message
        );

        point.place(&mut incoming, &repaired);
        prop_assert!(existing.deep_merge(incoming).is_ok(), "the repaired merge failed");
    }
}
