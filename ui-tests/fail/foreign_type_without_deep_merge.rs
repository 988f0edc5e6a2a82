use nodeconfig_core::DeepMerge;

// A type from another crate cannot derive `DeepMerge`; the note says what works instead.
#[derive(DeepMerge)]
struct Lease {
    started: std::time::Instant,
}

fn main() {}
