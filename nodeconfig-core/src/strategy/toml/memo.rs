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
use std::marker::PhantomData;

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

/// Runs `f` on this thread's memo. `None` only while the thread is being torn down (a
/// `merge_all` in another thread-local's destructor), when the memo is gone: the merge then
/// goes on without it.
fn with_memo<R>(f: impl FnOnce(&mut Memo) -> R) -> Option<R> {
    MEMO.try_with(|memo| f(&mut memo.borrow_mut())).ok()
}

/// While a `Session` lives, the text strategy remembers its last tree; see the module docs.
/// It counts on the thread it was opened on, so it is neither `Send` nor `Sync`.
#[must_use = "the memo is kept only while the session lives"]
pub(crate) struct Session(PhantomData<*const ()>);

impl Session {
    pub(crate) fn open() -> Self {
        with_memo(|memo| memo.sessions += 1);
        Self(PhantomData)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let left = with_memo(|memo| {
            memo.sessions = memo.sessions.saturating_sub(1);
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
    with_memo(|memo| memo.sessions > 0).unwrap_or(false)
}

/// The tree of `text`, if it is the one remembered; it is taken, since the caller edits it.
pub(super) fn take(text: &str) -> Option<DocumentMut> {
    let document = with_memo(|memo| {
        if memo.tree.as_ref()?.raw() == text {
            memo.tree.take()
        } else {
            None
        }
    })??;
    Some(document.into_mut())
}

/// Whether `text` is the remembered tree's text, and so known to parse.
pub(super) fn holds(text: &str) -> bool {
    with_memo(|memo| {
        memo.tree
            .as_ref()
            .is_some_and(|document| document.raw() == text)
    })
    .unwrap_or(false)
}

/// Remembers a document parsed to check it, if a session is open.
pub(super) fn keep(document: Document<String>) {
    let mut document = Some(document);
    let replaced = with_memo(|memo| {
        if memo.sessions > 0 {
            memo.tree.replace(document.take()?)
        } else {
            None
        }
    });
    drop((replaced, document));
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
