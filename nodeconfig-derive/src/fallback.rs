//! The impl emitted beside errors: it keeps one attribute mistake from turning every use of the
//! type into a second error ("`Config` does not implement `DeepMerge`"), and checks the types of
//! the fields whose attributes are fine, so that their type errors come in the same compile as
//! the attribute errors instead of a second wave after those are fixed.

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::DeriveInput;
use syn::spanned::Spanned;

use crate::ast::{Field, Input};
use crate::dispatch;
use crate::strategy::{self, Argument};

pub(crate) fn expand(
    input: &DeriveInput,
    parsed: Option<&Input>,
    passed: &[bool],
    krate: &syn::Path,
    error: syn::Error,
) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let error = error.to_compile_error();
    let checks = parsed.map(|parsed| type_checks(input, parsed, passed, krate));
    quote! {
        #error
        #checks
        #[automatically_derived]
        impl #impl_generics #krate::DeepMerge for #ident #ty_generics #where_clause {
            fn apply_merge(&mut self, _: Self) -> ::core::result::Result<(), #krate::MergeError> {
                ::core::unreachable!("the DeepMerge derive reported an error")
            }
        }
    }
}

/// `const _: fn() = || { ... };` naming, for each field that passed the attribute rules, the
/// trait function its merge would call, spanned on the field, so a type that does not fit gives
/// the same error as in a derive without mistakes. A generic container is left out: its fields'
/// types need its parameters and bounds.
fn type_checks(
    input: &DeriveInput,
    parsed: &Input,
    passed: &[bool],
    krate: &syn::Path,
) -> TokenStream {
    if !input.generics.params.is_empty() {
        return TokenStream::new();
    }
    let fields: Vec<&Field> = match parsed {
        Input::Struct(data) => data.fields.iter().collect(),
        Input::Enum(data) => data
            .variants
            .iter()
            .flat_map(|variant| &variant.fields)
            .collect(),
    };
    let checks: Vec<TokenStream> = fields
        .into_iter()
        .zip(passed)
        .filter(|(_, passed)| **passed)
        .filter_map(|(field, _)| type_check(field, krate))
        .collect();
    if checks.is_empty() {
        return TokenStream::new();
    }
    quote! {
        const _: fn() = || {
            #(#checks)*
        };
    }
}

fn type_check(field: &Field, krate: &syn::Path) -> Option<TokenStream> {
    let ty = field.ty;
    if let Some(with) = &field.attrs.with {
        let path = &with.value;
        return Some(quote_spanned! {path.span()=>
            let __merge_with: fn(_, _) -> _ = #path;
            let _ = #krate::__private::with_function::<'_, #ty, _>(__merge_with);
        });
    }
    if field.attrs.skip.is_some() {
        return None;
    }
    // `keyed` names its key fields in the call (its method is generic over their number); its
    // own checks (valid.rs) already ran. A `list_key` field names its keyed trait's method.
    let merge = match dispatch::merge_trait(field) {
        Some(merge) if merge.argument != Argument::ItemKey => merge,
        _ => return None,
    };
    let trait_path = merge.path(krate, Span::call_site());
    let method = strategy::ident(merge.apply);
    Some(quote_spanned!(ty.span()=> let _ = <#ty as #trait_path>::#method;))
}
