//! From text to NodeConfig: YAML or JSON parsing under [`Limits`], the `apiVersion`/`kind` check,
//! and typed reading that reports unknown fields as warnings.

use super::{scan, unique};
use crate::model::{API_VERSION, KIND, NodeConfig, NodeConfigSpec};
use crate::numbers::YamlNode;
use crate::{Error, ErrorKind, Limits, Source, Warning};
use serde_json::{Map, Value};

/// Parses one payload's documents: JSON when it starts with `{`, YAML otherwise (a stream of
/// one or more documents). Empty YAML documents are skipped. Text starting with `{` that is not
/// JSON but is a YAML flow mapping (`{apiVersion: node.eks.aws/v1alpha1, ...}`) is read as YAML.
pub(crate) fn parse_documents(text: &str, limits: &Limits) -> Result<Vec<Value>, Error> {
    if text.trim_start().starts_with('{') {
        return match parse_json(text, limits) {
            Err(error) if error.kind() == ErrorKind::Syntax => match parse_yaml(text, limits) {
                Ok(documents) => Ok(documents),
                // Neither: the JSON error, since it looked like JSON.
                Err(_) => Err(error),
            },
            result => result.map(|value| vec![value]),
        };
    }
    parse_yaml(text, limits)
}

fn parse_yaml(text: &str, limits: &Limits) -> Result<Vec<Value>, Error> {
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

/// Parses JSON after a scan has bounded its nesting and its values; a key given twice in one
/// object is an error at its line and column, as YAML makes it (YAML 1.2.2 section 3.2.1.1:
/// mapping keys are unique), instead of the second value silently winning.
fn parse_json(text: &str, limits: &Limits) -> Result<Value, Error> {
    match scan::json_shape(text, limits.max_depth, limits.max_json_values) {
        scan::JsonShape::TooDeep(depth) => {
            return Err(Error::new(
                ErrorKind::Limit,
                format_args!(
                    "JSON nesting reaches depth {depth}, over the limit of {} (limit max_depth)",
                    limits.max_depth
                ),
            ));
        }
        scan::JsonShape::TooMany => {
            return Err(Error::new(
                ErrorKind::Limit,
                format_args!(
                    "JSON document has more than {} values (limit max_json_values)",
                    limits.max_json_values
                ),
            ));
        }
        scan::JsonShape::Fits => {}
    }
    let invalid = |error: serde_json::Error| {
        let kind = if error.is_syntax() || error.is_eof() {
            ErrorKind::Syntax
        } else {
            ErrorKind::Schema
        };
        Error::new(kind, format_args!("is not valid JSON: {error}"))
    };
    serde_json::from_str::<unique::UniqueKeys>(text).map_err(invalid)?;
    serde_json::from_str(text).map_err(invalid)
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
    // The library's advice names its own option; a user can only give each key once.
    let summary = summary.replace(
        ", set DuplicateKeyPolicy in Options if acceptable",
        " (give each key once)",
    );
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
    limits: &Limits,
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
    check_containerd_toml(&config, limits)?;
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
fn check_containerd_toml(config: &NodeConfig, limits: &Limits) -> Result<(), Error> {
    let containerd = config
        .spec
        .as_ref()
        .and_then(|spec| spec.containerd.as_ref());
    let Some(text) = containerd.and_then(|containerd| containerd.config.as_deref()) else {
        return Ok(());
    };
    if scan::toml_keys_over(text, limits.max_toml_keys) {
        return Err(Error::new(
            ErrorKind::Limit,
            format_args!(
                "TOML document has more than {} keys and array items (limit max_toml_keys)",
                limits.max_toml_keys
            ),
        )
        .at_path("spec.containerd.config"));
    }
    let Err(error) = text.parse::<toml::Table>() else {
        return Ok(());
    };
    let start = error
        .span()
        .map(|span| span.start)
        .or_else(|| line_alone_failing(text, error.message()));
    let at = start.map_or(String::new(), |start| {
        let before = &text[..start.min(text.len())];
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

/// Where the error is when the parser gives no position (a dotted key over its recursion
/// limit): the start of the first line that, parsed alone, fails with the same message. Each
/// line is parsed once, so this is linear in the text.
fn line_alone_failing(text: &str, message: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let failing = line
            .parse::<toml::Table>()
            .is_err_and(|error| error.message() == message);
        if failing {
            return Some(start + (line.len() - line.trim_start().len()));
        }
    }
    None
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
    fn a_duplicate_json_key_is_an_error_with_line_and_column() {
        let text = "{\n  \"kind\": \"NodeConfig\",\n  \"spec\": {\"a\": 1,\n    \"a\": 2}\n}";
        let error = parse_documents(text, &Limits::default()).unwrap_err();
        assert_eq!(
            error.to_string(),
            "is not valid JSON: duplicate key `a` in one object (give each key once) at line 4 column 7"
        );
    }

    #[test]
    fn a_yaml_flow_mapping_is_read_as_yaml() {
        let documents =
            parse_documents("{kind: NodeConfig, spec: {a: 1}}\n", &Limits::default()).unwrap();
        assert_eq!(documents[0]["spec"]["a"], 1);
        let error = parse_documents("{\"kind\": ", &Limits::default()).unwrap_err();
        assert!(
            error.to_string().starts_with("is not valid JSON"),
            "{error}"
        );
    }

    #[test]
    fn an_over_deep_toml_key_is_located() {
        let key = vec!["a"; 300].join(".");
        let document = serde_json::json!({
            "apiVersion": crate::model::API_VERSION, "kind": crate::model::KIND,
            "spec": {"containerd": {"config": format!("x = 1\n  {key} = 1\n")}}});
        let error = read_node_config(
            document,
            &Source::stdin(),
            &Limits::default(),
            &mut Vec::new(),
        )
        .unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("spec.containerd.config: is not valid TOML at line 2, column 3: "),
            "{error}"
        );
    }

    #[test]
    fn json_values_are_budgeted() {
        let limits = Limits {
            max_json_values: 10,
            ..Limits::default()
        };
        let text = format!("{{\"a\": [{}1]}}", "1,".repeat(20));
        let error = parse_documents(&text, &limits).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Limit);
        assert!(error.to_string().contains("max_json_values"), "{error}");
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
