//! `strategy = "json_deep"`: RFC 7396 merge patch through the `JsonDeep` trait, on every type it
//! accepts, and through `merge_json_ref`, which borrows the patch. Proves the RFC's own
//! examples, exact numbers, deep documents on a small stack, and that what the patch leaves
//! alone keeps its place.

use nodeconfig_core::strategy::JsonDeep;
use nodeconfig_core::strategy::json::merge_json_ref;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, DefaultHasher};

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|error| panic!("{text}: {error}"))
}

fn object(text: &str) -> Map<String, Value> {
    match parse(text) {
        Value::Object(members) => members,
        other => panic!("not an object: {other}"),
    }
}

/// RFC 7396 Appendix A: (original, patch, result), written as in the RFC, one test each; every
/// case also runs as `Option<Value>` and through `merge_json_ref`, and the object-only cases
/// through every map type.
macro_rules! rfc_7396_appendix_a {
    ($($name:ident: $original:literal, $patch:literal => $result:literal;)*) => {$(
        #[test]
        fn $name() {
            let (original, patch, result) = (parse($original), parse($patch), parse($result));

            let mut merged = original.clone();
            merged.apply_json_deep(patch.clone());
            assert_eq!(merged, result, "Value: {} + {}", $original, $patch);

            let mut merged = original.clone();
            merge_json_ref(&mut merged, &patch);
            assert_eq!(merged, result, "merge_json_ref");
            assert_eq!(patch, parse($patch), "merge_json_ref leaves its patch alone");

            let mut merged = Some(original.clone());
            merged.apply_json_deep(Some(patch.clone()));
            // A `null` document deletes an optional one: no `null` survives (A.11).
            let optional = (!result.is_null()).then(|| result.clone());
            assert_eq!(merged, optional, "Option<Value>");

            if let (Value::Object(original), Value::Object(patch), Value::Object(result)) =
                (original, patch, result)
            {
                assert_every_map_type(original, patch, result);
            }
        }
    )*};
}

/// Runs one object merge through `Map`, `BTreeMap` and `HashMap`, and checks they agree.
fn assert_every_map_type(
    original: Map<String, Value>,
    patch: Map<String, Value>,
    result: Map<String, Value>,
) {
    let mut merged = original.clone();
    merged.apply_json_deep(patch.clone());
    assert_eq!(merged, result, "Map");

    let mut merged: BTreeMap<String, Value> = original.clone().into_iter().collect();
    merged.apply_json_deep(patch.clone().into_iter().collect());
    assert_eq!(merged, result.clone().into_iter().collect(), "BTreeMap");

    let mut merged: HashMap<String, Value> = original.into_iter().collect();
    merged.apply_json_deep(patch.into_iter().collect());
    assert_eq!(merged, result.into_iter().collect(), "HashMap");
}

rfc_7396_appendix_a! {
    rfc_a01_member_replaced: r#"{"a":"b"}"#, r#"{"a":"c"}"# => r#"{"a":"c"}"#;
    rfc_a02_member_added: r#"{"a":"b"}"#, r#"{"b":"c"}"# => r#"{"a":"b","b":"c"}"#;
    rfc_a03_null_deletes_the_only_member: r#"{"a":"b"}"#, r#"{"a":null}"# => r#"{}"#;
    rfc_a04_null_deletes_one_member: r#"{"a":"b","b":"c"}"#, r#"{"a":null}"# => r#"{"b":"c"}"#;
    rfc_a05_string_replaces_array: r#"{"a":["b"]}"#, r#"{"a":"c"}"# => r#"{"a":"c"}"#;
    rfc_a06_array_replaces_string: r#"{"a":"c"}"#, r#"{"a":["b"]}"# => r#"{"a":["b"]}"#;
    rfc_a07_nested_objects_merge: r#"{"a":{"b":"c"}}"#, r#"{"a":{"b":"d","c":null}}"#
        => r#"{"a":{"b":"d"}}"#;
    rfc_a08_arrays_are_not_merged: r#"{"a":[{"b":"c"}]}"#, r#"{"a":[1]}"# => r#"{"a":[1]}"#;
    rfc_a09_array_replaces_array: r#"["a","b"]"#, r#"["c","d"]"# => r#"["c","d"]"#;
    rfc_a10_array_replaces_object: r#"{"a":"b"}"#, r#"["c"]"# => r#"["c"]"#;
    rfc_a11_null_replaces_the_document: r#"{"a":"foo"}"#, r#"null"# => r#"null"#;
    rfc_a12_string_replaces_the_document: r#"{"a":"foo"}"#, r#""bar""# => r#""bar""#;
    rfc_a13_existing_nulls_stay: r#"{"e":null}"#, r#"{"a":1}"# => r#"{"e":null,"a":1}"#;
    rfc_a14_object_onto_array_drops_nulls: r#"[1,2]"#, r#"{"a":"b","c":null}"# => r#"{"a":"b"}"#;
    rfc_a15_nested_nulls_dropped_when_absent: r#"{}"#, r#"{"a":{"bb":{"ccc":null}}}"#
        => r#"{"a":{"bb":{}}}"#;
}

