//! Writing rendered files under a root the way a package manager installs them: confined to
//! the root, with explicit modes, all or nothing, crash-safe and one render at a time.
//!
//! # The guarantee
//!
//! When [`install`] returns `Ok`, every target holds its new contents, synced to disk. When it
//! returns `Err`, every target holds exactly its previous bytes and mode, or is absent if it was
//! absent (directories created on the way remain, mode `0755`). If the process dies at any
//! instant (`kill -9`, power loss after a completed `fsync`), the next [`install`] or
//! [`recover`] on the same root finds the journal in [`STATE_DIRECTORY`] and either completes
//! the render (when every target had already been replaced) or rolls every target back; it
//! also removes any `.nodeconfig-*` temporary file left beside the targets. So a reader after
//! recovery sees all old files or all new files, never a mix. While a render runs, readers
//! that open a target see either its old or its new contents (each replacement is a
//! `rename(2)`), but between the first and the last rename the set is mixed; that window is
//! what the journal closes. Concurrent renders on one root are serialised by an advisory
//! `flock(2)` lock on `STATE_DIRECTORY/lock`, so their outputs never mix.
//!
//! Every path is opened from a handle on the root, one component at a time, refusing symbolic
//! links (`O_NOFOLLOW`, checked with `fstatat(AT_SYMLINK_NOFOLLOW)`) and `..`: nothing is read
//! or written outside the root. Modes are set with `fchmod`, whatever the umask: directories
//! render creates are `0755`, files `0644` as nodeadm writes them ([`FILE_MODE`]); an existing
//! file keeps a stricter mode (`0600` stays `0600`).
//!
//! ```
//! use nodeconfig_eks::install::install;
//! use nodeconfig_eks::render::RenderedFile;
//! use std::os::unix::fs::PermissionsExt as _;
//!
//! let root = tempfile::tempdir()?;
//! let files = [RenderedFile { path: "etc/a/b.conf", contents: "x\n".into() }];
//! let written = install(root.path(), &files)?;
//! assert_eq!(std::fs::read_to_string(&written[0])?, "x\n");
//! assert_eq!(std::fs::metadata(&written[0])?.permissions().mode() & 0o777, 0o644);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod confine;
mod journal;
mod transaction;

use crate::files::RenderedFile;
use crate::{Error, ErrorKind};
use confine::Root;
pub use journal::STATE_DIRECTORY;
use rustix::fs::{Mode, OFlags};
use std::path::{Path, PathBuf};
use transaction::{Steps, Stop};

/// The mode of every rendered file: nodeadm writes the containerd config and base runtime spec
/// with `containerdConfigPerm` and the kubelet drop-in and environment file with
/// `kubeletConfigPerm`, both `0644` (nodeadm `internal/containerd/config.go`,
/// `internal/kubelet/config.go`, `internal/kubelet/environment.go`).
pub const FILE_MODE: u32 = 0o644;

/// What [`recover`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recovery {
    /// No interrupted render.
    Clean,
    /// An interrupted render had replaced every target: it was finished.
    Completed,
    /// An interrupted render had not replaced every target: all were put back.
    RolledBack,
}

/// Test-only: where [`install_with_failpoint`] stops.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failpoint {
    /// Never.
    None,
    /// Step `n` (from 1) fails like an I/O error: the render rolls back and returns `Err`.
    Fail(usize),
    /// The process "dies" before step `n`: nothing more is done, not even a rollback.
    Crash(usize),
}

/// Writes `files` under `root`: confined, with explicit modes, all or nothing, crash-safe and
/// serialised (see the [module docs](self) for the precise guarantee). Returns the paths written.
///
/// ```
/// use nodeconfig_eks::install::install;
/// use nodeconfig_eks::render::RenderedFile;
///
/// let root = tempfile::tempdir()?;
/// std::fs::create_dir(root.path().join("etc"))?;
/// std::os::unix::fs::symlink("/tmp", root.path().join("etc/a"))?;
/// let files = [RenderedFile { path: "etc/a/b.conf", contents: "x\n".into() }];
/// let error = install(root.path(), &files).unwrap_err();
/// assert!(error.to_string().contains("symbolic link"), "{error}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn install(root: &Path, files: &[RenderedFile]) -> Result<Vec<PathBuf>, Error> {
    install_with_failpoint(root, files, Failpoint::None)
}

