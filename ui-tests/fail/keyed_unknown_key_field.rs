use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
struct Listener {
    name: String,
    port: u16,
}

#[derive(DeepMerge)]
struct Gateway {
    #[merge(strategy = "keyed", key = "nmae")]
    listeners: Vec<Listener>,
    #[merge(strategy = "keyed", key(name, prot))]
    by_name_and_port: Vec<Listener>,
}

fn main() {}
