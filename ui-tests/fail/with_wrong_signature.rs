use nodeconfig_core::DeepMerge;

fn union(existing: &mut Vec<String>, incoming: &[String]) {
    existing.extend_from_slice(incoming);
}

#[derive(DeepMerge)]
struct Kubelet {
    #[merge(with = "union")]
    flags: Vec<String>,
}

fn main() {}
