//! [`Error`]: what went wrong, in which source, at which field.

use crate::Source;
use std::fmt::{self, Display};

/// What kind of problem an [`Error`] reports; the CLI exits with status 1 for all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A file, directory or stdin could not be read.
    Io,
    /// base64, gzip, UTF-8 or MIME framing is broken.
    Decode,
    /// A [`Limits`](crate::Limits) bound was exceeded.
    Limit,
    /// A document is not valid YAML or JSON.
    Syntax,
    /// A document is not a NodeConfig: wrong `apiVersion`/`kind`, or a field of the wrong type.
    Schema,
    /// Merging two layers failed (a TOML document that does not parse, for instance).
    Merge,
    /// Rendering or writing the output files failed.
    Render,
}

/// An error that names its source (file, MIME part) and, where there is one, the field path.
///
/// `Display` reads `source: path: message`, leaving out what is unknown.
///
/// ```
/// use nodeconfig_eks::{Error, ErrorKind, Source};
///
/// let error = Error::new(ErrorKind::Schema, "invalid type: integer `3`, expected a string")
///     .in_source(Source::file("userdata.mime").with_part(2))
///     .at_path("spec.cluster.name");
/// assert_eq!(
///     error.to_string(),
///     "userdata.mime part 2: spec.cluster.name: invalid type: integer `3`, expected a string"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    // Boxed: a `Result<_, Error>` stays small on the happy path.
    source: Option<Box<Source>>,
    path: Option<String>,
    message: String,
}

impl Error {
    /// An error with no source or path yet.
    pub fn new(kind: ErrorKind, message: impl Display) -> Self {
        Error {
            kind,
            source: None,
            path: None,
            message: message.to_string(),
        }
    }

    /// Names the source, unless a narrower one was named already.
    #[must_use]
    pub fn in_source(mut self, source: Source) -> Self {
        self.source.get_or_insert_with(|| Box::new(source));
        self
    }

    /// Names the field path (`spec.containerd.config`); an empty path is left out.
    #[must_use]
    pub fn at_path(mut self, path: impl Into<String>) -> Self {
        let path = path.into();
        if !path.is_empty() {
            self.path = Some(path);
        }
        self
    }

    /// The kind of problem.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The file, MIME part or document the problem is in, if known.
    pub fn source_location(&self) -> Option<&Source> {
        self.source.as_deref()
    }

    /// The dotted field path, if the problem is in one field.
    pub fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// The cause, without source or path.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(source) = &self.source {
            write!(f, "{source}: ")?;
        }
        if let Some(path) = &self.path {
            write!(f, "{path}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}
