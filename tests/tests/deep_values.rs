//! A million levels on a 2 MiB thread (issue 11, items 10 and 11): the traced JSON walk and the
//! drop of a replaced deep `toml::Value` / `toml::Table` take heap, not one stack frame a level.

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

/// `a = {a = ... {leaf = 1} ...}` as a `toml::Table`, `depth` tables deep.
fn nested_toml(depth: usize) -> toml::Table {
    let mut table = toml::Table::new();
    table.insert("leaf".into(), toml::Value::Integer(1));
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
            table: nested_toml(DEPTH),
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
            value: Some(toml::Value::Table(nested_toml(DEPTH))),
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
