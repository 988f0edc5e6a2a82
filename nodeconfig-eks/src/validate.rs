//! nodeadm's checks on a merged NodeConfig, each failure with its field path.

use crate::model::NodeConfig;
use base64::Engine as _;
use std::fmt::{self, Display};

/// One failed check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The field (`spec.cluster.cidr`).
    pub path: String,
    /// What is wrong with it.
    pub message: String,
}

impl Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Runs nodeadm's checks: `name`, `apiServerEndpoint`, `certificateAuthority` and `cidr` are
/// required, `certificateAuthority` must be base64 (nodeadm fails to decode it otherwise), and
/// `enableOutpost: true` needs `id`. Returns every failure, in field order.
///
/// ```
/// use nodeconfig_eks::{model::NodeConfig, validate::validate};
///
/// let config: NodeConfig = serde_json::from_value(serde_json::json!(
///     {"spec": {"cluster": {"name": "prod", "apiServerEndpoint": "https://k8s",
///       "certificateAuthority": "Y2E=", "enableOutpost": true}}}))?;
/// let problems: Vec<String> = validate(&config).iter().map(ToString::to_string).collect();
/// assert_eq!(problems, [
///     "spec.cluster.cidr: is required",
///     "spec.cluster.id: is required when spec.cluster.enableOutpost is true",
/// ]);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn validate(config: &NodeConfig) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut problem = |path: &str, message: &str| {
        problems.push(Problem {
            path: path.to_owned(),
            message: message.to_owned(),
        });
    };
    let cluster = config
        .spec
        .as_ref()
        .and_then(|spec| spec.cluster.clone())
        .unwrap_or_default();
    let required = [
        ("spec.cluster.name", &cluster.name),
        (
            "spec.cluster.apiServerEndpoint",
            &cluster.api_server_endpoint,
        ),
        (
            "spec.cluster.certificateAuthority",
            &cluster.certificate_authority,
        ),
        ("spec.cluster.cidr", &cluster.cidr),
    ];
    for (path, value) in required {
        if value.is_none() {
            problem(path, "is required");
        }
    }
    if let Some(authority) = &cluster.certificate_authority {
        let compact: String = authority.split_whitespace().collect();
        if base64::engine::general_purpose::STANDARD
            .decode(compact)
            .is_err()
        {
            problem(
                "spec.cluster.certificateAuthority",
                "is not base64 (it holds the cluster CA bundle, base64-encoded)",
            );
        }
    }
    if cluster.enable_outpost == Some(true) && cluster.id.is_none() {
        problem(
            "spec.cluster.id",
            "is required when spec.cluster.enableOutpost is true",
        );
    }
    problems
}
