//! The journal of one render: which targets it replaces and whether each existed, written
//! (atomically, synced) before the first target changes, so that the next run can tell an
//! interrupted render from a finished one and undo or finish it.

use super::confine::{self, Root};
use rustix::fs::{Mode, OFlags};
use std::io::{self, Read, Write};
use std::os::fd::{AsFd, OwnedFd};

/// Where render keeps its lock and journal, relative to the root (like `/var/lib/dpkg`).
pub const STATE_DIRECTORY: &str = "var/lib/nodeconfig";
pub(crate) const JOURNAL: &str = "journal";
const JOURNAL_TEMPORARY: &str = ".nodeconfig-journal";
const HEADER: &str = "nodeconfig render journal 1";

/// How far a render got: `Staged` until every target has been renamed into place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    Staged,
    Committed,
}

/// One target: its path under the root and whether it existed before the render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) path: String,
    pub(crate) existed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Journal {
    pub(crate) state: State,
    pub(crate) entries: Vec<Entry>,
}

impl Journal {
    fn to_text(&self) -> String {
        let state = match self.state {
            State::Staged => "staged",
            State::Committed => "committed",
        };
        let mut text = format!("{HEADER}\nstate {state}\n");
        for entry in &self.entries {
            let existed = if entry.existed { "existed" } else { "absent" };
            text.push_str(&format!("{existed} {}\n", entry.path));
        }
        text
    }

    fn parse(text: &str) -> Option<Journal> {
        let mut lines = text.lines();
        (lines.next()? == HEADER).then_some(())?;
        let state = match lines.next()? {
            "state staged" => State::Staged,
            "state committed" => State::Committed,
            _ => return None,
        };
        let entries = lines
            .map(|line| {
                let (existed, path) = line.split_once(' ')?;
                let existed = match existed {
                    "existed" => true,
                    "absent" => false,
                    _ => return None,
                };
                Some(Entry {
                    path: path.to_owned(),
                    existed,
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Journal { state, entries })
    }
}

/// The state directory, created `0755` where missing.
pub(crate) fn state_directory(root: &Root) -> io::Result<OwnedFd> {
    let parent = root
        .parent_of(&format!("{STATE_DIRECTORY}/{JOURNAL}"), true)?
        .expect("created when missing");
    Ok(parent.fd)
}

/// Writes the journal to a temporary file, syncs it, renames it into place and syncs the
/// directory: the journal on disk is always a whole one.
pub(crate) fn write(state_dir: &impl AsFd, journal: &Journal) -> io::Result<()> {
    confine::remove_file(state_dir, JOURNAL_TEMPORARY)?;
    let fd = rustix::fs::openat(
        state_dir,
        JOURNAL_TEMPORARY,
        OFlags::CREATE | OFlags::EXCL | OFlags::WRONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o600),
    )?;
    let mut file = std::fs::File::from(fd);
    file.write_all(journal.to_text().as_bytes())?;
    file.sync_all()?;
    rustix::fs::renameat(state_dir, JOURNAL_TEMPORARY, state_dir, JOURNAL)?;
    rustix::fs::fsync(state_dir)?;
    Ok(())
}

/// The journal left by an earlier render, if any. A journal that does not read is an error:
/// guessing could undo a finished render.
pub(crate) fn read(state_dir: &impl AsFd) -> io::Result<Option<Journal>> {
    confine::remove_file(state_dir, JOURNAL_TEMPORARY)?;
    let fd = match rustix::fs::openat(
        state_dir,
        JOURNAL,
        OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    ) {
        Ok(fd) => fd,
        Err(rustix::io::Errno::NOENT) => return Ok(None),
        Err(error) => return Err(error.into()),
    };
    let mut text = String::new();
    std::fs::File::from(fd)
        .take(1 << 20)
        .read_to_string(&mut text)?;
    Journal::parse(&text).map(Some).ok_or_else(|| {
        confine::invalid(format!(
            "{STATE_DIRECTORY}/{JOURNAL} is not a render journal; \
             check the targets by hand, then remove it"
        ))
    })
}

/// Removes the journal: the render it described is over.
pub(crate) fn remove(state_dir: &impl AsFd) -> io::Result<()> {
    confine::remove_file(state_dir, JOURNAL)?;
    rustix::fs::fsync(state_dir)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journal_text_round_trips_and_rejects_garbage() {
        let journal = Journal {
            state: State::Staged,
            entries: vec![
                Entry {
                    path: "etc/a b.conf".into(),
                    existed: true,
                },
                Entry {
                    path: "etc/c".into(),
                    existed: false,
                },
            ],
        };
        assert_eq!(Journal::parse(&journal.to_text()), Some(journal));
        assert_eq!(Journal::parse("state staged\n"), None);
        assert_eq!(
            Journal::parse(&format!("{HEADER}\nstate staged\nmaybe x\n")),
            None
        );
    }
}
