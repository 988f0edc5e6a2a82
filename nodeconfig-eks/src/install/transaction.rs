//! One render's writes as a transaction: stage, back up, commit, then finish; or roll back.

use super::confine::{self, Parent, Root};
use super::journal::{self, Entry, Journal, State};
use super::{FILE_MODE, Failpoint, Recovery};
use crate::files::RenderedFile;
use rustix::fs::{AtFlags, FileType, Mode, OFlags};
use std::io::{self, Write};
use std::os::fd::OwnedFd;

/// Prefix of every file render leaves beside a target while it works. Any such file found at
/// the start of a render is stale (the lock says no other render is running) and is removed.
pub(crate) const TEMPORARY_PREFIX: &str = ".nodeconfig-";

fn staged_name(name: &str) -> String {
    format!("{TEMPORARY_PREFIX}new.{name}")
}

fn backup_name(name: &str) -> String {
    format!("{TEMPORARY_PREFIX}old.{name}")
}

/// Why a transaction stopped early.
pub(crate) enum Stop {
    /// A step failed (the error, the path it was about); everything was rolled back.
    Failed(io::Error, String),
    /// A step failed, and so did the rollback (its error last): the next run finishes it.
    Unrecovered(io::Error, String, io::Error),
    /// A test's simulated crash at this step: nothing more was done, as after `kill -9`.
    Crashed(usize),
}

/// Counts the steps that change the disk, so that a test can stop at each one.
pub(crate) struct Steps {
    taken: usize,
    failpoint: Failpoint,
}

impl Steps {
    pub(crate) fn new(failpoint: Failpoint) -> Self {
        Steps {
            taken: 0,
            failpoint,
        }
    }

    /// Called before each step that changes the disk; `path` is what the step is about.
    fn next(&mut self, path: &str) -> Result<(), Stop> {
        self.taken += 1;
        match self.failpoint {
            Failpoint::Crash(step) if step == self.taken => Err(Stop::Crashed(step)),
            Failpoint::Fail(step) if step == self.taken => Err(Stop::Failed(
                io::Error::other("injected failure"),
                path.to_owned(),
            )),
            _ => Ok(()),
        }
    }
}

/// A target, its open parent directory, and the mode its new contents get.
struct Target<'a> {
    file: &'a RenderedFile,
    shown: String,
    parent: Parent,
    existed: bool,
    mode: u32,
}

impl Target<'_> {
    fn failed(&self) -> impl FnOnce(io::Error) -> Stop + '_ {
        |error| Stop::Failed(error, self.shown.clone())
    }
}

/// Stages, backs up and commits `files`; after a failed step, rolls every target back.
pub(crate) fn commit(
    root: &Root,
    state_dir: &OwnedFd,
    files: &[RenderedFile],
    steps: &mut Steps,
) -> Result<(), Stop> {
    let state_shown = root.display(journal::STATE_DIRECTORY).display().to_string();
    let journal_failed = |error: io::Error| Stop::Failed(error, state_shown.clone());
    let mut targets = Vec::with_capacity(files.len());
    for file in files {
        let shown = root.display(file.path).display().to_string();
        let target = plan(root, file, shown.clone()).map_err(|error| Stop::Failed(error, shown))?;
        targets.push(target);
    }
    let mut journal = Journal {
        state: State::Staged,
        entries: targets
            .iter()
            .map(|target| Entry {
                path: target.file.path.to_owned(),
                existed: target.existed,
            })
            .collect(),
    };
    steps.next(&state_shown)?;
    journal::write(state_dir, &journal).map_err(journal_failed)?;
    if let Err(stop) = stage_and_rename(&targets, steps) {
        // The journal lists every target: the routine that recovers from a crash undoes them.
        return Err(undo(stop, root, state_dir, &journal));
    }
    // The commit point: once the journal says `committed`, the render has happened.
    journal.state = State::Committed;
    if let Err(stop) = steps
        .next(&state_shown)
        .and_then(|()| journal::write(state_dir, &journal).map_err(journal_failed))
    {
        journal.state = State::Staged;
        return Err(undo(stop, root, state_dir, &journal));
    }
    // Removing the backups can fail without undoing anything: the next run finishes it.
    match steps.next(&state_shown) {
        Err(Stop::Crashed(step)) => Err(Stop::Crashed(step)),
        _ => {
            let _ = finish(root, state_dir, &journal);
            Ok(())
        }
    }
}

/// After a failed step, rolls every target back; a rollback that fails too is reported, and
/// left to the next run, which finds the journal.
fn undo(stop: Stop, root: &Root, state_dir: &OwnedFd, journal: &Journal) -> Stop {
    match stop {
        Stop::Failed(error, path) => match roll_back(root, state_dir, journal) {
            Ok(()) => Stop::Failed(error, path),
            Err(rollback) => Stop::Unrecovered(error, path, rollback),
        },
        crashed => crashed,
    }
}

/// Opens the target's directory (creating it), and reads whether and how the target exists.
fn plan<'a>(root: &Root, file: &'a RenderedFile, shown: String) -> io::Result<Target<'a>> {
    let parent = root
        .parent_of(file.path, true)?
        .expect("created when missing");
    let (existed, mode) = match confine::entry_type(&parent.fd, &parent.name)? {
        None => (false, FILE_MODE),
        // Never widen: a stricter mode an operator set stays (0600 stays 0600).
        Some((FileType::RegularFile, mode)) => (true, mode & FILE_MODE),
        Some((FileType::Symlink, _)) => {
            return Err(confine::invalid(
                "is a symbolic link; render does not follow links under --root (remove it)",
            ));
        }
        Some(_) => return Err(confine::invalid("is not a regular file (remove it)")),
    };
    Ok(Target {
        file,
        shown,
        parent,
        existed,
        mode,
    })
}

