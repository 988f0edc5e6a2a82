//! `strategy = "keyed"` on every list it takes, with single, compound, string-listed and
//! keyword keys, and generic items.

use nodeconfig_core::{DeepMerge, merge_all};
use std::collections::VecDeque;

#[derive(DeepMerge, Debug, Default, PartialEq)]
struct Rlimit {
    r#type: String,
    soft: Option<u64>,
}

#[derive(DeepMerge, Debug, Default, PartialEq)]
struct Taint<V> {
    key: String,
    effect: String,
    value: Option<V>,
}

#[derive(DeepMerge, Default)]
struct Spec<V: DeepMerge + 'static> {
    #[merge(strategy = "keyed", key = "type")]
    rlimits: Vec<Rlimit>,
    #[merge(strategy = "keyed", key = "key, effect")]
    taints: VecDeque<Taint<V>>,
    #[merge(strategy = "keyed", key(key, effect))]
    optional_taints: Option<Vec<Taint<V>>>,
}

fn main() {
    let rlimit = |soft| Rlimit { r#type: "RLIMIT_NOFILE".into(), soft };
    let merged: Spec<String> = merge_all([
        Spec { rlimits: vec![rlimit(Some(1))], ..Spec::default() },
        Spec { rlimits: vec![rlimit(Some(2))], ..Spec::default() },
    ])
    .unwrap();
    assert_eq!(merged.rlimits, [rlimit(Some(2))]);
}
