//! [`Limits`]: the bounds that keep hostile user data from costing more than a clear error.

/// Bounds on what the reader accepts. Each one exceeded is an [`Error`](crate::Error) of kind
/// [`ErrorKind::Limit`](crate::ErrorKind::Limit) naming the limit and the source.
///
/// The defaults are sized from what EKS user data really holds, with a wide margin: EC2 caps
/// user data at 16 KiB before base64 (so a few hundred KiB once decompressed), Karpenter's and
/// a user's NodeConfig parts hold tens of values, nodeadm's default containerd config has about
/// 40 TOML keys and its OCI base runtime spec about 250 JSON values. Together the limits keep
/// any input, hostile or not, under 5 s and 256 MB on a 2-core machine, or refuse it:
///
/// | limit | default | what it bounds |
/// | --- | --- | --- |
/// | `max_input_bytes` | 16 MiB | one file, stdin, or the output of any base64 or gzip decoding step |
/// | `max_total_bytes` | 16 MiB | all bytes read and decoded, across every input, part and step |
/// | `max_decode_steps` | 4 | nested base64/gzip layers around one payload or MIME part |
/// | `max_mime_parts` | 64 | leaf parts in one MIME message, nested ones included |
/// | `max_mime_depth` | 4 | nesting of multipart inside multipart |
/// | `max_documents` | 64 | NodeConfig documents across all inputs |
/// | `max_depth` | 64 | nesting of mappings and sequences in one document |
/// | `max_json_values` | 100,000 | values (scalars, arrays, objects) in one JSON document |
/// | `max_toml_keys` | 10,000 | keys and array items in one TOML document (`containerd.config`) |
/// | `max_total_values` | 100,000 | values in all NodeConfig documents together, JSON and YAML |
/// | `max_total_toml_keys` | 20,000 | keys and array items in all TOML documents together |
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
    /// Most bytes read and decoded in all, across every input, MIME part and decoding step.
    pub max_total_bytes: usize,
    /// Most base64/gzip layers unwrapped around one payload.
    pub max_decode_steps: usize,
    /// Most leaf parts in one MIME message.
    pub max_mime_parts: usize,
    /// Deepest nesting of multipart entities in one MIME message (the message is level 1).
    pub max_mime_depth: usize,
    /// Most NodeConfig documents read across all inputs.
    pub max_documents: usize,
    /// Deepest nesting of mappings and sequences in one document.
    pub max_depth: usize,
    /// Most values in one JSON document (an upper bound is counted before parsing).
    pub max_json_values: usize,
    /// Most keys and array items in one TOML document (counted before parsing).
    pub max_toml_keys: usize,
    /// Most values (scalars, sequences, mappings) in all NodeConfig documents together, JSON and
    /// YAML: many documents each within [`max_json_values`](Self::max_json_values) add up
    /// (64 drop-ins of 90,000 values took 1.2 GB to merge, and `--explain` of 230,000 values
    /// in keyed lists 6.5 s). The same as one document may hold: 400 times nodeadm's base
    /// runtime spec.
    pub max_total_values: usize,
    /// Most keys and array items in all `containerd.config` documents together: each merge
    /// reads the document merged so far, so many large documents would cost their count squared.
    pub max_total_toml_keys: usize,
    /// Most YAML alias references in one YAML stream.
    pub max_yaml_aliases: usize,
    /// Most YAML parser events in one YAML stream, aliases' replays included.
    pub max_yaml_events: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 16 * 1024 * 1024,
            max_total_bytes: 16 * 1024 * 1024,
            max_decode_steps: 4,
            max_mime_parts: 64,
            max_mime_depth: 4,
            max_documents: 64,
            max_depth: 64,
            max_json_values: 100_000,
            max_toml_keys: 10_000,
            max_total_values: 100_000,
            max_total_toml_keys: 20_000,
            max_yaml_aliases: 1_000,
            max_yaml_events: 500_000,
        }
    }
}
