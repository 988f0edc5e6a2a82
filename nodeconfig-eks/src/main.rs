//! `nodeconfig`: merge, render and validate EKS NodeConfig documents and user data.

use clap::{Parser, Subcommand, ValueEnum};
use nodeconfig_eks::containerd::{self, ContainerdVersion};
use nodeconfig_eks::model::NodeConfig;
use nodeconfig_eks::read::{Input, Loaded, read_inputs};
use nodeconfig_eks::{Error, Layer, Limits, explain, merge_layers, render, validate};
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc, where glibc's malloc and free were a fifth of a merge's instructions (BENCHMARKS.md,
/// "Against nodeadm's own approach"); the `end_to_end` bench declares the same, so that it
/// measures what this binary runs. `--no-default-features` keeps the system allocator.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const AFTER_HELP: &str = "\
Inputs: a YAML or JSON NodeConfig, MIME multipart user data (its application/node.eks.aws parts),
a directory of .yaml/.yml/.json drop-ins, or - for stdin; any of them may be base64 and/or gzip.
Several inputs merge in the order given, later ones winning.

Examples:
  nodeconfig merge userdata.mime
  nodeconfig merge --explain userdata.mime /etc/eks/nodeconfig.d
  nodeconfig merge --format json userdata.mime /etc/eks/nodeconfig.d
  base64 -d userdata.b64 | nodeconfig validate -
  nodeconfig render --root /tmp/node userdata.mime

Exit status: 0 success, 1 invalid input, 2 usage error.";

/// What both `merge --help` and `render --help` say about keyed lists.
macro_rules! keyed_lists_help {
    () => {
        "\
Keyed lists (unlike nodeadm, which replaces every list whole): in baseRuntimeSpec,
process.rlimits merge by type, mounts by destination and linux.namespaces by type; in
kubelet.config, registerWithTaints by key and effect. An item whose key an earlier input
(or, for render, the default spec) has merges into it; new keys are appended. So adding
RLIMIT_NPROC keeps the default RLIMIT_NOFILE. Directives, as in Kubernetes' strategic merge
patch: {\"$patch\": \"replace\"} as an item makes that list replace the earlier one whole
(nodeadm's behaviour); {\"$patch\": \"delete\", \"type\": \"RLIMIT_CORE\"} deletes one item.
"
    };
}

const MERGE_AFTER_HELP: &str = concat!(
    keyed_lists_help!(),
    "
--explain prints, after the merged YAML, one comment line per leaf value:
  # PATH  VALUE  SOURCE  STRATEGY  overrides EARLIER-SOURCES
  # spec.kubelet.config.maxPods  42  userdata.mime part 2  merge_patch  overrides part 1
PATH starts at the document (apiVersion and kind included); inside baseRuntimeSpec and
kubelet.config it goes on as JSON keys, an item of a keyed list named by its key
(process.rlimits[type=RLIMIT_NOFILE].soft), inside containerd.config as TOML keys, and each
appended kubelet.flags item is a leaf of its own (flags[1]). VALUE is compact JSON, cut
with … past 40 characters, or (deleted) for a key removed by a JSON null. SOURCE is the
input that last set it; STRATEGY its merge rule (replace, append, merge_patch, toml_deep);
overrides lists the earlier inputs it replaced (same file: by part alone). The output stays
valid YAML.

--explain --format json prints one JSON object instead:
  {\"merged\": {...}, \"layers\": [SOURCE, ...], \"provenance\": [{\"path\", \"value\",
   \"source\", \"layer\", \"strategy\", \"deleted\", \"overrides\": [SOURCE, ...]}, ...]}
where layer indexes layers (from 0) and value is whole (null when deleted).

Examples:
  nodeconfig merge --format json userdata.mime drop-ins/
  nodeconfig merge --explain userdata.mime drop-ins/"
);

/// Merge, render and validate EKS NodeConfig documents the way nodeadm does, without its gaps.
#[derive(Debug, Parser)]
#[command(name = "nodeconfig", version, after_help = AFTER_HELP)]
struct Cli {
    /// Also list the layers merged, in order.
    #[arg(long, short, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the merged NodeConfig; absent fields are left out.
    #[command(after_help = MERGE_AFTER_HELP)]
    Merge {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Yaml)]
        format: Format,
        /// Also say which input set each value, by which merge rule, overriding which inputs.
        #[arg(long)]
        explain: bool,
        /// Files, directories or - (stdin), merged in order.
        #[arg(value_name = "INPUT", required = true)]
        inputs: Vec<String>,
    },
    /// Write containerd's and kubelet's files under DIR, all or nothing.
    #[command(after_help = concat!("\
Writes, under DIR:
  etc/containerd/base-runtime-spec.json                  baseRuntimeSpec merged onto the default OCI spec
  etc/containerd/config.toml                             containerd.config merged onto the default config
  etc/kubernetes/kubelet/config.json.d/40-nodeadm.conf  kubelet.config as a KubeletConfiguration drop-in
  etc/eks/kubelet/environment                            NODEADM_KUBELET_ARGS with kubelet.flags
The merged NodeConfig is validated first; on any error no file is written.
config.toml starts from nodeadm's template for the containerd given with
--containerd-version (1: config version 2, the default, as nodeadm uses it for
any containerd that is not 2.x; 2: config version 3). A containerd.config whose
`version` is the other one is an error naming its input.
Writing is confined to DIR (no symbolic link followed), all or nothing, crash-safe
(a journal in DIR/var/lib/nodeconfig; the next render finishes or undoes an interrupted one)
and locked against concurrent renders. Files are 0644 (a stricter existing mode is kept),
created directories 0755.

", keyed_lists_help!(), "
Examples:
  nodeconfig render --root /tmp/node userdata.mime
  nodeconfig render --containerd-version 2 --root /tmp/node userdata.mime"))]
    Render {
        /// The directory to write under (`/` on a node).
        #[arg(long, value_name = "DIR")]
        root: PathBuf,
        /// containerd's version on the node (1, 2, or a full version such as 2.0.5): picks the
        /// config template, as nodeadm does.
        #[arg(long, value_name = "VERSION", default_value = "1", value_parser = containerd_version)]
        containerd_version: ContainerdVersion,
        /// Files, directories or - (stdin), merged in order.
        #[arg(value_name = "INPUT", required = true)]
        inputs: Vec<String>,
    },
    /// Check the merged NodeConfig as nodeadm does (cluster name, endpoint, CA, CIDR, ...).
    #[command(after_help = "Example:\n  nodeconfig validate userdata.mime")]
    Validate {
        /// Files, directories or - (stdin), merged in order.
        #[arg(value_name = "INPUT", required = true)]
        inputs: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Yaml,
    Json,
}

/// A failure already reported on stderr; the exit status says it was invalid input.
struct Reported;

fn main() -> ExitCode {
    // clap exits with status 2 on usage errors and 0 for --help and --version.
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Reported) => ExitCode::from(1),
    }
}

fn run(cli: Cli) -> Result<(), Reported> {
    match cli.command {
        Command::Merge {
            format,
            explain: false,
            inputs,
        } => {
            let merged = load(&inputs, cli.verbose)?;
            print!("{}", to_text(&merged, format).map_err(report)?);
        }
        Command::Merge {
            format,
            explain: true,
            inputs,
        } => {
            let layers = read(&inputs, cli.verbose)?;
            print!("{}", explained(layers, format).map_err(report)?);
        }
        Command::Render {
            root,
            containerd_version,
            inputs,
        } => {
            let version = containerd_version;
            let layers = read(&inputs, cli.verbose)?;
            // Before merging, so that a config of the other version is named by its input.
            containerd::check_layers(&layers, version).map_err(report)?;
            let merged = merge_layers(layers).map_err(report)?;
            check(&merged)?;
            let files = render::render_for(&merged, version).map_err(report)?;
            for path in render::write_all(&root, &files).map_err(report)? {
                println!("wrote {}", path.display());
            }
        }
        Command::Validate { inputs } => {
            let merged = load(&inputs, cli.verbose)?;
            check(&merged)?;
            println!("valid");
        }
    }
    Ok(())
}

/// Reads and merges the inputs.
fn load(inputs: &[String], verbose: bool) -> Result<NodeConfig, Reported> {
    merge_layers(read(inputs, verbose)?).map_err(report)
}

/// Reads the inputs into layers, printing warnings (and skipped parts with `--verbose`).
fn read(inputs: &[String], verbose: bool) -> Result<Vec<Layer>, Reported> {
    let inputs: Vec<Input> = inputs.iter().map(|arg| Input::from_arg(arg)).collect();
    let Loaded {
        layers,
        warnings,
        skipped,
        ..
    } = read_inputs(&inputs, &Limits::default()).map_err(report)?;
    for warning in &warnings {
        eprintln!("warning: {warning}");
    }
    // Always said: a part left out is a choice the user should see (a shell script, or a
    // NodeConfig part with a mistyped media type).
    for part in &skipped {
        eprintln!(
            "note: {}: skipped {} part (not {})",
            part.source,
            part.media_type,
            nodeconfig_eks::read::NODECONFIG_MEDIA_TYPE
        );
    }
    if verbose {
        for layer in &layers {
            eprintln!("note: {}: merged", layer.source);
        }
    }
    Ok(layers)
}

/// The traced merge: the merged document then the explanation, or both in one JSON object.
fn explained(layers: Vec<Layer>, format: Format) -> Result<String, Error> {
    let (merged, provenance) = explain::merge_layers_traced(layers)?;
    let entries = explain::explain(&merged, &provenance)?;
    match format {
        Format::Yaml => Ok(format!(
            "{}\n{}",
            nodeconfig_eks::to_yaml(&merged)?,
            explain::to_text(&entries)
        )),
        Format::Json => explain::to_json(&merged, &provenance, &entries),
    }
}

fn check(merged: &NodeConfig) -> Result<(), Reported> {
    let problems = validate::validate(merged);
    if problems.is_empty() {
        return Ok(());
    }
    for problem in &problems {
        eprintln!("error: {problem}");
    }
    Err(Reported)
}

fn to_text(merged: &NodeConfig, format: Format) -> Result<String, Error> {
    match format {
        Format::Yaml => nodeconfig_eks::to_yaml(merged),
        Format::Json => nodeconfig_eks::to_json(merged),
    }
}

/// `--containerd-version`: a usage error (exit status 2) when it names no known containerd.
fn containerd_version(text: &str) -> Result<ContainerdVersion, String> {
    text.parse().map_err(|error: Error| error.to_string())
}

fn report(error: Error) -> Reported {
    eprintln!("error: {error}");
    Reported
}
