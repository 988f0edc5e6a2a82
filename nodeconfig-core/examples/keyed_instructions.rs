//! Instructions per merge of two keyed lists (and, beside it, of the same lists appended), on
//! the `keyed` bench's inputs, counted by callgrind only inside the `count_*` functions (the
//! input copies are not counted, nor is dropping the result).
//!
//! `scripts/keyed_callgrind.sh` runs every size and prints the table; by hand:
//!
//! ```sh
//! cargo build --release -p nodeconfig-core --example keyed_instructions
//! valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*count_*' \
//!     target/release/examples/keyed_instructions keyed 10000 5
//! ```

#[path = "../benches/keyed_inputs/mod.rs"]
mod keyed_inputs;

use keyed_inputs::{Appended, Keyed, inputs};
use nodeconfig_core::DeepMerge;
use std::hint::black_box;

#[inline(never)]
fn count_keyed(existing: &mut [Keyed], incoming: Vec<Keyed>) {
    for (existing, incoming) in existing.iter_mut().zip(incoming) {
        existing
            .deep_merge(black_box(incoming))
            .expect("distinct keys");
    }
}

#[inline(never)]
fn count_append(existing: &mut [Appended], incoming: Vec<Appended>) {
    for (existing, incoming) in existing.iter_mut().zip(incoming) {
        existing
            .deep_merge(black_box(incoming))
            .expect("append cannot fail");
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: keyed_instructions keyed|append LEN ITERATIONS";
    let contestant = args.next().expect(usage);
    let len: usize = args.next().and_then(|len| len.parse().ok()).expect(usage);
    let iterations: usize = args.next().and_then(|n| n.parse().ok()).expect(usage);
    let (earlier, later) = inputs(len);
    match contestant.as_str() {
        "keyed" => {
            let mut existing = vec![Keyed { listeners: earlier }; iterations];
            count_keyed(&mut existing, vec![Keyed { listeners: later }; iterations]);
            assert_eq!(existing[0].listeners.len(), len + len / 2);
        }
        "append" => {
            let mut existing = vec![Appended { listeners: earlier }; iterations];
            count_append(
                &mut existing,
                vec![Appended { listeners: later }; iterations],
            );
            assert_eq!(existing[0].listeners.len(), 2 * len);
        }
        _ => panic!("{usage}"),
    }
}
