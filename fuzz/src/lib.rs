//! The bodies of the fuzz targets: each takes the fuzzer's bytes, runs one part of nodeconfig on
//! them and panics when an invariant breaks. `fuzz_targets/*.rs` hand them to libFuzzer;
//! `tests/tests/fuzz_corpus.rs` includes this file and replays the committed corpus, so every
//! seed and every crash input found stays a regression test of the normal suite.

use nodeconfig_core::strategy::json::merge_json_ref;
use nodeconfig_core::strategy::{JsonDeep, TomlDeep};
use serde_json::{Map, Number, Value};

/// `json_deep`: two JSON values decoded from the bytes (target, then patch) are merged through
/// every type that takes the strategy and through `merge_json_ref` (which borrows the patch),
/// and each result must equal a recursive reference of RFC 7396, key order included; applying
/// the patch a second time must change nothing, and the borrowed patch must come out as it was.
pub fn json_deep(data: &[u8]) {
    let mut bytes = Bytes(data);
    let target = bytes.json(0);
    let patch = bytes.json(0);
    let expected = reference_merge(target.clone(), patch.clone());

    let mut merged = target.clone();
    merged.apply_json_deep(patch.clone());
    assert_eq!(merged.to_string(), expected.to_string(), "Value");

    let mut twice = merged.clone();
    twice.apply_json_deep(patch.clone());
    assert_eq!(twice.to_string(), merged.to_string(), "applied twice");

    let mut borrowed = target.clone();
    let untouched = patch.clone();
    merge_json_ref(&mut borrowed, &patch);
    assert_eq!(borrowed.to_string(), expected.to_string(), "merge_json_ref");
    assert_eq!(
        patch.to_string(),
        untouched.to_string(),
        "merge_json_ref changed its patch"
    );

    let mut optional = Some(target.clone());
    optional.apply_json_deep(Some(patch.clone()));
    // A whole-document `null` deletes an optional document: no `null` survives there either.
    let expected_optional = (!expected.is_null()).then_some(&expected);
    assert_eq!(optional.as_ref(), expected_optional, "Option<Value>");

    if let (Value::Object(target), Value::Object(patch)) = (target, patch) {
        let mut map = target.clone();
        map.apply_json_deep(patch.clone());
        assert_eq!(Value::Object(map), expected, "Map");

        let mut btree: std::collections::BTreeMap<String, Value> =
            target.clone().into_iter().collect();
        btree.apply_json_deep(patch.clone().into_iter().collect());
        let btree: Map<String, Value> = btree.into_iter().collect();
        assert_eq!(Value::Object(btree), expected, "BTreeMap");

        let mut hash: std::collections::HashMap<String, Value> = target.into_iter().collect();
        hash.apply_json_deep(patch.into_iter().collect());
        let hash: Map<String, Value> = hash.into_iter().collect();
        assert_eq!(Value::Object(hash), expected, "HashMap");
    }
}

/// `toml_deep` on text: the bytes (lossily UTF-8) are the earlier and the later document,
/// split at the first NUL; without one, the document is merged with itself. The merge must not
/// panic; on failure the destination is unchanged; on success the result parses and its value
/// is the value merge of the two documents, and a document merged with itself is unchanged.
pub fn toml_deep(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let (existing, incoming) = text.split_once('\0').unwrap_or((&text, &text));

    let mut merged = existing.to_owned();
    let Ok(()) = merged.merge_toml(incoming.to_owned()) else {
        assert_eq!(merged, existing, "a failed merge changed the destination");
        return;
    };
    if existing == incoming {
        assert_eq!(merged, existing, "a document merged with itself changed");
    }
    if let Err(error) = merged.parse::<toml_edit::DocumentMut>() {
        panic!("the merged document does not parse: {error}\n{merged}");
    }
    let (Ok(mut expected), Ok(later)) = (
        toml::from_str::<toml::Table>(existing),
        toml::from_str::<toml::Table>(incoming),
    ) else {
        return;
    };
    value_merge(&mut expected, later);
    let merged_value = match toml::from_str::<toml::Table>(&merged) {
        Ok(value) => value,
        Err(error) => panic!("the merged document does not parse as a table: {error}\n{merged}"),
    };
    assert!(
        same_table(&merged_value, &expected),
        "merged by text:\n{merged}\nvalue:\n{merged_value:?}\nexpected by value:\n{expected:?}"
    );
}

