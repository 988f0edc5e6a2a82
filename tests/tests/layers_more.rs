//! issue 15 (layer types) beyond the examples: missing fields at every depth in
//! serde's spelling, field renames, `default = "path"` through a module, three-state `Option`s
//! of structs, and the layer of a struct whose only serde attributes are on its fields.

use nodeconfig_core::{DeepMerge, Layered, merge_all, merge_nonempty};
use serde_json::json;

mod defaults {
    pub fn retries() -> u8 {
        3
    }
}

#[derive(DeepMerge, Debug, PartialEq)]
#[merge(layer = "InnerLayer")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
struct Inner {
    deep_value: u8,
    other_value: u8,
}

#[derive(DeepMerge, Debug, PartialEq)]
#[merge(layer = "MiddleLayer")]
#[serde(rename_all = "camelCase")]
struct Middle {
    middle_name: String,
    #[merge(nested)]
    #[serde(rename = "theInner")]
    inner_part: Inner,
    #[merge(default = "defaults::retries")]
    retry_count: u8,
}

#[derive(DeepMerge, Debug, PartialEq, Clone, serde::Deserialize, serde::Serialize)]
struct Tls {
    cert: Option<String>,
    key: Option<String>,
}

#[derive(DeepMerge, Debug, PartialEq)]
#[merge(layer = "OuterLayer")]
struct Outer {
    #[serde(rename = "top-name")]
    top_name: String,
    #[merge(nested)]
    middle: Middle,
    tls: Option<Tls>,
}

fn outer(value: serde_json::Value) -> OuterLayer {
    serde_json::from_value(value).expect("the layer deserializes")
}

#[test]
fn missing_fields_at_every_depth_are_named_in_serde_spelling() {
    let error = Outer::from_layer(OuterLayer::default()).unwrap_err();
    assert_eq!(
        error.missing(),
        [
            "top-name",
            "middle.middleName",
            "middle.theInner.DEEP_VALUE",
            "middle.theInner.OTHER_VALUE"
        ]
    );
    assert_eq!(error.path(), "top-name");
    let partly = outer(json!({"middle": {"theInner": {"DEEP_VALUE": 1}}}));
    let error = Outer::try_from(partly).unwrap_err();
    assert_eq!(
        error.missing(),
        [
            "top-name",
            "middle.middleName",
            "middle.theInner.OTHER_VALUE"
        ]
    );
}

#[test]
fn a_default_path_through_a_module_and_nested_values_build() {
    let built = Outer::from_layer(
        merge_all([
            outer(json!({"top-name": "a", "middle": {"middleName": "m"}})),
            outer(json!({"middle": {"theInner": {"DEEP_VALUE": 1, "OTHER_VALUE": 2}}})),
        ])
        .unwrap(),
    )
    .unwrap();
    assert_eq!(built.middle.retry_count, 3);
    assert_eq!(
        built.middle.inner_part,
        Inner {
            deep_value: 1,
            other_value: 2
        }
    );
}

#[test]
fn an_option_of_a_struct_is_three_state_through_several_layers() {
    let required = json!({"top-name": "a", "middle": {"middleName": "m",
        "theInner": {"DEEP_VALUE": 1, "OTHER_VALUE": 2}}});
    let build = |layers: Vec<serde_json::Value>| {
        let mut all = vec![outer(required.clone())];
        all.extend(layers.into_iter().map(outer));
        Outer::from_layer(merge_nonempty(all).unwrap().unwrap())
            .unwrap()
            .tls
    };
    let cert = json!({"tls": {"cert": "c"}});
    let key = json!({"tls": {"key": "k"}});
    let unset = json!({"tls": null});
    let tls = |cert: Option<&str>, key: Option<&str>| {
        Some(Tls {
            cert: cert.map(Into::into),
            key: key.map(Into::into),
        })
    };
    assert_eq!(
        build(vec![cert.clone(), key.clone()]),
        tls(Some("c"), Some("k"))
    );
    assert_eq!(build(vec![cert.clone(), unset.clone()]), None);
    // After an unset, a later value starts from nothing: the earlier cert does not come back.
    assert_eq!(
        build(vec![cert.clone(), unset.clone(), key.clone()]),
        tls(None, Some("k"))
    );
    assert_eq!(build(vec![cert.clone(), json!({})]), tls(Some("c"), None));
    assert_eq!(build(vec![unset, json!({})]), None);
}
