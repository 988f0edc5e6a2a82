//! Layer types (`#[merge(layer = "...")]`): a later layer that does not mention a setting never
//! changes it; `null` unsets an `Option` setting and is an error on any other; required fields
//! left unset are all reported by their serde names.

use nodeconfig_core::trace::merge_all_traced;
use nodeconfig_core::{DeepMerge, Layered, MergeError, Setting, merge_all};
use serde::Deserialize;
use serde_json::json;

#[derive(DeepMerge, Debug, PartialEq, Clone, Deserialize, serde::Serialize)]
struct Tls {
    cert: Option<String>,
    key: Option<String>,
}

#[derive(DeepMerge, Debug, PartialEq)]
#[merge(layer = "LimitsLayer")]
#[serde(rename_all = "camelCase")]
struct Limits {
    max_connections: u32,
    #[merge(default = "default_timeout")]
    timeout_secs: u64,
}

fn default_timeout() -> u64 {
    30
}

fn default_port() -> u16 {
    8080
}

#[derive(DeepMerge, Debug, PartialEq)]
#[merge(layer = "ServerLayer")]
#[serde(rename_all = "camelCase")]
struct Server {
    host: String,
    #[merge(default = "default_port")]
    port: u16,
    #[merge(default)]
    debug: bool,
    tls: Option<Tls>,
    #[merge(strategy = "append", default)]
    plugins: Vec<String>,
    #[merge(strategy = "json_deep", default)]
    extra: serde_json::Value,
    #[merge(nested)]
    limits: Limits,
}

fn layer(value: serde_json::Value) -> ServerLayer {
    serde_json::from_value(value).expect("the test layer deserializes")
}

fn build(layers: Vec<serde_json::Value>) -> Result<Server, MergeError> {
    let merged: ServerLayer = merge_all(layers.into_iter().map(layer))?;
    Server::try_from(merged)
}

#[test]
fn absent_settings_keep_earlier_values() {
    let server = build(vec![
        json!({"host": "a", "port": 1, "debug": true, "plugins": ["metrics"],
               "limits": {"maxConnections": 10}}),
        json!({"plugins": ["auth"], "limits": {"timeoutSecs": 5}}),
    ])
    .unwrap();
    assert_eq!(server.host, "a");
    assert_eq!(server.port, 1);
    assert!(server.debug);
    assert_eq!(server.plugins, ["metrics", "auth"]);
    assert_eq!(
        server.limits,
        Limits {
            max_connections: 10,
            timeout_secs: 5
        }
    );
}

#[test]
fn defaults_fill_what_no_layer_sets() {
    let server = build(vec![json!({"host": "a", "limits": {"maxConnections": 1}})]).unwrap();
    assert_eq!(server.port, 8080);
    assert!(!server.debug);
    assert!(server.plugins.is_empty());
    assert_eq!(server.extra, serde_json::Value::Null);
    assert_eq!(server.limits.timeout_secs, 30);
    assert_eq!(server.tls, None);
}

#[test]
fn option_settings_have_three_states() {
    let tls = json!({"cert": "c.pem", "key": "k.pem"});
    let kept = build(vec![
        json!({"host": "a", "tls": tls, "limits": {"maxConnections": 1}}),
        json!({"port": 2}),
    ])
    .unwrap();
    assert_eq!(
        kept.tls.as_ref().and_then(|tls| tls.cert.as_deref()),
        Some("c.pem")
    );

    let merged = build(vec![
        json!({"host": "a", "tls": tls, "limits": {"maxConnections": 1}}),
        json!({"tls": {"cert": "new.pem"}}),
    ])
    .unwrap();
    let merged = merged.tls.unwrap();
    assert_eq!(merged.cert.as_deref(), Some("new.pem"));
    assert_eq!(merged.key.as_deref(), Some("k.pem"));

    let unset = build(vec![
        json!({"host": "a", "tls": tls, "limits": {"maxConnections": 1}}),
        json!({"tls": null}),
    ])
    .unwrap();
    assert_eq!(unset.tls, None);

    let set_again = build(vec![
        json!({"host": "a", "tls": tls, "limits": {"maxConnections": 1}}),
        json!({"tls": null}),
        json!({"tls": {"key": "k2.pem"}}),
    ])
    .unwrap();
    assert_eq!(
        set_again.tls,
        Some(Tls {
            cert: None,
            key: Some("k2.pem".into())
        })
    );
}

#[test]
fn null_on_a_required_setting_is_an_error_naming_it() {
    let error = serde_json::from_value::<ServerLayer>(json!({"port": null})).unwrap_err();
    assert!(
        error.to_string().contains("`port` cannot be null"),
        "{error}"
    );
    let error = serde_json::from_value::<ServerLayer>(json!({"limits": {"maxConnections": null}}))
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("`maxConnections` cannot be null"),
        "{error}"
    );
    let error = serde_json::from_value::<ServerLayer>(json!({"limits": null})).unwrap_err();
    assert!(
        error.to_string().contains("`limits` cannot be null"),
        "{error}"
    );
}

