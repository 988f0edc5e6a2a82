//! A million levels on a 2 MiB thread (issue 11, items 10 and 11): every traced walk (`json_deep`,
//! `merge_patch`, TOML tables; deep on one side or both) and every drop of a replaced or deleted
//! deep value (JSON through `json_deep` and `merge_patch`, `toml::Value` / `toml::Table`) take
//! heap, not one stack frame a level.

use nodeconfig_core::DeepMerge;
use nodeconfig_core::trace::merge_all_traced;
use serde_json::{Map, Value, json};

const DEPTH: usize = 1_000_000;

/// A thread's default stack on Linux: a walk that recursed once per level would overflow long
/// before a million levels (the traced walk used to at about 20,000).
const STACK: usize = 2 * 1024 * 1024;

fn on_2_mib_stack(test: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(test)
        .expect("spawns a thread")
        .join()
        .expect("the test thread panicked");
}

#[derive(DeepMerge, Default)]
#[serde(rename_all = "camelCase")]
struct Spec {
    #[merge(strategy = "json_deep")]
    base_runtime_spec: Option<Value>,
}

/// `{"k": {"k": ... {"leaf": n} ...}}`, `depth` objects deep, built without recursion.
fn nested_json(depth: usize, leaf: i64) -> Value {
    let mut value = json!({ "leaf": leaf });
    for _ in 1..depth {
        let mut members = Map::new();
        members.insert("k".to_owned(), value);
        value = Value::Object(members);
    }
    value
}

