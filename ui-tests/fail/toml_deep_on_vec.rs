use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
struct Containerd {
    #[merge(strategy = "toml_deep")]
    config: Vec<u8>,
}

fn main() {}
