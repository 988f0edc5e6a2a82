//! `toml_deep` on text obeys its laws on random tables written in several spellings:
//!
//! - by value: parsing `toml_deep(A_text, B_text)` gives the value merge of `A` and `B` (tables
//!   merge key by key, anything else replaces), whichever spelling each side uses;
//! - by text: `toml_deep(A_text, A_text) == A_text` byte for byte, and so does merging any other
//!   spelling of the same value into `A_text` (a later value equal to the earlier one is not a
//!   change, so the earlier text stays).
//!
//! - by fold: `merge_all` writes the same bytes as merging the documents one at a time;
//! - by place: a later document that only adds keys (new keys in the earlier tables, new
//!   tables) only inserts text: every byte of the earlier text is in the result, in order.
//!
//! The spellings: `toml::to_string`, every table inline (`a = { b = 1 }`), every table as
//! dotted keys (`a.b = 1`), and every table under a dotted `[a.b]` header with arrays of tables
//! inline.

use nodeconfig_core::strategy::TomlDeep;
use nodeconfig_tests::merge_all_toml;
use proptest::prelude::*;
use toml::{Table, Value};

/// The value merge `toml_deep` means, written plainly.
fn value_merge(existing: &mut Table, incoming: Table) {
    for (key, later) in incoming {
        match (existing.get_mut(&key), later) {
            (Some(Value::Table(earlier)), Value::Table(later)) => value_merge(earlier, later),
            (_, later) => {
                existing.insert(key, later);
            }
        }
    }
}

fn text_merge(existing: &str, incoming: &str) -> String {
    let mut merged = existing.to_owned();
    if let Err(error) = merged.merge_toml(incoming.to_owned()) {
        panic!("merging\n{incoming}\ninto\n{existing}\nfailed: {error}");
    }
    merged
}

fn parse(text: &str) -> Table {
    toml::from_str(text).unwrap_or_else(|error| panic!("does not parse: {error}\n{text}"))
}

#[derive(Debug, Clone, Copy)]
enum Spelling {
    Serializer,
    Inline,
    Dotted,
    Headers,
}

const SPELLINGS: [Spelling; 4] = [
    Spelling::Serializer,
    Spelling::Inline,
    Spelling::Dotted,
    Spelling::Headers,
];

fn spell(table: &Table, spelling: Spelling) -> String {
    let mut text = String::new();
    match spelling {
        Spelling::Serializer => {
            text = toml::to_string(table).unwrap_or_else(|error| panic!("{error}: {table:?}"));
        }
        Spelling::Inline => {
            for (key, value) in table {
                text += &format!("{} = {}\n", quote(key), inline(value));
            }
        }
        Spelling::Dotted => dotted(&mut text, "", table),
        Spelling::Headers => headers(&mut text, "", table),
    }
    text
}

/// A key, bare when TOML allows it.
fn quote(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-');
    if bare {
        key.to_owned()
    } else {
        format!("\"{}\"", key.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// A value on one line, tables as inline tables (the serializer's own inline writer).
fn inline(value: &Value) -> String {
    value.to_string()
}

/// `a.b.c = 1` for every leaf; an empty table stays `a.b = {}`.
fn dotted(text: &mut String, prefix: &str, table: &Table) {
    for (key, value) in table {
        let path = format!("{prefix}{}", quote(key));
        match value {
            Value::Table(nested) if !nested.is_empty() => dotted(text, &format!("{path}."), nested),
            _ => *text += &format!("{path} = {}\n", inline(value)),
        }
    }
}

/// A `[a.b]` header for every non-empty table, its other values as `key = value` lines.
fn headers(text: &mut String, path: &str, table: &Table) {
    let is_header = |value: &Value| matches!(value, Value::Table(nested) if !nested.is_empty());
    for (key, value) in table.iter().filter(|(_, value)| !is_header(value)) {
        *text += &format!("{} = {}\n", quote(key), inline(value));
    }
    for (key, value) in table {
        if let Value::Table(nested) = value
            && is_header(value)
        {
            let path = match path {
                "" => quote(key),
                _ => format!("{path}.{}", quote(key)),
            };
            *text += &format!("\n[{path}]\n");
            headers(text, &path, nested);
        }
    }
}

fn key() -> impl Strategy<Value = String> {
    prop::sample::select(&["a", "b", "c", "d-e", "x y", "ü", "1", "\"q\""][..])
        .prop_map(str::to_owned)
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(&["", "s", "two words", "quote \" and \\", "line\nbreak", "é"][..])
            .prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        prop::sample::select(&[0, 1, -1, 16][..]).prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |float| float.is_finite())
            .prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        prop::sample::select(
            &[
                "1979-05-27T07:32:00Z",
                "1979-05-27T00:32:00.5-07:00",
                "1979-05-27",
                "07:32:00"
            ][..]
        )
        .prop_map(|datetime| Value::Datetime(datetime.parse().expect("a TOML datetime"))),
    ]
}

fn table_of(value: impl Strategy<Value = Value>) -> impl Strategy<Value = Table> {
    prop::collection::btree_map(key(), value, 0..4)
        .prop_map(|members| members.into_iter().collect())
}

/// TOML values up to 3 tables deep: scalars, arrays (of scalars, of tables, mixed) and tables.
fn value() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            1 => prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            1 => prop::collection::vec(table_of(inner.clone()).prop_map(Value::Table), 1..3)
                .prop_map(Value::Array),
            3 => table_of(inner).prop_map(Value::Table),
        ]
    })
}

