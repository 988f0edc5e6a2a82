use nodeconfig_core::DeepMerge;

type RuntimeSpec = Vec<u8>;

#[derive(DeepMerge)]
struct Containerd {
    #[merge(strategy = "json_deep")]
    base_runtime_spec: RuntimeSpec,
}

fn main() {}
