//! The keyed bench's inputs, shared with the `keyed_instructions` example.

use nodeconfig_core::DeepMerge;

#[derive(DeepMerge, Clone)]
pub struct Listener {
    pub name: String,
    pub port: Option<u16>,
    pub protocol: Option<String>,
}

#[derive(DeepMerge, Clone)]
pub struct Keyed {
    #[merge(strategy = "keyed", key = "name")]
    pub listeners: Vec<Listener>,
}

#[derive(DeepMerge, Clone)]
pub struct Appended {
    #[merge(strategy = "append")]
    pub listeners: Vec<Listener>,
}

/// Items `keys`, in that order.
fn listeners(keys: impl Iterator<Item = usize>, port: u16) -> Vec<Listener> {
    keys.map(|key| Listener {
        name: format!("listener-{key}"),
        port: Some(port),
        protocol: (key % 2 == 0).then(|| "TCP".to_owned()),
    })
    .collect()
}

/// The earlier list holds keys `0..len`; the later one `len/2..len*3/2` (half shared, half
/// new), odd keys first, so that its order is unlike the earlier list's.
pub fn inputs(len: usize) -> (Vec<Listener>, Vec<Listener>) {
    let earlier = listeners(0..len, 80);
    let later_keys = len / 2..len / 2 + len;
    let odd = later_keys.clone().filter(|key| key % 2 == 1);
    let even = later_keys.filter(|key| key % 2 == 0);
    (earlier, listeners(odd.chain(even), 8080))
}
