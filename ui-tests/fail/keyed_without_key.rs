use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
struct Listener {
    name: String,
}

#[derive(DeepMerge)]
struct Gateway {
    #[merge(strategy = "keyed")]
    listeners: Vec<Listener>,
}

fn main() {}
