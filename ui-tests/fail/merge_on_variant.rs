use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
enum Runtime {
    #[merge(strategy = "replace")]
    Containerd {
        config: String,
    },
    Docker,
}

fn main() {}
