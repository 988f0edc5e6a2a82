use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
struct Listener {
    name: String,
    port: u16,
}

#[derive(DeepMerge)]
struct Gateway {
    #[merge(strategy = "keyed", key = "name port")]
    by_space: Vec<Listener>,
    #[merge(strategy = "keyed", key(name, name))]
    twice: Vec<Listener>,
    #[merge(strategy = "keyed", key = "")]
    empty: Vec<Listener>,
}

fn main() {}
