//! `nodeconfig render`: the files containerd and kubelet read, staged in memory, then written
//! all together.

use crate::containerd::{self, ContainerdVersion};
use crate::model::NodeConfig;
use crate::model::{BASE_RUNTIME_SPEC_KEYS, KUBELET_CONFIG_KEYS};
use crate::{Error, ErrorKind};
use nodeconfig_core::MergeError;
use nodeconfig_core::strategy::TomlDeep;
use nodeconfig_core::strategy::json::{JsonKeyed, ListKeys};
use serde_json::{Map, Value};
use std::path::{Path, PathBuf};

/// The OCI runtime spec nodeadm writes before merging `containerd.baseRuntimeSpec` onto it.
pub const DEFAULT_BASE_RUNTIME_SPEC: &str = include_str!("../defaults/base-runtime-spec.json");
pub use crate::containerd::{DEFAULT_CONTAINERD_2_CONFIG, DEFAULT_CONTAINERD_CONFIG};

pub use crate::files::{
    BASE_RUNTIME_SPEC_PATH, CONTAINERD_CONFIG_PATH, KUBELET_DROP_IN_PATH, KUBELET_ENVIRONMENT_PATH,
    RENDERED_PATHS, RenderedFile,
};

/// The variable of [`KUBELET_ENVIRONMENT_PATH`] that holds `kubelet.flags`.
pub const KUBELET_ARGS_VARIABLE: &str = "NODEADM_KUBELET_ARGS";

/// Renders the four files from a merged NodeConfig, in memory, for nodeadm's default containerd
/// (1.x, config version 2): [`render_for`] with [`ContainerdVersion::default`].
///
/// ```
/// use nodeconfig_eks::{model::NodeConfig, render::{render, BASE_RUNTIME_SPEC_PATH}};
///
/// let config: NodeConfig = serde_json::from_value(serde_json::json!({"spec": {"containerd": {
///     "baseRuntimeSpec": {"process": {"rlimits": null}}}}}))?;
/// let files = render(&config)?;
/// let spec = files.iter().find(|file| file.path == BASE_RUNTIME_SPEC_PATH).unwrap();
/// let spec: serde_json::Value = serde_json::from_str(&spec.contents)?;
/// assert_eq!(spec["process"].get("rlimits"), None); // the default rlimits are deleted
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn render(config: &NodeConfig) -> Result<Vec<RenderedFile>, Error> {
    render_for(config, ContainerdVersion::default())
}

