//! Where a keyed walk is: which `list_key` paths it is still on ([`Lists`], all phases), and,
//! for the reading phases, the members and items it went through ([`Cursor`]), for the path of
//! an error or of a trace entry.
//!
//! Matching walks the rules' dotted paths like a trie, a member at a time: entering a member
//! keeps the rules whose next segment is that member's name, so finding the list at a path
//! neither builds nor compares whole paths, and below a member no rule goes through, entering
//! and leaving cost a counter. The rules still matched at a depth all share the names entered
//! so far, so one byte offset into their paths serves them all.

use serde_json::Value;

use crate::MergeError;
use crate::path::{Key, Path, Segment};

use super::rules::ListKeys;

/// The `list_key` paths the walk is still on, and how deep it is in members (items are
/// transparent to `list_key` paths, and to the depth bound).
pub(super) struct Lists {
    rules: &'static [(&'static str, &'static [&'static str])],
    /// How many members deep the walk is.
    depth: usize,
    /// The indexes (into `rules`) of the rules still matched, a run per entry of `frames`.
    live: Vec<usize>,
    /// One per member entered while some rule still matched: where its run of `live` starts,
    /// and how many bytes of those rules' paths the names entered so far cover (dots included).
    /// Fewer frames than `depth` means no rule matches any more.
    frames: Vec<Frame>,
}

#[derive(Clone, Copy)]
struct Frame {
    start: usize,
    offset: usize,
}

/// Where [`Lists`] was before an `enter`.
#[derive(Clone, Copy)]
pub(super) struct ListsMark {
    depth: usize,
    live: usize,
    frames: usize,
}

impl Lists {
    pub(super) fn new(keys: &ListKeys) -> Self {
        Lists {
            rules: keys.rules(),
            depth: 0,
            live: Vec::new(),
            frames: Vec::new(),
        }
    }

    pub(super) fn depth(&self) -> usize {
        self.depth
    }

    /// Whether some rule's path goes through, or ends at, where the walk is: below a member
    /// where it does not, no list is keyed.
    pub(super) fn on_a_path(&self) -> bool {
        self.frames.len() == self.depth
    }

    pub(super) fn enter(&mut self, name: &str) -> ListsMark {
        let mark = ListsMark {
            depth: self.depth,
            live: self.live.len(),
            frames: self.frames.len(),
        };
        if self.on_a_path() {
            let last = self.frames.last().copied();
            let offset = last.map_or(0, |frame| frame.offset);
            let start = self.live.len();
            match last {
                None => {
                    for (index, (path, _)) in self.rules.iter().enumerate() {
                        if continues(path, offset, name) {
                            self.live.push(index);
                        }
                    }
                }
                Some(frame) => {
                    for at in frame.start..start {
                        let index = self.live[at];
                        if continues(self.rules[index].0, offset, name) {
                            self.live.push(index);
                        }
                    }
                }
            }
            if self.live.len() > start {
                self.frames.push(Frame {
                    start,
                    offset: offset + name.len() + 1,
                });
            }
        }
        self.depth += 1;
        mark
    }

    /// The mark of a step that is no member (an item): nothing changes.
    fn enter_nothing(&self) -> ListsMark {
        ListsMark {
            depth: self.depth,
            live: self.live.len(),
            frames: self.frames.len(),
        }
    }

    pub(super) fn leave(&mut self, mark: ListsMark) {
        self.depth = mark.depth;
        self.live.truncate(mark.live);
        self.frames.truncate(mark.frames);
    }

    /// The key members of the list where the walk is, if a `list_key` names it (the first
    /// rule with that path).
    pub(super) fn list_key(&self) -> Option<&'static [&'static str]> {
        if !self.on_a_path() {
            return None;
        }
        let frame = self.frames.last()?;
        self.live[frame.start..].iter().find_map(|&index| {
            let (path, members) = self.rules[index];
            (path.len() + 1 == frame.offset).then_some(members)
        })
    }
}

/// Whether `path`, matched up to byte `offset`, goes on with the segment `name`. A name that
/// holds a dot is one member, never two segments. The segment's end is checked first: most
/// names a walk meets end elsewhere than a rule's segment does.
fn continues(path: &str, offset: usize, name: &str) -> bool {
    let (path, name) = (path.as_bytes(), name.as_bytes());
    let end = offset + name.len();
    (end == path.len() || path.get(end) == Some(&b'.'))
        && path[offset..end] == *name
        && !name.contains(&b'.')
}

/// [`Lists`], and the path so far for the reading walks (check and trace), whose names borrow
/// from the document they read. The path itself is only built for an error.
pub(super) struct Cursor<'n> {
    lists: Lists,
    /// The path's steps in order.
    steps: Vec<Step<'n>>,
    /// A work list for scans of the document below the cursor, kept between them.
    scratch: Vec<(&'n Value, usize)>,
    /// Whether the walk is inside a value a scan sent to it.
    in_scanned: bool,
}

enum Step<'n> {
    Member(&'n str),
    /// `[type=RLIMIT_NOFILE]` or `[3]`.
    Item(Segment),
}

