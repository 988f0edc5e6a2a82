//! `strategy = "keyed"`: list items merged by key (single and compound), order, duplicates,
//! atomicity, error paths and provenance.

use nodeconfig_core::trace::merge_all_traced;
use nodeconfig_core::{DeepMerge, MergeError, merge_all};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

#[derive(DeepMerge, Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
struct Listener {
    name: String,
    port: Option<u16>,
    #[merge(strategy = "append")]
    hosts: Vec<String>,
}

#[derive(DeepMerge, Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize, Serialize)]
enum Protocol {
    #[default]
    Tcp,
    Udp,
}

#[derive(DeepMerge, Debug, Clone, PartialEq, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct ServicePort {
    port: u16,
    protocol: Protocol,
    target_port: Option<u16>,
}

#[derive(DeepMerge, Debug, Clone, PartialEq, Default)]
struct Gateway {
    #[merge(strategy = "keyed", key = "name")]
    listeners: Vec<Listener>,
    #[merge(strategy = "keyed", key(port, protocol))]
    ports: Vec<ServicePort>,
    #[merge(strategy = "keyed", key = "name")]
    optional: Option<VecDeque<Listener>>,
}

fn listener(name: &str, port: Option<u16>) -> Listener {
    Listener {
        name: name.into(),
        port,
        hosts: Vec::new(),
    }
}

fn service_port(port: u16, protocol: Protocol, target_port: Option<u16>) -> ServicePort {
    ServicePort {
        port,
        protocol,
        target_port,
    }
}

fn listeners(items: Vec<Listener>) -> Gateway {
    Gateway {
        listeners: items,
        ..Gateway::default()
    }
}

fn names(gateway: &Gateway) -> Vec<&str> {
    gateway
        .listeners
        .iter()
        .map(|item| item.name.as_str())
        .collect()
}

#[test]
fn same_key_merges_with_the_item_type_and_new_keys_append_in_later_order() {
    let mut earlier = listeners(vec![
        listener("api", Some(80)),
        listener("metrics", Some(9090)),
    ]);
    earlier.listeners[0].hosts = vec!["a.example".into()];
    let mut later_api = listener("api", None);
    later_api.hosts = vec!["b.example".into()];
    let later = listeners(vec![
        listener("zeta", Some(1)),
        later_api,
        listener("alpha", Some(2)),
    ]);
    earlier.deep_merge(later).unwrap();
    assert_eq!(names(&earlier), ["api", "metrics", "zeta", "alpha"]);
    // `port: None` keeps 80; `hosts` appends, as the item type says.
    assert_eq!(earlier.listeners[0].port, Some(80));
    assert_eq!(earlier.listeners[0].hosts, ["a.example", "b.example"]);
    assert_eq!(earlier.listeners[1], listener("metrics", Some(9090)));
}

#[test]
fn later_items_with_earlier_keys_keep_the_earlier_position() {
    let mut earlier = listeners(vec![
        listener("a", None),
        listener("b", None),
        listener("c", None),
    ]);
    earlier
        .deep_merge(listeners(vec![
            listener("c", Some(3)),
            listener("a", Some(1)),
        ]))
        .unwrap();
    assert_eq!(names(&earlier), ["a", "b", "c"]);
    assert_eq!(earlier.listeners[0].port, Some(1));
    assert_eq!(earlier.listeners[2].port, Some(3));
}

#[test]
fn compound_keys_match_on_every_key_field() {
    // kubernetes issue 39188: port 53 over TCP and over UDP are two items, not one.
    let mut earlier = Gateway {
        ports: vec![
            service_port(53, Protocol::Tcp, Some(5353)),
            service_port(80, Protocol::Tcp, Some(8080)),
        ],
        ..Gateway::default()
    };
    let later = Gateway {
        ports: vec![
            service_port(53, Protocol::Udp, Some(5354)),
            service_port(80, Protocol::Tcp, Some(8081)),
        ],
        ..Gateway::default()
    };
    earlier.deep_merge(later).unwrap();
    assert_eq!(
        earlier.ports,
        [
            service_port(53, Protocol::Tcp, Some(5353)),
            service_port(80, Protocol::Tcp, Some(8081)),
            service_port(53, Protocol::Udp, Some(5354)),
        ]
    );
}

#[test]
fn an_empty_earlier_list_takes_the_later_list() {
    let mut earlier = Gateway::default();
    earlier
        .deep_merge(listeners(vec![listener("b", None), listener("a", None)]))
        .unwrap();
    assert_eq!(names(&earlier), ["b", "a"]);
    earlier.deep_merge(listeners(Vec::new())).unwrap();
    assert_eq!(names(&earlier), ["b", "a"]);
}

