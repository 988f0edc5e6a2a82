//! `TomlText`, TOML text that keeps its own index: every merge gives the bytes `String`'s
//! gives (the toml-test suite's valid documents, pairs and folds of every edit kind), errors
//! name the line and column, a failed merge changes nothing, and it works in a derived field,
//! through serde and in provenance.

use std::fs;
use std::path::{Path, PathBuf};

use nodeconfig_core::strategy::{TomlDeep, TomlText};
use nodeconfig_core::trace::merge_all_traced;
use nodeconfig_core::{DeepMerge, MergeError, Side, merge_all};
use serde::{Deserialize, Serialize};

fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/toml-test")
}

/// The suite's valid documents that are UTF-8 (as `toml_test_suite.rs` lists them).
fn valid_documents() -> Vec<(String, String)> {
    let list = fs::read_to_string(suite_dir().join("files-toml-1.1.0")).unwrap();
    let documents: Vec<(String, String)> = list
        .lines()
        .filter(|line| line.starts_with("valid/") && line.ends_with(".toml"))
        .map(|file| {
            let text = fs::read_to_string(suite_dir().join(file)).unwrap();
            (file.to_owned(), text)
        })
        .collect();
    assert_eq!(documents.len(), 220, "the suite's list changed");
    documents
}

fn by_string(existing: &str, incoming: &str) -> Result<String, MergeError> {
    let mut merged = existing.to_owned();
    merged.merge_toml(incoming.to_owned())?;
    Ok(merged)
}

fn by_text(existing: &str, incoming: &str) -> Result<String, MergeError> {
    let mut merged: TomlText = existing.parse()?;
    merged.merge_toml(incoming.parse()?)?;
    Ok(merged.into_string())
}

/// Both engines, which must agree; the merged text.
fn same(existing: &str, incoming: &str) -> String {
    let expected = by_string(existing, incoming).unwrap();
    let actual = by_text(existing, incoming).unwrap();
    assert_eq!(actual, expected, "{existing:?} + {incoming:?}");
    actual
}

/// D+D, ""+D, D+"", D+D′ and D′+D (D′ the `toml` crate's re-serialization), and each document
/// merged into the next one on the list: the same bytes as `String`.
#[test]
fn the_suite_merges_to_the_bytes_of_string() {
    let documents = valid_documents();
    for (file, document) in &documents {
        let value: toml::Table = toml::from_str(document).unwrap();
        let reserialized = toml::to_string(&value).unwrap();
        for (existing, incoming) in [
            (document.as_str(), document.as_str()),
            ("", document),
            (document, ""),
            (document, &reserialized),
            (&reserialized, document),
        ] {
            let merged = by_text(existing, incoming).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(merged, by_string(existing, incoming).unwrap(), "{file}");
        }
        assert_eq!(by_text(document, document).unwrap(), *document, "{file}");
    }
    for pair in documents.windows(2) {
        same(&pair[0].1, &pair[1].1);
        same(&pair[1].1, &pair[0].1);
    }
}

/// Folds of three documents of the suite: each merge takes the index the one before derived
/// (or, after an edit it does not derive, reads its own text again), to `String`'s bytes.
#[test]
fn the_suite_folds_to_the_bytes_of_string() {
    let documents = valid_documents();
    for layers in documents.windows(3) {
        let texts: Vec<&str> = layers.iter().map(|(_, text)| text.as_str()).collect();
        assert_eq!(fold_text(&texts), fold_string(&texts), "{:?}", layers[0].0);
    }
}

/// A fold through `merge_all`, as a derived field.
#[derive(Default, DeepMerge)]
struct Layer<T: TomlDeep + Default> {
    #[merge(strategy = "toml_deep")]
    config: T,
}

fn fold_string(layers: &[&str]) -> String {
    let layers = layers.iter().map(|layer| Layer {
        config: layer.to_string(),
    });
    merge_all(layers).unwrap().config
}

