//! One field's generated code: its prepare step, its apply step and its part of
//! `NEEDS_PREPARE`, each read from the strategy table (`strategy.rs`). Structs, enums and layer
//! types (`expand.rs`, `layer/merge.rs`) place these per field.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::Ident;
use syn::spanned::Spanned;

use crate::ast::Field;
use crate::dispatch::merge_trait;
use crate::strategy::{self, Argument, Merge, TraitDef};
use crate::ty;

/// The extra argument of every call of the field's trait: `, key` or nothing.
pub(crate) fn argument(field: &Field, merge: &TraitDef, krate: &syn::Path) -> TokenStream {
    match merge.argument {
        Argument::None => TokenStream::new(),
        Argument::ItemKey => {
            let key = crate::keyed::item_key(field, krate);
            quote!(, #key)
        }
        Argument::ListKeys => {
            let keys = crate::list_key::list_keys(field, krate);
            quote!(, #keys)
        }
    }
}

/// The trait of a field whose merge has a prepare step.
fn prepared_trait(field: &Field) -> Option<&'static TraitDef> {
    merge_trait(field).filter(|merge| merge.prepare.is_some())
}

/// Whether the field's merge has a prepare step.
pub(crate) fn has_prepare(field: &Field) -> bool {
    prepared_trait(field).is_some()
}

/// `NEEDS_PREPARE`: whether any field has a prepare step that does something.
pub(crate) fn needs_prepare<'f, 'a: 'f>(
    fields: impl Iterator<Item = &'f Field<'a>>,
    krate: &syn::Path,
) -> TokenStream {
    let terms: Vec<TokenStream> = fields
        .filter_map(|field| {
            let path = prepared_trait(field)?.path(krate, Span::call_site());
            let ty = field.ty;
            Some(quote_spanned!(ty.span()=> <#ty as #path>::NEEDS_PREPARE))
        })
        .collect();
    if terms.is_empty() {
        quote!(false)
    } else {
        quote!(#(#terms)||*)
    }
}

/// `with` fields merge first, so that a failing `with` function leaves the rest of its struct
/// as it was (see the crate docs on atomicity).
pub(crate) fn in_apply_order<'f, 'a>(
    fields: &'f [Field<'a>],
) -> impl Iterator<Item = (usize, &'f Field<'a>)> {
    let with = fields
        .iter()
        .enumerate()
        .filter(|(_, field)| field.attrs.with.is_some());
    let rest = fields
        .iter()
        .enumerate()
        .filter(|(_, field)| field.attrs.with.is_none());
    with.chain(rest)
}

/// `.at("field").at(Segment::variant("Variant"))`: the path segments an error gains on its way
/// out.
fn at_segments(field: &Field, outer: &[&str], krate: &syn::Path) -> TokenStream {
    let field = field.segment.iter();
    quote!(#(.at(#field))* #(.at(#krate::Segment::variant(#outer)))*)
}

/// The prepare step of one field: against the existing value, or, when `existing` is `None`,
/// for a value that arrives where nothing was (its documents must still parse).
pub(crate) fn prepare_field(
    field: &Field,
    existing: Option<&TokenStream>,
    incoming: &TokenStream,
    outer: &[&str],
    krate: &syn::Path,
) -> Option<TokenStream> {
    let merge = prepared_trait(field)?;
    let methods = merge.prepare.as_ref()?;
    let trait_path = merge.path(krate, Span::call_site());
    let ty = field.ty;
    let at = at_segments(field, outer, krate);
    let key = argument(field, merge, krate);
    let call = match existing {
        Some(existing) => {
            let prepare = strategy::ident(methods.prepare);
            quote_spanned!(ty.span()=> <#ty as #trait_path>::#prepare(#existing, #incoming #key))
        }
        None => {
            let check_new = strategy::ident(methods.check_new);
            quote_spanned!(ty.span()=> <#ty as #trait_path>::#check_new(#incoming #key))
        }
    };
    Some(quote! {
        if <#ty as #trait_path>::NEEDS_PREPARE {
            if let ::core::result::Result::Err(__error) = #call {
                return ::core::result::Result::Err(__error #at);
            }
        }
    })
}

/// The apply step of one field: its `with` function, its strategy's function, or its trait's
/// apply method (on the field's type, so that a type that does not fit is reported there).
pub(crate) fn apply_field(
    field: &Field,
    existing: &TokenStream,
    incoming: &TokenStream,
    outer: &[&str],
    krate: &syn::Path,
) -> TokenStream {
    let ty = field.ty;
    let at = at_segments(field, outer, krate);
    if field.attrs.skip.is_some() {
        return TokenStream::new();
    }
    if let Some(with) = &field.attrs.with {
        return apply_with(ty, &with.value, existing, incoming, &at, krate);
    }
    if let Some(strategy) = &field.attrs.strategy
        && let Merge::Function { plain, option } = &strategy.value.def().merge
    {
        let function = if ty::option_inner(ty).is_some() {
            option
        } else {
            plain
        };
        let name = strategy::ident(function.apply);
        return quote!(#krate::strategy::#name(#existing, #incoming););
    }
    let merge = merge_trait(field).expect("a field that is not skipped nor `with` has a trait");
    let span = ty.span();
    let trait_path = merge.path(krate, span);
    let method = Ident::new(merge.apply, span);
    let key = argument(field, merge, krate);
    let call = quote_spanned!(span=> <#ty as #trait_path>::#method(#existing, #incoming #key));
    if merge.apply_fallible {
        quote! {
            if let ::core::result::Result::Err(__error) = #call {
                return ::core::result::Result::Err(__error #at);
            }
        }
    } else {
        quote_spanned!(span=> #call;)
    }
}

/// A `with` function, called through a trait whose message shows the expected signature, at
/// the path; the coercion to a pointer of any two arguments lets the trait, not the coercion,
/// judge.
fn apply_with(
    ty: &syn::Type,
    path: &syn::Path,
    existing: &TokenStream,
    incoming: &TokenStream,
    at: &TokenStream,
    krate: &syn::Path,
) -> TokenStream {
    let function = quote_spanned! {path.span()=>
        let __merge_with: fn(_, _) -> _ = #path;
    };
    let call = respan(
        quote! {
            #krate::__private::WithFunction::<'_, #ty>::call(__merge_with, __with_existing, __with_incoming)
        },
        path.span(),
    );
    quote! {
        #function
        let (__with_existing, __with_incoming) = (#existing, #incoming);
        if let ::core::result::Result::Err(__error) = #call {
            return ::core::result::Result::Err(__error #at);
        }
    }
}

/// Every token of `tokens` at `span`, so that an error about the whole expression (a call's
/// "required by a bound introduced by this call") points there and nowhere else.
pub(crate) fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut token| {
            if let proc_macro2::TokenTree::Group(group) = &token {
                let mut respanned =
                    proc_macro2::Group::new(group.delimiter(), respan(group.stream(), span));
                respanned.set_span(span);
                token = proc_macro2::TokenTree::Group(respanned);
            } else {
                token.set_span(span);
            }
            token
        })
        .collect()
}
