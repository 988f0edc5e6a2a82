//! `#[derive(DeepMerge)]` for [`nodeconfig-core`](https://docs.rs/nodeconfig-core).
//!
//! Use it through `nodeconfig_core::DeepMerge`; this crate only holds the macro. The pipeline,
//! one file per stage: `ast.rs` reads the input into a small model, `attr.rs` parses
//! `#[merge(...)]` (`attr/keys.rs` the values of `key` and `list_key`, and the `#[serde(...)]`
//! names used in error paths), `valid.rs` checks the rules that span several attributes or need
//! the field's type, `generics.rs` infers bounds, `expand.rs` generates the impl, `field.rs` each
//! field's calls, `trace.rs` its provenance walk, and `fallback.rs` emits an impl stub next to
//! errors so that one mistake does not cause a second wave of errors. Every stage reads what a
//! strategy is from one table, `strategy.rs`. `layer/` generates the layer type of
//! `#[merge(layer = "...")]`: its definition (`mod.rs`), std impls (`impls.rs`), its merge
//! (`merge.rs`, reusing `field.rs`) and the struct's `Layered` impl (`build.rs`). See
//! ARCHITECTURE.md at the repository's root.

mod ast;
mod attr;
mod case;
mod dispatch;
mod errors;
mod expand;
mod fallback;
mod field;
mod generics;
mod keyed;
mod layer;
mod list_key;
mod strategy;
mod suggest;
mod trace;
mod ty;
mod valid;

#[cfg(test)]
mod tests;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Derives `nodeconfig_core::DeepMerge`; see that trait's docs for the attributes.
#[proc_macro_derive(DeepMerge, attributes(merge, serde))]
pub fn derive_deep_merge(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input).into()
}