#[test]
fn every_missing_required_setting_is_named() {
    let error = build(vec![json!({"port": 1})]).unwrap_err();
    assert_eq!(error.path(), "host");
    assert_eq!(error.missing(), ["host", "limits.maxConnections"]);
    let message = error.to_string();
    assert!(
        message.starts_with("host: required setting missing"),
        "{message}"
    );
    assert!(message.contains("limits.maxConnections"), "{message}");

    let error = build(vec![json!({"host": "a"})]).unwrap_err();
    assert_eq!(error.path(), "limits.maxConnections");
}

#[test]
fn absent_settings_serialize_as_absent() {
    let layer = layer(json!({"host": "a", "tls": null, "limits": {"maxConnections": 3}}));
    assert_eq!(
        serde_json::to_value(&layer).unwrap(),
        json!({"host": "a", "tls": null, "limits": {"maxConnections": 3}})
    );
    assert_eq!(
        serde_json::to_value(ServerLayer::default()).unwrap(),
        json!({})
    );
    assert_eq!(layer.tls, Setting::Unset);
}

#[test]
fn strategies_apply_inside_layers() {
    let server = build(vec![
        json!({"host": "a", "extra": {"a": 1, "b": {"c": 2}}, "limits": {"maxConnections": 1}}),
        json!({"extra": {"b": {"c": null, "d": 3}}}),
    ])
    .unwrap();
    assert_eq!(server.extra, json!({"a": 1, "b": {"d": 3}}));
}

#[test]
fn a_failed_layer_merge_changes_nothing() {
    #[derive(DeepMerge, Debug)]
    #[merge(layer = "WithTomlLayer")]
    struct WithToml {
        #[merge(strategy = "toml_deep")]
        config: String,
        name: String,
    }
    let mut merged: WithTomlLayer =
        serde_json::from_value(json!({"config": "a = 1", "name": "x"})).unwrap();
    let broken: WithTomlLayer =
        serde_json::from_value(json!({"config": "[broken", "name": "y"})).unwrap();
    let error = merged.deep_merge(broken).unwrap_err();
    assert_eq!(error.path(), "config");
    assert_eq!(merged.name.as_deref(), Some("x"));
    assert_eq!(merged.config.as_deref(), Some("a = 1"));
    let built = WithToml::from_layer(merged).unwrap();
    assert_eq!(built.name, "x");
}

#[derive(DeepMerge, Debug, PartialEq)]
#[merge(layer = "AppLayer")]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct App {
    #[serde(rename = "service", alias = "svc")]
    service_name: String,
    #[merge(nested)]
    #[serde(flatten)]
    limits: Limits,
}

#[test]
fn serde_renames_aliases_and_flatten_carry_over() {
    let earlier: AppLayer =
        serde_json::from_value(json!({"svc": "shop", "maxConnections": 5})).unwrap();
    let later: AppLayer = serde_json::from_value(json!({"timeoutSecs": 9})).unwrap();
    let app = App::from_layer(merge_all([earlier, later]).unwrap()).unwrap();
    assert_eq!(app.service_name, "shop");
    assert_eq!(
        app.limits,
        Limits {
            max_connections: 5,
            timeout_secs: 9
        }
    );

    let error = App::from_layer(AppLayer::default()).unwrap_err();
    assert_eq!(error.missing(), ["service", "maxConnections"]);
}

#[test]
fn provenance_through_layers() {
    let tls = json!({"cert": "c.pem"});
    let layers = [
        (
            "defaults",
            layer(json!({"host": "a", "tls": tls, "plugins": ["m"]})),
        ),
        (
            "file",
            layer(json!({"port": 9, "plugins": ["n"], "limits": {"maxConnections": 2}})),
        ),
        ("env", layer(json!({"tls": null, "port": 10}))),
    ];
    let (merged, provenance) = merge_all_traced(layers).unwrap();
    let origin = |path: &str| {
        let origin = provenance
            .get(path)
            .unwrap_or_else(|| panic!("no provenance for {path}"));
        *provenance.source(origin.layer)
    };
    assert_eq!(origin("host"), "defaults");
    assert_eq!(origin("port"), "env");
    assert_eq!(provenance.get("port").unwrap().replaced, [1]);
    assert_eq!(origin("plugins[0]"), "defaults");
    assert_eq!(origin("plugins[1]"), "file");
    assert_eq!(origin("limits.maxConnections"), "file");
    assert!(
        provenance.get("tls.cert").is_none(),
        "the env layer unset tls"
    );
    let tls = provenance.get("tls").unwrap();
    assert!(tls.deleted);
    assert_eq!(
        (*provenance.source(tls.layer), tls.strategy),
        ("env", nodeconfig_core::Strategy::UNSET)
    );
    let server = Server::from_layer(merged).unwrap();
    assert_eq!((server.port, server.tls), (10, None));
}

