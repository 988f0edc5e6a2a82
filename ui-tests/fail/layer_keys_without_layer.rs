use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
struct Server {
    #[merge(default)]
    port: u16,
    #[merge(nested)]
    limits: Option<u32>,
}

fn main() {}
