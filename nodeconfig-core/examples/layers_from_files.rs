//! Layers from files: YAML, JSON and TOML files and `APP_*` environment overrides, each read into
//! a layer type, merged in order, built into the configuration, with the provenance of every
//! setting printed.
//!
//! ```sh
//! cargo run -p nodeconfig-core --example layers_from_files                      # built-in files
//! APP_PORT=9000 APP_TLS=null cargo run -p nodeconfig-core --example layers_from_files -- \
//!     defaults.yaml site.json local.toml
//! ```
//!
//! A later file that does not mention a setting leaves it as the earlier files set it; `null`
//! unsets an optional setting; a required setting no layer sets is an error naming it.

use std::error::Error;
use std::path::Path;

use nodeconfig_core::trace::merge_all_traced;
use nodeconfig_core::{DeepMerge, Layered};

/// The application's configuration, as the program uses it: required fields, defaults, no
/// `Option` where there is always a value.
#[derive(DeepMerge, Debug)]
#[merge(layer = "AppLayer")]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct App {
    host: String,
    #[merge(default = "default_port")]
    port: u16,
    #[merge(default)]
    debug: bool,
    tls: Option<Tls>,
    #[merge(strategy = "append", default)]
    plugins: Vec<String>,
    #[merge(nested)]
    limits: Limits,
}

#[derive(DeepMerge, Debug, serde::Deserialize, serde::Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct Tls {
    cert_file: Option<String>,
    key_file: Option<String>,
}

#[derive(DeepMerge, Debug)]
#[merge(layer = "LimitsLayer")]
#[serde(rename_all = "camelCase")]
struct Limits {
    max_connections: u32,
    #[merge(default = "default_timeout")]
    timeout_secs: u64,
}

fn default_port() -> u16 {
    8080
}

fn default_timeout() -> u64 {
    30
}

/// Used when no file is named on the command line.
const BUILT_IN: &[(&str, &str)] = &[
    (
        "defaults.yaml",
        "host: 0.0.0.0\nplugins: [metrics]\nlimits:\n  maxConnections: 100\n",
    ),
    (
        "site.json",
        r#"{"host": "app.internal", "tls": {"certFile": "/etc/app/tls.crt", "keyFile": "/etc/app/tls.key"}}"#,
    ),
    (
        "local.toml",
        "debug = true\nplugins = [\"tracing\"]\n\n[limits]\ntimeoutSecs = 5\n",
    ),
];

/// One file's text as a layer, by its extension.
fn parse(name: &str, text: &str) -> Result<AppLayer, Box<dyn Error>> {
    let layer = match Path::new(name).extension().and_then(|ext| ext.to_str()) {
        Some("yaml" | "yml") => serde_saphyr::from_str(text)?,
        Some("json") => serde_json::from_str(text)?,
        Some("toml") => toml::from_str(text)?,
        _ => return Err(format!("{name}: unknown format; name it .yaml, .json or .toml").into()),
    };
    Ok(layer)
}

/// `APP_PORT=9000`, `APP_LIMITS__MAX_CONNECTIONS=10`, `APP_TLS=null`: `__` separates levels, each
/// level is converted to the camelCase the files use, and a value that parses as JSON is taken as
/// JSON (`9000`, `true`, `null`, `["a"]`), anything else as a string.
fn environment(vars: impl Iterator<Item = (String, String)>) -> serde_json::Value {
    let mut root = serde_json::Map::new();
    for (name, value) in vars {
        let Some(path) = name.strip_prefix("APP_") else {
            continue;
        };
        let value = serde_json::from_str(&value).unwrap_or(serde_json::Value::String(value));
        let keys: Vec<String> = path.split("__").map(camel_case).collect();
        let Some((last, parents)) = keys.split_last() else {
            continue;
        };
        let mut table = &mut root;
        for key in parents {
            let entry = table
                .entry(key.clone())
                .or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
            if !entry.is_object() {
                *entry = serde_json::Value::Object(serde_json::Map::new());
            }
            table = entry.as_object_mut().expect("made an object just above");
        }
        table.insert(last.clone(), value);
    }
    serde_json::Value::Object(root)
}

/// `MAX_CONNECTIONS` -> `maxConnections`.
fn camel_case(name: &str) -> String {
    let mut words = name.split('_').filter(|word| !word.is_empty());
    let mut out = words.next().unwrap_or_default().to_lowercase();
    for word in words {
        let lower = word.to_lowercase();
        let mut chars = lower.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    out
}

fn main() -> Result<(), Box<dyn Error>> {
    let named: Vec<String> = std::env::args().skip(1).collect();
    let mut layers = Vec::new();
    if named.is_empty() {
        for (name, text) in BUILT_IN {
            layers.push((name.to_string(), parse(name, text)?));
        }
    } else {
        for name in named {
            let text =
                std::fs::read_to_string(&name).map_err(|error| format!("{name}: {error}"))?;
            let layer = parse(&name, &text).map_err(|error| format!("{name}: {error}"))?;
            layers.push((name, layer));
        }
    }
    let overrides: AppLayer = serde_json::from_value(environment(std::env::vars()))
        .map_err(|error| format!("APP_* environment: {error}"))?;
    layers.push(("environment".to_owned(), overrides));

    let (merged, provenance) = merge_all_traced(layers)?;
    let app = App::from_layer(merged)?;
    println!("{app:#?}");
    println!("\nwhere each setting came from:");
    for (path, origin) in provenance.iter() {
        let source = provenance.source(origin.layer);
        println!("  {path:<28} {source} ({})", origin.strategy);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_names_become_nested_camel_case_keys() {
        let vars = [
            ("APP_PORT".to_owned(), "9000".to_owned()),
            ("APP_LIMITS__MAX_CONNECTIONS".to_owned(), "10".to_owned()),
            ("APP_HOST".to_owned(), "example.org".to_owned()),
            ("HOME".to_owned(), "/root".to_owned()),
        ];
        assert_eq!(
            environment(vars.into_iter()),
            serde_json::json!({"port": 9000, "limits": {"maxConnections": 10}, "host": "example.org"})
        );
    }
}
