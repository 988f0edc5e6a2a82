//! `list_key(path = "a.b", key = "k1, k2")` beside `strategy = "json_deep"` or
//! `"merge_patch"`: parsing, the rules that tie it to the strategy, and the `ListKeys` the
//! generated calls pass to `nodeconfig_core::strategy::json::JsonKeyed` (or `MergePatchKeyed`).

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::LitStr;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;

use crate::ast::Field;
use crate::attr::Strategy;
use crate::errors::Errors;

/// One `list_key(...)`: the dotted path of a list inside the document, and its key members.
#[derive(Clone)]
pub(crate) struct ListKey {
    path: String,
    members: Vec<String>,
    /// The `list_key` token, for errors about the whole rule.
    span: Span,
    path_span: Span,
}

/// `list_key(path = "process.rlimits", key = "type")`, `key = "key, effect"` for a compound key.
pub(crate) fn parse(meta: &ParseNestedMeta) -> syn::Result<ListKey> {
    let span = meta.path.span();
    let mut path: Option<LitStr> = None;
    let mut key: Option<LitStr> = None;
    meta.parse_nested_meta(|inner| {
        let slot = if inner.path.is_ident("path") {
            &mut path
        } else if inner.path.is_ident("key") {
            &mut key
        } else {
            // The value is read first, so that the error is this one and not a parse error.
            let _: syn::Expr = inner.value()?.parse()?;
            return Err(syn::Error::new_spanned(
                &inner.path,
                "unknown key in `list_key`: expected `list_key(path = \"a.b\", key = \"member\")`",
            ));
        };
        if slot.is_some() {
            return Err(inner.error("duplicate key in `list_key`; remove one of them"));
        }
        *slot = Some(inner.value()?.parse()?);
        Ok(())
    })?;
    let missing = |what: &str| {
        syn::Error::new(
            span,
            format!(
                "`list_key` needs `{what}`: write `list_key(path = \"process.rlimits\", key = \"type\")`"
            ),
        )
    };
    let path = path.ok_or_else(|| missing("path"))?;
    let key = key.ok_or_else(|| missing("key"))?;
    let path_text = path.value();
    if path_text
        .split('.')
        .any(|segment| segment.trim().is_empty() || segment.trim() != segment)
    {
        return Err(syn::Error::new(
            path.span(),
            format!(
                "invalid `list_key` path `{path_text}`: write object member names separated by dots, such as `path = \"process.rlimits\"`"
            ),
        ));
    }
    let members: Vec<String> = key
        .value()
        .split(',')
        .map(|member| member.trim().to_owned())
        .collect();
    if members.iter().any(String::is_empty) {
        return Err(syn::Error::new(
            key.span(),
            "invalid `list_key` key: write one member name, or several separated by commas, such as `key = \"key, effect\"`",
        ));
    }
    for (index, member) in members.iter().enumerate() {
        if members[..index].contains(member) {
            return Err(syn::Error::new(
                key.span(),
                format!("key member `{member}` is named twice; remove one"),
            ));
        }
    }
    Ok(ListKey {
        path: path_text,
        members,
        span,
        path_span: path.span(),
    })
}

/// `list_key` belongs to `strategy = "json_deep"` or `"merge_patch"`, and names each path once.
pub(crate) fn check(field: &Field, errors: &mut Errors) {
    let rules = &field.attrs.list_keys;
    let Some(first) = rules.first() else { return };
    let json = field.attrs.strategy.as_ref().is_some_and(|strategy| {
        matches!(strategy.value, Strategy::JsonDeep | Strategy::MergePatch)
    });
    if !json && !field.attrs.attr_error {
        errors.push(syn::Error::new(
            first.span,
            "`list_key` only applies to `strategy = \"json_deep\"` or `strategy = \"merge_patch\"`: add one of them, or remove `list_key`",
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

/// The trace of a `merge_patch` field with `list_key`: items named by key, deletions kept.
pub(crate) fn trace_patch(
    field: &Field,
    existing: &TokenStream,
    incoming: &TokenStream,
    krate: &syn::Path,
) -> TokenStream {
    let ty = field.ty;
    let keys = list_keys(field, krate);
    quote_spanned! {ty.span()=>
        <#ty as #krate::strategy::json::MergePatchKeyed>::trace_merge_patch_keyed(#existing, #incoming, #keys, __tracer);
    }
}

/// The trace of a `json_deep` field with `list_key`: items named by key.
pub(crate) fn trace(
    field: &Field,
    existing: &TokenStream,
    incoming: &TokenStream,
    krate: &syn::Path,
) -> TokenStream {
    let ty = field.ty;
    let keys = list_keys(field, krate);
    quote_spanned! {ty.span()=>
        <#ty as #krate::strategy::json::JsonKeyed>::trace_json_keyed(#existing, #incoming, #keys, __tracer);
    }
}
