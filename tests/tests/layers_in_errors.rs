//! Errors name the layer: `MergeError::layer` after `merge_all`, and the source given to
//! `merge_all_traced` in the error and its `Display`.

use nodeconfig_core::trace::merge_all_traced;
use nodeconfig_core::{DeepMerge, MergeError, Side, merge_all};

#[derive(DeepMerge, Default, Debug)]
struct Containerd {
    #[merge(strategy = "toml_deep")]
    config: String,
    #[merge(with = "refuse_zero")]
    max_concurrent_downloads: u32,
}

fn refuse_zero(existing: &mut u32, incoming: u32) -> Result<(), MergeError> {
    if incoming == 0 {
        return Err(MergeError::custom(
            "0 is not a limit: remove the key to keep the default",
        ));
    }
    *existing = incoming;
    Ok(())
}

fn layer(config: &str) -> Containerd {
    Containerd {
        config: config.into(),
        max_concurrent_downloads: 3,
    }
}

#[test]
fn merge_all_names_the_failing_layer_by_index() {
    let error = merge_all([layer("a = 1"), layer("b = 2"), layer("[grpc")]).unwrap_err();
    assert_eq!(error.layer(), Some(2));
    assert_eq!(error.path(), "config");
    assert_eq!(error.location().unwrap().side, Side::Incoming);
    // `merge_all` has no sources to show: its `Display` is the path and the cause.
    assert!(
        error
            .to_string()
            .starts_with("config: the incoming TOML document")
    );
}

#[test]
fn the_first_layers_own_check_is_layer_zero() {
    let error = merge_all([layer("[grpc"), layer("a = 1")]).unwrap_err();
    assert_eq!(error.layer(), Some(0));
}

#[test]
fn a_failing_with_function_is_named_by_layer_too() {
    let mut zero = layer("");
    zero.max_concurrent_downloads = 0;
    let error = merge_all([layer(""), layer(""), layer(""), zero]).unwrap_err();
    assert_eq!(error.layer(), Some(3));
    assert_eq!(error.path(), "max_concurrent_downloads");
}

#[test]
fn a_single_merge_names_no_layer() {
    let error = layer("a = 1").deep_merge(layer("[grpc")).unwrap_err();
    assert_eq!(error.layer(), None);
    assert_eq!(error.layer_source(), None);
}

#[test]
fn merge_all_traced_puts_the_source_in_the_error_and_its_display() {
    let layers = [
        ("defaults.toml", layer("a = 1")),
        ("karpenter.toml", layer("b = 2")),
        ("user.toml", layer("c = [")),
    ];
    let error = merge_all_traced(layers).map(|_| ()).unwrap_err();
    assert_eq!(error.layer(), Some(2));
    assert_eq!(error.layer_source(), Some("user.toml"));
    let shown = error.to_string();
    assert!(
        shown.starts_with("user.toml: config: the incoming TOML document does not parse at line 1"),
        "{shown}"
    );
}

#[test]
fn an_embedded_documents_location_maps_into_its_file() {
    let error = merge_all([layer("a = 1"), layer("x = 1\n[grpc\n")]).unwrap_err();
    let in_document = error.location().unwrap();
    assert_eq!(in_document.line, 2);
    // The TOML text starts on line 12, column 5 of the YAML file that holds it.
    let in_file = in_document.in_file(12, 5);
    assert_eq!((in_file.line, in_file.column), (13, in_document.column));
    let first_line = nodeconfig_core::ParseLocation {
        line: 1,
        ..in_document
    };
    assert_eq!(first_line.in_file(12, 5).column, 5 + in_document.column - 1);
}