#[test]
fn option_of_a_list_keeps_on_none_and_takes_onto_none() {
    let with = |items: Vec<Listener>| Gateway {
        optional: Some(items.into()),
        ..Gateway::default()
    };
    let mut merged = merge_all([
        Gateway::default(),
        with(vec![listener("a", Some(1))]),
        Gateway::default(),
        with(vec![listener("b", None), listener("a", Some(2))]),
    ])
    .unwrap();
    let optional = merged.optional.take().unwrap();
    assert_eq!(optional, [listener("a", Some(2)), listener("b", None)]);
}

fn assert_duplicate(error: &MergeError, path: &str, indexes: (usize, usize)) {
    assert_eq!(error.path(), path);
    let message = error.message();
    assert!(
        message.contains(&format!(
            "at index {} and at index {}",
            indexes.0, indexes.1
        )),
        "{message}"
    );
}

#[test]
fn a_key_twice_in_the_later_list_is_an_error_naming_list_key_and_indexes() {
    let mut earlier = listeners(vec![listener("api", Some(80))]);
    let before = earlier.clone();
    let later = listeners(vec![
        listener("api", Some(81)),
        listener("x", None),
        listener("api", Some(82)),
    ]);
    let error = earlier.deep_merge(later).unwrap_err();
    assert_duplicate(&error, "listeners[name=api]", (0, 2));
    assert!(error.to_string().starts_with(
        "listeners[name=api]: the later list has the key `name=api` twice, at index 0 and at index 2"
    ));
    assert_eq!(earlier, before);
}

#[test]
fn a_compound_key_twice_names_every_key_field() {
    let mut earlier = Gateway::default();
    let later = Gateway {
        ports: vec![
            service_port(80, Protocol::Tcp, None),
            service_port(80, Protocol::Udp, None),
            service_port(80, Protocol::Tcp, Some(1)),
        ],
        ..Gateway::default()
    };
    let error = earlier.deep_merge(later).unwrap_err();
    assert_duplicate(&error, "ports[port=80,protocol=Tcp]", (0, 2));
    assert_eq!(earlier, Gateway::default());
}

#[test]
fn a_duplicate_in_the_first_layer_fails_merge_all() {
    let error = merge_all([listeners(vec![listener("a", None), listener("a", None)])]).unwrap_err();
    assert_duplicate(&error, "listeners[name=a]", (0, 1));
    assert!(error.message().starts_with("the later list"));
}

#[test]
fn a_duplicate_in_the_earlier_list_is_reported_as_such() {
    let mut earlier = listeners(vec![listener("a", None), listener("a", Some(1))]);
    let error = earlier
        .deep_merge(listeners(vec![listener("b", None)]))
        .unwrap_err();
    assert!(
        error
            .message()
            .starts_with("the earlier list has the key `name=a` twice")
    );
    assert_eq!(names(&earlier), ["a", "a"]);
}

/// An item whose merge fails in the prepare phase: a TOML text that does not parse.
#[derive(DeepMerge, Debug, Clone, PartialEq, Default)]
struct Plugin {
    name: String,
    #[merge(strategy = "toml_deep")]
    config: String,
}

#[derive(DeepMerge, Debug, Clone, PartialEq, Default)]
struct Plugins {
    other: Option<u8>,
    #[merge(strategy = "keyed", key = "name")]
    plugins: Vec<Plugin>,
}

fn plugin(name: &str, config: &str) -> Plugin {
    Plugin {
        name: name.into(),
        config: config.into(),
    }
}

#[test]
fn a_failing_item_merge_leaves_everything_unchanged_and_names_the_item_by_key() {
    let mut earlier = Plugins {
        other: Some(1),
        plugins: vec![plugin("cri", "a = 1\n"), plugin("cni", "b = 2\n")],
    };
    let before = earlier.clone();
    let later = Plugins {
        other: Some(2),
        plugins: vec![plugin("new", "c = 3\n"), plugin("cni", "[broken")],
    };
    let error = earlier.deep_merge(later).unwrap_err();
    assert_eq!(error.path(), "plugins[name=cni].config");
    assert_eq!(earlier, before);
}

#[test]
fn a_new_item_is_checked_as_a_new_value() {
    let mut earlier = Plugins::default();
    let later = Plugins {
        other: None,
        plugins: vec![plugin("ok", ""), plugin("bad key", "= 1")],
    };
    let error = earlier.deep_merge(later).unwrap_err();
    assert_eq!(error.path(), "plugins[name=\"bad key\"].config");
    assert_eq!(earlier, Plugins::default());
}

