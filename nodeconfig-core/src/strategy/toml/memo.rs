//! The last TOML document this thread parsed to check it, kept during a
//! [`merge_all`](crate::merge_all) so that it is not parsed again when the next merge reads it.
//!
//! A layer's document that lands where nothing was (the first layer, an earlier `None`) is
//! parsed only to check it, and becomes the destination's text; the next layer with a
//! document then parses that same text as its earlier side. While `merge_all`'s [`Session`] is
//! open, the check keeps its parse, with its own copy of the text, and a merge whose earlier
//! document is that text, byte for byte, takes the tree instead of parsing. A text that
//! differs (another field's, a caller's edit) is parsed as before, so the memo makes a merge
//! faster but never different.
//!
//! Only parses are kept, never merged trees: toml_edit's tree after an edit does not always
//! write and merge like a fresh parse of the text it writes (a replaced key keeps its old
//! place), so a merged document is parsed again at the next layer. The property test
//! `the_memo_changes_no_byte` (tests/tests/toml_deep_laws.rs) and a chain over the toml-test
//! suite check that results are byte for byte those of merging one document at a time.
//!
//! Outside a session nothing is kept, and the session's end drops what is left, so no tree
//! outlives the `merge_all` that made it.

use std::cell::RefCell;

use toml_edit::{Document, DocumentMut};

thread_local! {
    static MEMO: RefCell<Memo> = const { RefCell::new(Memo { sessions: 0, tree: None }) };
}

struct Memo {
    /// How many sessions are open on this thread (a `merge_all` inside a `with` function of
    /// another one nests).
    sessions: usize,
    /// A document parsed to check it; it holds its own text.
    tree: Option<Document<String>>,
}

/// While a `Session` lives, the text strategy remembers its last tree; see the module docs.
#[must_use = "the memo is kept only while the session lives"]
pub(crate) struct Session(());

impl Session {
    pub(crate) fn open() -> Self {
        MEMO.with_borrow_mut(|memo| memo.sessions += 1);
        Self(())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let left = MEMO.with_borrow_mut(|memo| {
            memo.sessions -= 1;
            if memo.sessions == 0 {
                memo.tree.take()
            } else {
                None
            }
        });
        // Dropped outside the borrow, though a tree's drop never reaches back here.
        drop(left);
    }
}

/// Whether a session is open, so remembering a tree is worth building it.
pub(super) fn active() -> bool {
    MEMO.with_borrow(|memo| memo.sessions > 0)
}

/// The tree of `text`, if it is the one remembered; it is taken, since the caller edits it.
pub(super) fn take(text: &str) -> Option<DocumentMut> {
    let document = MEMO.with_borrow_mut(|memo| {
        if memo.tree.as_ref()?.raw() == text {
            memo.tree.take()
        } else {
            None
        }
    })?;
    Some(document.into_mut())
}

/// Whether `text` is the remembered tree's text, and so known to parse.
pub(super) fn holds(text: &str) -> bool {
    MEMO.with_borrow(|memo| {
        memo.tree
            .as_ref()
            .is_some_and(|document| document.raw() == text)
    })
}

/// Remembers a document parsed to check it, if a session is open.
pub(super) fn keep(document: Document<String>) {
    let replaced = MEMO.with_borrow_mut(|memo| {
        if memo.sessions > 0 {
            memo.tree.replace(document)
        } else {
            Some(document)
        }
    });
    drop(replaced);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_kept_outside_a_session() {
        keep(Document::parse(String::from("a = 1\n")).unwrap());
        assert!(!holds("a = 1\n"));
        assert!(take("a = 1\n").is_none());
    }

    #[test]
    fn a_session_keeps_one_tree_until_it_ends() {
        let outer = Session::open();
        keep(Document::parse(String::from("a = 1\n")).unwrap());
        assert!(holds("a = 1\n"));
        assert!(!holds("a = 1"));
        {
            let _inner = Session::open();
            keep(Document::parse(String::from("b = 2\n")).unwrap());
            assert!(!holds("a = 1\n"));
        }
        // The inner session's end leaves the outer one's memo alone.
        assert!(holds("b = 2\n"));
        assert_eq!(take("b = 2\n").unwrap().to_string(), "b = 2\n");
        assert!(take("b = 2\n").is_none());
        keep(Document::parse(String::from("c = 3\n")).unwrap());
        drop(outer);
        assert!(!holds("c = 3\n"));
        assert!(!active());
    }
}
