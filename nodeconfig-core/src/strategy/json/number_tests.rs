//! What [the module docs](super#numbers) promise for numbers, tested in the build's
//! configuration of serde_json.

use super::{JsonDeep, MergePatch};
use serde_json::{Value, json};

/// What the module docs promise for numbers, in the build's configuration: CI runs this
/// with serde_json's `arbitrary_precision` off (`-p nodeconfig-core`) and on (the
/// workspace, and `--features arbitrary_precision`).
#[test]
fn numbers_are_kept_as_documented() {
    let arbitrary_precision = serde_json::from_str::<Value>("1e400").is_ok();
    let written = [
        "18446744073709551615",
        "-9223372036854775808",
        "18446744073709551616",
        "123456789012345678901234567890",
        "-18446744073709551615",
        "0.1000000000000000055511151231257827",
        "-0",
        "1e-400",
    ];
    let expected: [&str; 8] = if arbitrary_precision {
        written
    } else {
        [
            "18446744073709551615",
            "-9223372036854775808",
            "1.8446744073709552e+19",
            "1.2345678901234568e+29",
            "-1.8446744073709552e+19",
            "0.1",
            "-0.0",
            "0.0",
        ]
    };
    for (written, expected) in written.into_iter().zip(expected) {
        let layer: Value =
            serde_json::from_str(&format!(r#"{{"n": {written}}}"#)).expect("a JSON number");
        let mut deep = json!({"n": 1, "m": 2});
        deep.apply_json_deep(layer.clone());
        let mut patch = json!({"n": 1});
        patch.apply_merge_patch(layer.clone());
        let mut absent = None;
        absent.apply_json_deep(Some(layer));
        for merged in [&deep, &patch, absent.as_ref().expect("set")] {
            assert_eq!(merged["n"].to_string(), expected, "{written}");
        }
    }
}