/// `toml_deep` on text, the span engine against the toml_edit engine it replaced (feature
/// `toml-reference`) and the `toml` crate's value merge: both accept and reject the same
/// documents (on the same side); when both merge, the results have the same value, which is
/// the value merge of the two documents; and when the reference leaves the earlier document's
/// text as it was, so does the span engine. Bytes split as in [`toml_deep`]; a second NUL
/// starts a third document, folded on as in [`fold_third`].
pub fn toml_deep_reference(data: &[u8]) {
    use nodeconfig_core::strategy::toml::reference;

    let text = String::from_utf8_lossy(data);
    let (existing, incoming) = text.split_once('\0').unwrap_or((&text, &text));
    let (incoming, third) = match incoming.split_once('\0') {
        Some((incoming, third)) => (incoming, Some(third)),
        None => (incoming, None),
    };
    if let Some(third) = third {
        fold_third(existing, incoming, third);
    }
    let mut merged = existing.to_owned();
    let spans = merged.merge_toml(incoming.to_owned()).map(|()| merged);
    let edit = reference::merge(existing, incoming);
    let (spans, edit) = match (spans, edit) {
        (Ok(spans), Ok(edit)) => (spans, edit),
        (Err(spans), Err(edit)) => {
            let side = |error: &nodeconfig_core::MergeError| error.location().map(|at| at.side);
            assert_eq!(side(&spans), side(&edit), "{spans} / {edit}");
            return;
        }
        (spans, edit) => panic!("the engines disagree: span engine {spans:?}, toml_edit {edit:?}"),
    };
    if edit == existing {
        assert_eq!(
            spans, existing,
            "the span engine changed what toml_edit kept"
        );
    }
    let parse = |text: &str| match toml::from_str::<toml::Table>(text) {
        Ok(table) => table,
        Err(error) => panic!("a merged document does not parse: {error}\n{text}"),
    };
    let (spans_value, edit_value) = (parse(&spans), parse(&edit));
    assert!(
        same_table(&spans_value, &edit_value),
        "span engine:\n{spans}\ntoml_edit:\n{edit}"
    );
    if let (Ok(mut expected), Ok(later)) = (
        toml::from_str::<toml::Table>(existing),
        toml::from_str::<toml::Table>(incoming),
    ) {
        value_merge(&mut expected, later);
        assert!(
            same_table(&spans_value, &expected),
            "span engine:\n{spans}\nvalue merge:\n{expected:?}"
        );
    }
}

/// A fold of three documents: the second merge takes the index the first one derived for its
/// result (`index/derive.rs`) instead of reading it, and must write what it writes when it
/// reads the text afresh (the same text, or the same error); the derived index must be the
/// one a fresh read gives.
fn fold_third(existing: &str, incoming: &str, third: &str) {
    use nodeconfig_core::strategy::toml::reference;

    reference::forget();
    let mut merged = existing.to_owned();
    if merged.merge_toml(incoming.to_owned()).is_err() {
        return;
    }
    let fold = |merged: &str| {
        let mut folded = merged.to_owned();
        folded.merge_toml(third.to_owned()).map(|()| folded)
    };
    let through = fold(&merged);
    reference::forget();
    let afresh = fold(&merged);
    match (through, afresh) {
        (Ok(through), Ok(afresh)) => assert_eq!(through, afresh, "folded through a derived index"),
        (Err(through), Err(afresh)) => assert_eq!(through.to_string(), afresh.to_string()),
        (through, afresh) => panic!("derived index {through:?}, fresh read {afresh:?}"),
    }
    if let Ok(Some(difference)) = reference::derived_index_difference(existing, incoming) {
        panic!("the derived index differs from a fresh read: {difference}");
    }
    fold_text(existing, incoming, third, fold(&merged));
}

/// The same fold on `TomlText`, which keeps its own index instead of the thread's memo: the
/// same bytes as the `String` fold, or an error where it fails.
fn fold_text(
    existing: &str,
    incoming: &str,
    third: &str,
    folded: Result<String, nodeconfig_core::MergeError>,
) {
    use nodeconfig_core::strategy::TomlText;

    // A blank later side leaves even an invalid earlier `String` as it is; `TomlText` checks
    // every text it is made from, so only documents that parse are compared.
    let (Ok(mut text), Ok(later), Ok(last)) = (
        existing.parse::<TomlText>(),
        incoming.parse::<TomlText>(),
        third.parse::<TomlText>(),
    ) else {
        return;
    };
    let result = text
        .merge_toml(later)
        .and_then(|()| text.merge_toml(last))
        .map(|()| text.into_string());
    match (result, folded) {
        (Ok(text), Ok(folded)) => assert_eq!(text, folded, "TomlText and String folds differ"),
        (Err(_), Err(_)) => {}
        (text, folded) => panic!("TomlText fold {text:?}, String fold {folded:?}"),
    }
}