fn fold_text(layers: &[&str]) -> String {
    let layers = layers.iter().map(|layer| Layer {
        config: layer.parse::<TomlText>().unwrap(),
    });
    merge_all(layers).unwrap().config.into_string()
}

/// Every kind of edit (`document/folds.rs`): new keys at a table's end, values changed,
/// sections added, inline entries, values replaced by tables and back, and the edits whose
/// index is not derived (lines removed, an inline table written anew), then more layers.
#[test]
fn folds_of_every_edit_kind_give_the_bytes_of_string() {
    let folds: [&[&str]; 8] = [
        &[
            "[t]\na = 1\n",
            "[t]\nb = 2 # new\n",
            "[t]\nc = 3\na = 4\n",
            "[u]\nd = 5\n",
        ],
        &[
            "a = 1\n",
            "b.c = 2\n",
            "b.d = 3 # d\n",
            "[e.f]\ng = 4\n",
            "[e]\nh = 5\n",
        ],
        &[
            "t = { a = 1 }\n",
            "t = { b = [1, 2] }\n",
            "t = { b = 'x', c.d = 1 }\n",
            "t = { c.e = 2 }\n",
        ],
        &[
            "[a.b.c]\nx = 1\n",
            "[a.b]\ny = 2\n",
            "[a]\nz = 3\n",
            "[a.b.c]\nx = 9\n",
        ],
        &[
            "[x]\nv = [1]\n",
            "[x]\nv = { a = 1 }\n",
            "[x]\nv = { b = 2 }\nw = 1\n",
            "[[y]]\nk = 1\n",
        ],
        &[
            "[t]\na = 1\n[u]\nb = 2\n",
            "t = 1\n",
            "u.c = 3\n",
            "[t]\nd = 4\n",
            "e = 5\n",
        ],
        &[
            "t = { a.b = 1 }\n",
            "t = { a = 2 }\n",
            "t = { c = 3 }\n",
            "t.d = 4\n",
        ],
        &[
            "# head\n",
            "a = 1",
            "b = 2\n[t]\nc = 3\n",
            "a = 1\r\n",
            "[t]\nz = '''\nx'''\n",
        ],
    ];
    for layers in folds {
        assert_eq!(fold_text(layers), fold_string(layers), "{layers:?}");
    }
    // CRLF and a document without a final newline, merged directly.
    same("a = 1\r\n[t]\r\nb = 2", "[t]\nc = 3\n[u]\nd = 4\n");
}

/// The growing fold of the scaling bench: a key per layer, to `String`'s bytes.
#[test]
fn a_growing_fold_gives_the_bytes_of_string() {
    let layers: Vec<String> = (0..300).map(|i| format!("[t]\nk{i} = {i}\n")).collect();
    let layers: Vec<&str> = layers.iter().map(String::as_str).collect();
    let merged = fold_text(&layers);
    assert_eq!(merged, fold_string(&layers));
    assert!(merged.ends_with("k298 = 298\nk299 = 299\n"));
}

#[test]
fn bad_text_is_an_error_with_its_line_and_column() {
    let error = "a = 1\n[t]\nb = = 2\n".parse::<TomlText>().unwrap_err();
    let location = error.location().unwrap();
    assert_eq!(
        (location.side, location.line, location.column),
        (Side::Incoming, 3, 5)
    );
    assert!(error.to_string().contains("line 3"), "{error}");
    assert!(TomlText::try_from(String::from("a = 1\na = 2\n")).is_err());
}

#[derive(Debug, Default, DeepMerge, Serialize, Deserialize, PartialEq)]
struct Containerd {
    #[merge(strategy = "toml_deep")]
    config: TomlText,
    #[merge(strategy = "toml_deep")]
    drop_in: Option<TomlText>,
    #[merge(strategy = "toml_deep")]
    base: String,
}

