use nodeconfig_core::{DeepMerge, MergeError};

fn union(existing: &mut Vec<String>, incoming: Vec<String>) -> Result<(), MergeError> {
    existing.extend(incoming);
    Ok(())
}

#[derive(DeepMerge)]
struct Kubelet {
    #[merge(strategy = "append", with = "union")]
    flags: Vec<String>,
}

fn main() {}
