//! Reading NodeConfig layers from files, directories, stdin and EC2 user data.
//!
//! A payload (a file, stdin, or a MIME part) may be wrapped in base64 and/or gzip, detected by
//! content. A MIME multipart message contributes each `application/node.eks.aws` part, in order,
//! nested multiparts included (`part 2.1`); other parts (shell scripts, cloud-config) are listed
//! in [`Loaded::skipped`]. A directory contributes its `.yaml`, `.yml` and `.json` files (any
//! case), in lexical order of file name. A YAML stream may hold several documents, each a layer.
//! Every byte read and decoded counts against [`Limits::max_total_bytes`].

mod budget;
mod decode;
mod document;
mod mime;
mod scan;
mod unique;

use crate::{Error, ErrorKind, Layer, Limits, Source};
use std::fmt::{self, Display};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The media type of a MIME part that holds a NodeConfig.
pub const NODECONFIG_MEDIA_TYPE: &str = "application/node.eks.aws";

/// One input named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file (YAML, JSON or MIME user data) or a directory of drop-ins.
    Path(PathBuf),
    /// Standard input, named `-`.
    Stdin,
}

impl Input {
    /// `-` is stdin, anything else a path.
    ///
    /// ```
    /// use nodeconfig_eks::read::Input;
    /// assert_eq!(Input::from_arg("-"), Input::Stdin);
    /// assert_eq!(Input::from_arg("a.yaml"), Input::Path("a.yaml".into()));
    /// ```
    pub fn from_arg(arg: &str) -> Self {
        if arg == "-" {
            Input::Stdin
        } else {
            Input::Path(arg.into())
        }
    }
}

/// Something worth telling that does not stop the merge: an unknown field, for instance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Where it was found.
    pub source: Source,
    /// The field path (`spec.cluster.clusterEndpoint`).
    pub path: String,
    /// What is wrong, path included.
    pub message: String,
}

impl Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source, self.message)
    }
}

/// A MIME part that is not a NodeConfig and was left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedPart {
    /// The part.
    pub source: Source,
    /// Its media type (`text/x-shellscript`).
    pub media_type: String,
}

/// Everything read from the inputs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Loaded {
    /// The NodeConfig documents, in merge order.
    pub layers: Vec<Layer>,
    /// Unknown fields and the like.
    pub warnings: Vec<Warning>,
    /// MIME parts that are not NodeConfigs.
    pub skipped: Vec<SkippedPart>,
    /// Bytes read and decoded so far, across every input, part and decoding step; checked
    /// against [`Limits::max_total_bytes`].
    pub decoded_bytes: usize,
    /// Values in the NodeConfig documents read so far; checked against
    /// [`Limits::max_total_values`].
    pub document_values: usize,
    /// Keys and array items (an upper bound) in the `containerd.config` documents read so far;
    /// checked against [`Limits::max_total_toml_keys`].
    pub toml_keys: usize,
}

/// Reads every input in order. A file, stdin or MIME message that yields no NodeConfig is an
/// error naming it; a directory may hold none, but the inputs together must yield one (nodeadm
/// has nothing to configure otherwise). Stdin (`-`) can be named once.
///
/// ```
/// use nodeconfig_eks::{Limits, read::{Loaded, read_payload}, Source};
///
/// let mut loaded = Loaded::default();
/// let yaml = b"apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  cluster:\n    nmae: x\n";
/// read_payload(yaml.to_vec(), &Source::file("a.yaml"), &Limits::default(), &mut loaded)?;
/// assert_eq!(loaded.layers.len(), 1);
/// assert_eq!(loaded.warnings[0].to_string(), "a.yaml: spec.cluster.nmae is not a NodeConfig field");
/// # Ok::<(), nodeconfig_eks::Error>(())
/// ```
pub fn read_inputs(inputs: &[Input], limits: &Limits) -> Result<Loaded, Error> {
    if inputs
        .iter()
        .filter(|input| **input == Input::Stdin)
        .count()
        > 1
    {
        return Err(Error::new(
            ErrorKind::Io,
            "stdin (`-`) is named more than once; it can be read only once (name it once)",
        ));
    }
    let mut loaded = Loaded::default();
    for input in inputs {
        match input {
            Input::Stdin => {
                let source = Source::stdin();
                let payload = read_limited(std::io::stdin().lock(), limits, &mut loaded)
                    .map_err(|error| error.in_source(source.clone()))?;
                // Rust's runtime reopens a closed fd 0 on /dev/null, so closed and empty stdin
                // look alike: one message for both.
                if payload.is_empty() {
                    return Err(Error::new(
                        ErrorKind::Io,
                        "stdin is closed or empty (pipe the input in, or name a file)",
                    )
                    .in_source(source));
                }
                read_payload(payload, &source, limits, &mut loaded)?;
            }
            Input::Path(path) if path.is_dir() => read_directory(path, limits, &mut loaded)?,
            Input::Path(path) => read_file(path, limits, &mut loaded)?,
        }
    }
    if loaded.layers.is_empty() {
        let names: Vec<String> = inputs
            .iter()
            .map(|input| match input {
                Input::Stdin => Source::stdin().to_string(),
                Input::Path(path) => path.display().to_string(),
            })
            .collect();
        return Err(Error::new(
            ErrorKind::Schema,
            format_args!(
                "no NodeConfig document in {} (a directory contributes its .yaml, .yml and .json files)",
                names.join(", ")
            ),
        ));
    }
    Ok(loaded)
}

