//! [`Source`]: where a NodeConfig document came from, for warnings, errors and provenance.

use std::fmt::{self, Display};
use std::path::PathBuf;

/// Where a document was read: a file or stdin, then the MIME part and the YAML document within it.
///
/// `Display` gives what a person needs to find it: `userdata.mime part 2`, `dir/b.yml`,
/// `<stdin> part 1 document 2`.
///
/// ```
/// use nodeconfig_eks::Source;
///
/// let part = Source::file("userdata.mime").with_part(2);
/// assert_eq!(part.to_string(), "userdata.mime part 2");
/// assert_eq!(Source::stdin().with_document(2).to_string(), "<stdin> document 2");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Source {
    /// The file, or `None` for standard input.
    pub path: Option<PathBuf>,
    /// The 1-based MIME part number (counting every part, NodeConfig or not).
    pub part: Option<usize>,
    /// The 1-based YAML document number within a multi-document stream.
    pub document: Option<usize>,
}

impl Source {
    /// A file given on the command line or found in a directory.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Source {
            path: Some(path.into()),
            part: None,
            document: None,
        }
    }

    /// Standard input (`-`).
    pub fn stdin() -> Self {
        Source {
            path: None,
            part: None,
            document: None,
        }
    }

    /// The same source, narrowed to MIME part `part` (1-based).
    #[must_use]
    pub fn with_part(&self, part: usize) -> Self {
        Source {
            part: Some(part),
            ..self.clone()
        }
    }

    /// The same source, narrowed to YAML document `document` (1-based).
    #[must_use]
    pub fn with_document(&self, document: usize) -> Self {
        Source {
            document: Some(document),
            ..self.clone()
        }
    }
}

impl Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(path) => write!(f, "{}", path.display())?,
            None => f.write_str("<stdin>")?,
        }
        if let Some(part) = self.part {
            write!(f, " part {part}")?;
        }
        if let Some(document) = self.document {
            write!(f, " document {document}")?;
        }
        Ok(())
    }
}
