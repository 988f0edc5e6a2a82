use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
struct Node {
    #[merge(strategy = "union")]
    tags: Vec<String>,
}

fn main() {}
