use nodeconfig_core::DeepMerge;

struct Taint {
    key: String,
}

fn sum(existing: &mut u32, incoming: &u32) {
    *existing += incoming;
}

// One compile reports the attribute mistake and the type errors of the other fields.
#[derive(DeepMerge)]
struct Kubelet {
    #[merge(strategy = "apend")]
    flags: Vec<String>,
    taint: Taint,
    #[merge(with = "sum")]
    restarts: u32,
}

fn main() {}
