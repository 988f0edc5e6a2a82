use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
#[merge(layer = "AppLayer")]
struct App {
    #[merge(default)]
    plugins: Vec<String>,
}

fn main() {}