#[test]
fn rfc_section_3_example() {
    let mut document = parse(
        r#"{
            "title": "Goodbye!",
            "author": {"givenName": "John", "familyName": "Doe"},
            "tags": ["example", "sample"],
            "content": "This will be unchanged"
        }"#,
    );
    document.apply_json_deep(parse(
        r#"{
            "title": "Hello!",
            "phoneNumber": "+01-123-456-7890",
            "author": {"familyName": null},
            "tags": ["example"]
        }"#,
    ));
    assert_eq!(
        document,
        parse(
            r#"{
                "title": "Hello!",
                "author": {"givenName": "John"},
                "tags": ["example"],
                "content": "This will be unchanged",
                "phoneNumber": "+01-123-456-7890"
            }"#
        )
    );
}

#[test]
fn rfc_section_3_example_borrowing_the_patch() {
    let original = r#"{"title": "Goodbye!", "author": {"givenName": "John", "familyName": "Doe"},
        "tags": ["example", "sample"], "content": "This will be unchanged"}"#;
    let patch_text = r#"{"title": "Hello!", "phoneNumber": "+01-123-456-7890",
        "author": {"familyName": null}, "tags": ["example"]}"#;
    let patch = parse(patch_text);
    let mut document = parse(original);
    merge_json_ref(&mut document, &patch);

    let mut consumed = parse(original);
    consumed.apply_json_deep(parse(patch_text));
    assert_eq!(document, consumed);
    assert_eq!(document.to_string(), consumed.to_string(), "same key order");
    assert_eq!(patch, parse(patch_text));
}

#[test]
fn zero_values_replace() {
    let mut document = json!({"n": 5, "s": "x", "b": true, "list": [1, 2], "o": {"k": 1}});
    document.apply_json_deep(json!({"n": 0, "s": "", "b": false, "list": [], "o": {}}));
    assert_eq!(
        document,
        json!({"n": 0, "s": "", "b": false, "list": [], "o": {"k": 1}})
    );
}

#[test]
fn nulls_inside_arrays_are_values_not_deletions() {
    let patch = json!({"a": [null, {"b": null}], "c": null, "d": {"e": null, "f": [{"g": null}]}});
    let expected = json!({"a": [null, {"b": null}], "d": {"f": [{"g": null}]}});

    let mut document = Value::Null;
    document.apply_json_deep(patch.clone());
    assert_eq!(document, expected);

    for mut document in [Value::Null, json!({"d": 1}), json!({"d": {"e": 2, "f": 3}})] {
        merge_json_ref(&mut document, &patch);
        assert_eq!(document, expected, "merge_json_ref");
    }
}

// ---- exact numbers ----------------------------------------------------------------------------

const EXACT: [&str; 3] = [
    "18446744073709551615",
    "-9223372036854775808",
    "9007199254740993",
];

