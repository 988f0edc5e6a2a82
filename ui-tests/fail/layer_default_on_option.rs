use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
#[merge(layer = "ServerLayer")]
struct Server {
    #[merge(default)]
    tls: Option<String>,
}

fn main() {
    let _ = ServerLayer::default();
}
