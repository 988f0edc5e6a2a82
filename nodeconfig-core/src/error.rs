//! [`MergeError`]: what failed, and where in the merged value.

use std::fmt::{self, Debug, Display};
use std::sync::OnceLock;

use crate::path::{Path, Segment};

/// Why a merge failed, and the path from the merge root to the failing value.
///
/// The path uses the names a user sees in their documents: serde renames are honoured, map keys
/// appear as keys, list items as indexes (`spec.containerd.config`,
/// `spec.instance.environment.kubelet`). `Display` prints the path, then the cause.
///
/// ```
/// use nodeconfig_core::MergeError;
///
/// let error = MergeError::custom("cannot merge a socket into a file").at("path").at("spec");
/// assert_eq!(error.path(), "spec.path");
/// assert_eq!(error.to_string(), "spec.path: cannot merge a socket into a file");
/// ```
pub struct MergeError {
    // Boxed so that `Result<(), MergeError>` stays one pointer wide on the hot path.
    repr: Box<Repr>,
}

struct Repr {
    path: Path,
    /// `path` written out, on first use: an error's path is built segment by segment on its way
    /// out of the merge, and only read at the end.
    text: OnceLock<String>,
    message: String,
    location: Option<ParseLocation>,
    layer: Option<usize>,
    layer_source: Option<String>,
    /// For a layer missing required settings: the paths of all of them (the first is `path`),
    /// as segments and written out.
    missing_paths: Vec<Path>,
    missing: Vec<String>,
}

/// Which side of a merge a value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// The earlier layers, already merged (`self` in [`DeepMerge::deep_merge`](crate::DeepMerge)).
    Existing,
    /// The later layer being merged in.
    Incoming,
}

impl Display for Side {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Side::Existing => "existing",
            Side::Incoming => "incoming",
        })
    }
}

/// Where a document failed to parse: which side, and the 1-based line and column.
///
/// Line and column count within the document itself. For a document embedded in a file (a TOML
/// string inside a YAML NodeConfig), [`in_file`](Self::in_file) maps them to the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ParseLocation {
    /// The side whose document failed to parse.
    pub side: Side,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl ParseLocation {
    /// The location in the containing file, for a document whose first character sits at
    /// `line`:`column` (1-based) of that file: the document's first line is shifted by the
    /// column too, later lines only by the line.
    ///
    /// The caller knows where the document starts (a YAML block scalar's first content line, the
    /// character after a JSON string's opening quote when the string has no escapes); the merge
    /// does not. For a YAML block scalar, every line is also indented: add the indentation to
    /// the column of each line but the first, as the example does.
    ///
    /// ```
    /// use nodeconfig_core::{MergeError, ParseLocation, Side};
    ///
    /// // config: |        <- line 7 of node.yaml
    /// //   [grpc]         <- the document starts at line 8, column 3
    /// //   address = = 1  <- the error, line 2 column 13 of the document
    /// let error = MergeError::parse(ParseLocation { side: Side::Incoming, line: 2, column: 13 }, "TOML", "expected a value");
    /// let in_file = error.location().unwrap().in_file(8, 3);
    /// assert_eq!((in_file.line, in_file.column), (9, 13));
    /// let indent = 2;
    /// assert_eq!(in_file.column + indent, 15);
    /// ```
    #[must_use]
    pub fn in_file(self, line: usize, column: usize) -> Self {
        if self.line <= 1 {
            ParseLocation {
                line,
                column: column + self.column.saturating_sub(1),
                ..self
            }
        } else {
            ParseLocation {
                line: line + self.line - 1,
                ..self
            }
        }
    }
}