#[test]
fn exact_numbers_from_the_patch_survive_merge_and_serialization() {
    let mut spec = parse(r#"{"process": {"rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024}]}}"#);
    spec.apply_json_deep(parse(&format!(
        r#"{{"process": {{"rlimits": [{{"type": "RLIMIT_NOFILE", "hard": {0}, "soft": {0}}}],
              "min": {1}, "oom": {2}}}}}"#,
        EXACT[0], EXACT[1], EXACT[2]
    )));

    assert_eq!(
        spec["process"]["rlimits"][0]["hard"].as_u64(),
        Some(u64::MAX)
    );
    assert_eq!(spec["process"]["min"].as_i64(), Some(i64::MIN));
    assert_eq!(spec["process"]["oom"].as_u64(), Some(9_007_199_254_740_993));
    let text = serde_json::to_string(&spec).expect("serializes");
    for (key, number) in [
        ("hard", EXACT[0]),
        ("soft", EXACT[0]),
        ("min", EXACT[1]),
        ("oom", EXACT[2]),
    ] {
        assert!(
            text.contains(&format!(r#""{key}":{number}"#)),
            "{key} in {text}"
        );
    }
    // nodeadm's float64 round trip turns the first one into 18446744073709552000.
    assert!(!text.contains("18446744073709552000"));
    assert_eq!(parse(&text), spec);
}

#[test]
fn exact_numbers_in_the_existing_document_are_left_alone() {
    for number in EXACT {
        let mut document = parse(&format!(
            r#"{{"kept": {number}, "nested": {{"kept": [{number}]}}}}"#
        ));
        document.apply_json_deep(json!({"nested": {"added": 1}, "other": 2}));
        let text = serde_json::to_string(&document).expect("serializes");
        assert!(text.contains(&format!(r#""kept":{number},"#)), "{text}");
        assert!(text.contains(&format!(r#""kept":[{number}]"#)), "{text}");
        let expected =
            format!(r#"{{"kept":{number},"nested":{{"added":1,"kept":[{number}]}},"other":2}}"#);
        assert_eq!(document, parse(&expected));
    }
}

#[test]
fn exact_numbers_through_every_map_type() {
    let patch = object(&format!(
        r#"{{"a": {}, "b": {}, "c": {}}}"#,
        EXACT[0], EXACT[1], EXACT[2]
    ));

    let mut map = Map::new();
    map.apply_json_deep(patch.clone());
    let mut borrowed = json!({"a": 0, "b": {"x": 1}});
    merge_json_ref(&mut borrowed, &Value::Object(patch.clone()));
    let mut btree = BTreeMap::new();
    btree.apply_json_deep(patch.clone().into_iter().collect());
    let mut hash = HashMap::new();
    hash.apply_json_deep(patch.into_iter().collect());

    for (key, number) in ["a", "b", "c"].into_iter().zip(EXACT) {
        assert_eq!(map[key].to_string(), number);
        assert_eq!(borrowed[key].to_string(), number);
        assert_eq!(btree[key].to_string(), number);
        assert_eq!(hash[key].to_string(), number);
    }
}

// ---- deep documents ---------------------------------------------------------------------------

const DEPTH: usize = 10_000;

/// Enough for the merge's own frames, far too little for one stack frame per nesting level: a
/// recursive merge (or a recursive drop) of 10,000 levels overflows here.
const SMALL_STACK: usize = 256 * 1024;

fn on_small_stack(test: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(test)
        .expect("spawns a thread")
        .join()
        .expect("the test thread panicked");
}

/// `{"k": {"k": ... {<members>} ...}}`, `depth` objects deep, built without recursion.
fn nested(depth: usize, innermost: Map<String, Value>) -> Value {
    let mut value = Value::Object(innermost);
    for _ in 1..depth {
        let mut members = Map::new();
        members.insert("k".to_owned(), value);
        value = Value::Object(members);
    }
    value
}

/// Follows `"k"` down to the innermost object; returns it with the depth reached.
fn innermost(value: &Value) -> (usize, &Map<String, Value>) {
    let Value::Object(outermost) = value else {
        panic!("not an object")
    };
    let mut members = outermost;
    let mut depth = 1;
    while let Some(Value::Object(next)) = members.get("k") {
        members = next;
        depth += 1;
    }
    (depth, members)
}

/// Drops a value level by level: serde_json's own drop recurses and would overflow here.
fn dismantle(value: Value) {
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
fn ten_thousand_levels_merge_without_recursion() {
    on_small_stack(|| {
        let mut existing = nested(DEPTH, object(r#"{"keep": 1, "change": 2, "delete": 3}"#));
        let patch = nested(DEPTH, object(r#"{"change": 20, "delete": null, "add": 4}"#));
        existing.apply_json_deep(patch);

        let (depth, members) = innermost(&existing);
        assert_eq!(depth, DEPTH);
        assert_eq!(
            Value::Object(members.clone()),
            json!({"keep": 1, "change": 20, "add": 4})
        );
        dismantle(existing);
    });
}

#[test]
fn ten_thousand_levels_onto_nothing_drop_their_nulls() {
    on_small_stack(|| {
        let mut existing: Option<Value> = None;
        existing.apply_json_deep(Some(nested(DEPTH, object(r#"{"gone": null, "kept": 1}"#))));

        let existing = existing.expect("a later Some fills None");
        let (depth, members) = innermost(&existing);
        assert_eq!(depth, DEPTH);
        assert_eq!(Value::Object(members.clone()), json!({"kept": 1}));
        dismantle(existing);
    });
}

#[test]
fn ten_thousand_levels_replaced_or_deleted_without_recursion() {
    on_small_stack(|| {
        let mut replaced = json!({"deep": null, "other": 1});
        replaced["deep"] = nested(DEPTH, Map::new());
        replaced.apply_json_deep(json!({"deep": [1, 2]}));
        assert_eq!(replaced, json!({"deep": [1, 2], "other": 1}));

        let mut deleted = BTreeMap::from([("deep".to_owned(), nested(DEPTH, Map::new()))]);
        deleted.apply_json_deep(BTreeMap::from([("deep".to_owned(), Value::Null)]));
        assert!(deleted.is_empty());

        let mut whole = nested(DEPTH, Map::new());
        whole.apply_json_deep(json!("scalar"));
        assert_eq!(whole, json!("scalar"));
    });
}

#[test]
fn ten_thousand_levels_merge_borrowing_the_patch() {
    on_small_stack(|| {
        let mut existing = nested(DEPTH, object(r#"{"keep": 1, "change": 2, "delete": 3}"#));
        let patch = nested(DEPTH, object(r#"{"change": 20, "delete": null, "add": 4}"#));
        merge_json_ref(&mut existing, &patch);

        let (depth, members) = innermost(&existing);
        assert_eq!(depth, DEPTH);
        assert_eq!(
            Value::Object(members.clone()),
            json!({"keep": 1, "change": 20, "add": 4})
        );
        let (depth, members) = innermost(&patch);
        assert_eq!(depth, DEPTH);
        assert_eq!(
            members.get("delete"),
            Some(&Value::Null),
            "the patch is unchanged"
        );
        dismantle(existing);
        dismantle(patch);
    });
}

#[test]
fn ten_thousand_levels_cloned_from_the_patch_without_recursion() {
    on_small_stack(|| {
        // Onto nothing: the copy loses the patch's nulls at every depth.
        let patch = nested(DEPTH, object(r#"{"gone": null, "kept": 1}"#));
        let mut existing = Value::Null;
        merge_json_ref(&mut existing, &patch);
        let (depth, members) = innermost(&existing);
        assert_eq!(depth, DEPTH);
        assert_eq!(Value::Object(members.clone()), json!({"kept": 1}));
        dismantle(existing);
        dismantle(patch);

        // Inside an array, where `null` is a value: copied as it is.
        let mut patch = Map::new();
        patch.insert(
            "list".to_owned(),
            Value::Array(vec![nested(DEPTH, object(r#"{"n": null}"#))]),
        );
        let patch = Value::Object(patch);
        let mut existing = json!({"list": [1], "other": 2});
        merge_json_ref(&mut existing, &patch);
        assert_eq!(existing["other"], json!(2));
        let (depth, members) = innermost(&existing["list"][0]);
        assert_eq!(depth, DEPTH);
        assert_eq!(Value::Object(members.clone()), json!({"n": null}));
        dismantle(existing);
        dismantle(patch);
    });
}

#[test]
fn ten_thousand_levels_replaced_or_deleted_borrowing_the_patch() {
    on_small_stack(|| {
        let mut replaced = json!({"deep": null, "other": 1});
        replaced["deep"] = nested(DEPTH, Map::new());
        merge_json_ref(&mut replaced, &json!({"deep": [1, 2]}));
        assert_eq!(replaced, json!({"deep": [1, 2], "other": 1}));

        let mut deleted = json!({"deep": null});
        deleted["deep"] = nested(DEPTH, Map::new());
        merge_json_ref(&mut deleted, &json!({"deep": null}));
        assert_eq!(deleted, json!({}));

        let mut whole = nested(DEPTH, Map::new());
        merge_json_ref(&mut whole, &json!("scalar"));
        assert_eq!(whole, json!("scalar"));
    });
}

// ---- every accepted type, and its Option ------------------------------------------------------

const EXISTING: &str = r#"{"a": {"x": 1, "y": 2}, "b": [1, 2], "c": "keep"}"#;
const PATCH: &str = r#"{"a": {"y": null, "z": 3}, "b": [3], "d": {"e": null, "f": 4}}"#;
const MERGED: &str = r#"{"a": {"x": 1, "z": 3}, "b": [3], "c": "keep", "d": {"f": 4}}"#;
/// `PATCH` applied to nothing: its nulls are gone.
const PATCH_ALONE: &str = r#"{"a": {"z": 3}, "b": [3], "d": {"f": 4}}"#;

/// For each of `None + Some`, `Some + None`, `Some + Some` on `Option<T>`, and `T + T`.
fn assert_type_and_option<T>(convert: impl Fn(&str) -> T)
where
    T: JsonDeep + Default + PartialEq + std::fmt::Debug,
{
    let mut merged = convert(EXISTING);
    merged.apply_json_deep(convert(PATCH));
    assert_eq!(merged, convert(MERGED), "T + T");

    let mut merged = Some(convert(EXISTING));
    merged.apply_json_deep(Some(convert(PATCH)));
    assert_eq!(merged, Some(convert(MERGED)), "Some + Some");

    let mut merged = Some(convert(EXISTING));
    merged.apply_json_deep(None);
    assert_eq!(merged, Some(convert(EXISTING)), "Some + None keeps");

    let mut merged = None;
    merged.apply_json_deep(Some(convert(PATCH)));
    assert_eq!(
        merged,
        Some(convert(PATCH_ALONE)),
        "None + Some: the patch onto nothing"
    );

    let mut merged: Option<T> = None;
    merged.apply_json_deep(None);
    assert_eq!(merged, None, "None + None");

    // The prepare phase strips the `null` members of a document that lands on nothing.
    assert!(<T as JsonDeep>::NEEDS_PREPARE);
    assert!(<Option<T> as JsonDeep>::NEEDS_PREPARE);
    let mut landing = Some(convert(PATCH));
    <Option<T> as JsonDeep>::check_new_json_deep(&mut landing).expect("never fails");
    assert_eq!(
        landing,
        Some(convert(PATCH_ALONE)),
        "check_new strips nulls"
    );
}

#[test]
fn value_and_option_value() {
    assert_type_and_option(parse);
}

#[test]
fn serde_json_map_and_option() {
    assert_type_and_option(object);
}

#[test]
fn btree_map_and_option() {
    assert_type_and_option(|text| object(text).into_iter().collect::<BTreeMap<_, _>>());
}

#[test]
fn hash_map_and_option() {
    assert_type_and_option(|text| object(text).into_iter().collect::<HashMap<_, _>>());
}

#[test]
fn hash_map_with_another_hasher_and_option() {
    type Hasher = BuildHasherDefault<DefaultHasher>;
    assert_type_and_option(|text| object(text).into_iter().collect::<HashMap<_, _, Hasher>>());
}

#[test]
fn prepare_is_a_no_op_that_succeeds() {
    let existing = parse(EXISTING);
    let mut incoming = parse(PATCH);
    assert!(existing.prepare_json_deep(&mut incoming).is_ok());
    assert_eq!((existing, incoming), (parse(EXISTING), parse(PATCH)));

    let existing: Option<Map<String, Value>> = None;
    let mut incoming = Some(object(PATCH));
    assert!(existing.prepare_json_deep(&mut incoming).is_ok());
    assert_eq!(incoming, Some(object(PATCH)));
}

// ---- what the patch leaves alone ----------------------------------------------------------------

/// Key order of an object, as serde_json iterates it.
fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .map(|members| members.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn untouched_keys_keep_their_values_and_order() {
    let existing_text = r#"{"zeta": {"deep": [1, {"n": 2}]}, "alpha": "a", "mid": 3,
        "gone": true, "beta": {"x": 1, "y": 2}, "last": null}"#;
    let patch = r#"{"gone": null, "beta": {"x": 10}, "new": 1}"#;
    let mut document = parse(existing_text);
    let before = parse(existing_text);
    document.apply_json_deep(parse(patch));
    let mut borrowed = parse(existing_text);
    merge_json_ref(&mut borrowed, &parse(patch));
    assert_eq!(borrowed.to_string(), document.to_string(), "merge_json_ref");

    for untouched in ["zeta", "alpha", "mid", "last"] {
        assert_eq!(document[untouched], before[untouched], "{untouched}");
    }
    assert_eq!(document["beta"], json!({"x": 10, "y": 2}));

    // serde_json keeps insertion order with its `preserve_order` feature, and sorts otherwise:
    // either way the surviving keys keep their relative order and new keys follow that rule.
    let mut expected: Vec<&str> = keys(&before)
        .into_iter()
        .filter(|key| *key != "gone")
        .chain(["new"])
        .collect();
    let mut probe = Map::new();
    probe.insert("b".to_owned(), Value::Null);
    probe.insert("a".to_owned(), Value::Null);
    if probe.keys().next().map(String::as_str) == Some("a") {
        expected.sort_unstable();
    }
    assert_eq!(keys(&document), expected);
}
