use nodeconfig_core::DeepMerge;

// Without serde's derive, nothing else would reject the misspelt case name.
#[derive(DeepMerge)]
#[serde(rename_all = "camelCaes")]
struct Containerd {
    base_runtime_spec: Option<String>,
}

#[derive(DeepMerge)]
enum Auth {
    #[serde(rename_all = "kebab")]
    Oidc { issuer_url: Option<String> },
}

fn main() {}