#[derive(DeepMerge, Debug, PartialEq)]
#[merge(layer = "PairLayer")]
struct Pair<T> {
    first: T,
    second: Option<T>,
}

#[test]
fn generic_structs_have_generic_layers() {
    let earlier: PairLayer<u8> = serde_json::from_value(json!({"first": 1, "second": 2})).unwrap();
    let later: PairLayer<u8> = serde_json::from_value(json!({"second": null})).unwrap();
    let pair = Pair::from_layer(merge_all([earlier, later]).unwrap()).unwrap();
    assert_eq!(
        pair,
        Pair {
            first: 1,
            second: None
        }
    );
}

#[test]
fn merge_nonempty_needs_no_default() {
    let merged = nodeconfig_core::merge_nonempty([
        Limits {
            max_connections: 1,
            timeout_secs: 2,
        },
        Limits {
            max_connections: 3,
            timeout_secs: 4,
        },
    ])
    .unwrap();
    assert_eq!(
        merged,
        Some(Limits {
            max_connections: 3,
            timeout_secs: 4
        })
    );
    assert_eq!(
        nodeconfig_core::merge_nonempty(Vec::<Limits>::new()).unwrap(),
        None
    );
}

#[derive(DeepMerge, Debug)]
#[merge(layer = "SpecLayer")]
struct Spec {
    #[merge(strategy = "json_deep", default)]
    runtime: serde_json::Value,
    #[merge(strategy = "json_deep")]
    patch: Option<serde_json::Value>,
}

#[test]
fn a_document_landing_where_none_was_is_merged_into_nothing() {
    // RFC 7396 applied onto an absent value drops the patch's nulls, whether nothing was there
    // because no layer set it or because a layer unset it. (The first layer is the base that
    // `merge_all` starts from, not a patch, so it comes with nothing in it here.)
    let layers = [
        json!({}),
        json!({"runtime": {"a": null, "b": 1}, "patch": {"c": null, "d": 2}}),
        json!({"patch": null}),
        json!({"patch": {"e": null, "f": 3}}),
    ];
    let spec = Spec::from_layer(
        merge_all(layers.map(|layer| serde_json::from_value::<SpecLayer>(layer).unwrap())).unwrap(),
    )
    .unwrap();
    assert_eq!(spec.runtime, json!({"b": 1}));
    assert_eq!(spec.patch, Some(json!({"f": 3})));
}

#[derive(DeepMerge, Debug, PartialEq)]
#[merge(layer = "OuterLayer")]
struct Outer<T> {
    #[merge(nested)]
    pair: Pair<T>,
    #[merge(default)]
    count: T,
}

#[test]
fn generic_nested_layers() {
    let earlier: OuterLayer<u8> =
        serde_json::from_value(json!({"pair": {"first": 1}, "count": 2})).unwrap();
    let later: OuterLayer<u8> = serde_json::from_value(json!({"pair": {"second": 3}})).unwrap();
    let outer = Outer::from_layer(merge_all([earlier, later]).unwrap()).unwrap();
    assert_eq!(
        outer.pair,
        Pair {
            first: 1,
            second: Some(3)
        }
    );
    assert_eq!(outer.count, 2);
    let error = Outer::<u8>::from_layer(OuterLayer::default()).unwrap_err();
    assert_eq!(error.missing(), ["pair.first"]);
}

#[derive(DeepMerge, Debug)]
#[merge(layer = "RuntimeLayer")]
struct Runtime {
    #[merge(strategy = "toml_deep")]
    config: Option<String>,
    #[merge(skip, default)]
    origin: String,
    #[merge(strategy = "keep", default)]
    first_seen: u64,
}

#[test]
fn skip_and_keep_in_layers_take_the_first_value_given() {
    let layers = [
        json!({}),
        json!({"origin": "a", "first_seen": 1}),
        json!({"origin": "b", "first_seen": 2}),
    ];
    let layers = layers.map(|layer| serde_json::from_value::<RuntimeLayer>(layer).unwrap());
    let runtime = Runtime::from_layer(merge_all(layers).unwrap()).unwrap();
    assert_eq!(runtime.origin, "a");
    assert_eq!(runtime.first_seen, 1);
}

#[test]
fn a_broken_document_landing_on_an_unset_setting_changes_nothing() {
    let mut merged: RuntimeLayer =
        serde_json::from_value(json!({"config": null, "origin": "x"})).unwrap();
    let broken: RuntimeLayer =
        serde_json::from_value(json!({"config": "[grpc", "origin": "y"})).unwrap();
    let error = merged.deep_merge(broken).unwrap_err();
    assert_eq!(error.path(), "config");
    assert_eq!(merged.config, Setting::Unset);
    assert_eq!(merged.origin.as_deref(), Some("x"));
}
