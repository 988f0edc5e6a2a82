use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
struct Containerd {
    config: toml::Table,
}

fn main() {}
