//! The typed number fields of kubelet's `KubeletConfiguration`: `kubelet.config` is kept as
//! written (any number, of any size), but kubelet reads these fields into Go integers, so a
//! value that does not fit is reported at render time, naming the field, instead of a kubelet
//! that does not start.
//!
//! The types are those of `kubelet.config.k8s.io/v1beta1` `KubeletConfiguration`
//! (k8s.io/kubelet/config/v1beta1/types.go).

use crate::{Error, ErrorKind};
use serde_json::{Map, Value};

/// A Go integer type.
#[derive(Clone, Copy)]
enum GoInt {
    Int32,
    Int64,
}

/// `KubeletConfiguration` fields that hold integers, with their Go types.
const INTEGER_FIELDS: &[(&str, GoInt)] = &[
    ("maxPods", GoInt::Int32),
    ("podsPerCore", GoInt::Int32),
    ("maxOpenFiles", GoInt::Int64),
    ("podPidsLimit", GoInt::Int64),
    ("kubeAPIQPS", GoInt::Int32),
    ("kubeAPIBurst", GoInt::Int32),
    ("registryPullQPS", GoInt::Int32),
    ("registryBurst", GoInt::Int32),
    ("eventRecordQPS", GoInt::Int32),
    ("eventBurst", GoInt::Int32),
    ("imageGCHighThresholdPercent", GoInt::Int32),
    ("imageGCLowThresholdPercent", GoInt::Int32),
    ("containerLogMaxFiles", GoInt::Int32),
    ("port", GoInt::Int32),
    ("readOnlyPort", GoInt::Int32),
    ("healthzPort", GoInt::Int32),
    ("oomScoreAdj", GoInt::Int32),
    ("nodeStatusMaxImages", GoInt::Int32),
];

/// Checks that every integer field of the kubelet configuration `config` holds a whole number
/// its Go type can hold; `path` is where `config` sits (`spec.kubelet.config`).
pub(crate) fn check_integer_fields(config: &Map<String, Value>, path: &str) -> Result<(), Error> {
    for (field, go_type) in INTEGER_FIELDS {
        let Some(Value::Number(number)) = config.get(*field) else {
            continue;
        };
        let (fits, name, range) = match go_type {
            GoInt::Int32 => (
                number
                    .as_i64()
                    .is_some_and(|value| i32::try_from(value).is_ok()),
                "int32",
                "-2147483648 to 2147483647",
            ),
            GoInt::Int64 => (
                number.as_i64().is_some(),
                "int64",
                "-9223372036854775808 to 9223372036854775807",
            ),
        };
        if !fits {
            return Err(Error::new(
                ErrorKind::Render,
                format_args!(
                    "{number} does not fit kubelet's {name} field; write a whole number from \
                     {range}"
                ),
            )
            .at_path(format!("{path}.{field}")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_beyond_int32_names_the_field() {
        let config: Map<String, Value> =
            serde_json::from_str(r#"{"maxPods": 1e400, "podPidsLimit": 4096}"#).unwrap();
        let error = check_integer_fields(&config, "spec.kubelet.config").unwrap_err();
        assert_eq!(
            error.to_string(),
            "spec.kubelet.config.maxPods: 1e+400 does not fit kubelet's int32 field; write a \
             whole number from -2147483648 to 2147483647"
        );
        let config: Map<String, Value> =
            serde_json::from_str(r#"{"maxPods": 110, "maxOpenFiles": 1000000}"#).unwrap();
        assert!(check_integer_fields(&config, "spec.kubelet.config").is_ok());
    }
}
