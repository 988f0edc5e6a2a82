use nodeconfig_core::DeepMerge;

#[derive(DeepMerge)]
union Port {
    number: u16,
    raw: [u8; 2],
}

fn main() {}
