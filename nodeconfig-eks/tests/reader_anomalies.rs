//! issues 11 and 12 beyond their examples, through the CLI: YAML number spellings
//! that JSON writes differently (leading zeros, a bare point), YAML keys that are distinct in
//! YAML but one JSON key (`1` and `"1"`), more MIME header anomalies (a comment in
//! Content-Type, blanks around its `/`, a header given twice), and kubelet flags the
//! environment file cannot hold as one argument.

mod common;

use common::nodeconfig;
use std::fs;

const HEADER: &str = "apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\n";

fn merge_file(name: &str, contents: &[u8]) -> common::Run {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join(name), contents).unwrap();
    nodeconfig(&["merge", "--format", "json", name], Some(dir.path()), b"")
}

/// `baseRuntimeSpec.x` as `spelling` in a YAML file, merged to JSON: the text of `x`.
fn yaml_number(spelling: &str) -> String {
    let yaml = format!("{HEADER}spec:\n  containerd:\n    baseRuntimeSpec:\n      x: {spelling}\n");
    let run = merge_file("n.yaml", yaml.as_bytes());
    assert_eq!(run.status, 0, "{spelling}: {run:?}");
    let line = run
        .stdout
        .lines()
        .find(|line| line.trim_start().starts_with("\"x\""))
        .unwrap_or_else(|| panic!("{spelling}: no x in {}", run.stdout));
    line.trim().trim_start_matches("\"x\": ").to_owned()
}

#[test]
fn yaml_decimals_with_leading_zeros_or_a_bare_point_stay_exact() {
    for (spelling, json) in [
        ("00012", "12"),
        ("-007", "-7"),
        ("+0042", "42"),
        ("01234567890123456789012345", "1234567890123456789012345"),
        ("-000018446744073709551616", "-18446744073709551616"),
        ("0012.50", "12.50"),
        ("-00", "-0"),
        ("1.", "1.0"),
        ("-.5", "-0.5"),
        (
            "000.1000000000000000055511151231257827",
            "0.1000000000000000055511151231257827",
        ),
        ("0001e400", "1e+400"),
    ] {
        assert_eq!(yaml_number(spelling), json, "YAML `{spelling}`");
    }
}

#[test]
fn yaml_keys_that_are_one_json_key_are_an_error_with_line_and_column() {
    for (first, second) in [("1", "\"1\""), ("true", "\"true\"")] {
        let yaml = format!(
            "{HEADER}spec:\n  kubelet:\n    config:\n      {first}: a\n      {second}: b\n"
        );
        let run = merge_file("k.yaml", yaml.as_bytes());
        assert_eq!(run.status, 1, "{first} / {second}: {run:?}");
        assert!(
            run.stderr.starts_with("error: k.yaml: ")
                && run.stderr.contains("line 7")
                && run.stderr.contains("column"),
            "{first} / {second}: {}",
            run.stderr
        );
        assert!(run.stderr.contains("give each key once"), "{}", run.stderr);
        assert!(!run.stderr.contains("DuplicateKeyPolicy"), "{}", run.stderr);
    }
}

const NODECONFIG: &str = "apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config: {maxPods: 42}\n";

/// A two-part message: a shell script, then the NodeConfig under `headers`.
fn message(headers: &str) -> Vec<u8> {
    format!(
        "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"//\"\n\n--//\n\
         Content-Type: text/x-shellscript\n\necho hi\n--//\n{headers}\n{NODECONFIG}--//--\n"
    )
    .into_bytes()
}

#[test]
fn comments_and_blanks_in_a_content_type_keep_the_part() {
    // RFC 2045 section 5.1 reads Content-Type as an RFC 822 structured field: comments in
    // parentheses and blanks between its tokens and specials are allowed.
    for headers in [
        "Content-Type: application/node.eks.aws (the user's part)\n",
        "Content-Type: application / node.eks.aws\n",
        "Content-Type: (eks) application/node.eks.aws; (note) charset=utf-8\n",
        "Content-Type: application/(nested (comment)) node.eks.aws\n",
    ] {
        let run = merge_file("ud.mime", &message(headers));
        assert_eq!(run.status, 0, "{headers:?}: {run:?}");
        assert!(
            run.stdout.contains("\"maxPods\": 42"),
            "{headers:?}: {run:?}"
        );
    }
}

#[test]
fn a_content_type_given_twice_or_unreadable_is_an_error_naming_the_part() {
    for (headers, says) in [
        (
            "Content-Type: text/plain\nContent-Type: application/node.eks.aws\n",
            "Content-Type is given twice",
        ),
        (
            "Content-Type: application/node.eks.aws\ncontent-type: text/plain\n",
            "Content-Type is given twice",
        ),
        (
            "Content-Type: application/node.eks.aws\nContent-Transfer-Encoding: base64\n\
             Content-Transfer-Encoding: 7bit\n",
            "Content-Transfer-Encoding is given twice",
        ),
        ("Content-Type:\n", "names no media type"),
        ("Content-Type: ;;;\n", "names no media type"),
        ("Content-Type: application\n", "names no media type"),
    ] {
        let run = merge_file("ud.mime", &message(headers));
        assert_eq!(run.status, 1, "{headers:?}: {run:?}");
        assert!(
            run.stderr.starts_with("error: ud.mime: MIME part 2: ") && run.stderr.contains(says),
            "{headers:?}: {}",
            run.stderr
        );
    }
}

#[test]
fn a_plain_word_that_is_also_base64_is_read_as_text() {
    // `null`, `true` and `kind` are four letters of the base64 alphabet: they were decoded and
    // reported as "not valid UTF-8", which says nothing about the file.
    for (name, contents, expected) in [
        ("n.yaml", "null", "contains no NodeConfig document"),
        (
            "t.json",
            "true\n",
            "document is a boolean, not a NodeConfig mapping",
        ),
    ] {
        let run = merge_file(name, contents.as_bytes());
        assert_eq!(run.status, 1, "{run:?}");
        assert!(run.stderr.contains(expected), "{name}: {}", run.stderr);
        assert!(!run.stderr.contains("UTF-8"), "{name}: {}", run.stderr);
    }
}
