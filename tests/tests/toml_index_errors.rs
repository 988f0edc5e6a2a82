//! The span engine's own index of a TOML document reports the errors the `toml` crate's parser
//! reports: for every invalid document of the toml-test suite, the same reason at the same line
//! and column as `toml::de::DeTable::parse` (numbers out of range, which `DeTable` leaves to
//! deserialisation, as `toml::from_str` reports them).

use std::fs;
use std::path::{Path, PathBuf};

use nodeconfig_core::strategy::TomlDeep;

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/toml-test")
}

/// The 1-based line and column (in characters) of byte `offset`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// What the `toml` crate says about `document`: `line, column: reason`.
fn toml_crate_error(document: &str) -> Option<String> {
    let error = match toml::de::DeTable::parse(document) {
        Err(error) => error,
        Ok(_) => toml::from_str::<toml::Table>(document).err()?,
    };
    let (line, column) = line_column(document, error.span().map_or(0, |span| span.start));
    let reason = error
        .message()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    Some(format!("{line}, column {column}: {reason}"))
}

#[test]
fn invalid_documents_fail_as_the_toml_crate_says() {
    let list = fs::read_to_string(suite_dir().join("files-toml-1.1.0")).unwrap();
    let mut differ = Vec::new();
    let mut checked = 0;
    for file in list
        .lines()
        .filter(|line| line.starts_with("invalid/") && line.ends_with(".toml"))
    {
        let Ok(document) = String::from_utf8(fs::read(suite_dir().join(file)).unwrap()) else {
            continue;
        };
        let expected = toml_crate_error(&document).expect("the toml crate rejects it");
        let mut merged = String::new();
        let error = merged
            .merge_toml(document.clone())
            .expect_err("rejected")
            .to_string();
        let ours = error
            .split_once("at line ")
            .map_or(error.as_str(), |(_, rest)| rest);
        checked += 1;
        if ours != expected {
            differ.push(format!("{file}\n  toml: {expected}\n  ours: {ours}"));
        }
    }
    assert!(checked > 450, "only {checked} documents checked");
    assert!(
        differ.is_empty(),
        "{} differ:\n{}",
        differ.len(),
        differ.join("\n")
    );
}

fn merge(existing: &str, incoming: &str) -> Result<String, nodeconfig_core::MergeError> {
    let mut merged = existing.to_owned();
    merged.merge_toml(incoming.to_owned())?;
    Ok(merged)
}

/// TOML 1.1's table rules ("Table", "Inline Table", "Array of Tables", "Keys"), each an error
/// naming the side, the line and the column of the offending key, on either side.
#[test]
fn table_rules_are_errors_with_side_line_and_column() {
    let cases = [
        ("a = 1\na = 2\n", "2, column 1: duplicate key"),
        ("[t]\nx = 1\n[t]\ny = 2\n", "3, column 2: duplicate key"),
        ("a.b = 1\n[a]\n", "2, column 2: duplicate key"),
        ("a.b = 1\n[a.b]\n", "2, column 4: duplicate key"),
        ("[a]\nb = 1\n[a.b]\n", "3, column 4: duplicate key"),
        ("a = [1]\n[[a]]\n", "2, column 3: duplicate key"),
        ("[[a]]\n[a]\n", "2, column 2: duplicate key"),
        (
            "a = { b = 1 }\na.c = 2\n",
            "2, column 1: cannot extend value of type inline table with a dotted key",
        ),
        (
            "a = { b = 1 }\n[a.c]\n",
            "2, column 2: cannot extend value of type inline table with a dotted key",
        ),
        (
            "a = 'x'\na.b = 1\n",
            "2, column 1: cannot extend value of type string with a dotted key",
        ),
        (
            "a = [{}]\n[a.b]\n",
            "2, column 2: cannot extend value of type array with a dotted key",
        ),
        ("t = { a.b = 1, a = 2 }\n", "1, column 16: duplicate key"),
        (
            "t = { a = { b = 1 }, a.c = 2 }\n",
            "1, column 22: duplicate key",
        ),
        (
            "n = 9223372036854775808\n",
            "1, column 5: integer number overflowed",
        ),
        (
            "d = 1979-13-27\n",
            "1, column 5: invalid date, expected month between 01 and 12",
        ),
    ];
    for (document, expected) in cases {
        for (side, merged) in [
            ("existing", merge(document, "z = 0\n")),
            ("incoming", merge("z = 0\n", document)),
        ] {
            let error = merged.expect_err(document).to_string();
            let location = format!("the {side} TOML document does not parse at line {expected}");
            assert!(error.starts_with(&location), "{document:?}: {error}");
        }
    }
}

/// Tables over the index's scan limit look keys up through a hash map: duplicates are still
/// found, and a merge of two large tables finds every key of the earlier one.
#[test]
fn large_tables_find_their_keys() {
    let earlier: String = (0..200).map(|key| format!("k{key} = {key}\n")).collect();
    let later: String = (0..200)
        .rev()
        .map(|key| format!("k{key} = {key}\n"))
        .collect();
    assert_eq!(merge(&earlier, &later).unwrap(), earlier);
    let changed = later.replace("k7 = 7\n", "k7 = 'seven'\nnew = 1\n");
    let merged = merge(&earlier, &changed).unwrap();
    assert_eq!(
        merged,
        earlier.replace("k7 = 7", "k7 = 'seven'") + "new = 1\n"
    );
    let duplicate = format!("{earlier}k150 = 0\n");
    let error = merge(&duplicate, "").unwrap_err().to_string();
    assert!(
        error.contains("at line 201, column 1: duplicate key"),
        "{error}"
    );
}

/// Nesting is bounded (the `toml` crate's limit of 80 levels), so a deep document is an error,
/// never a stack overflow.
#[test]
fn deep_nesting_is_an_error() {
    let arrays = format!("a = {}{}\n", "[".repeat(5000), "]".repeat(5000));
    let tables = format!("a = {}{}\n", "{ b = ".repeat(5000), "}".repeat(5000));
    let dotted = format!("{} = 1\n", vec!["k"; 5000].join("."));
    let header = format!("[{}]\n", vec!["k"; 5000].join("."));
    for document in [arrays, tables, dotted, header] {
        let error = merge("", &document).unwrap_err();
        assert!(error.location().is_some(), "{error}");
    }
}