/// Where a [`Cursor`] was before an `enter`.
#[derive(Clone, Copy)]
pub(super) struct Mark(ListsMark, usize);

impl<'n> Cursor<'n> {
    pub(super) fn new(keys: &ListKeys) -> Self {
        Cursor {
            lists: Lists::new(keys),
            steps: Vec::new(),
            scratch: Vec::new(),
            in_scanned: false,
        }
    }

    pub(super) fn depth(&self) -> usize {
        self.lists.depth()
    }

    /// See [`Lists::on_a_path`].
    pub(super) fn on_a_path(&self) -> bool {
        self.lists.on_a_path()
    }

    pub(super) fn enter_member(&mut self, name: &'n str) -> Mark {
        let mark = Mark(self.lists.enter(name), self.steps.len());
        self.steps.push(Step::Member(name));
        mark
    }

    /// An item of a list: `[type=RLIMIT_NOFILE]` or `[3]`; no name for `list_key` matching.
    pub(super) fn enter_item(&mut self, segment: Segment) -> Mark {
        let mark = Mark(self.lists.enter_nothing(), self.steps.len());
        self.steps.push(Step::Item(segment));
        mark
    }

    pub(super) fn leave(&mut self, mark: Mark) {
        self.lists.leave(mark.0);
        self.steps.truncate(mark.1);
    }

    /// Whether the walk is at the document's root.
    pub(super) fn at_root(&self) -> bool {
        self.steps.is_empty()
    }

    /// A work list for a scan of the document, empty or not.
    pub(super) fn scratch(&mut self) -> &mut Vec<(&'n Value, usize)> {
        &mut self.scratch
    }

    /// Whether the walk is inside a value that a scan of the document already sent to it.
    pub(super) fn walking_a_scanned_value(&self) -> bool {
        self.in_scanned
    }

    pub(super) fn set_walking_a_scanned_value(&mut self, inside: bool) {
        self.in_scanned = inside;
    }

    /// See [`Lists::list_key`].
    pub(super) fn list_key(&self) -> Option<&'static [&'static str]> {
        self.lists.list_key()
    }

    /// An error at the cursor's path.
    pub(super) fn error(&self, message: impl std::fmt::Display) -> MergeError {
        let path: Path = self
            .steps
            .iter()
            .map(|step| match step {
                Step::Member(name) => Segment::Key(Key::from(*name)),
                Step::Item(item) => item.clone(),
            })
            .collect();
        MergeError::custom(message).at_path(&path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static KEYS: ListKeys = ListKeys::new(&[
        ("process.rlimits", &["type"]),
        ("mounts", &["destination"]),
        ("linux.namespaces", &["type"]),
        ("process.rlimits.deeper", &["name"]),
    ]);

    fn at(names: &[&str]) -> Option<&'static [&'static str]> {
        let mut lists = Lists::new(&KEYS);
        for name in names {
            lists.enter(name);
        }
        lists.list_key()
    }

    #[test]
    fn a_rule_matches_its_whole_path_only() {
        assert_eq!(at(&["process", "rlimits"]), Some(&["type"][..]));
        assert_eq!(at(&["mounts"]), Some(&["destination"][..]));
        assert_eq!(at(&["process", "rlimits", "deeper"]), Some(&["name"][..]));
        assert_eq!(at(&[]), None);
        assert_eq!(at(&["process"]), None);
        assert_eq!(at(&["linux"]), None);
        assert_eq!(at(&["process", "rlimit"]), None);
        assert_eq!(at(&["process", "rlimitsX"]), None);
        assert_eq!(at(&["mounts", "mounts"]), None);
        assert_eq!(at(&["other", "process", "rlimits"]), None);
    }

    #[test]
    fn a_dotted_name_is_one_member() {
        assert_eq!(at(&["process.rlimits"]), None);
        assert_eq!(at(&["linux", "namespaces.x"]), None);
    }

    #[test]
    fn leaving_restores_the_match() {
        let mut lists = Lists::new(&KEYS);
        let process = lists.enter("process");
        let other = lists.enter("other");
        assert!(!lists.on_a_path());
        let deeper = lists.enter("rlimits");
        assert_eq!(lists.list_key(), None);
        assert_eq!(lists.depth(), 3);
        lists.leave(deeper);
        lists.leave(other);
        lists.enter("rlimits");
        assert_eq!(lists.list_key(), Some(&["type"][..]));
        lists.leave(process);
        assert_eq!(lists.depth(), 0);
        lists.enter("mounts");
        assert_eq!(lists.list_key(), Some(&["destination"][..]));
    }

    #[test]
    fn the_first_rule_of_a_path_wins() {
        static TWICE: ListKeys = ListKeys::new(&[("a.b", &["first"]), ("a.b", &["second"])]);
        let mut lists = Lists::new(&TWICE);
        lists.enter("a");
        lists.enter("b");
        assert_eq!(lists.list_key(), Some(&["first"][..]));
    }
}
