//! Budgets on totals across documents: [`Limits::max_total_values`] and
//! [`Limits::max_total_toml_keys`], charged document by document as they are read.

use super::scan;
use crate::model::NodeConfig;
use crate::{Error, ErrorKind, Limits};
use serde_json::Value;

/// Adds the values of `document` (every scalar, sequence and mapping, counted without
/// recursing) to `spent`, or fails naming [`Limits::max_total_values`].
pub(crate) fn charge_values(
    document: &Value,
    spent: &mut usize,
    limits: &Limits,
) -> Result<(), Error> {
    let mut pending = vec![document];
    while let Some(value) = pending.pop() {
        *spent += 1;
        if *spent > limits.max_total_values {
            return Err(Error::new(
                ErrorKind::Limit,
                format_args!(
                    "NodeConfig documents hold more than {} values in all (limit max_total_values)",
                    limits.max_total_values
                ),
            ));
        }
        match value {
            Value::Array(items) => pending.extend(items),
            Value::Object(members) => pending.extend(members.values()),
            _ => {}
        }
    }
    Ok(())
}

/// Adds the keys and array items of `config`'s `containerd.config` (the bound
/// [`scan::toml_keys_over`] counts) to `spent`, or fails naming
/// [`Limits::max_total_toml_keys`].
pub(crate) fn charge_toml_keys(
    config: &NodeConfig,
    spent: &mut usize,
    limits: &Limits,
) -> Result<(), Error> {
    let Some(text) = crate::containerd::config_text(config) else {
        return Ok(());
    };
    let left = limits.max_total_toml_keys.saturating_sub(*spent);
    *spent += scan::toml_key_bound(text, left);
    if *spent > limits.max_total_toml_keys {
        return Err(Error::new(
            ErrorKind::Limit,
            format_args!(
                "TOML documents hold more than {} keys and array items in all (limit \
                 max_total_toml_keys)",
                limits.max_total_toml_keys
            ),
        )
        .at_path("spec.containerd.config"));
    }
    Ok(())
}
