//! rustc's closing line, "could not compile ... due to N previous errors", counts every error
//! the derive's expansion raises, shown or not; trybuild drops that line, so this test compiles
//! the `fail/` cases (and one crate of its own) itself and checks, for each, that N is the
//! number of errors shown: a field whose type lacks its merge is one error, at the field,
//! however many generated calls use the type.
//!
//! The crates are checked in trybuild's own target directory (`target/tests/trybuild`), so they
//! reuse the dependencies the `ui` test has already compiled.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Three field types without a merge (in a struct with a layer type, and in an enum), and one
/// strategy that does not fit: four errors, each shown once.
const SOURCE: &str = r#"
use nodeconfig_core::DeepMerge;

struct Taint {
    key: String,
}

struct Probe;

struct Secret(u8);

#[derive(DeepMerge)]
#[merge(layer = "ServerLayer")]
struct Server {
    host: String,
    taint: Taint,
    #[merge(strategy = "json_deep", default)]
    extra: u32,
}

#[derive(DeepMerge)]
enum Check {
    Http { probe: Probe },
    Exec(Secret, String),
}

fn main() {
    let _ = (Taint { key: String::new() }.key, Secret(0).0);
}
"#;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("ui-tests sits in the workspace")
        .to_path_buf()
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

/// What one binary's check printed: the errors shown, and the count rustc closed with.
#[derive(Default, Debug)]
struct Errors {
    shown: Vec<String>,
    counted: Option<usize>,
}

/// Writes a crate with one binary per `(name, path)` under `target/tests/{project}`, checks
/// it, and returns each binary's errors.
fn check_crate(root: &Path, project: &str, bins: &[(String, PathBuf)]) -> BTreeMap<String, Errors> {
    let target = target_dir(root);
    let project = target.join("tests").join(project);
    std::fs::create_dir_all(&project).expect("create the crate's directory");
    let core = root.join("nodeconfig-core");
    let mut manifest = format!(
        "[package]\nname = \"nodeconfig-error-count\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\
         publish = false\nautobins = false\n\n[dependencies]\n\
         nodeconfig-core = {{ path = {core:?} }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\
         serde_json = \"1\"\ntoml = \"1\"\n\n[workspace]\n",
        core = core.display().to_string(),
    );
    for (name, path) in bins {
        manifest.push_str(&format!(
            "\n[[bin]]\nname = {name:?}\npath = {path:?}\n",
            path = path.display().to_string(),
        ));
    }
    std::fs::write(project.join("Cargo.toml"), manifest).expect("write Cargo.toml");
    // The workspace's lock file pins the versions the `ui` test compiled.
    std::fs::copy(root.join("Cargo.lock"), project.join("Cargo.lock")).expect("copy Cargo.lock");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["check", "--offline", "--bins", "--keep-going"])
        .args(["--message-format", "json"])
        .env("CARGO_TARGET_DIR", target.join("tests").join("trybuild"))
        .current_dir(&project)
        .output()
        .expect("run cargo check");
    let mut errors: BTreeMap<String, Errors> = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if message["reason"] != "compiler-message" || message["message"]["level"] != "error" {
            continue;
        }
        let bin = message["target"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        // With JSON messages cargo passes on every copy; on a terminal it shows each distinct
        // rendering once, and still counts every copy.
        let rendered = message["message"]["rendered"].as_str().unwrap_or_default();
        let shown = &mut errors.entry(bin).or_default().shown;
        if !shown.iter().any(|seen| seen == rendered) {
            shown.push(rendered.to_owned());
        }
    }
    // Cargo's closing line per binary, on stderr even with JSON messages:
    // error: could not compile `nodeconfig-error-count` (bin "NAME") due to N previous errors
    for line in String::from_utf8_lossy(&output.stderr).lines() {
        let Some(rest) =
            line.strip_prefix("error: could not compile `nodeconfig-error-count` (bin \"")
        else {
            continue;
        };
        let Some((bin, rest)) = rest.split_once('"') else {
            continue;
        };
        let count = rest
            .split("due to ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next()?.parse().ok());
        errors.entry(bin.to_owned()).or_default().counted = count;
    }
    errors
}

/// Each binary's count equals what it showed.
fn assert_counts_match(errors: &BTreeMap<String, Errors>) {
    let wrong: Vec<String> = errors
        .iter()
        .filter(|(_, errors)| errors.counted != Some(errors.shown.len()))
        .map(|(bin, errors)| {
            format!(
                "{bin}: counted {:?}, shown {}:\n{}",
                errors.counted,
                errors.shown.len(),
                errors.shown.join("")
            )
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn each_mistake_is_one_error_and_the_count_says_so() {
    let root = workspace_root();
    let own = target_dir(&root)
        .join("tests")
        .join("error-count-source.rs");
    std::fs::create_dir_all(own.parent().expect("a directory")).expect("create target/tests");
    std::fs::write(&own, SOURCE).expect("write the source");
    let errors = check_crate(&root, "error-count-own", &[("own".to_owned(), own)]);
    assert_counts_match(&errors);
    let shown = &errors["own"].shown;
    let about = |needle: &str| shown.iter().filter(|line| line.contains(needle)).count();
    assert_eq!(about("`Taint` has no default merge"), 1, "{shown:#?}");
    assert_eq!(about("`Probe` has no default merge"), 1, "{shown:#?}");
    assert_eq!(about("`Secret` has no default merge"), 1, "{shown:#?}");
    assert_eq!(
        about("strategy `json_deep` cannot merge `u32`"),
        1,
        "{shown:#?}"
    );
    assert_eq!(shown.len(), 4, "{shown:#?}");
}

/// Cases whose count is still above what they show: a `nested` type's layer type is named in
/// each of the layer's generated items (the struct, and the impls serde and the derive write
/// for it), so a nested type without a layer type is counted once per use. It is still shown
/// once per distinct place.
const COUNTED_PER_USE: &[&str] = &["layer_nested_without_layer"];

#[test]
fn every_failing_case_counts_the_errors_it_shows() {
    let root = workspace_root();
    let mut bins: Vec<(String, PathBuf)> = std::fs::read_dir(root.join("ui-tests").join("fail"))
        .expect("read ui-tests/fail")
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            (path.extension()? == "rs").then(|| {
                let stem = path.file_stem()?.to_str()?.to_owned();
                Some((stem, path))
            })?
        })
        .collect();
    bins.sort();
    assert!(bins.len() > 40, "the fail cases: {}", bins.len());
    let errors = check_crate(&root, "error-count-fail", &bins);
    for (bin, _) in &bins {
        assert!(
            errors
                .get(bin)
                .is_some_and(|errors| !errors.shown.is_empty()),
            "{bin} must fail to compile"
        );
    }
    let (per_use, rest): (BTreeMap<_, _>, BTreeMap<_, _>) = errors
        .into_iter()
        .partition(|(bin, _)| COUNTED_PER_USE.contains(&bin.as_str()));
    assert_counts_match(&rest);
    assert_eq!(per_use.len(), COUNTED_PER_USE.len(), "{:?}", per_use.keys());
}
