//! `toml_deep` on text against the toml-test suite (TOML 1.1 file list, snapshot d168c2a4,
//! copied into `tests/fixtures/toml-test/` with its MIT licence).
//!
//! For every valid document D:
//! - `toml_deep(D, D)`, `toml_deep("", D)` and `toml_deep(D, "")` are D, byte for byte;
//! - with D' the `toml` crate's re-serialization of D, `toml_deep(D, D')` and `toml_deep(D', D)`
//!   parse to D's value; and `toml_deep(D, D')` is D byte for byte: D' changes no value, so
//!   every key keeps D's text, through the whole merge (D' is never D's bytes), for every
//!   valid document (`SPELLING_CHANGED` is empty since the span engine).
//!
//! For every invalid document: a `MergeError` on whichever side it is, located inside the
//! document, never a panic and never a merged result.

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use nodeconfig_core::strategy::TomlDeep;
use nodeconfig_core::{MergeError, Side};
use nodeconfig_tests::merge_all_toml;

/// Invalid documents the suite's list holds that are not UTF-8: a `String` cannot hold them,
/// so they never reach the merge (reading them as a `String` is where they fail).
const NOT_UTF8: &[&str] = &[
    "invalid/encoding/bad-codepoint.toml",
    "invalid/encoding/bad-utf8-at-end.toml",
    "invalid/encoding/bad-utf8-in-array.toml",
    "invalid/encoding/bad-utf8-in-comment.toml",
    "invalid/encoding/bad-utf8-in-multiline.toml",
    "invalid/encoding/bad-utf8-in-multiline-literal.toml",
    "invalid/encoding/bad-utf8-in-string.toml",
    "invalid/encoding/bad-utf8-in-string-literal.toml",
    "invalid/encoding/utf16-bom.toml",
];

/// Invalid documents that `toml_deep`'s parser (its own index on `toml_parser`; the `toml`
/// crate's `DeTable` and toml_edit 0.25 before it) accepts, so it merges them: none in this
/// snapshot. A file listed here must merge, with the reason in a comment.
const ACCEPTED_BY_TOML_EDIT: &[&str] = &[];

/// Valid documents `toml_deep`'s parser rejects, so it reports them as parse errors: none in
/// this snapshot. A file listed here must fail to merge.
const REJECTED_BY_TOML_EDIT: &[&str] = &[];

/// Valid documents whose `toml_deep(D, D')` has D's value but not quite D's text: none. The
/// span engine keeps every byte D' does not change (the toml_edit engine it replaced regrouped
/// dotted keys and respelled their parents in seven of these documents).
const SPELLING_CHANGED: &[&str] = &[];

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/toml-test")
}

/// The suite's file list: `(valid, invalid)` paths relative to the suite directory.
fn suite_files() -> (Vec<String>, Vec<String>) {
    let list = fs::read_to_string(suite_dir().join("files-toml-1.1.0")).unwrap();
    let (valid, invalid): (Vec<String>, Vec<String>) = list
        .lines()
        .filter(|line| line.ends_with(".toml"))
        .map(str::to_owned)
        .partition(|line| line.starts_with("valid/"));
    assert_eq!(
        (valid.len(), invalid.len()),
        (220, 492),
        "the suite's list changed"
    );
    (valid, invalid)
}

fn read(file: &str) -> Vec<u8> {
    fs::read(suite_dir().join(file)).unwrap_or_else(|error| panic!("{file}: {error}"))
}

fn merge(existing: &str, incoming: &str) -> Result<String, MergeError> {
    let mut merged = existing.to_owned();
    merged.merge_toml(incoming.to_owned())?;
    Ok(merged)
}