impl MergeError {
    /// An error with a message and an empty path; the merge adds the path as the error travels
    /// up through the fields that contain the failing value.
    ///
    /// Use it in `with` functions. Messages follow rustc's style: lowercase, no trailing period.
    ///
    /// ```
    /// use nodeconfig_core::MergeError;
    ///
    /// fn max_of(existing: &mut u32, incoming: u32) -> Result<(), MergeError> {
    ///     if incoming > 1_000 {
    ///         return Err(MergeError::custom(format!("{incoming} exceeds the limit of 1000")));
    ///     }
    ///     *existing = (*existing).max(incoming);
    ///     Ok(())
    /// }
    /// assert_eq!(max_of(&mut 1, 5_000).unwrap_err().to_string(), "5000 exceeds the limit of 1000");
    /// ```
    pub fn custom(message: impl Display) -> Self {
        MergeError {
            repr: Box::new(Repr {
                path: Path::new(),
                text: OnceLock::new(),
                message: message.to_string(),
                location: None,
                layer: None,
                layer_source: None,
                missing_paths: Vec::new(),
                missing: Vec::new(),
            }),
        }
    }

    /// A document failed to parse `at` a side, line and column (1-based); `format` names the
    /// document's language (`"TOML"`), `reason` is the parser's message.
    ///
    /// ```
    /// use nodeconfig_core::{MergeError, ParseLocation, Side};
    ///
    /// let error = MergeError::parse(ParseLocation { side: Side::Incoming, line: 3, column: 7 }, "TOML", "expected `=`").at("config");
    /// assert_eq!(
    ///     error.to_string(),
    ///     "config: the incoming TOML document does not parse at line 3, column 7: expected `=`"
    /// );
    /// assert_eq!(error.location().unwrap().line, 3);
    /// ```
    pub fn parse(at: ParseLocation, format: &str, reason: impl Display) -> Self {
        let ParseLocation { side, line, column } = at;
        let reason = reason.to_string();
        let reason = reason.trim_end();
        let mut error = MergeError::custom(format_args!(
            "the {side} {format} document does not parse at line {line}, column {column}: {reason}"
        ));
        error.repr.location = Some(ParseLocation { side, line, column });
        error
    }

    /// Prepends one path segment: the merge calls it with each field name (or map key) on the
    /// way out of the failing value, so the path reads from the root down. A `&'static str` is
    /// a field name; see [`Segment`] for the others.
    ///
    /// ```
    /// use nodeconfig_core::{MergeError, Segment};
    ///
    /// let error = MergeError::custom("bad").at("config").at(Segment::key(&"a.b")).at("containerd");
    /// assert_eq!(error.path(), r#"containerd["a.b"].config"#);
    /// ```
    #[must_use]
    #[cold]
    pub fn at(self, segment: impl Into<Segment>) -> Self {
        self.prepended(&[segment.into()])
    }

    /// Prepends a whole path (`outer`, root first): [`at`](Self::at) for each of its segments,
    /// innermost first.
    ///
    /// ```
    /// use nodeconfig_core::{MergeError, Path, Segment};
    ///
    /// let outer = Path::from_iter([Segment::field("spec"), Segment::Index(2)]);
    /// let error = MergeError::custom("bad").at("name").at_path(&outer);
    /// assert_eq!(error.path(), "spec[2].name");
    /// ```
    #[must_use]
    pub fn at_path(self, outer: &Path) -> Self {
        self.prepended(outer.segments())
    }

    /// The error with `outer` in front of its path and of each missing setting's path. Cold
    /// and never inlined: it runs only on the way out of a failed merge, and the code of the
    /// `Ok` path around its callers stays as small as it was when paths were strings.
    #[cold]
    #[inline(never)]
    fn prepended(mut self, outer: &[Segment]) -> Self {
        if outer.is_empty() {
            return self;
        }
        let Repr {
            missing_paths,
            missing,
            ..
        } = &mut *self.repr;
        for (path, text) in missing_paths.iter_mut().zip(missing) {
            path.prepend(outer.iter().cloned());
            *text = path.to_string();
        }
        self.repr.path.prepend(outer.iter().cloned());
        self.repr.text = OnceLock::new();
        self
    }

