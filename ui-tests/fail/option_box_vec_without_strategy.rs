use nodeconfig_core::DeepMerge;

// The advice (`append`) must compile once applied: see pass/union_and_boxed_lists.rs.
#[derive(DeepMerge)]
struct Kubelet {
    flags: Option<Box<Vec<String>>>,
}

fn main() {}