/// Runs `check` on every file, catching panics, and returns the failures with their reason.
fn run_all(files: &[String], check: impl Fn(&str) -> Result<(), String>) -> Vec<String> {
    files
        .iter()
        .filter_map(|file| {
            let outcome = catch_unwind(AssertUnwindSafe(|| check(file)));
            let failure = match outcome {
                Ok(Ok(())) => return None,
                Ok(Err(reason)) => reason,
                Err(panic) => format!(
                    "panicked: {}",
                    panic
                        .downcast_ref::<String>()
                        .map(String::as_str)
                        .or_else(|| panic.downcast_ref::<&str>().copied())
                        .unwrap_or("?")
                ),
            };
            Some(format!("{file}: {failure}"))
        })
        .collect()
}

#[test]
fn valid_documents_merge_with_themselves_with_empty_and_with_a_reserialization() {
    let (valid, _) = suite_files();
    let failures = run_all(&valid, |file| {
        if REJECTED_BY_TOML_EDIT.contains(&file) {
            return expect_rejected(file);
        }
        let document = String::from_utf8(read(file)).map_err(|error| error.to_string())?;
        match (check_valid(&document), SPELLING_CHANGED.contains(&file)) {
            (Err(reason), true) if reason == NOT_BYTE_EXACT => Ok(()),
            (Ok(()), true) => Err("merges byte for byte: remove it from SPELLING_CHANGED".into()),
            (outcome, _) => outcome,
        }
    });
    assert!(
        failures.is_empty(),
        "{} of {} valid documents fail:\n{}",
        failures.len(),
        valid.len(),
        failures.join("\n")
    );
    eprintln!(
        "{} valid documents pass, {} of them byte for byte against their re-serialization",
        valid.len() - REJECTED_BY_TOML_EDIT.len(),
        valid.len() - REJECTED_BY_TOML_EDIT.len() - SPELLING_CHANGED.len()
    );
}

const NOT_BYTE_EXACT: &str = "toml_deep(D, D') is D's value but not D's text";

fn check_valid(document: &str) -> Result<(), String> {
    let expect_same = |what: &str, merged: Result<String, MergeError>| match merged {
        Ok(merged) if merged == document => Ok(()),
        Ok(merged) => Err(format!("{what} changed the document into {merged:?}")),
        Err(error) => Err(format!("{what}: {error}")),
    };
    expect_same("toml_deep(D, D)", merge(document, document))?;
    expect_same("toml_deep(\"\", D)", merge("", document))?;
    expect_same("toml_deep(D, \"\")", merge(document, ""))?;

    let value: toml::Table = toml::from_str(document).map_err(|error| format!("toml: {error}"))?;
    let reserialized = toml::to_string(&value).map_err(|error| format!("toml: {error}"))?;
    for (what, merged) in [
        ("toml_deep(D, D')", merge(document, &reserialized)),
        ("toml_deep(D', D)", merge(&reserialized, document)),
    ] {
        let merged = merged.map_err(|error| format!("{what}: {error}"))?;
        let merged_value: toml::Table = toml::from_str(&merged)
            .map_err(|error| format!("{what} does not parse: {error}\n{merged}"))?;
        if !same_table(&merged_value, &value) {
            return Err(format!("{what} changed the value:\n{merged}"));
        }
    }
    if merge(document, &reserialized).is_ok_and(|merged| merged != document) {
        return Err(NOT_BYTE_EXACT.into());
    }
    Ok(())
}

fn expect_rejected(file: &str) -> Result<(), String> {
    let document = String::from_utf8(read(file)).map_err(|error| error.to_string())?;
    match merge(&document, "") {
        Err(_) => Ok(()),
        Ok(_) => Err("listed in REJECTED_BY_TOML_EDIT but merges: remove it from the list".into()),
    }
}

/// Table equality with all NaNs alike, as toml-test has them (`nan`, `+nan`, `-nan`).
fn same_table(left: &toml::Table, right: &toml::Table) -> bool {
    left.len() == right.len()
        && left
            .iter()
            .all(|(key, left)| right.get(key).is_some_and(|right| same_value(left, right)))
}

