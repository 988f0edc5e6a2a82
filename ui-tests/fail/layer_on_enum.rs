use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
#[merge(layer = "RuntimeLayer")]
enum Runtime {
    Containerd { config: Option<String> },
    Docker,
}

fn main() {}
