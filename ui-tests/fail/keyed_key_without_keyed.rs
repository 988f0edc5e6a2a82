use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
struct Listener {
    name: String,
}

#[derive(DeepMerge)]
struct Gateway {
    #[merge(strategy = "append", key = "name")]
    listeners: Vec<Listener>,
}

fn main() {}
