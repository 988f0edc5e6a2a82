use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
struct Kubelet {
    #[merge(skip, strategy = "append")]
    flags: Vec<String>,
}

fn main() {}