/// Renders the four files from a merged NodeConfig, in memory, for containerd `version`:
///
/// - [`BASE_RUNTIME_SPEC_PATH`]: the merged `containerd.baseRuntimeSpec` patch applied onto
///   [`DEFAULT_BASE_RUNTIME_SPEC`] (RFC 7396: objects merge, `null` deletes, arrays replace),
///   except that the lists of [`BASE_RUNTIME_SPEC_KEYS`] merge item by item (nodeadm replaces
///   them whole; `{"$patch": "replace"}` in a list does that here);
/// - [`CONTAINERD_CONFIG_PATH`]: `containerd.config` merged with `toml_deep` onto the template
///   for that containerd ([`DEFAULT_CONTAINERD_CONFIG`], config version 2, for containerd 1;
///   [`DEFAULT_CONTAINERD_2_CONFIG`], version 3, for containerd 2); a config whose `version`
///   is the other one is an error, never a file that mixes the two;
/// - [`KUBELET_DROP_IN_PATH`]: `kind` and `apiVersion` of a `KubeletConfiguration`, with the
///   merged `kubelet.config` patch applied onto them, `registerWithTaints` keyed by
///   [`KUBELET_CONFIG_KEYS`] (always written, so a render replaces an
///   earlier one); an integer field that kubelet cannot hold (`maxPods: 1e400`) is an error
///   naming the field;
/// - [`KUBELET_ENVIRONMENT_PATH`]: `NODEADM_KUBELET_ARGS="..."`, the flags joined by spaces,
///   with `"` and `\` escaped as systemd's `EnvironmentFile=` reads them.
///
/// ```
/// use nodeconfig_eks::containerd::ContainerdVersion;
/// use nodeconfig_eks::model::NodeConfig;
/// use nodeconfig_eks::render::{BASE_RUNTIME_SPEC_PATH, CONTAINERD_CONFIG_PATH, render_for};
///
/// let config: NodeConfig = serde_json::from_value(serde_json::json!({"spec": {"containerd": {
///     "baseRuntimeSpec": {"process": {"rlimits": [
///         {"type": "RLIMIT_NOFILE", "soft": 1024, "hard": 1024}]}}}}}))?;
/// let files = render_for(&config, ContainerdVersion::Two)?;
/// let spec = files.iter().find(|file| file.path == BASE_RUNTIME_SPEC_PATH).unwrap();
/// let spec: serde_json::Value = serde_json::from_str(&spec.contents)?;
/// assert_eq!(spec["process"]["rlimits"][0]["soft"], 1024);
/// assert_eq!(spec["process"]["cwd"], "/"); // the default spec is kept around it
/// let toml = files.iter().find(|file| file.path == CONTAINERD_CONFIG_PATH).unwrap();
/// assert!(toml.contents.contains("\nversion = 3\n"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn render_for(
    config: &NodeConfig,
    version: ContainerdVersion,
) -> Result<Vec<RenderedFile>, Error> {
    containerd::check_config(config, version)?;
    let spec = config.spec.clone().unwrap_or_default();
    let containerd = spec.containerd.unwrap_or_default();
    let kubelet = spec.kubelet.unwrap_or_default();

    let mut runtime_spec: Map<String, Value> = serde_json::from_str(DEFAULT_BASE_RUNTIME_SPEC)
        .expect("the shipped base runtime spec is a JSON object");
    if let Some(user) = containerd.base_runtime_spec {
        merge_json(&mut runtime_spec, user, &BASE_RUNTIME_SPEC_KEYS)
            .map_err(|error| merge_error(error, "spec.containerd.baseRuntimeSpec"))?;
    }

    let mut containerd_config = version.default_config().to_owned();
    if let Some(user) = containerd.config {
        // `toml_deep` from nodeconfig-core, both phases.
        TomlDeep::merge_toml(&mut containerd_config, user)
            .map_err(|error| merge_error(error, "spec.containerd.config"))?;
    }

    let mut drop_in = Map::new();
    drop_in.insert("kind".into(), "KubeletConfiguration".into());
    drop_in.insert("apiVersion".into(), "kubelet.config.k8s.io/v1beta1".into());
    if let Some(user) = kubelet.config {
        crate::kubelet::check_integer_fields(&user, "spec.kubelet.config")?;
        merge_json(&mut drop_in, user, &KUBELET_CONFIG_KEYS)
            .map_err(|error| merge_error(error, "spec.kubelet.config"))?;
    }

    Ok(vec![
        RenderedFile {
            path: BASE_RUNTIME_SPEC_PATH,
            contents: pretty_json(runtime_spec),
        },
        RenderedFile {
            path: CONTAINERD_CONFIG_PATH,
            contents: containerd_config,
        },
        RenderedFile {
            path: KUBELET_DROP_IN_PATH,
            contents: pretty_json(drop_in),
        },
        RenderedFile {
            path: KUBELET_ENVIRONMENT_PATH,
            contents: environment_file(&kubelet.flags.unwrap_or_default())?,
        },
    ])
}

/// Applies a merged `merge_patch` onto a default document: RFC 7396 (its `null` members
/// delete) with the same keyed lists as the merge of the layers, directives resolved
/// (`json_deep` with `list_key` from nodeconfig-core, both phases).
fn merge_json(
    existing: &mut Map<String, Value>,
    incoming: Map<String, Value>,
    keys: &ListKeys,
) -> Result<(), MergeError> {
    existing.merge_json_keyed(incoming, keys)
}

