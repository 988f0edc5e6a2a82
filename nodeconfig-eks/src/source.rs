//! [`Source`]: where a NodeConfig document came from, for warnings, errors and provenance.

use std::fmt::{self, Display};
use std::path::PathBuf;

/// Where a document was read: a file or stdin, then the MIME part and the YAML document within it.
///
/// `Display` gives what a person needs to find it: `userdata.mime part 2`, `dir/b.yml`,
/// `<stdin> part 1 document 2`, `userdata.mime part 2.1` (part 1 of a multipart nested in part 2).
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
    /// Inside a nested multipart, the part numbers below [`part`](Self::part) (`[1]` in part 2.1).
    pub subparts: Vec<usize>,
    /// The 1-based YAML document number within a multi-document stream.
    pub document: Option<usize>,
}

impl Source {
    /// A file given on the command line or found in a directory.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Source {
            path: Some(path.into()),
            part: None,
            subparts: Vec::new(),
            document: None,
        }
    }

    /// Standard input (`-`).
    pub fn stdin() -> Self {
        Source {
            path: None,
            part: None,
            subparts: Vec::new(),
            document: None,
        }
    }

    /// The same source, narrowed to MIME part `part` (1-based).
    #[must_use]
    pub fn with_part(&self, part: usize) -> Self {
        Source {
            part: Some(part),
            subparts: Vec::new(),
            ..self.clone()
        }
    }

    /// The same source, narrowed to the MIME part numbered `numbers`, outermost first (`[2, 1]`
    /// is part 2.1).
    ///
    /// ```
    /// use nodeconfig_eks::Source;
    /// assert_eq!(Source::stdin().with_part_path(&[2, 1]).to_string(), "<stdin> part 2.1");
    /// ```
    #[must_use]
    pub fn with_part_path(&self, numbers: &[usize]) -> Self {
        Source {
            part: numbers.first().copied(),
            subparts: numbers.get(1..).unwrap_or_default().to_vec(),
            ..self.clone()
        }
    }

    /// `part 2.1`, if the source is a MIME part.
    pub fn part_name(&self) -> Option<String> {
        let part = self.part?;
        let mut name = format!("part {part}");
        for subpart in &self.subparts {
            name.push_str(&format!(".{subpart}"));
        }
        Some(name)
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
        if let Some(part) = self.part_name() {
            write!(f, " {part}")?;
        }
        if let Some(document) = self.document {
            write!(f, " document {document}")?;
        }
        Ok(())
    }
}