    /// Required settings that no layer set, for [`Layered::from_layer`](crate::Layered): every
    /// one of them is named. [`path`](Self::path) is the first, [`missing`](Self::missing) all.
    ///
    /// ```
    /// use nodeconfig_core::MergeError;
    ///
    /// let error = MergeError::missing_settings(["host", "maxConnections"]).at("server");
    /// assert_eq!(error.path(), "server.host");
    /// assert_eq!(error.missing(), ["server.host", "server.maxConnections"]);
    /// assert!(error.to_string().starts_with("server.host: required setting missing from every layer"));
    /// assert!(error.to_string().contains("server.maxConnections"));
    /// ```
    pub fn missing_settings<I, S>(paths: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let paths = paths
            .into_iter()
            .map(|path| Path::from_iter([Segment::from(path.into())]));
        MergeError::from_missing(paths.collect())
    }

    /// [`missing_settings`](Self::missing_settings) with each path as segments (a nested
    /// layer's missing settings keep theirs).
    pub(crate) fn from_missing(missing_paths: Vec<Path>) -> Self {
        let mut error = MergeError::custom(
            "required setting missing from every layer; set it in a layer, or give the field \
             `#[merge(default)]`",
        );
        error.repr.path = missing_paths.first().cloned().unwrap_or_default();
        error.repr.missing = missing_paths.iter().map(Path::to_string).collect();
        error.repr.missing_paths = missing_paths;
        error
    }

    /// The paths of [`missing`](Self::missing), as segments: a nested layer's settings keep
    /// each of theirs.
    ///
    /// ```
    /// use nodeconfig_core::{MergeError, Segment};
    ///
    /// let error = MergeError::missing_settings(["host"]).at("server");
    /// assert_eq!(error.missing_paths()[0].segments(), [Segment::field("server"), Segment::field("host")]);
    /// ```
    pub fn missing_paths(&self) -> &[Path] {
        &self.repr.missing_paths
    }

    /// For an error from [`Layered::from_layer`](crate::Layered): the paths of all required
    /// settings no layer set, in the order of the fields; empty for any other error.
    ///
    /// ```
    /// use nodeconfig_core::MergeError;
    /// assert!(MergeError::custom("bad").missing().is_empty());
    /// ```
    pub fn missing(&self) -> &[String] {
        &self.repr.missing
    }

    /// The dotted path from the merge root to the failing value; empty when the root itself
    /// failed.
    ///
    /// ```
    /// use nodeconfig_core::MergeError;
    /// assert_eq!(MergeError::custom("bad").at("a").path(), "a");
    /// ```
    pub fn path(&self) -> &str {
        self.repr.text.get_or_init(|| self.repr.path.to_string())
    }

    /// The path from the merge root to the failing value, segment by segment: what
    /// [`path`](Self::path) writes out, for a program that walks it (see [`Segment`]).
    ///
    /// ```
    /// use nodeconfig_core::{Key, MergeError, Segment};
    ///
    /// let error = MergeError::custom("bad").at(Segment::key(&"a.b")).at("labels");
    /// assert_eq!(error.segments(), [Segment::field("labels"), Segment::Key(Key::from("a.b"))]);
    /// assert_eq!(error.path(), r#"labels["a.b"]"#);
    /// ```
    pub fn segments(&self) -> &[Segment] {
        self.repr.path.segments()
    }

    /// The cause, without the path.
    ///
    /// ```
    /// use nodeconfig_core::MergeError;
    /// assert_eq!(MergeError::custom("bad").at("a").message(), "bad");
    /// ```
    pub fn message(&self) -> &str {
        &self.repr.message
    }

    /// For a document that failed to parse: which side, line and column.
    ///
    /// ```
    /// use nodeconfig_core::{MergeError, ParseLocation, Side};
    /// let error = MergeError::parse(ParseLocation { side: Side::Existing, line: 1, column: 2 }, "TOML", "oops");
    /// assert_eq!(error.location().map(|at| at.side), Some(Side::Existing));
    /// assert_eq!(MergeError::custom("bad").location(), None);
    /// ```
    pub fn location(&self) -> Option<ParseLocation> {
        self.repr.location
    }

