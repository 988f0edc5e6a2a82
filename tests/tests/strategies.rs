//! Each built-in strategy, on the field types it accepts, through the derive.

use nodeconfig_core::{DeepMerge, merge_all};
use std::collections::{BTreeMap, VecDeque};

#[derive(DeepMerge, Debug, Default, PartialEq)]
struct Lists {
    #[merge(strategy = "append")]
    flags: Vec<String>,
    #[merge(strategy = "append")]
    queue: Option<VecDeque<u8>>,
    #[merge(strategy = "replace")]
    nameservers: Vec<String>,
    #[merge(strategy = "replace")]
    domains: Option<Vec<String>>,
    #[merge(strategy = "keep")]
    first_boot: Vec<String>,
    #[merge(strategy = "keep")]
    instance_id: Option<String>,
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}

#[test]
fn append_puts_later_items_after_earlier_ones() {
    let mut existing = Lists {
        flags: strings(&["--v=2"]),
        ..Lists::default()
    };
    existing
        .deep_merge(Lists {
            flags: strings(&["--max-pods=58"]),
            queue: Some(VecDeque::from([1])),
            ..Lists::default()
        })
        .unwrap();
    assert_eq!(existing.flags, ["--v=2", "--max-pods=58"]);
    assert_eq!(existing.queue, Some(VecDeque::from([1])));
}

#[test]
fn replace_takes_the_later_list_even_when_empty_and_option_none_keeps() {
    let mut existing = Lists {
        nameservers: strings(&["10.0.0.2"]),
        domains: Some(strings(&["corp"])),
        ..Lists::default()
    };
    existing.deep_merge(Lists::default()).unwrap();
    assert!(
        existing.nameservers.is_empty(),
        "a plain replace takes the later value, empty or not"
    );
    assert_eq!(
        existing.domains,
        Some(strings(&["corp"])),
        "a later None keeps the earlier Some"
    );
    existing
        .deep_merge(Lists {
            domains: Some(vec![]),
            ..Lists::default()
        })
        .unwrap();
    assert_eq!(existing.domains, Some(vec![]));
}

#[test]
fn keep_lets_the_earlier_value_win() {
    let merged = merge_all([
        Lists {
            first_boot: strings(&["a"]),
            ..Lists::default()
        },
        Lists {
            first_boot: strings(&["b"]),
            instance_id: Some("i-1".into()),
            ..Lists::default()
        },
        Lists {
            instance_id: Some("i-2".into()),
            ..Lists::default()
        },
    ])
    .unwrap();
    assert_eq!(merged.first_boot, ["a"]);
    assert_eq!(
        merged.instance_id.as_deref(),
        Some("i-1"),
        "a later value only fills None"
    );
}

#[derive(DeepMerge, Debug, Default, PartialEq)]
struct Kubelet {
    max_pods: Option<u32>,
    labels: BTreeMap<String, String>,
    #[merge(skip)]
    computed: u32,
    #[merge(with = "add_up")]
    restarts: u32,
}

fn add_up(existing: &mut u32, incoming: u32) -> Result<(), nodeconfig_core::MergeError> {
    *existing += incoming;
    Ok(())
}

#[test]
fn default_merges_skip_and_with() {
    let mut existing = Kubelet {
        max_pods: Some(110),
        labels: BTreeMap::from([("a".into(), "1".into())]),
        computed: 7,
        restarts: 1,
    };
    existing
        .deep_merge(Kubelet {
            max_pods: None,
            labels: BTreeMap::from([("b".into(), "2".into())]),
            computed: 99,
            restarts: 2,
        })
        .unwrap();
    assert_eq!(existing.max_pods, Some(110));
    assert_eq!(existing.labels.len(), 2);
    assert_eq!(
        existing.computed, 7,
        "a skipped field keeps its earlier value"
    );
    assert_eq!(existing.restarts, 3);
}

#[test]
fn merge_all_of_nothing_is_the_default() {
    assert_eq!(
        merge_all(Vec::<Kubelet>::new()).unwrap(),
        Kubelet::default()
    );
}