/// [`install`], stopping at a [`Failpoint`]: the hook the crash and rollback tests use.
#[doc(hidden)]
pub fn install_with_failpoint(
    root: &Path,
    files: &[RenderedFile],
    failpoint: Failpoint,
) -> Result<Vec<PathBuf>, Error> {
    let (root, state_dir, _lock) = open_locked(root)?;
    let paths: Vec<&str> = files.iter().map(|file| file.path).collect();
    transaction::recover(&root, &state_dir, &paths).map_err(|error| {
        render_error(format_args!(
            "cannot recover an interrupted render: {error}"
        ))
    })?;
    let mut steps = Steps::new(failpoint);
    match transaction::commit(&root, &state_dir, files, &mut steps) {
        Ok(()) => Ok(paths.iter().map(|path| root.display(path)).collect()),
        Err(Stop::Failed(error, path)) => Err(render_error(format_args!(
            "cannot write {path}: {error}; every file was left as it was"
        ))),
        Err(Stop::Unrecovered(error, path, rollback)) => Err(render_error(format_args!(
            "cannot write {path}: {error}; putting the earlier files back failed too \
             ({rollback}): the next render finishes it from the journal in {}",
            root.display(STATE_DIRECTORY).display()
        ))),
        Err(Stop::Crashed(step)) => {
            Err(render_error(format_args!("simulated crash at step {step}")))
        }
    }
}

/// Finishes or rolls back a render that was interrupted under `root` and removes stale
/// temporary files beside the four rendered files; [`install`] does the same first.
///
/// ```
/// use nodeconfig_eks::install::{Recovery, recover};
///
/// let root = tempfile::tempdir()?;
/// assert_eq!(recover(root.path())?, Recovery::Clean);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn recover(root: &Path) -> Result<Recovery, Error> {
    let (root, state_dir, _lock) = open_locked(root)?;
    let paths = crate::files::RENDERED_PATHS;
    transaction::recover(&root, &state_dir, &paths).map_err(|error| {
        render_error(format_args!(
            "cannot recover an interrupted render: {error}"
        ))
    })
}

/// Opens the root and its state directory and takes the lock, waiting for another render.
fn open_locked(path: &Path) -> Result<(Root, std::os::fd::OwnedFd, std::fs::File), Error> {
    let root = Root::open(path).map_err(|error| {
        render_error(format_args!("cannot open root {}: {error}", path.display()))
    })?;
    let state_failed = |error: std::io::Error| {
        let shown = root.display(STATE_DIRECTORY);
        render_error(format_args!("cannot lock {}: {error}", shown.display()))
    };
    let state_dir = journal::state_directory(&root).map_err(state_failed)?;
    let lock = rustix::fs::openat(
        &state_dir,
        "lock",
        OFlags::CREATE | OFlags::RDWR | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o600),
    )
    .map_err(|error| match error {
        // O_NOFOLLOW on a link: say what it is, as for every other path under the root.
        rustix::io::Errno::LOOP => render_error(format_args!(
            "cannot lock {}: is a symbolic link; render does not follow links under --root \
             (remove it)",
            root.display(&format!("{STATE_DIRECTORY}/lock")).display()
        )),
        error => state_failed(error.into()),
    })?;
    let lock = std::fs::File::from(lock);
    lock.lock().map_err(state_failed)?;
    Ok((root, state_dir, lock))
}

fn render_error(message: std::fmt::Arguments<'_>) -> Error {
    Error::new(ErrorKind::Render, message)
}
