//! `strategy = "keyed"`: the rules that tie `key` to the strategy, and the `ItemKey` the
//! generated calls pass to `nodeconfig_core::strategy::Keyed` (`key` itself is parsed in
//! `attr/keys.rs`; the calls are the strategy table's).

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::Ident;
use syn::ext::IdentExt;
use syn::spanned::Spanned;

use crate::ast::Field;
use crate::errors::Errors;
use crate::strategy::{Argument, Strategy};

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

/// The `ItemKey` argument of a `keyed` field's calls: the constant its `FieldKey` impl
/// ([`key_impl`]) defines once, read by every phase.
pub(crate) fn item_key(field: &Field, krate: &syn::Path) -> TokenStream {
    let ordinal = field.ordinal;
    let count = field
        .attrs
        .key
        .as_ref()
        .map_or(0, |key| key.value.names.len());
    quote!(&<Self as #krate::__private::FieldKey<#ordinal, #count>>::KEY)
}

/// How a `keyed` field's key is defined, once per field: its own `ItemKey` (on the derived
/// type), or the one of the type a layer type belongs to.
pub(crate) enum KeySource<'a> {
    Own,
    Of(&'a TokenStream),
}

/// `impl FieldKey<ordinal, N> for Type` for each `keyed` field of `fields`: the field accesses
/// of the key are written (and type-checked) here only, so a wrong key is one error.
pub(crate) fn key_impls<'f, 'a: 'f>(
    ident: &Ident,
    generics: &syn::Generics,
    bound: Option<&[syn::WherePredicate]>,
    fields: impl Iterator<Item = &'f Field<'a>>,
    source: &KeySource,
    krate: &syn::Path,
) -> TokenStream {
    let (impl_generics, ty_generics, _) = generics.split_for_impl();
    let mut clause = generics
        .where_clause
        .clone()
        .unwrap_or_else(|| syn::parse_quote!(where));
    clause
        .predicates
        .extend(bound.into_iter().flatten().cloned());
    let impls = fields.filter(|field| takes_item_key(field)).map(|field| {
        let ordinal = field.ordinal;
        let count = field.attrs.key.as_ref().map_or(0, |key| key.value.names.len());
        let (item, key) = match source {
            KeySource::Own => (item_type(field, krate), new_key(field, krate)),
            KeySource::Of(owner) => (
                quote!(<#owner as #krate::__private::FieldKey<#ordinal, #count>>::Item),
                quote!(<#owner as #krate::__private::FieldKey<#ordinal, #count>>::KEY),
            ),
        };
        quote! {
            #[automatically_derived]
            impl #impl_generics #krate::__private::FieldKey<#ordinal, #count> for #ident #ty_generics #clause {
                type Item = #item;
                const KEY: #krate::strategy::ItemKey<Self::Item, #count> = #key;
            }
        }
    });
    quote!(#(#impls)*)
}

/// Whether the field's calls take an `ItemKey` (the strategy table says which do; `skip` and
/// `with` fields make no calls).
fn takes_item_key(field: &Field) -> bool {
    crate::dispatch::merge_trait(field).is_some_and(|merge| merge.argument == Argument::ItemKey)
}

/// Named as written when the derive can see it: in a generic impl, the inferred bound
/// `Vec<Item<T>>: Keyed` would keep the projection from normalizing to the item type.
fn item_type(field: &Field, krate: &syn::Path) -> TokenStream {
    let ty = field.ty;
    match crate::ty::list_item(ty) {
        Some(item) => quote!(#item),
        None => quote_spanned!(ty.span()=> <#ty as #krate::strategy::Keyed>::Item),
    }
}

/// `ItemKey::<Item, N>::new(["port", "protocol"], |item| [key_part(&item.port), ...])`, each
/// part spanned on its key's token: an unknown field or a key type that is not a `ListKey`
/// is an error there.
fn new_key(field: &Field, krate: &syn::Path) -> TokenStream {
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
    let item = item_type(field, krate);
    quote! {
        #krate::strategy::ItemKey::<#item, #count>::new([#(#names),*], |#binding| [#(#parts),*])
    }
}
