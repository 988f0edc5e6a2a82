//! [`Limits`]: the bounds that keep hostile user data from costing more than a clear error.

/// Bounds on what the reader accepts. Each one exceeded is an [`Error`](crate::Error) of kind
/// [`ErrorKind::Limit`](crate::ErrorKind::Limit) naming the limit and the source.
///
/// The defaults are far above real user data (EC2 caps user data at 16 KiB before encoding) and
/// far below what could hurt a node:
///
/// | limit | default | what it bounds |
/// | --- | --- | --- |
/// | `max_input_bytes` | 16 MiB | one file, stdin, or the output of any base64 or gzip decoding step |
/// | `max_decode_steps` | 4 | nested base64/gzip layers around one payload or MIME part |
/// | `max_mime_parts` | 64 | parts in one MIME multipart message |
/// | `max_documents` | 64 | NodeConfig documents across all inputs |
/// | `max_depth` | 64 | nesting of mappings and sequences in one document |
/// | `max_yaml_aliases` | 1,000 | `*alias` references in one YAML stream |
/// | `max_yaml_events` | 500,000 | YAML parser events, counting those replayed by aliases |
///
/// ```
/// use nodeconfig_eks::Limits;
///
/// let strict = Limits { max_documents: 4, ..Limits::default() };
/// assert_eq!(strict.max_input_bytes, 16 * 1024 * 1024);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input, in bytes, before and after each decoding step.
    pub max_input_bytes: usize,
    /// Most base64/gzip layers unwrapped around one payload.
    pub max_decode_steps: usize,
    /// Most parts in one MIME multipart message.
    pub max_mime_parts: usize,
    /// Most NodeConfig documents read across all inputs.
    pub max_documents: usize,
    /// Deepest nesting of mappings and sequences in one document.
    pub max_depth: usize,
    /// Most YAML alias references in one YAML stream.
    pub max_yaml_aliases: usize,
    /// Most YAML parser events in one YAML stream, aliases' replays included.
    pub max_yaml_events: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 16 * 1024 * 1024,
            max_decode_steps: 4,
            max_mime_parts: 64,
            max_documents: 64,
            max_depth: 64,
            max_yaml_aliases: 1_000,
            max_yaml_events: 500_000,
        }
    }
}
