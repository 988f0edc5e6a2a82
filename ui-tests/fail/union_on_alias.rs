use nodeconfig_core::DeepMerge;

type Tags = Vec<String>;

#[derive(DeepMerge)]
struct Node {
    #[merge(strategy = "union")]
    tags: Tags,
}

fn main() {}
