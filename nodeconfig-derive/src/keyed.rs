//! `strategy = "keyed"`: parsing `key = "..."` / `key(...)`, the rules that tie `key` to the
//! strategy, and the `ItemKey` the generated calls pass to `nodeconfig_core::strategy::Keyed`.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::ext::IdentExt;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Ident, LitStr, Token};

use crate::ast::Field;
use crate::attr::Strategy;
use crate::errors::Errors;

/// The key fields of a `keyed` list, each with the span errors about it point at.
#[derive(Clone)]
pub(crate) struct Key {
    pub(crate) names: Vec<Ident>,
    /// Written as a string (`key = "name"`): each name's span is the whole string.
    quoted: bool,
}

/// `key = "name"`, `key = "port, protocol"` or `key(port, protocol)`.
pub(crate) fn parse_key(meta: &ParseNestedMeta) -> syn::Result<Key> {
    let mut names: Vec<Ident> = Vec::new();
    let quoted = meta.input.peek(Token![=]);
    if quoted {
        let lit: LitStr = meta.value()?.parse()?;
        for name in lit.value().split(',').map(str::trim) {
            names.push(ident_in(&lit, name)?);
        }
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|inner| {
            names.push(inner.path.require_ident()?.clone());
            Ok(())
        })?;
    } else {
        return Err(syn::Error::new(
            meta.path.span(),
            "expected `key = \"field\"` or `key(field_a, field_b)`: name the item fields that identify an item",
        ));
    }
    if names.is_empty() {
        return Err(syn::Error::new(
            meta.path.span(),
            "`key` names no field: write `key = \"field\"` or `key(field_a, field_b)`",
        ));
    }
    for (index, name) in names.iter().enumerate() {
        if names[..index].contains(name) {
            return Err(syn::Error::new(
                name.span(),
                format!("key field `{name}` is named twice; remove one"),
            ));
        }
    }
    Ok(Key { names, quoted })
}

/// One name from `key = "..."`, as an identifier spanned on the string (raw for keywords:
/// `key = "type"` reads the field `r#type`).
fn ident_in(lit: &LitStr, name: &str) -> syn::Result<Ident> {
    let parsed =
        syn::parse_str::<Ident>(name).or_else(|_| syn::parse_str::<Ident>(&format!("r#{name}")));
    match parsed {
        Ok(mut ident) if !name.is_empty() => {
            ident.set_span(lit.span());
            Ok(ident)
        }
        _ => Err(syn::Error::new(
            lit.span(),
            format!(
                "`{name}` is not a field name: write `key = \"field\"`, or `key = \"field_a, field_b\"` for a compound key"
            ),
        )),
    }
}

/// `key` belongs to `strategy = "keyed"`, and `keyed` cannot work without it.
pub(crate) fn check(field: &Field, errors: &mut Errors) {
    let attrs = &field.attrs;
    let keyed = attrs
        .strategy
        .as_ref()
        .filter(|strategy| strategy.value == Strategy::Keyed);
    match (keyed, &attrs.key) {
        (Some(strategy), None) if !attrs.attr_error => errors.push(syn::Error::new(
            strategy.span,
            "strategy `keyed` needs the item fields that identify an item: add `key = \"name\"`, or `key(port, protocol)` for a compound key",
        )),
        (None, Some(key)) => errors.push(syn::Error::new(
            key.span,
            "`key` only applies to `strategy = \"keyed\"`: add `strategy = \"keyed\"`, or remove `key`",
        )),
        _ => {}
    }
}

/// `&ItemKey::<Item, N>::new(["port", "protocol"], |item| [key_part(&item.port), ...])`, each
/// part spanned on its key's token: an unknown field or a key type that is not a `ListKey`
/// is an error there.
fn item_key(field: &Field, krate: &syn::Path) -> TokenStream {
    let ty = field.ty;
    let (keys, quoted) = field.attrs.key.as_ref().map_or((&[][..], false), |key| {
        (&key.value.names[..], key.value.quoted)
    });
    let names = keys.iter().map(|key| key.unraw().to_string());
    // One hygiene for the closure's parameter and its uses, whatever span each key has.
    let binding = Ident::new("__item", Span::mixed_site());
    let parts = keys.iter().map(|key| {
        // A name from a string is spanned on the whole string, and rustc would offer to
        // replace that string with a bare field name (`key = name`, not valid here); with the
        // macro's hygiene on the field access it offers nothing.
        let mut field = key.clone();
        if quoted {
            field.set_span(Span::mixed_site().located_at(key.span()));
        }
        // The field access apart from the call, so that a key type that is not a `ListKey`
        // is reported on the key's token alone.
        quote_spanned! {key.span()=> {
            let __part = &#binding.#field;
            #krate::strategy::key_part(__part)
        }}
    });
    let count = keys.len();
    // Named as written when the derive can see it: in a generic impl, the inferred bound
    // `Vec<Item<T>>: Keyed` would keep the projection from normalizing to the item type.
    let item = match crate::ty::list_item(ty) {
        Some(item) => quote!(#item),
        None => quote_spanned!(ty.span()=> <#ty as #krate::strategy::Keyed>::Item),
    };
    quote! {
        &#krate::strategy::ItemKey::<#item, #count>::new([#(#names),*], |#binding| [#(#parts),*])
    }
}

/// The extra argument of a `keyed` field's prepare calls (empty for other fields).
pub(crate) fn key_argument(field: &Field, krate: &syn::Path) -> TokenStream {
    match field.attrs.strategy.as_ref().map(|strategy| strategy.value) {
        Some(Strategy::Keyed) => {
            let key = item_key(field, krate);
            quote!(, #key)
        }
        Some(Strategy::JsonDeep | Strategy::MergePatch) if crate::list_key::applies(field) => {
            let keys = crate::list_key::list_keys(field, krate);
            quote!(, #keys)
        }
        _ => TokenStream::new(),
    }
}

/// The apply step of a `keyed` field: fallible only through a `with` function in an item.
pub(crate) fn apply(
    field: &Field,
    existing: &TokenStream,
    incoming: &TokenStream,
    at: &TokenStream,
    krate: &syn::Path,
) -> TokenStream {
    let ty = field.ty;
    let key = item_key(field, krate);
    let call = quote_spanned! {ty.span()=>
        <#ty as #krate::strategy::Keyed>::apply_keyed(#existing, #incoming, #key)
    };
    quote! {
        if let ::core::result::Result::Err(__error) = #call {
            return ::core::result::Result::Err(__error #at);
        }
    }
}

/// The trace of a `keyed` field: each later item under its key segment.
pub(crate) fn trace(
    field: &Field,
    existing: &TokenStream,
    incoming: &TokenStream,
    krate: &syn::Path,
) -> TokenStream {
    let ty = field.ty;
    let key = item_key(field, krate);
    quote_spanned! {ty.span()=>
        <#ty as #krate::strategy::Keyed>::trace_keyed(#existing, #incoming, #key, __tracer);
    }
}