/// Drops a JSON value level by level (serde_json's drop recurses).
fn dismantle_json(value: Value) {
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        match value {
            Value::Object(members) => pending.extend(members.into_values()),
            Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
}

#[test]
fn a_million_level_json_patch_is_traced_on_a_2_mib_stack() {
    on_2_mib_stack(|| {
        let layers = [
            ("part 1", Spec::default()),
            (
                "part 2",
                Spec {
                    base_runtime_spec: Some(nested_json(DEPTH, 7)),
                },
            ),
        ];
        let (merged, provenance) = merge_all_traced(layers).unwrap();
        let leaves: Vec<_> = provenance.iter().collect();
        assert_eq!(leaves.len(), 1);
        let (path, origin) = leaves[0];
        assert_eq!(
            path.len(),
            "baseRuntimeSpec".len() + 2 * (DEPTH - 1) + ".leaf".len()
        );
        assert!(path.ends_with(".k.k.leaf"), "{}", &path[path.len() - 20..]);
        assert_eq!(*provenance.source(origin.layer), "part 2");
        drop(leaves);
        drop(provenance);
        dismantle_json(merged.base_runtime_spec.unwrap());
    });
}

/// `a = {a = ... {leaf = n} ...}` as a `toml::Table`, `depth` tables deep.
fn nested_toml(depth: usize, leaf: i64) -> toml::Table {
    let mut table = toml::Table::new();
    table.insert("leaf".into(), toml::Value::Integer(leaf));
    for _ in 1..depth {
        let mut outer = toml::Table::new();
        outer.insert("a".into(), toml::Value::Table(table));
        table = outer;
    }
    table
}

#[derive(DeepMerge, Default)]
struct TomlFields {
    #[merge(strategy = "toml_deep")]
    table: toml::Table,
    #[merge(strategy = "toml_deep")]
    value: Option<toml::Value>,
}

#[test]
fn a_replaced_million_level_toml_table_is_dropped_on_a_2_mib_stack() {
    on_2_mib_stack(|| {
        let mut existing = TomlFields {
            table: nested_toml(DEPTH, 1),
            value: None,
        };
        // `a` becomes a string: the deep table under it is replaced and dropped.
        let mut incoming = toml::Table::new();
        incoming.insert("a".into(), toml::Value::String("flat".into()));
        existing
            .deep_merge(TomlFields {
                table: incoming,
                value: None,
            })
            .unwrap();
        assert_eq!(existing.table["a"].as_str(), Some("flat"));
    });
}

#[test]
fn a_replaced_million_level_toml_value_is_dropped_on_a_2_mib_stack() {
    on_2_mib_stack(|| {
        let mut existing = TomlFields {
            table: toml::Table::new(),
            value: Some(toml::Value::Table(nested_toml(DEPTH, 1))),
        };
        // Another type replaces the whole value.
        existing
            .deep_merge(TomlFields {
                table: toml::Table::new(),
                value: Some(toml::Value::Integer(3)),
            })
            .unwrap();
        assert_eq!(existing.value, Some(toml::Value::Integer(3)));
    });
}

/// An object of `members`, moved in (`json!` would serialize each value again, recursively).
fn object(members: Vec<(&str, Value)>) -> Value {
    Value::Object(
        members
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect(),
    )
}

#[derive(DeepMerge, Default)]
struct Documents {
    #[merge(strategy = "json_deep")]
    deep: Option<Value>,
    #[merge(strategy = "merge_patch")]
    patch: Option<Value>,
    #[merge(strategy = "toml_deep")]
    table: Option<toml::Table>,
}

impl Documents {
    fn dismantle(self) {
        for value in [self.deep, self.patch].into_iter().flatten() {
            dismantle_json(value);
        }
    }
}

/// The two JSON fields, each with `value` where `only` says, `None` elsewhere.
fn one_field(only: usize, value: Value) -> Documents {
    let mut fields = [None, None];
    fields[only] = Some(value);
    let [deep, patch] = fields;
    Documents {
        deep,
        patch,
        table: None,
    }
}

fn traced_deep_on_both_sides(field: usize) {
    on_2_mib_stack(move || {
        let layer = |leaf| {
            let document = nested_json(DEPTH, leaf);
            one_field(
                field,
                if field == 2 {
                    json!({"items": [{"id": "a", "v": document}]})
                } else {
                    document
                },
            )
        };
        let (merged, provenance) =
            merge_all_traced([("one", layer(1)), ("two", layer(2))]).unwrap();
        assert_eq!(provenance.iter().count(), 1);
        drop(provenance);
        merged.dismantle();
    });
}

#[test]
fn json_deep_documents_deep_on_both_sides_are_traced() {
    traced_deep_on_both_sides(0);
}

#[test]
fn merge_patch_documents_deep_on_both_sides_are_traced() {
    traced_deep_on_both_sides(1);
}

fn replaced_and_deleted(field: usize) {
    on_2_mib_stack(move || {
        let deep = || nested_json(DEPTH, 1);
        let (existing_value, incoming_value, expected) = match field {
            0 => (
                object(vec![("a", deep()), ("b", deep())]),
                json!({"a": 1, "b": null}),
                json!({"a": 1}),
            ),
            1 => (
                object(vec![("a", deep()), ("b", deep())]),
                json!({"a": 1, "b": null}),
                json!({"a": 1, "b": null}),
            ),
            _ => unreachable!("two JSON fields"),
        };
        let mut existing = one_field(field, existing_value);
        existing
            .deep_merge(one_field(field, incoming_value))
            .unwrap();
        let merged = [&existing.deep, &existing.patch][field];
        assert_eq!(merged.as_ref(), Some(&expected));
    });
}

#[test]
fn json_deep_drops_replaced_and_deleted_deep_values() {
    replaced_and_deleted(0);
}

#[test]
fn merge_patch_drops_replaced_and_deleted_deep_values() {
    replaced_and_deleted(1);
}

#[test]
fn deep_toml_tables_on_both_sides_are_traced_on_a_2_mib_stack() {
    on_2_mib_stack(|| {
        let layer = |leaf| Documents {
            table: Some(nested_toml(DEPTH, leaf)),
            ..Documents::default()
        };
        let (merged, provenance) =
            merge_all_traced([("one", layer(1)), ("two", layer(2))]).unwrap();
        assert_eq!(provenance.iter().count(), 1);
        drop(provenance);
        dismantle_toml(merged.table.unwrap());
    });
}

/// Drops a TOML table level by level (the toml crate's own drop recurses).
fn dismantle_toml(table: toml::Table) {
    let mut pending: Vec<toml::Value> = vec![toml::Value::Table(table)];
    while let Some(value) = pending.pop() {
        match value {
            toml::Value::Table(members) => pending.extend(members.into_iter().map(|(_, v)| v)),
            toml::Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
}