/// A derived struct with `TomlText` fields; one field's failure leaves every field unchanged.
#[test]
fn a_derived_field_merges_and_a_failed_merge_changes_nothing() {
    let mut earlier = Containerd {
        config: "version = 2 # v\n".parse().unwrap(),
        drop_in: None,
        base: "a = 1\n".into(),
    };
    earlier
        .deep_merge(Containerd {
            config: "[grpc]\nuid = 0\n".parse().unwrap(),
            drop_in: Some("b = 1\n".parse().unwrap()),
            base: "a = 2\n".into(),
        })
        .unwrap();
    assert_eq!(earlier.config, "version = 2 # v\n\n[grpc]\nuid = 0\n");
    assert_eq!(earlier.drop_in.as_deref(), Some("b = 1\n"));
    let before = serde_json::to_string(&earlier).unwrap();
    let error = earlier
        .deep_merge(Containerd {
            config: "[grpc]\nuid = 1\n".parse().unwrap(),
            drop_in: Some("c = 1\n".parse().unwrap()),
            base: "a = \n".into(),
        })
        .unwrap_err();
    assert_eq!(error.path(), "base");
    assert_eq!(serde_json::to_string(&earlier).unwrap(), before);
    // The index kept through the failed merge still serves the next one.
    earlier
        .deep_merge(Containerd {
            config: "[grpc]\ngid = 2\n".parse().unwrap(),
            ..Containerd::default()
        })
        .unwrap();
    assert_eq!(
        earlier.config,
        "version = 2 # v\n\n[grpc]\nuid = 0\ngid = 2\n"
    );
}

#[test]
fn serde_reads_and_writes_the_text() {
    let config: Containerd =
        serde_json::from_str(r#"{"config": "a = 1 # one\n", "drop_in": null, "base": ""}"#)
            .unwrap();
    assert_eq!(config.config.as_str(), "a = 1 # one\n");
    let json = serde_json::to_string(&config).unwrap();
    assert_eq!(serde_json::from_str::<Containerd>(&json).unwrap(), config);
    let error = serde_json::from_str::<Containerd>(r#"{"config": "a = ", "base": ""}"#)
        .unwrap_err()
        .to_string();
    assert!(error.contains("line 1"), "{error}");
}

#[test]
fn provenance_credits_the_layer_of_each_leaf() {
    let layers = [
        (
            "base",
            Containerd {
                config: "a = 1\n[t]\nb = 2\n".parse().unwrap(),
                ..Default::default()
            },
        ),
        (
            "user",
            Containerd {
                config: "[t]\nb = 3\nc = 4\n".parse().unwrap(),
                ..Default::default()
            },
        ),
    ];
    let (merged, provenance) = merge_all_traced(layers).unwrap();
    assert_eq!(merged.config, "a = 1\n[t]\nb = 3\nc = 4\n");
    assert_eq!(provenance.get("config.a").unwrap().layer, 0);
    assert_eq!(provenance.get("config.t.b").unwrap().layer, 1);
    assert_eq!(provenance.get("config.t.c").unwrap().layer, 1);
}

/// The standard traits: comparison by text, `Default` empty, `Display`, `Deref`, `Clone` keeps
/// a usable index.
#[test]
fn the_standard_traits_work_on_the_text() {
    let text: TomlText = "a = 1\n".parse().unwrap();
    let mut copy = text.clone();
    assert_eq!(copy, text);
    assert_ne!(copy, "a = 0x1\n".parse::<TomlText>().unwrap());
    assert_eq!(TomlText::default(), "");
    assert_eq!(format!("{text}|{text:?}"), "a = 1\n|\"a = 1\\n\"");
    assert_eq!(text.len(), 6);
    copy.merge_toml("b = 2\n".parse().unwrap()).unwrap();
    assert_eq!(copy, "a = 1\nb = 2\n");
    assert_eq!(text, "a = 1\n");
    let mut none: Option<TomlText> = None;
    none.merge_toml(Some(text.clone())).unwrap();
    none.merge_toml(None).unwrap();
    assert_eq!(none, Some(text));
}

/// A config holding `TomlText` can be shared between threads.
#[test]
fn toml_text_is_send_and_sync() {
    fn shared<T: Send + Sync>() {}
    shared::<TomlText>();
    shared::<Containerd>();
}
