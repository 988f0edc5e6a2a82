//! `json_deep` on every type it accepts, plain and in `Option`.

use nodeconfig_core::DeepMerge;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap};

#[derive(DeepMerge, Debug, PartialEq)]
struct Documents {
    #[merge(strategy = "json_deep")]
    value: Value,
    #[merge(strategy = "json_deep")]
    map: Map<String, Value>,
    #[merge(strategy = "json_deep")]
    btree: BTreeMap<String, Value>,
    #[merge(strategy = "json_deep")]
    hash: HashMap<String, Value>,
    #[merge(strategy = "json_deep")]
    option_value: Option<Value>,
    #[merge(strategy = "json_deep")]
    option_map: Option<serde_json::Map<String, serde_json::Value>>,
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => unreachable!(),
    }
}

fn main() {
    let mut earlier = Documents {
        value: json!({"a": 1, "b": {"c": 2}}),
        map: object(json!({"a": 1})),
        btree: BTreeMap::from([("a".to_owned(), json!(1))]),
        hash: HashMap::from([("a".to_owned(), json!({"x": 1}))]),
        option_value: None,
        option_map: Some(object(json!({"keep": true}))),
    };
    earlier
        .deep_merge(Documents {
            value: json!({"a": null, "b": {"d": 18_446_744_073_709_551_615_u64}}),
            map: object(json!({"b": 2})),
            btree: BTreeMap::from([("a".to_owned(), Value::Null)]),
            hash: HashMap::from([("a".to_owned(), json!({"y": 2}))]),
            option_value: Some(json!({"rlimits": []})),
            option_map: None,
        })
        .unwrap();
    assert_eq!(
        earlier.value,
        json!({"b": {"c": 2, "d": 18_446_744_073_709_551_615_u64}})
    );
    assert_eq!(Value::Object(earlier.map), json!({"a": 1, "b": 2}));
    assert!(earlier.btree.is_empty());
    assert_eq!(earlier.hash["a"], json!({"x": 1, "y": 2}));
    assert_eq!(earlier.option_value, Some(json!({"rlimits": []})));
    assert_eq!(
        earlier.option_map.map(Value::Object),
        Some(json!({"keep": true}))
    );
}