    /// The index, in [`merge_all`](crate::merge_all)'s input, of the layer whose merge failed:
    /// `Some(0)` when the first layer's own check failed (a TOML document in it does not parse).
    /// `None` for an error from a single [`deep_merge`](crate::DeepMerge::deep_merge).
    ///
    /// ```
    /// use nodeconfig_core::{DeepMerge, merge_all};
    ///
    /// #[derive(DeepMerge, Default, Debug)]
    /// struct Containerd {
    ///     #[merge(strategy = "toml_deep")]
    ///     config: String,
    /// }
    /// let layer = |config: &str| Containerd { config: config.into() };
    /// let error = merge_all([layer("a = 1"), layer("b = 2"), layer("[grpc")]).unwrap_err();
    /// assert_eq!(error.layer(), Some(2));
    /// assert_eq!(error.path(), "config");
    /// ```
    pub fn layer(&self) -> Option<usize> {
        self.repr.layer
    }

    /// Records that the merge of layer `layer` (an index into the input of a fold) failed;
    /// [`merge_all`](crate::merge_all) calls it, and so can a fold of your own.
    ///
    /// ```
    /// use nodeconfig_core::MergeError;
    /// assert_eq!(MergeError::custom("bad").in_layer(3).layer(), Some(3));
    /// ```
    #[must_use]
    pub fn in_layer(mut self, layer: usize) -> Self {
        self.repr.layer = Some(layer);
        self
    }

    /// The source of the failing layer as [`merge_all_traced`](crate::trace::merge_all_traced)
    /// was given it (a file name, `part 2`), written with `Display`; `Display` of the error
    /// starts with it.
    ///
    /// ```
    /// use nodeconfig_core::trace::merge_all_traced;
    /// use std::collections::BTreeMap;
    ///
    /// #[derive(nodeconfig_core::DeepMerge, Default)]
    /// struct Containerd {
    ///     #[merge(strategy = "toml_deep")]
    ///     config: String,
    /// }
    /// let layers = [
    ///     ("a.toml", Containerd { config: "a = 1".into() }),
    ///     ("b.toml", Containerd { config: "[grpc".into() }),
    /// ];
    /// let error = merge_all_traced(layers).map(|_| ()).unwrap_err();
    /// assert_eq!(error.layer(), Some(1));
    /// assert_eq!(error.layer_source(), Some("b.toml"));
    /// assert!(error.to_string().starts_with("b.toml: config: the incoming TOML document"));
    /// ```
    pub fn layer_source(&self) -> Option<&str> {
        self.repr.layer_source.as_deref()
    }

    /// Records the source of the failing layer, shown first by `Display`.
    ///
    /// ```
    /// use nodeconfig_core::MergeError;
    /// let error = MergeError::custom("bad").at("a").with_layer_source("b.yaml");
    /// assert_eq!(error.to_string(), "b.yaml: a: bad");
    /// ```
    #[must_use]
    pub fn with_layer_source(mut self, source: impl Display) -> Self {
        self.repr.layer_source = Some(source.to_string());
        self
    }
}

impl Display for MergeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(source) = &self.repr.layer_source {
            write!(f, "{source}: ")?;
        }
        if self.path().is_empty() {
            f.write_str(&self.repr.message)?;
        } else {
            write!(f, "{}: {}", self.path(), self.repr.message)?;
        }
        if let [_, others @ ..] = self.repr.missing.as_slice()
            && !others.is_empty()
        {
            write!(f, " (also missing: {})", others.join(", "))?;
        }
        Ok(())
    }
}

impl Debug for MergeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MergeError")
            .field("path", &self.path())
            .field("message", &self.repr.message)
            .field("location", &self.repr.location)
            .field("layer", &self.repr.layer)
            .field("layer_source", &self.repr.layer_source)
            .field("missing", &self.repr.missing)
            .finish()
    }
}

impl std::error::Error for MergeError {}
