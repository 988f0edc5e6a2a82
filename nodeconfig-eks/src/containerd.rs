//! containerd's major version, the config template it reads, and the check that keeps a
//! `containerd.config` of another config version out of it.
//!
//! containerd 1.x reads config `version = 2` (CRI under `plugins."io.containerd.grpc.v1.cri"`);
//! containerd 2.x reads `version = 3` (CRI split into `io.containerd.cri.v1.images` and
//! `io.containerd.cri.v1.runtime`). A file holding `version = 3` and version 2 tables does not
//! run. nodeadm keeps one template per config version and picks by the installed containerd's
//! version: `config2.template.toml` (version 3) when it starts with `2.`, `config.template.toml`
//! (version 2) otherwise (amazon-eks-ami PR 2252, `nodeadm/internal/containerd/config.go`).
//! `nodeconfig render` is told the version with `--containerd-version` and, like nodeadm when
//! the version is not 2.x, defaults to containerd 1.

use crate::model::NodeConfig;
use crate::{Error, ErrorKind, Layer};
use std::fmt;
use std::str::FromStr;

/// containerd's config before `containerd.config` is merged onto it, for containerd 1.x:
/// nodeadm's `config.template.toml` (config version 2), filled.
pub const DEFAULT_CONTAINERD_CONFIG: &str = include_str!("../defaults/config.toml");
/// The same for containerd 2.x: nodeadm's `config2.template.toml` (config version 3), filled.
pub const DEFAULT_CONTAINERD_2_CONFIG: &str = include_str!("../defaults/config3.toml");

/// The containerd major version a config is rendered for.
///
/// ```
/// use nodeconfig_eks::containerd::ContainerdVersion;
///
/// let version: ContainerdVersion = "2.0.5".parse()?;
/// assert_eq!(version, ContainerdVersion::Two);
/// assert_eq!(version.config_version(), 3);
/// assert_eq!(ContainerdVersion::default().config_version(), 2);
/// # Ok::<(), nodeconfig_eks::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ContainerdVersion {
    /// containerd 1.x (1.7 on current AMIs): config version 2. nodeadm's default.
    #[default]
    One,
    /// containerd 2.x: config version 3.
    Two,
}

impl ContainerdVersion {
    /// The `version` a config for this containerd holds.
    pub fn config_version(self) -> i64 {
        match self {
            ContainerdVersion::One => 2,
            ContainerdVersion::Two => 3,
        }
    }

    /// The filled nodeadm template for this containerd.
    ///
    /// ```
    /// use nodeconfig_eks::containerd::ContainerdVersion;
    /// assert!(ContainerdVersion::Two.default_config().contains("\nversion = 3\n"));
    /// ```
    pub fn default_config(self) -> &'static str {
        match self {
            ContainerdVersion::One => DEFAULT_CONTAINERD_CONFIG,
            ContainerdVersion::Two => DEFAULT_CONTAINERD_2_CONFIG,
        }
    }

    /// The major version number.
    pub fn major(self) -> u8 {
        match self {
            ContainerdVersion::One => 1,
            ContainerdVersion::Two => 2,
        }
    }
}

impl fmt::Display for ContainerdVersion {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "containerd {}", self.major())
    }
}

/// `1`, `2`, or a full version (`1.7.27`, `2.0.5`, `v2.1.0`): the major version decides.
impl FromStr for ContainerdVersion {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Error> {
        let trimmed = text.trim().trim_start_matches('v');
        match trimmed.split('.').next() {
            Some("1") => Ok(ContainerdVersion::One),
            Some("2") => Ok(ContainerdVersion::Two),
            _ => Err(Error::new(
                ErrorKind::Render,
                format_args!(
                    "unsupported containerd version `{text}`: nodeadm has config templates for \
                     containerd 1 (config version 2) and 2 (config version 3); give 1 or 2"
                ),
            )),
        }
    }
}

/// Checks every layer's `containerd.config` against `containerd` before they are merged, so
/// that a mismatch names the file or MIME part that wrote it and both versions. A config
/// without a `version` key takes the template's.
///
/// ```
/// use nodeconfig_eks::{Layer, Source, containerd::{ContainerdVersion, check_layers}};
///
/// let config = serde_json::from_value(serde_json::json!({"spec": {"containerd": {
///     "config": "version = 3\n[plugins.'io.containerd.cri.v1.images']\n"}}}))?;
/// let layers = [Layer { source: Source::file("userdata.mime").with_part(2), config }];
/// let error = check_layers(&layers, ContainerdVersion::One).unwrap_err();
/// assert!(error.to_string().starts_with(
///     "userdata.mime part 2: spec.containerd.config: `version = 3` is a containerd 2 config"));
/// assert!(check_layers(&layers, ContainerdVersion::Two).is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn check_layers(layers: &[Layer], containerd: ContainerdVersion) -> Result<(), Error> {
    for layer in layers {
        check_config(&layer.config, containerd)
            .map_err(|error| error.in_source(layer.source.clone()))?;
    }
    Ok(())
}

/// Checks the `containerd.config` of one NodeConfig (a layer, or the merge of several)
/// against `containerd`.
pub(crate) fn check_config(
    config: &NodeConfig,
    containerd: ContainerdVersion,
) -> Result<(), Error> {
    let Some(text) = config_text(config) else {
        return Ok(());
    };
    // A config that does not parse is reported by the reader and the merge, with its position.
    let Ok(table) = text.parse::<toml::Table>() else {
        return Ok(());
    };
    let Some(version) = table.get("version") else {
        return Ok(());
    };
    if version.as_integer() == Some(containerd.config_version()) {
        return Ok(());
    }
    let wanted = containerd.config_version();
    let written = version.to_string();
    let belongs = match version.as_integer() {
        Some(2) => " is a containerd 1 config".to_owned(),
        Some(3) => " is a containerd 2 config".to_owned(),
        _ => String::new(),
    };
    Err(Error::new(
        ErrorKind::Render,
        format_args!(
            "`version = {written}`{belongs}, but {containerd} reads config version {wanted}; \
             write the config for version {wanted}, or render for the containerd it was written \
             for with `--containerd-version`"
        ),
    )
    .at_path("spec.containerd.config"))
}

/// The document's `spec.containerd.config`, the inline TOML, if it has one.
pub(crate) fn config_text(config: &NodeConfig) -> Option<&str> {
    config
        .spec
        .as_ref()
        .and_then(|spec| spec.containerd.as_ref())
        .and_then(|containerd| containerd.config.as_deref())
}
