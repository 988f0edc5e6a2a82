//! `list_key(path = "a.b", key = "k1, k2")` beside `strategy = "json_deep"` or `"merge_patch"`:
//! the rules that tie it to the strategy, and the `ListKeys` the generated calls pass to
//! `nodeconfig_core::strategy::json::JsonKeyed` (or `MergePatchKeyed`). It is parsed in
//! `attr/keys.rs`; the strategy table says which strategies take it, and through which trait.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::Field;
use crate::errors::Errors;
use crate::strategy::TABLE;

/// `list_key` belongs to a strategy that takes it (`json_deep`, `merge_patch`), and names each
/// path once.
pub(crate) fn check(field: &Field, errors: &mut Errors) {
    let rules = &field.attrs.list_keys;
    let Some(first) = rules.first() else { return };
    let takes_it = field
        .attrs
        .strategy
        .as_ref()
        .is_some_and(|strategy| strategy.value.def().list_key.is_some());
    if !takes_it && !field.attrs.attr_error {
        let strategies: Vec<String> = TABLE
            .iter()
            .filter(|def| def.list_key.is_some())
            .map(|def| format!("`strategy = \"{}\"`", def.name))
            .collect();
        errors.push(syn::Error::new(
            first.span,
            format!(
                "`list_key` only applies to {}: add one of them, or remove `list_key`",
                strategies.join(" or ")
            ),
        ));
    }
    for (index, rule) in rules.iter().enumerate() {
        if let Some(earlier) = rules[..index]
            .iter()
            .find(|earlier| earlier.path == rule.path)
        {
            errors.push(syn::Error::new(
                rule.path_span,
                format!(
                    "duplicate `list_key` for path `{}`; remove one of them",
                    rule.path
                ),
            ));
            errors.push(syn::Error::new(
                earlier.path_span,
                "the path is first keyed here",
            ));
        }
    }
}

/// Whether the field's `json_deep` merge goes through `JsonKeyed`.
pub(crate) fn applies(field: &Field) -> bool {
    !field.attrs.list_keys.is_empty()
}

/// `&ListKeys::new(&[("process.rlimits", &["type"] as &[&str]), ...])`.
pub(crate) fn list_keys(field: &Field, krate: &syn::Path) -> TokenStream {
    let rules = field.attrs.list_keys.iter().map(|rule| {
        let path = &rule.path;
        let members = &rule.members;
        quote!((#path, &[#(#members),*] as &[&str]))
    });
    quote!(&#krate::strategy::json::ListKeys::new(&[#(#rules),*]))
}