fn same_value(left: &toml::Value, right: &toml::Value) -> bool {
    match (left, right) {
        (toml::Value::Float(left), toml::Value::Float(right)) => {
            left.to_bits() == right.to_bits() || (left.is_nan() && right.is_nan())
        }
        (toml::Value::Table(left), toml::Value::Table(right)) => same_table(left, right),
        (toml::Value::Array(left), toml::Value::Array(right)) => {
            left.len() == right.len()
                && left
                    .iter()
                    .zip(right)
                    .all(|(left, right)| same_value(left, right))
        }
        (left, right) => left == right,
    }
}

#[test]
fn invalid_documents_are_errors_on_either_side() {
    let (_, invalid) = suite_files();
    let failures = run_all(&invalid, |file| {
        let Ok(document) = String::from_utf8(read(file)) else {
            return if NOT_UTF8.contains(&file) {
                Ok(())
            } else {
                Err("not UTF-8: add it to NOT_UTF8".into())
            };
        };
        if ACCEPTED_BY_TOML_EDIT.contains(&file) {
            return match merge(&document, "") {
                Ok(_) => Ok(()),
                Err(_) => {
                    Err("listed in ACCEPTED_BY_TOML_EDIT but fails: remove it from the list".into())
                }
            };
        }
        check_invalid(&document)
    });
    assert!(
        failures.is_empty(),
        "{} of {} invalid documents fail:\n{}",
        failures.len(),
        invalid.len(),
        failures.join("\n")
    );
    eprintln!(
        "{} invalid documents are errors on both sides; {} are not UTF-8, {} are accepted by toml_edit",
        invalid.len() - NOT_UTF8.len() - ACCEPTED_BY_TOML_EDIT.len(),
        NOT_UTF8.len(),
        ACCEPTED_BY_TOML_EDIT.len()
    );
}

fn check_invalid(document: &str) -> Result<(), String> {
    let other = "key = 'value'\n";
    let cases = [
        (Side::Existing, merge(document, other)),
        (Side::Existing, merge(document, "")),
        (Side::Existing, merge(document, document)),
        (Side::Incoming, merge(other, document)),
        (Side::Incoming, merge("", document)),
    ];
    let lines = document.split('\n').count();
    for (side, merged) in cases {
        let error = match merged {
            Ok(merged) => return Err(format!("merged on the {side} side into {merged:?}")),
            Err(error) => error,
        };
        let Some(location) = error.location() else {
            return Err(format!("an error without a location: {error}"));
        };
        if location.side != side
            || location.line == 0
            || location.line > lines
            || location.column == 0
        {
            return Err(format!(
                "expected the {side} side inside the document: {error}"
            ));
        }
    }
    Ok(())
}

/// `merge_all` keeps a landing document's check parse and does not parse that text again; it
/// must write what merging one document at a time writes. Chains of four valid documents
/// (a document, the next two in the list, and the first one's re-serialization), once per
/// document of the suite.
#[test]
fn merge_all_remembering_trees_writes_what_one_at_a_time_writes() {
    let (valid, _) = suite_files();
    let documents: Vec<String> = valid
        .iter()
        .filter(|file| !REJECTED_BY_TOML_EDIT.contains(&file.as_str()))
        .map(|file| String::from_utf8(read(file)).unwrap())
        .collect();
    let mut differ = Vec::new();
    for (at, first) in documents.iter().enumerate() {
        let reserialized = toml::to_string(&toml::from_str::<toml::Table>(first).unwrap()).unwrap();
        let chain = [
            first.clone(),
            documents[(at + 1) % documents.len()].clone(),
            reserialized,
            documents[(at + 2) % documents.len()].clone(),
        ];
        let one_at_a_time = chain.iter().try_fold(String::new(), |merged, text| {
            merge(&merged, text).map_err(|error| error.to_string())
        });
        let remembered = merge_all_toml(&chain).map_err(|error| error.to_string());
        if remembered != one_at_a_time {
            differ.push(valid[at].clone());
        }
    }
    assert!(
        differ.is_empty(),
        "{} chains differ, starting with:\n{}",
        differ.len(),
        differ.join("\n")
    );
}
