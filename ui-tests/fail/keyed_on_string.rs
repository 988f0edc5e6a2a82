use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
struct Gateway {
    #[merge(strategy = "keyed", key = "len")]
    name: String,
}

fn main() {}