fn read_directory(dir: &Path, limits: &Limits, loaded: &mut Loaded) -> Result<(), Error> {
    let io_error = |error: std::io::Error| {
        Error::new(
            ErrorKind::Io,
            format_args!("cannot read directory: {error}"),
        )
        .in_source(Source::file(dir))
    };
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_error)? {
        let path = entry.map_err(io_error)?.path();
        let drop_in = path
            .extension()
            .and_then(|extension| extension.to_str())
            .is_some_and(|extension| {
                ["yaml", "yml", "json"]
                    .iter()
                    .any(|known| extension.eq_ignore_ascii_case(known))
            });
        if drop_in && path.is_file() {
            files.push(path);
        }
    }
    files.sort_by(|earlier, later| earlier.file_name().cmp(&later.file_name()));
    files
        .iter()
        .try_for_each(|file| read_file(file, limits, loaded))
}

fn read_file(path: &Path, limits: &Limits, loaded: &mut Loaded) -> Result<(), Error> {
    let source = Source::file(path);
    let payload = fs::File::open(path)
        .map_err(|error| Error::new(ErrorKind::Io, format_args!("cannot read: {error}")))
        .and_then(|file| read_limited(file, limits, loaded))
        .map_err(|error| error.in_source(source.clone()))?;
    read_payload(payload, &source, limits, loaded)
}

/// Reads at most `max_input_bytes`, so a huge input costs a clear error and no more memory.
fn read_limited(reader: impl Read, limits: &Limits, loaded: &mut Loaded) -> Result<Vec<u8>, Error> {
    let mut payload = Vec::new();
    let cap = limits
        .max_input_bytes
        .min(limits.max_total_bytes.saturating_sub(loaded.decoded_bytes));
    reader
        .take(cap as u64 + 1)
        .read_to_end(&mut payload)
        .map_err(|error| Error::new(ErrorKind::Io, format_args!("cannot read: {error}")))?;
    if payload.len() > limits.max_input_bytes {
        return Err(decode::too_large("input", limits.max_input_bytes));
    }
    decode::charge(&mut loaded.decoded_bytes, payload.len(), limits)?;
    Ok(payload)
}

/// Reads one payload (a whole file or stdin): unwraps base64/gzip, splits MIME multipart user
/// data, and appends its NodeConfig documents to `loaded`.
pub fn read_payload(
    payload: Vec<u8>,
    source: &Source,
    limits: &Limits,
    loaded: &mut Loaded,
) -> Result<(), Error> {
    let in_source = |error: Error| error.in_source(source.clone());
    let mut payload =
        decode::unwrap_layers(payload, limits, &mut loaded.decoded_bytes).map_err(in_source)?;
    // A byte-order mark before a MIME message (an editor's) is not part of its first header.
    if payload.starts_with(decode::BOM) {
        payload.drain(..decode::BOM.len());
    }
    let Some(parts) = mime::parts(&payload, limits).map_err(in_source)? else {
        return read_documents(payload, source, limits, loaded);
    };
    drop(payload);
    let before = loaded.layers.len();
    for part in parts {
        let part_source = source.with_part_path(&part.number);
        decode::charge(&mut loaded.decoded_bytes, part.body.len(), limits)
            .map_err(|error| error.in_source(part_source.clone()))?;
        if part.media_type != NODECONFIG_MEDIA_TYPE {
            loaded.skipped.push(SkippedPart {
                source: part_source,
                media_type: part.media_type,
            });
            continue;
        }
        let body = decode::unwrap_layers(part.body, limits, &mut loaded.decoded_bytes)
            .map_err(|error| error.in_source(part_source.clone()))?;
        read_documents(body, &part_source, limits, loaded)?;
    }
    if loaded.layers.len() == before {
        return Err(in_source(Error::new(
            ErrorKind::Schema,
            format_args!("MIME message has no `{NODECONFIG_MEDIA_TYPE}` part"),
        )));
    }
    Ok(())
}

fn read_documents(
    payload: Vec<u8>,
    source: &Source,
    limits: &Limits,
    loaded: &mut Loaded,
) -> Result<(), Error> {
    let in_source = |error: Error| error.in_source(source.clone());
    let text = decode::into_text(payload).map_err(in_source)?;
    let documents = document::parse_documents(&text, limits).map_err(in_source)?;
    if documents.is_empty() {
        return Err(in_source(Error::new(
            ErrorKind::Schema,
            "contains no NodeConfig document",
        )));
    }
    let several = documents.len() > 1;
    for (index, value) in documents.into_iter().enumerate() {
        if loaded.layers.len() == limits.max_documents {
            return Err(in_source(Error::new(
                ErrorKind::Limit,
                format_args!(
                    "more than {} NodeConfig documents in all inputs (limit max_documents)",
                    limits.max_documents
                ),
            )));
        }
        let source = if several {
            source.with_document(index + 1)
        } else {
            source.clone()
        };
        let in_document = |error: Error| error.in_source(source.clone());
        budget::charge_values(&value, &mut loaded.document_values, limits).map_err(in_document)?;
        let config = document::read_node_config(value, &source, limits, &mut loaded.warnings)
            .map_err(in_document)?;
        budget::charge_toml_keys(&config, &mut loaded.toml_keys, limits).map_err(in_document)?;
        loaded.layers.push(Layer { source, config });
    }
    Ok(())
}