fn merge_error(error: MergeError, path: &str) -> Error {
    let path = if error.path().is_empty() {
        path.to_owned()
    } else {
        format!("{path}.{}", error.path())
    };
    Error::new(ErrorKind::Render, error.message()).at_path(path)
}

fn pretty_json(document: Map<String, Value>) -> String {
    let mut text = serde_json::to_string_pretty(&Value::Object(document))
        .expect("a JSON value always serializes");
    text.push('\n');
    text
}

/// The environment file. systemd's `EnvironmentFile=` reads one assignment per line and C
/// strings (systemd.exec(5), "EnvironmentFile="), so a flag holding a line break or a NUL would
/// add a line of its own, or be cut: each is refused, naming the flag. kubelet.service passes
/// the variable unquoted (`ExecStart=/usr/bin/kubelet ... $NODEADM_KUBELET_ARGS`), which systemd
/// splits at blanks outside quotes (systemd.service(5), "Command lines"), so a flag must also be
/// exactly one such word ([`one_argument`]).
fn environment_file(flags: &[String]) -> Result<String, Error> {
    for (index, flag) in flags.iter().enumerate() {
        let refuse = |problem: String| {
            Error::new(ErrorKind::Render, problem).at_path(format!("spec.kubelet.flags[{index}]"))
        };
        if let Some(bad) = flag.chars().find(|&c| c.is_control()) {
            return Err(refuse(format!(
                "kubelet flag holds the control character {bad:?}, which the environment \
                 file {KUBELET_ENVIRONMENT_PATH} cannot hold (remove it from the flag)"
            )));
        }
        one_argument(flag).map_err(|problem| {
            refuse(format!(
                "kubelet flag {problem}, so kubelet would not get it as one argument \
                 (systemd splits ${KUBELET_ARGS_VARIABLE} at blanks outside quotes; quote a \
                 value with blanks, as in --node-labels=\"a=b c\", or remove the flag)"
            ))
        })?;
    }
    let joined = flags.join(" ");
    let escaped = joined.replace('\\', "\\\\").replace('"', "\\\"");
    Ok(format!("{KUBELET_ARGS_VARIABLE}=\"{escaped}\"\n"))
}

/// Whether systemd reads `flag` as one word: not empty, no blank outside single or double
/// quotes, every quote closed (an open one would take the flags after it into this argument).
/// A `\` escapes a quote (outside single quotes); a blank after one is still refused, to be safe.
fn one_argument(flag: &str) -> Result<(), &'static str> {
    if flag.is_empty() {
        return Err("is empty");
    }
    let mut quote = None;
    let mut chars = flag.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (None, '\\') if chars.clone().next() == Some(' ') => {}
            (None | Some('"'), '\\') => {
                chars.next();
            }
            (None, '"' | '\'') => quote = Some(c),
            (Some(open), _) if c == open => quote = None,
            (None, ' ') => return Err("holds a blank outside quotes"),
            _ => {}
        }
    }
    match quote {
        Some(_) => Err("has an unclosed quote"),
        None => Ok(()),
    }
}

/// Writes `files` under `root` with [`install::install`](crate::install::install): confined to
/// the root (no symbolic link followed), modes set explicitly (directories `0755`, files `0644`
/// as nodeadm writes them, a stricter existing mode kept), all or nothing with rollback,
/// crash-safe through a journal, and serialised by a lock on the root. Returns the paths written.
///
/// ```
/// use nodeconfig_eks::render::{RenderedFile, write_all};
///
/// let root = tempfile::tempdir()?;
/// let files = [RenderedFile { path: "etc/a/b.conf", contents: "x\n".into() }];
/// let written = write_all(root.path(), &files)?;
/// assert_eq!(std::fs::read_to_string(&written[0])?, "x\n");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn write_all(root: &Path, files: &[RenderedFile]) -> Result<Vec<PathBuf>, Error> {
    crate::install::install(root, files)
}