#[test]
fn provenance_names_items_by_key() {
    let (merged, provenance) = merge_all_traced([
        (
            "defaults",
            listeners(vec![
                listener("api", Some(80)),
                listener("metrics", Some(9090)),
            ]),
        ),
        (
            "user",
            listeners(vec![listener("api", Some(8080)), listener("admin", None)]),
        ),
    ])
    .unwrap();
    assert_eq!(names(&merged), ["api", "metrics", "admin"]);
    let api_port = provenance.get("listeners[name=api].port").unwrap();
    assert_eq!(provenance.source(api_port.layer), &"user");
    assert_eq!(api_port.replaced, [0]);
    let metrics = provenance.get("listeners[name=metrics].port").unwrap();
    assert_eq!(provenance.source(metrics.layer), &"defaults");
    let admin = provenance.get("listeners[name=admin].name").unwrap();
    assert_eq!(provenance.source(admin.layer), &"user");
    assert!(provenance.get("listeners[name=admin].port").is_none());
    assert!(
        provenance
            .iter()
            .all(|(path, _)| !path.contains("listeners[0"))
    );
}

#[test]
fn provenance_of_a_compound_key() {
    let (_, provenance) = merge_all_traced([(
        "only",
        Gateway {
            ports: vec![service_port(443, Protocol::Udp, Some(8443))],
            ..Gateway::default()
        },
    )])
    .unwrap();
    let origin = provenance
        .get("ports[port=443,protocol=Udp].targetPort")
        .unwrap();
    assert_eq!(origin.strategy, "replace");
}

/// Keyed fields in several variants of an enum, and in a struct with a layer type: each field's
/// key is defined once (per field of the derived type) and read by every phase, the layer's
/// merge included.
#[derive(DeepMerge, Debug, Clone, PartialEq)]
enum Routing {
    Static {
        #[merge(strategy = "keyed", key = "name")]
        listeners: Vec<Listener>,
    },
    Balanced(
        u8,
        #[merge(strategy = "keyed", key(port, protocol))] Vec<ServicePort>,
    ),
}

#[derive(DeepMerge, Debug, Clone, PartialEq)]
#[merge(layer = "EdgeLayer")]
struct Edge {
    #[merge(strategy = "keyed", key = "name", default)]
    listeners: Vec<Listener>,
    #[merge(strategy = "keyed", key(port, protocol), default)]
    ports: Vec<ServicePort>,
}

#[test]
fn keyed_fields_in_enum_variants_use_their_own_keys() {
    let mut routing = Routing::Balanced(1, vec![service_port(80, Protocol::Tcp, Some(8080))]);
    routing
        .deep_merge(Routing::Balanced(
            2,
            vec![
                service_port(80, Protocol::Tcp, Some(9090)),
                service_port(80, Protocol::Udp, None),
            ],
        ))
        .expect("the variants merge");
    assert_eq!(
        routing,
        Routing::Balanced(
            2,
            vec![
                service_port(80, Protocol::Tcp, Some(9090)),
                service_port(80, Protocol::Udp, None),
            ]
        )
    );
    let mut routing = Routing::Static {
        listeners: vec![listener("api", Some(80))],
    };
    let error = routing
        .deep_merge(Routing::Static {
            listeners: vec![listener("web", None), listener("web", Some(1))],
        })
        .expect_err("a key twice in one layer");
    assert!(error.path().starts_with("Static.listeners"), "{error}");
    assert!(error.to_string().contains("name=web"), "{error}");
}

#[test]
fn keyed_fields_of_a_layer_type_merge_by_key() {
    use nodeconfig_core::Layered;
    let layers = [
        EdgeLayer {
            listeners: Some(vec![listener("api", Some(80)), listener("web", Some(81))]),
            ..EdgeLayer::default()
        },
        EdgeLayer {
            listeners: Some(vec![listener("web", Some(90)), listener("admin", None)]),
            ports: Some(vec![service_port(443, Protocol::Tcp, None)]),
        },
    ];
    let merged: EdgeLayer = merge_all(layers).expect("the layers merge");
    let edge = Edge::from_layer(merged).expect("every field has a default");
    assert_eq!(
        edge.listeners,
        [
            listener("api", Some(80)),
            listener("web", Some(90)),
            listener("admin", None)
        ]
    );
    assert_eq!(edge.ports, [service_port(443, Protocol::Tcp, None)]);
}
