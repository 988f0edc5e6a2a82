//! From text to NodeConfig: YAML or JSON parsing under [`Limits`], the `apiVersion`/`kind` check,
//! and typed reading that reports unknown fields as warnings.

use crate::model::{API_VERSION, KIND, NodeConfig, NodeConfigSpec};
use crate::numbers::YamlNode;
use crate::{Error, ErrorKind, Limits, Source, Warning};
use serde_json::{Map, Value};

/// Parses one payload's documents: JSON when it starts with `{`, YAML otherwise (a stream of
/// one or more documents). Empty YAML documents are skipped.
pub(crate) fn parse_documents(text: &str, limits: &Limits) -> Result<Vec<Value>, Error> {
    if text.trim_start().starts_with('{') {
        return parse_json(text, limits).map(|value| vec![value]);
    }
    // Read with spans, so that numbers keep their text (crate::numbers).
    let documents: Vec<YamlNode> =
        serde_saphyr::from_multiple_with_options(text, yaml_options(limits))
            .map_err(|error| yaml_error(error, limits))?;
    let mut values = Vec::with_capacity(documents.len());
    for document in documents {
        let document = document.into_json(text)?;
        if !document.is_null() {
            values.push(document);
        }
    }
    Ok(values)
}

fn parse_json(text: &str, limits: &Limits) -> Result<Value, Error> {
    if let Some(depth) = json_depth_over(text, limits.max_depth) {
        return Err(Error::new(
            ErrorKind::Limit,
            format_args!(
                "JSON nesting reaches depth {depth}, over the limit of {} (limit max_depth)",
                limits.max_depth
            ),
        ));
    }
    serde_json::from_str(text).map_err(|error| {
        Error::new(
            ErrorKind::Syntax,
            format_args!("is not valid JSON: {error}"),
        )
    })
}

/// The depth at which `text` first nests deeper than `max`, if it does; strings are skipped.
/// Checked before parsing so that hostile nesting costs a scan, not a recursion.
fn json_depth_over(text: &str, max: usize) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0_usize, false, false);
    for byte in text.bytes() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > max {
                    return Some(depth);
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn yaml_options(limits: &Limits) -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_depth = limits.max_depth;
    budget.max_aliases = limits.max_yaml_aliases;
    budget.max_events = limits.max_yaml_events;
    budget.max_documents = limits.max_documents;
    budget.max_nodes = limits.max_yaml_events / 2;
    budget.max_total_scalar_bytes = limits.max_input_bytes;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    // `1e400` reaches the reader as an infinite f64 and keeps its text (crate::numbers);
    // `.inf` and `.nan` are refused there.
    options.non_finite_float_policy = serde_saphyr::NonFiniteFloatPolicy::PassThrough;
    options.alias_limits.max_total_replayed_events = limits.max_yaml_events;
    options
}

fn yaml_error(error: serde_saphyr::Error, limits: &Limits) -> Error {
    let mut cause = &error;
    while let serde_saphyr::Error::WithSnippet { error, .. }
    | serde_saphyr::Error::AliasError { error, .. } = cause
    {
        cause = error;
    }
    if let serde_saphyr::Error::Budget { breach, .. } = cause {
        return Error::new(ErrorKind::Limit, budget_message(breach, limits));
    }
    // The library's message can carry a source snippet over several lines; keep the first.
    let rendered = error.to_string();
    let summary = rendered.lines().next().unwrap_or_default().trim();
    let summary = summary.strip_prefix("error: ").unwrap_or(summary);
    Error::new(
        ErrorKind::Syntax,
        format_args!("is not valid YAML: {summary}"),
    )
}

/// A YAML budget breach in the words of our [`Limits`].
fn budget_message(breach: &serde_saphyr::budget::BudgetBreach, limits: &Limits) -> String {
    use serde_saphyr::budget::BudgetBreach;
    match breach {
        BudgetBreach::Depth { depth } => format!(
            "YAML nesting reaches depth {depth}, over the limit of {} (limit max_depth)",
            limits.max_depth
        ),
        BudgetBreach::Documents { .. } => format!(
            "more than {} YAML documents in one stream (limit max_documents)",
            limits.max_documents
        ),
        BudgetBreach::Aliases { .. } => format!(
            "YAML uses more than {} aliases (limit max_yaml_aliases)",
            limits.max_yaml_aliases
        ),
        BudgetBreach::ScalarBytes { .. } => format!(
            "YAML text exceeds {} bytes of scalars (limit max_input_bytes)",
            limits.max_input_bytes
        ),
        // Events, nodes, replayed anchors, alias/anchor ratio: an alias bomb or a huge document.
        other => format!(
            "YAML expands past the parser budget ({other:?}): an alias bomb or an oversized document \
             (limit max_yaml_events, {} events)",
            limits.max_yaml_events
        ),
    }
}

/// Checks that `document` is a NodeConfig and reads it; unknown fields become warnings.
pub(crate) fn read_node_config(
    document: Value,
    source: &Source,
    warnings: &mut Vec<Warning>,
) -> Result<NodeConfig, Error> {
    check_type(&document)?;
    let mut document = document;
    let patches = take_patches(&mut document);
    let mut unknown = Vec::new();
    let mut record = |path: serde_ignored::Path<'_>| {
        let path = dotted(&path);
        // Kubernetes object metadata has many more keys (creationTimestamp, uid, ...): tolerated.
        if !path.starts_with("metadata.") {
            unknown.push(path);
        }
    };
    let tracked = serde_ignored::Deserializer::new(document, &mut record);
    let config: NodeConfig = serde_path_to_error::deserialize(tracked).map_err(|error| {
        let path = error.path().to_string();
        Error::new(ErrorKind::Schema, error.into_inner()).at_path(if path == "." {
            String::new()
        } else {
            path
        })
    })?;
    let config = put_patches_back(config, patches);
    check_containerd_toml(&config)?;
    warnings.extend(unknown.into_iter().map(|path| Warning {
        source: source.clone(),
        message: format!("{path} is not a NodeConfig field"),
        path,
    }));
    Ok(config)
}

