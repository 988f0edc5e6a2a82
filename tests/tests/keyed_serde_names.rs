//! Keyed lists beyond the examples (issue 17): a key field renamed by serde is written
//! under its serde name in paths, keyed `VecDeque` under `Option` through `merge_all`, a
//! duplicate key deep inside a nested keyed list (atomic), and the error path of an item inside
//! an item.

use nodeconfig_core::trace::merge_all_traced;
use nodeconfig_core::{DeepMerge, merge_all};
use std::collections::VecDeque;

#[derive(DeepMerge, Debug, Clone, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
struct Route {
    route_name: String,
    weight: Option<u8>,
}

#[derive(DeepMerge, Debug, Clone, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
struct Listener {
    #[serde(rename = "id")]
    listener_name: String,
    port: Option<u16>,
    #[merge(strategy = "keyed", key = "route_name")]
    routes: Vec<Route>,
}

#[derive(DeepMerge, Debug, Clone, PartialEq, Default)]
struct Gateway {
    #[merge(strategy = "keyed", key = "listener_name")]
    listeners: Option<VecDeque<Listener>>,
}

fn route(name: &str, weight: Option<u8>) -> Route {
    Route {
        route_name: name.into(),
        weight,
    }
}

fn listener(name: &str, port: Option<u16>, routes: Vec<Route>) -> Listener {
    Listener {
        listener_name: name.into(),
        port,
        routes,
    }
}

fn gateway(listeners: Vec<Listener>) -> Gateway {
    Gateway {
        listeners: Some(listeners.into()),
    }
}

#[test]
fn nested_keyed_lists_under_option_vecdeque_merge_by_key() {
    let merged = merge_all([
        Gateway::default(),
        gateway(vec![listener("api", Some(80), vec![route("a", Some(1))])]),
        Gateway::default(),
        gateway(vec![
            listener("web", None, vec![]),
            listener("api", None, vec![route("b", None), route("a", Some(5))]),
        ]),
    ])
    .unwrap();
    assert_eq!(
        merged,
        gateway(vec![
            listener("api", Some(80), vec![route("a", Some(5)), route("b", None)]),
            listener("web", None, vec![]),
        ])
    );
}

#[test]
fn paths_use_the_serde_names_of_keys_and_fields() {
    let (_, provenance) = merge_all_traced([
        (
            "one",
            gateway(vec![listener("api", Some(80), vec![route("a", Some(1))])]),
        ),
        (
            "two",
            gateway(vec![listener("api", Some(81), vec![route("a", Some(2))])]),
        ),
    ])
    .unwrap();
    let paths: Vec<&str> = provenance.iter().map(|(path, _)| path).collect();
    assert!(paths.contains(&"listeners[id=api].port"), "{paths:?}");
    assert!(
        paths.contains(&"listeners[id=api].routes[routeName=a].weight"),
        "{paths:?}"
    );
}

#[test]
fn a_duplicate_key_deep_inside_is_an_atomic_error_naming_both_levels() {
    let mut earlier = gateway(vec![listener("api", Some(80), vec![route("a", Some(1))])]);
    let before = earlier.clone();
    let later = gateway(vec![
        listener("web", Some(1), vec![]),
        listener("api", Some(9), vec![route("x", None), route("x", Some(2))]),
    ]);
    let error = earlier.deep_merge(later).unwrap_err();
    assert!(
        error.path().starts_with("listeners[id=api].routes"),
        "{}",
        error.path()
    );
    let message = error.to_string();
    assert!(message.contains('x') && message.contains('1'), "{message}");
    assert_eq!(earlier, before);
}