fn stage_and_rename(targets: &[Target<'_>], steps: &mut Steps) -> Result<(), Stop> {
    for target in targets {
        steps.next(&target.shown)?;
        stage(target).map_err(target.failed())?;
    }
    // A hard link keeps the previous bytes under another name, at no cost, until the commit.
    for target in targets.iter().filter(|target| target.existed) {
        steps.next(&target.shown)?;
        let (fd, name) = (&target.parent.fd, target.parent.name.as_str());
        rustix::fs::linkat(fd, name, fd, backup_name(name), AtFlags::empty())
            .and_then(|()| rustix::fs::fsync(fd))
            .map_err(|error| target.failed()(error.into()))?;
    }
    for target in targets {
        steps.next(&target.shown)?;
        let (fd, name) = (&target.parent.fd, target.parent.name.as_str());
        rustix::fs::renameat(fd, staged_name(name), fd, name)
            .and_then(|()| rustix::fs::fsync(fd))
            .map_err(|error| target.failed()(error.into()))?;
    }
    Ok(())
}

/// Writes the new contents beside the target, with its mode set by `fchmod` (not the umask),
/// and syncs them.
fn stage(target: &Target<'_>) -> io::Result<()> {
    let (fd, name) = (&target.parent.fd, staged_name(&target.parent.name));
    confine::remove_file(fd, &name)?;
    let staged = rustix::fs::openat(
        fd,
        name.as_str(),
        OFlags::CREATE | OFlags::EXCL | OFlags::WRONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::from_raw_mode(target.mode),
    )?;
    rustix::fs::fchmod(&staged, Mode::from_raw_mode(target.mode))?;
    let mut staged = std::fs::File::from(staged);
    staged.write_all(target.file.contents.as_bytes())?;
    staged.sync_all()
}

/// Puts every target of `journal` back as it was: the backup renamed over it, or, for a target
/// that did not exist, removed. Then removes the staged files and the journal.
fn roll_back(root: &Root, state_dir: &OwnedFd, journal: &Journal) -> io::Result<()> {
    for entry in &journal.entries {
        let Some(parent) = root.parent_of(&entry.path, false)? else {
            continue;
        };
        let (fd, name) = (&parent.fd, parent.name.as_str());
        confine::remove_file(fd, &staged_name(name))?;
        if entry.existed {
            // Every backup is made before the first rename: no backup means not yet replaced.
            if confine::entry_type(fd, &backup_name(name))?.is_some() {
                rustix::fs::renameat(fd, backup_name(name), fd, name)?;
                // rename(2) does nothing when both names are links to one file (not replaced
                // yet): the backup name is then still there.
                confine::remove_file(fd, &backup_name(name))?;
            }
        } else {
            confine::remove_file(fd, name)?;
        }
        rustix::fs::fsync(fd)?;
    }
    journal::remove(state_dir)
}

/// After the commit: the backups and the journal go.
fn finish(root: &Root, state_dir: &OwnedFd, journal: &Journal) -> io::Result<()> {
    for entry in &journal.entries {
        if let Some(parent) = root.parent_of(&entry.path, false)? {
            confine::remove_file(&parent.fd, &backup_name(&parent.name))?;
            confine::remove_file(&parent.fd, &staged_name(&parent.name))?;
        }
    }
    journal::remove(state_dir)
}

/// Under the lock: finishes or rolls back what a journal left, then removes stale temporary
/// files beside `also` and the journal's targets.
pub(crate) fn recover(root: &Root, state_dir: &OwnedFd, also: &[&str]) -> io::Result<Recovery> {
    let journal = journal::read(state_dir)?;
    let recovery = match &journal {
        None => Recovery::Clean,
        Some(journal) if journal.state == State::Committed => {
            finish(root, state_dir, journal)?;
            Recovery::Completed
        }
        Some(journal) => {
            roll_back(root, state_dir, journal)?;
            Recovery::RolledBack
        }
    };
    let journal_paths = journal.iter().flat_map(|journal| &journal.entries);
    for path in also
        .iter()
        .copied()
        .chain(journal_paths.map(|entry| entry.path.as_str()))
    {
        remove_stale(root, path)?;
    }
    Ok(recovery)
}

/// Removes every `.nodeconfig-*` file in the directory of `path`.
fn remove_stale(root: &Root, path: &str) -> io::Result<()> {
    // A directory that is missing, a link or a file holds nothing of ours; the commit will
    // name the problem if it is on a target's way.
    let Ok(Some(parent)) = root.parent_of(path, false) else {
        return Ok(());
    };
    let mut stale = Vec::new();
    for entry in rustix::fs::Dir::read_from(&parent.fd)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(TEMPORARY_PREFIX) && entry.file_type() != FileType::Directory {
            stale.push(entry.file_name().to_owned());
        }
    }
    for name in &stale {
        rustix::fs::unlinkat(&parent.fd, name.as_c_str(), AtFlags::empty())?;
    }
    if !stale.is_empty() {
        rustix::fs::fsync(&parent.fd)?;
    }
    Ok(())
}