/// `spec.containerd.baseRuntimeSpec` and `spec.kubelet.config`, when they are objects, taken
/// out of `document` before typed reading: serde_json hands a number that parses as an `i64`
/// to the typed reader as one, which would turn `-0` into `0`; moved as they are, every number
/// keeps its text. (Anything else is left for typed reading to accept or reject.)
struct Patches {
    base_runtime_spec: Option<Map<String, Value>>,
    kubelet_config: Option<Map<String, Value>>,
}

fn take_patches(document: &mut Value) -> Patches {
    let mut take = |parent: &str, field: &str| {
        let slot = document.get_mut("spec")?.get_mut(parent)?.as_object_mut()?;
        match slot.get(field) {
            Some(Value::Object(_)) => match slot.remove(field) {
                Some(Value::Object(members)) => Some(members),
                _ => None,
            },
            _ => None,
        }
    };
    Patches {
        base_runtime_spec: take("containerd", "baseRuntimeSpec"),
        kubelet_config: take("kubelet", "config"),
    }
}

fn put_patches_back(mut config: NodeConfig, patches: Patches) -> NodeConfig {
    let spec = || NodeConfigSpec::default();
    if let Some(members) = patches.base_runtime_spec {
        let spec = config.spec.get_or_insert_with(spec);
        spec.containerd
            .get_or_insert_with(Default::default)
            .base_runtime_spec = Some(members);
    }
    if let Some(members) = patches.kubelet_config {
        let spec = config.spec.get_or_insert_with(spec);
        spec.kubelet.get_or_insert_with(Default::default).config = Some(members);
    }
    config
}

/// A broken `containerd.config` is reported where it was written, even in the first layer,
/// which the merge itself never parses.
fn check_containerd_toml(config: &NodeConfig) -> Result<(), Error> {
    let containerd = config
        .spec
        .as_ref()
        .and_then(|spec| spec.containerd.as_ref());
    let Some(text) = containerd.and_then(|containerd| containerd.config.as_deref()) else {
        return Ok(());
    };
    let Err(error) = text.parse::<toml::Table>() else {
        return Ok(());
    };
    let at = error.span().map_or(String::new(), |span| {
        let before = &text[..span.start.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before
            .rsplit('\n')
            .next()
            .map_or(0, |tail| tail.chars().count())
            + 1;
        format!(" at line {line}, column {column}")
    });
    Err(Error::new(
        ErrorKind::Schema,
        format_args!("is not valid TOML{at}: {}", error.message().trim_end()),
    )
    .at_path("spec.containerd.config"))
}

fn check_type(document: &Value) -> Result<(), Error> {
    let Value::Object(fields) = document else {
        return Err(Error::new(
            ErrorKind::Schema,
            format_args!(
                "document is {}, not a NodeConfig mapping",
                describe(document)
            ),
        ));
    };
    let kind = fields.get("kind").and_then(Value::as_str);
    let api_version = fields.get("apiVersion").and_then(Value::as_str);
    if kind == Some(KIND) && api_version == Some(API_VERSION) {
        return Ok(());
    }
    let found = match (api_version, kind) {
        (None, None) => "a document without apiVersion and kind".to_owned(),
        (api_version, kind) => format!(
            "apiVersion `{}`, kind `{}`",
            api_version.unwrap_or("(none)"),
            kind.unwrap_or("(none)")
        ),
    };
    Err(Error::new(
        ErrorKind::Schema,
        format_args!(
            "{found} is not a NodeConfig (expected apiVersion `{API_VERSION}`, kind `{KIND}`)"
        ),
    ))
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

/// `spec.cluster.clusterEndpoint`: serde_ignored's path without its `?` markers for `Option`s.
fn dotted(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => String::new(),
        Path::Seq { parent, index } => format!("{}[{index}]", dotted(parent)),
        Path::Map { parent, key } => {
            let parent = dotted(parent);
            if parent.is_empty() {
                key.clone()
            } else {
                format!("{parent}.{key}")
            }
        }
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => dotted(parent),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_depth_scan_skips_strings() {
        assert_eq!(json_depth_over(r#"{"a": "[[[[[["}"#, 2), None);
        assert_eq!(json_depth_over("[[[", 2), Some(3));
    }

    #[test]
    fn yaml_keeps_u64_max_exact() {
        let documents = parse_documents("n: 18446744073709551615\n", &Limits::default()).unwrap();
        assert_eq!(documents[0]["n"].as_u64(), Some(u64::MAX));
    }

    #[test]
    fn other_kinds_are_named() {
        let document = serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap"});
        let error = check_type(&document).unwrap_err();
        assert_eq!(
            error.to_string(),
            "apiVersion `v1`, kind `ConfigMap` is not a NodeConfig (expected apiVersion `node.eks.aws/v1alpha1`, kind `NodeConfig`)"
        );
    }
}
