//! Folds of layers through the memo: the index derived for a merged text (`index/derive.rs`)
//! is the one the next merge uses, for the splice kinds a fold meets (new keys at a table's
//! end, changed values, new sections, values replaced, inline entries); every merge here
//! also checks it against a fresh read of the merged text (`verify`, debug builds).

use super::*;

/// The merged text of two documents.
fn merged(existing: &str, incoming: &str) -> String {
    match merge(existing, incoming) {
        Ok(Merged::Text(text)) => text,
        Ok(Merged::KeepExisting) => existing.to_owned(),
        Ok(Merged::TakeIncoming) => incoming.to_owned(),
        Err(error) => panic!("{existing:?} + {incoming:?}: {error}"),
    }
}

/// Whether the memo derives an index for `text` (it is used up by asking).
fn derives(text: &str) -> bool {
    let derivable = CHECKED
        .with(|memo| matches!(&*memo.borrow(), Some((kept, Kept::Merged(..))) if kept == text));
    derivable && remembered(text).is_some()
}

/// Each common kind of merge leaves an index for its result: no fallback to reading it.
#[test]
fn common_merges_derive_the_next_index() {
    for (existing, incoming) in [
        ("[t]\na = 1\n", "[t]\nb = 2 # new\n"),
        ("a = 1 # one\nb = 'x'\n", "a = 2\n"),
        ("a = 1 # one\n", "a = 2 # two\n"),
        ("a = 1\n[s]\nx = 1\n", "[u]\ny = 2\n[s.v]\nz = 3\n"),
        ("a = [1, 2]\n", "a = { x = [3, { y = 4 }] }\n"),
        ("t = { a = 1 }\n", "t = { b = 2, c.d = 3 }\n"),
        ("t = {}\n", "t = { b = 2 }\n"),
        ("t = { a = 1, }\n", "t = { b = 2 }\n"),
        ("t = { a.x = 1 }\n", "t = { a.y = 2 }\n"),
        ("a.x = 1\nb = 2\n", "a.y = 2\nc.d = 4\n"),
        ("[a.b.c]\nx = 1\n", "[a.b]\nk = 1\n"),
        ("[a.b.c]\nx = 1\n", "[a.d]\nk = 1\n"),
        ("[x]\n[a.b.c]\n", "[a.b]\nk = 1\n"),
        ("[[p]]\nq = 1\n", "r = 2\n[s]\n\"k\\ty\" = 1\n"),
        ("a = 1", "b = 2\n[t]\nc = 3\n"),
        ("[t]\na=1", "[s]\nk = 1\n[s.u]\nv = 2\n"),
        ("a = 1\r\n", "a = '''\nx'''\nb = 2\n"),
        ("# only a comment\n", "a = 1\n"),
    ] {
        forget();
        let text = merged(existing, incoming);
        assert!(derives(&text), "{existing:?} + {incoming:?} gave no index");
    }
}

/// Merges whose edits are not derived give none: the next merge reads the text.
#[test]
fn a_replaced_table_is_read_again() {
    for (existing, incoming) in [
        ("[t]\na = 1\n", "t = 1\n"),
        ("t = { a.b = 1 }\n", "t = { a = 2 }\n"),
    ] {
        forget();
        let text = merged(existing, incoming);
        assert!(!derives(&text), "{existing:?} + {incoming:?}");
    }
}

/// A fold of layers gives the same text whether each merge takes the derived index of the
/// one before or reads the text afresh.
#[test]
fn folds_through_derived_indexes_write_the_same_text() {
    let folds: [&[&str]; 5] = [
        &[
            "[t]\na = 1\n",
            "[t]\nb = 2\n",
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
    ];
    for layers in folds {
        let through = layers[1..]
            .iter()
            .fold(layers[0].to_owned(), |text, layer| merged(&text, layer));
        let afresh = layers[1..]
            .iter()
            .fold(layers[0].to_owned(), |text, layer| {
                forget();
                merged(&text, layer)
            });
        assert_eq!(through, afresh, "{layers:?}");
    }
    // The growing fold of the scaling bench, a hundred layers.
    let mut text = String::new();
    for i in 0..100 {
        let before = text.clone();
        text = merged(&text, &format!("[t]\nk{i} = {i}\n"));
        assert!(i < 2 || derives(&text), "layer {i} after {before:?}");
        // Put back what asking used up.
        forget();
        check(&text, Side::Existing).unwrap();
    }
    assert!(text.ends_with("k98 = 98\nk99 = 99\n"));
}