fn table() -> impl Strategy<Value = Table> {
    table_of(value())
}

fn spelling() -> impl Strategy<Value = Spelling> {
    prop::sample::select(&SPELLINGS[..])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The text merge, parsed, is the value merge, whatever the spellings.
    #[test]
    fn text_merge_is_the_value_merge(
        earlier in table(),
        later in table(),
        earlier_spelling in spelling(),
        later_spelling in spelling(),
    ) {
        let earlier_text = spell(&earlier, earlier_spelling);
        let later_text = spell(&later, later_spelling);
        prop_assert_eq!(parse(&earlier_text), earlier.clone(), "{}", earlier_text);
        prop_assert_eq!(parse(&later_text), later.clone(), "{}", later_text);

        let merged = text_merge(&earlier_text, &later_text);
        let mut expected = earlier;
        value_merge(&mut expected, later);
        prop_assert_eq!(parse(&merged), expected, "merged text:\n{}", merged);
    }

    /// A document merged with itself, or with another spelling of its value, is unchanged.
    #[test]
    fn merging_the_same_value_keeps_the_text(
        document in table(),
        earlier_spelling in spelling(),
        later_spelling in spelling(),
    ) {
        let earlier_text = spell(&document, earlier_spelling);
        prop_assert_eq!(text_merge(&earlier_text, &earlier_text), earlier_text.clone());
        let later_text = spell(&document, later_spelling);
        prop_assert_eq!(
            text_merge(&earlier_text, &later_text),
            earlier_text,
            "later spelling:\n{}",
            later_text
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Folding with `merge_all` and one `merge_toml` at a time (outside any `merge_all`) gives
    /// the same bytes, whatever the spellings and repeats.
    #[test]
    fn merge_all_writes_what_one_at_a_time_writes(
        layers in prop::collection::vec((table(), spelling()), 2..5),
        repeat_first in any::<bool>(),
    ) {
        let mut texts: Vec<String> =
            layers.iter().map(|(table, spelling)| spell(table, *spelling)).collect();
        if repeat_first {
            // The first document again, in another spelling: its values change nothing.
            texts.push(spell(&layers[0].0, Spelling::Dotted));
        }
        let one_at_a_time = texts
            .iter()
            .fold(String::new(), |merged, text| text_merge(&merged, text));
        let memo = merge_all_toml(&texts)
            .unwrap_or_else(|error| panic!("merge_all failed: {error}"));
        prop_assert_eq!(memo, one_at_a_time);
    }
}

/// `table`'s keys, each with `n_` in front: none of them is a key of the earlier document.
fn fresh(table: Table) -> Table {
    table
        .into_iter()
        .map(|(key, value)| (format!("n_{key}"), value))
        .collect()
}

/// Whether every byte of `earlier` is in `merged`, in order (`merged` only inserts).
fn bytes_kept(earlier: &str, merged: &str) -> bool {
    let mut merged = merged.bytes();
    earlier
        .bytes()
        .all(|byte| merged.any(|candidate| candidate == byte))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// New keys, in new tables or in the earlier document's tables of any spelling, are
    /// inserted: every earlier byte stays, in order, whatever the spellings.
    #[test]
    fn new_keys_only_insert(
        earlier in table(),
        additions in prop::collection::vec(table(), 1..4),
        extra in table(),
        earlier_spelling in spelling(),
        later_spelling in spelling(),
    ) {
        let mut later = fresh(extra);
        let tables = earlier.iter().filter(|(_, value)| value.is_table());
        for ((key, _), addition) in tables.zip(additions) {
            later.insert(key.clone(), Value::Table(fresh(addition)));
        }
        let earlier_text = spell(&earlier, earlier_spelling);
        let later_text = spell(&later, later_spelling);
        let merged = text_merge(&earlier_text, &later_text);
        prop_assert!(
            bytes_kept(&earlier_text, &merged),
            "earlier:\n{}\nlater:\n{}\nmerged:\n{}", earlier_text, later_text, merged
        );
        let mut expected = earlier;
        value_merge(&mut expected, later);
        prop_assert_eq!(parse(&merged), expected, "merged text:\n{}", merged);
    }
}

#[test]
fn the_spellings_differ() {
    let document = parse("a = 1\n[t.u]\nv = [{ w = 2 }]\n");
    let spelled: Vec<String> = SPELLINGS
        .iter()
        .map(|&spelling| spell(&document, spelling))
        .collect();
    assert_eq!(
        spelled[1..],
        [
            "a = 1\nt = { u = { v = [{ w = 2 }] } }\n",
            "a = 1\nt.u.v = [{ w = 2 }]\n",
            "a = 1\n\n[t]\n\n[t.u]\nv = [{ w = 2 }]\n",
        ]
    );
    for text in &spelled {
        assert_eq!(parse(text), document, "{text}");
    }
}
