//! Structured paths: `Segment`s written as the dotted text `MergeError::path` has always given,
//! map keys recovered exactly from their `Debug` text, and the same segments in errors and in
//! provenance.

use nodeconfig_core::trace::merge_all_traced;
use nodeconfig_core::{DeepMerge, Key, MergeError, Path, Segment, merge_all};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::fmt::Debug;

#[derive(DeepMerge, Default)]
struct Document {
    #[merge(strategy = "toml_deep")]
    config: String,
}

/// The error of a map whose entry under `key` holds a broken TOML document in the later layer.
fn error_under<K: Ord + Debug + Clone>(key: K) -> MergeError {
    let document = |config: &str| Document {
        config: config.into(),
    };
    let mut existing = BTreeMap::from([(key.clone(), document("a = 1"))]);
    existing
        .deep_merge(BTreeMap::from([(key, document("["))]))
        .unwrap_err()
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Zone {
    East,
}

#[test]
fn map_keys_are_written_plain_or_bracketed_and_quoted() {
    let cases: [(&dyn Fn() -> MergeError, Segment, &str); 10] = [
        (
            &|| error_under("kubelet"),
            Segment::key(&"kubelet"),
            "kubelet",
        ),
        (&|| error_under("a.b"), Segment::key(&"a.b"), r#"["a.b"]"#),
        (
            &|| error_under("a[0]"),
            Segment::key(&"a[0]"),
            r#"["a[0]"]"#,
        ),
        (
            &|| error_under("say \"hi\""),
            Segment::key(&"say \"hi\""),
            r#"["say \"hi\""]"#,
        ),
        (&|| error_under(""), Segment::key(&""), r#"[""]"#),
        (
            &|| error_under("node.kubernetes.io/role".to_string()),
            Segment::key(&"node.kubernetes.io/role"),
            r#"["node.kubernetes.io/role"]"#,
        ),
        (
            &|| error_under("tab\there"),
            Segment::key(&"tab\there"),
            r#"["tab\there"]"#,
        ),
        (
            &|| error_under(7_u16),
            Segment::Key(Key::Other("7".into())),
            "7",
        ),
        (
            &|| error_under(Zone::East),
            Segment::Key(Key::Other("East".into())),
            "East",
        ),
        (
            &|| error_under((1, 2)),
            Segment::Key(Key::Other("(1, 2)".into())),
            r#"["(1, 2)"]"#,
        ),
    ];
    for (error, segment, text) in cases {
        let error = error();
        assert_eq!(segment.to_string(), text);
        assert_eq!(error.path(), format!("{text}.config"));
        assert_eq!(error.segments(), [segment, Segment::field("config")]);
    }
}

#[test]
fn string_keys_come_back_exactly_from_their_debug_text() {
    for key in [
        "a.b",
        "a[0]",
        "\"",
        "",
        "\\",
        "\n\r\t\0",
        "\u{7f}\u{301}é",
        "]}[{",
    ] {
        assert_eq!(Key::from_debug(&key), Key::Str(key.to_owned()), "{key:?}");
        assert_eq!(Key::from_debug(&key.to_string()).as_str(), Some(key));
    }
    // A `Debug` that only looks like a string literal is not taken for one.
    struct Fake;
    impl Debug for Fake {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("\"a\\qb\"")
        }
    }
    assert_eq!(Key::from_debug(&Fake), Key::Other("\"a\\qb\"".into()));
    assert_eq!(Segment::key(&Fake).to_string(), "[\"a\\qb\"]");
}

proptest! {
    #[test]
    fn any_string_key_round_trips_through_debug(key in any::<String>()) {
        prop_assert_eq!(Key::from_debug(&key), Key::Str(key.clone()));
        let borrowed = Key::from_debug(&key.as_str());
        prop_assert_eq!(borrowed.as_str(), Some(key.as_str()));
    }
}

#[test]
fn paths_join_segments_with_dots_and_attach_brackets() {
    let item = Segment::Item(vec![
        ("port".into(), Key::Other("80".into())),
        ("protocol".into(), Key::from("TCP")),
        ("host".into(), Key::from("a b")),
    ]);
    let path = Path::from_iter([
        Segment::field("spec"),
        Segment::key(&"a.b"),
        Segment::Index(0),
        item,
        Segment::variant("raid0"),
        Segment::key(&"plain"),
        Segment::Key(Key::from("")),
    ]);
    assert_eq!(
        path.to_string(),
        r#"spec["a.b"][0][port=80,protocol=TCP,host="a b"].raid0.plain[""]"#
    );
    let error = MergeError::custom("bad").at_path(&path);
    assert_eq!(error.segments(), path.segments());
    assert_eq!(error.path(), path.to_string());
    assert_eq!(error.to_string(), format!("{path}: bad"));
}

#[derive(DeepMerge, Default)]
struct Listener {
    name: String,
    port: u16,
    #[merge(strategy = "toml_deep")]
    options: String,
}

#[derive(DeepMerge)]
#[serde(rename_all = "camelCase")]
enum Group {
    Pool {
        #[merge(strategy = "keyed", key(name, port))]
        listeners: Vec<Listener>,
    },
}

impl Default for Group {
    fn default() -> Self {
        Group::Pool {
            listeners: Vec::new(),
        }
    }
}

#[derive(DeepMerge, Default)]
struct Spec {
    #[serde(rename = "nodeGroups")]
    groups: BTreeMap<String, Group>,
}

#[derive(DeepMerge, Default)]
struct Root {
    spec: Spec,
}

fn root(options: &str) -> Root {
    let listener = Listener {
        name: "api".into(),
        port: 443,
        options: options.into(),
    };
    let group = Group::Pool {
        listeners: vec![listener],
    };
    Root {
        spec: Spec {
            groups: BTreeMap::from([("gpu.large".to_string(), group)]),
        },
    }
}

/// `spec.nodeGroups["gpu.large"].pool.listeners[name=api,port=443].options`, segment by segment.
fn nested_path() -> Vec<Segment> {
    vec![
        Segment::field("spec"),
        Segment::field("nodeGroups"),
        Segment::Key(Key::from("gpu.large")),
        Segment::variant("pool"),
        Segment::field("listeners"),
        Segment::Item(vec![
            ("name".into(), Key::from("api")),
            ("port".into(), Key::Other("443".into())),
        ]),
        Segment::field("options"),
    ]
}

#[test]
fn a_nested_failure_names_every_segment_on_its_way_out() {
    let error = merge_all([root("a = 1"), root("[")])
        .map(|_| ())
        .unwrap_err();
    assert_eq!(error.segments(), nested_path());
    assert_eq!(
        error.path(),
        r#"spec.nodeGroups["gpu.large"].pool.listeners[name=api,port=443].options"#
    );
    assert_eq!(error.layer(), Some(1));
}

#[test]
fn provenance_gives_the_same_segments_as_errors() {
    let (_, provenance) = merge_all_traced([("a", root("a = 1")), ("b", root("b = 2"))]).unwrap();
    let mut expected = nested_path();
    expected.push(Segment::Key(Key::from("b")));
    let text = Path::from_iter(expected.iter().cloned()).to_string();
    let origin = provenance.get(&text).unwrap();
    assert_eq!(origin.segments(), expected);
    assert_eq!(provenance.source(origin.layer), &"b");
    for (path, origin) in provenance.iter() {
        assert_eq!(
            Path::from_iter(origin.segments().iter().cloned()).to_string(),
            path
        );
    }
}

#[test]
fn an_error_stays_one_pointer_wide_with_its_path() {
    // The hot path returns `Result<(), MergeError>`: the path lives behind the error's box.
    assert_eq!(
        std::mem::size_of::<Result<(), MergeError>>(),
        std::mem::size_of::<usize>()
    );
    fn thread_safe<T: Send + Sync + 'static>() {}
    thread_safe::<MergeError>();
    thread_safe::<Path>();
}

#[derive(DeepMerge, Debug)]
#[merge(layer = "LimitsLayer")]
#[serde(rename_all = "camelCase")]
struct Limits {
    max_connections: u32,
}

#[derive(DeepMerge, Debug)]
#[merge(layer = "ServerLayer")]
struct Server {
    host: String,
    #[merge(nested)]
    limits: Limits,
}

#[test]
fn missing_settings_keep_the_segments_of_nested_layers() {
    use nodeconfig_core::Layered;
    let error = Server::from_layer(ServerLayer::default()).unwrap_err();
    assert_eq!(error.missing(), ["host", "limits.maxConnections"]);
    assert_eq!(error.segments(), [Segment::field("host")]);
    let nested: Vec<&[Segment]> = error.missing_paths().iter().map(Path::segments).collect();
    assert_eq!(
        nested,
        [
            &[Segment::field("host")][..],
            &[Segment::field("limits"), Segment::field("maxConnections")][..],
        ]
    );
}