/// The EKS user-data reader (base64, gzip, MIME, YAML, JSON) on arbitrary bytes with the
/// default limits, then the merge, validation and rendering of whatever it read: none of it may
/// panic, and an error must say something.
pub fn userdata(data: &[u8]) {
    use nodeconfig_eks::read::{Loaded, read_payload};
    use nodeconfig_eks::{Limits, Source};

    let source = Source::file("userdata");
    let mut loaded = Loaded::default();
    if let Err(error) = read_payload(data.to_vec(), &source, &Limits::default(), &mut loaded) {
        assert!(!error.to_string().is_empty(), "an error without a message");
        return;
    }
    let Ok(merged) = nodeconfig_eks::merge_layers(loaded.layers) else {
        return;
    };
    let _ = nodeconfig_eks::validate::validate(&merged);
    let _ = nodeconfig_eks::render::render(&merged);
    let _ = nodeconfig_eks::to_yaml(&merged);
    if let Ok(json) = nodeconfig_eks::to_json(&merged) {
        assert!(
            serde_json::from_str::<Value>(&json).is_ok(),
            "to_json wrote invalid JSON:\n{json}"
        );
    }
}

/// RFC 7396 section 2, `MergePatch(Target, Patch)`, recursively; kept keys stay in place and
/// new keys go last, as the crate documents.
fn reference_merge(target: Value, patch: Value) -> Value {
    let Value::Object(patch) = patch else {
        return patch;
    };
    let mut target = match target {
        Value::Object(target) => target,
        _ => Map::new(),
    };
    for (key, value) in patch {
        if value.is_null() {
            target = target
                .into_iter()
                .filter(|(kept, _)| *kept != key)
                .collect();
        } else if let Some(slot) = target.get_mut(&key) {
            *slot = reference_merge(slot.take(), value);
        } else {
            target.insert(key, reference_merge(Value::Null, value));
        }
    }
    Value::Object(target)
}

/// The value merge `toml_deep` means: tables merge key by key, anything else replaces.
fn value_merge(existing: &mut toml::Table, incoming: toml::Table) {
    for (key, later) in incoming {
        match (existing.get_mut(&key), later) {
            (Some(toml::Value::Table(earlier)), toml::Value::Table(later)) => {
                value_merge(earlier, later);
            }
            (_, later) => {
                existing.insert(key, later);
            }
        }
    }
}

/// Equality of TOML values where a NaN equals a NaN (TOML has `nan`; `==` would say no).
fn same_table(left: &toml::Table, right: &toml::Table) -> bool {
    left.len() == right.len()
        && left
            .iter()
            .all(|(key, value)| right.get(key).is_some_and(|other| same_value(value, other)))
}

fn same_value(left: &toml::Value, right: &toml::Value) -> bool {
    use toml::Value::{Array, Float, Table};
    match (left, right) {
        (Float(left), Float(right)) => left == right || (left.is_nan() && right.is_nan()),
        (Array(left), Array(right)) => {
            left.len() == right.len() && left.iter().zip(right).all(|(l, r)| same_value(l, r))
        }
        (Table(left), Table(right)) => same_table(left, right),
        (left, right) => left == right,
    }
}

/// Reads JSON values out of fuzzer bytes, one tag byte per value; running out of bytes reads
/// zeros. Depth is bounded so that the recursive reference stays on the stack.
struct Bytes<'a>(&'a [u8]);

const KEYS: [&str; 6] = ["a", "b", "c", "", "k\"é", "process"];
const MAX_DEPTH: usize = 48;

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        let (&first, rest) = self.0.split_first().unwrap_or((&0, &[]));
        self.0 = rest;
        first
    }

    fn eight(&mut self) -> [u8; 8] {
        std::array::from_fn(|_| self.byte())
    }

    fn json(&mut self, depth: usize) -> Value {
        let tag = self.byte();
        let kinds = if depth >= MAX_DEPTH { 7 } else { 9 };
        match tag % kinds {
            0 => Value::Null,
            1 => Value::Bool(tag & 0x80 != 0),
            2 => Value::from(u64::from_le_bytes(self.eight())),
            3 => Value::from(i64::from_le_bytes(self.eight())),
            4 => Number::from_f64(f64::from_le_bytes(self.eight()))
                .map_or(Value::Null, Value::Number),
            5 => Value::from(u64::from(self.byte())),
            6 => {
                let length = usize::from(self.byte() % 6);
                Value::String(
                    (0..length)
                        .map(|_| char::from(self.byte() % 96 + 32))
                        .collect(),
                )
            }
            7 => Value::Array((0..self.byte() % 5).map(|_| self.json(depth + 1)).collect()),
            _ => {
                let length = self.byte() % 6;
                let mut members = Map::new();
                for _ in 0..length {
                    let key = KEYS[usize::from(self.byte()) % KEYS.len()].to_owned();
                    members.insert(key, self.json(depth + 1));
                }
                Value::Object(members)
            }
        }
    }
}
