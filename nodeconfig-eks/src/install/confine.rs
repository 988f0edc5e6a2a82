//! Paths under `--root`, walked one component at a time from a handle on the root directory,
//! never following a symbolic link: nothing render opens, creates or renames can be outside the
//! root, whatever links the tree holds.

use rustix::fs::{AtFlags, FileType, Mode, OFlags};
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Component, Path, PathBuf};

/// Mode of every directory render creates: nodeadm creates its directories `0755`
/// (`os.MkdirAll(dir, 0755)` in `util.WriteFileWithDir`); set with `fchmod`, so the umask
/// cannot widen or narrow it.
pub(crate) const DIRECTORY_MODE: u32 = 0o755;

/// An open root directory; every path below it is reached relative to this handle.
pub(crate) struct Root {
    path: PathBuf,
    fd: OwnedFd,
}

/// A directory under the root, opened without following links, and the name of an entry in it.
pub(crate) struct Parent {
    pub(crate) fd: OwnedFd,
    pub(crate) name: String,
}

impl Root {
    /// Opens `path`, creating it (`0755`) if missing. The root itself may be reached through
    /// links: the operator chose it.
    pub(crate) fn open(path: &Path) -> io::Result<Root> {
        if !path.exists() {
            use std::os::unix::fs::{DirBuilderExt as _, PermissionsExt as _};
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(DIRECTORY_MODE)
                .create(path)?;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(DIRECTORY_MODE))?;
        }
        let fd = rustix::fs::open(
            path,
            OFlags::DIRECTORY | OFlags::RDONLY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        Ok(Root {
            path: path.to_owned(),
            fd,
        })
    }

    /// `root/relative`, for messages.
    pub(crate) fn display(&self, relative: &str) -> PathBuf {
        self.path.join(relative)
    }

    /// The directory holding `relative` (created `0755` where missing, when `create`), and the
    /// entry's name. A symbolic link, `..` or an absolute component is an error naming the path;
    /// `Ok(None)` when a directory is missing and `create` is false.
    pub(crate) fn parent_of(&self, relative: &str, create: bool) -> io::Result<Option<Parent>> {
        let components = normal_components(relative)?;
        let Some((name, directories)) = components.split_last() else {
            return Err(invalid(format!("`{relative}` names no file")));
        };
        let mut fd = rustix::io::dup(&self.fd)?;
        for (depth, directory) in directories.iter().enumerate() {
            let walked = directories[..=depth].join("/");
            match open_directory(&fd, directory) {
                Ok(next) => fd = next,
                Err(error) if error.kind() == io::ErrorKind::NotFound && create => {
                    fd = create_directory(&fd, directory)?;
                }
                Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
                Err(error) => return Err(at_path(error, &self.display(&walked))),
            }
        }
        Ok(Some(Parent {
            fd,
            name: (*name).to_owned(),
        }))
    }
}

/// The components of a relative path; anything that could leave the root is refused.
fn normal_components(relative: &str) -> io::Result<Vec<&str>> {
    Path::new(relative)
        .components()
        .map(|component| match component {
            Component::Normal(name) => name
                .to_str()
                .ok_or_else(|| invalid(format!("`{relative}` is not UTF-8"))),
            _ => Err(invalid(format!(
                "`{relative}` leaves the root (only plain relative paths are written)"
            ))),
        })
        .collect()
}

/// Opens a directory entry, refusing a symbolic link (`O_NOFOLLOW`) and anything not a directory.
fn open_directory(parent: &impl AsFd, name: &str) -> io::Result<OwnedFd> {
    let stat = rustix::fs::statat(parent, name, AtFlags::SYMLINK_NOFOLLOW)?;
    match FileType::from_raw_mode(stat.st_mode) {
        FileType::Directory => {}
        FileType::Symlink => {
            return Err(invalid(
                "is a symbolic link; render does not follow links under --root \
                 (replace it with a directory)",
            ));
        }
        _ => {
            return Err(invalid(
                "is not a directory (remove it or choose another --root)",
            ));
        }
    }
    // O_NOFOLLOW again: the entry may have been swapped for a link since the stat.
    Ok(rustix::fs::openat(
        parent,
        name,
        OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::RDONLY | OFlags::CLOEXEC,
        Mode::empty(),
    )?)
}

fn create_directory(parent: &impl AsFd, name: &str) -> io::Result<OwnedFd> {
    match rustix::fs::mkdirat(parent, name, Mode::from_raw_mode(DIRECTORY_MODE)) {
        Ok(()) => {}
        Err(rustix::io::Errno::EXIST) => {}
        Err(error) => return Err(error.into()),
    }
    let fd = open_directory(parent, name)?;
    rustix::fs::fchmod(&fd, Mode::from_raw_mode(DIRECTORY_MODE))?;
    Ok(fd)
}

/// The mode and type of `name` in `parent`, without following a link; `None` if absent.
pub(crate) fn entry_type(parent: &impl AsFd, name: &str) -> io::Result<Option<(FileType, u32)>> {
    match rustix::fs::statat(parent, name, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(stat) => Ok(Some((
            FileType::from_raw_mode(stat.st_mode),
            stat.st_mode & 0o7777,
        ))),
        Err(rustix::io::Errno::NOENT) => Ok(None),
        Err(error) => Err(error.into()),
    }
}

/// Removes `name` from `parent` if present.
pub(crate) fn remove_file(parent: &impl AsFd, name: &str) -> io::Result<()> {
    match rustix::fs::unlinkat(parent, name, AtFlags::empty()) {
        Ok(()) | Err(rustix::io::Errno::NOENT) => Ok(()),
        Err(error) => Err(error.into()),
    }
}

pub(crate) fn invalid(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message.into())
}

/// Prefixes an error with the path it happened at.
pub(crate) fn at_path(error: io::Error, path: &Path) -> io::Error {
    io::Error::new(error.kind(), format!("{}: {error}", path.display()))
}
