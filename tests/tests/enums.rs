//! Enums: the same variant merges field by field; another variant replaces the value.

use nodeconfig_core::DeepMerge;
use std::collections::BTreeMap;

#[derive(DeepMerge, Debug, Clone, PartialEq)]
enum LocalStorage {
    Raid0 {
        mount_path: Option<String>,
        disabled: BTreeMap<String, bool>,
    },
    Mount(Option<String>),
    Tuple(Option<u8>, Option<u8>),
    Off,
}

#[test]
fn the_same_struct_variant_merges_field_by_field() {
    let mut existing = LocalStorage::Raid0 {
        mount_path: Some("/mnt/k8s".into()),
        disabled: BTreeMap::from([("Containerd".into(), true)]),
    };
    existing
        .deep_merge(LocalStorage::Raid0 {
            mount_path: None,
            disabled: BTreeMap::from([("PodLogs".into(), true)]),
        })
        .unwrap();
    assert_eq!(
        existing,
        LocalStorage::Raid0 {
            mount_path: Some("/mnt/k8s".into()),
            disabled: BTreeMap::from([("Containerd".into(), true), ("PodLogs".into(), true)]),
        }
    );
}

#[test]
fn the_same_tuple_variant_merges_positionally() {
    let mut existing = LocalStorage::Tuple(Some(1), Some(2));
    existing
        .deep_merge(LocalStorage::Tuple(None, Some(3)))
        .unwrap();
    assert_eq!(existing, LocalStorage::Tuple(Some(1), Some(3)));

    let mut mount = LocalStorage::Mount(Some("/a".into()));
    mount.deep_merge(LocalStorage::Mount(None)).unwrap();
    assert_eq!(mount, LocalStorage::Mount(Some("/a".into())));
}

#[test]
fn another_variant_replaces_the_value() {
    let mut existing = LocalStorage::Mount(Some("/a".into()));
    existing.deep_merge(LocalStorage::Off).unwrap();
    assert_eq!(existing, LocalStorage::Off);
    existing
        .deep_merge(LocalStorage::Tuple(Some(9), None))
        .unwrap();
    assert_eq!(existing, LocalStorage::Tuple(Some(9), None));
}

#[derive(DeepMerge, Debug, PartialEq)]
enum OnlyOne {
    Settings { verbose: Option<bool> },
}

#[test]
fn a_single_variant_enum_always_merges() {
    let mut existing = OnlyOne::Settings {
        verbose: Some(true),
    };
    existing
        .deep_merge(OnlyOne::Settings { verbose: None })
        .unwrap();
    assert_eq!(
        existing,
        OnlyOne::Settings {
            verbose: Some(true)
        }
    );
}

#[derive(DeepMerge, Debug, PartialEq, Clone, Copy)]
enum Strategy {
    Raid0,
    Raid10,
}

#[test]
fn fieldless_enums_replace() {
    let mut existing = Some(Strategy::Raid0);
    existing.deep_merge(Some(Strategy::Raid10)).unwrap();
    assert_eq!(existing, Some(Strategy::Raid10));
    existing.deep_merge(None).unwrap();
    assert_eq!(existing, Some(Strategy::Raid10));
}

/// Every variant has fields: the arms for "same variant" do not cover a change of variant, which
/// must still replace (and compile).
#[derive(DeepMerge, Debug, PartialEq)]
enum Source {
    File { path: Option<String> },
    Inline(Option<String>),
}

#[test]
fn enums_whose_variants_all_have_fields_merge_and_replace() {
    let mut existing = Source::File {
        path: Some("/etc/a".into()),
    };
    existing.deep_merge(Source::File { path: None }).unwrap();
    assert_eq!(
        existing,
        Source::File {
            path: Some("/etc/a".into())
        }
    );
    existing
        .deep_merge(Source::Inline(Some("x".into())))
        .unwrap();
    assert_eq!(existing, Source::Inline(Some("x".into())));
}
