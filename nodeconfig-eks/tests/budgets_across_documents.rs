//! issue 11 item 12 beyond one large document: many documents each under the
//! per-document limits add up. 64 drop-ins of 90,000 JSON values each (12 MB on disk, within
//! `max_total_bytes`) took 1.2 GB and 3.5 s to merge and 1.9 GB and 20 s with `--explain`; the
//! same in YAML 1.8 GB; 60 parts of 4,000 TOML tables each took 9 s (release build) as each merge
//! re-read the growing document. Totals across documents are budgeted, each refused naming its
//! limit, under the deadline and address-space cap of `common::capped`.

mod common;

use common::capped::run;
use std::fs;

fn refused(files: &[(String, String)], args: &[&str], expected_stderr: &str) {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("in")).unwrap();
    for (name, contents) in files {
        fs::write(dir.path().join("in").join(name), contents).unwrap();
    }
    for command in [
        &["merge"][..],
        &["merge", "--explain"],
        &["render", "--root", "out"],
    ] {
        let args: Vec<&str> = command.iter().chain(args).copied().collect();
        let run = run(&args, dir.path(), Vec::new());
        assert_eq!(run.status, Some(1), "{command:?}: {run:?}");
        assert_eq!(run.stderr, expected_stderr, "{command:?}");
    }
    assert!(!dir.path().join("out").exists(), "render wrote files");
}

#[test]
fn json_values_are_budgeted_across_documents() {
    let files: Vec<(String, String)> = (10..74)
        .map(|number| {
            let items = "1,".repeat(89_999);
            let document = format!(
                r#"{{"apiVersion": "node.eks.aws/v1alpha1", "kind": "NodeConfig", "spec": {{"kubelet": {{"config": {{"x{number}": [{items}1]}}}}}}}}"#
            );
            (format!("{number}.json"), document)
        })
        .collect();
    refused(
        &files,
        &["in"],
        "error: in/11.json: NodeConfig documents hold more than 100000 values in all (limit max_total_values)\n",
    );
}

#[test]
fn yaml_values_are_budgeted_across_documents() {
    let files: Vec<(String, String)> = (10..74)
        .map(|number| {
            let items = "1,".repeat(59_999);
            let document = format!(
                "apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  kubelet:\n    config:\n      x{number}: [{items}1]\n"
            );
            (format!("{number}.yaml"), document)
        })
        .collect();
    refused(
        &files,
        &["in"],
        "error: in/11.yaml: NodeConfig documents hold more than 100000 values in all (limit max_total_values)\n",
    );
}

#[test]
fn toml_keys_are_budgeted_across_documents() {
    let files: Vec<(String, String)> = (10..70)
        .map(|number| {
            let tables: String = (0..4_000)
                .map(|table| format!("[t{number}_{table}]\\nk = 1\\n"))
                .collect();
            let document = format!(
                "apiVersion: node.eks.aws/v1alpha1\nkind: NodeConfig\nspec:\n  containerd:\n    config: \"{tables}\"\n"
            );
            (format!("{number}.yaml"), document)
        })
        .collect();
    refused(
        &files,
        &["in"],
        "error: in/12.yaml: spec.containerd.config: TOML documents hold more than 20000 keys and array items in all (limit max_total_toml_keys)\n",
    );
}
