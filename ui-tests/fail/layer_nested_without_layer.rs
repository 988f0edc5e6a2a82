use nodeconfig_core::DeepMerge;

#[derive(DeepMerge, Default)]
struct Limits {
    max_connections: Option<u32>,
}

#[derive(DeepMerge)]
#[merge(layer = "ServerLayer")]
struct Server {
    #[merge(nested)]
    limits: Limits,
}

fn main() {}
