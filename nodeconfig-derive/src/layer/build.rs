//! `impl Layered` and `TryFrom<Layer>` for the struct: defaults fill what no layer set, and
//! every required field left unset is reported at once; plus the functions serde calls so that
//! `null` on a non-`Option` field is an error naming it.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, Ident};

use super::{Kind, LayerField, layer_where_clause, present_fn};

pub(super) fn impl_layered(
    input: &DeriveInput,
    name: &Ident,
    fields: &[LayerField],
    krate: &syn::Path,
) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, _) = input.generics.split_for_impl();
    let mut where_clause = layer_where_clause(&input.generics, fields, krate);
    for field in fields {
        // `#[merge(default)]` on a field whose type mentions a type parameter.
        if field.kind == Kind::Plain
            && matches!(&field.field.attrs.default, Some(default) if default.value.is_none())
        {
            let ty = field.field.ty;
            let params = input
                .generics
                .type_params()
                .map(|param| param.ident.to_string())
                .collect();
            if crate::generics::mentions_any(ty, &params) {
                where_clause
                    .get_or_insert_with(|| syn::parse_quote!(where))
                    .predicates
                    .push(syn::parse_quote!(#ty: ::core::default::Default));
            }
        }
    }

    let layer_bindings = fields.iter().map(|field| {
        let member = field.ident();
        let binding = format_ident!("__layer_{}", field.index);
        quote!(#member: #binding)
    });
    let values = fields.iter().map(|field| value(field, krate));
    let fallible: Vec<&LayerField> = fields.iter().filter(|field| fallible(field)).collect();
    let inits = fields.iter().map(|field| {
        let member = field.ident();
        let value = format_ident!("__value_{}", field.index);
        quote!(#member: #value)
    });
    let build = if fallible.is_empty() {
        quote!(::core::result::Result::Ok(Self { #(#inits,)* }))
    } else {
        let names = fallible
            .iter()
            .map(|field| format_ident!("__value_{}", field.index));
        let scrutinee = names.clone();
        quote! {
            match (#(#scrutinee,)*) {
                (#(::core::option::Option::Some(#names),)*) => {
                    ::core::result::Result::Ok(Self { #(#inits,)* })
                }
                _ => ::core::result::Result::Err(__missing.into_error()),
            }
        }
    };
    let missing = (!fallible.is_empty())
        .then(|| quote!(let mut __missing = #krate::__private::Missing::default();));
    let present = present_fns(input, name, fields, krate);

    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::Layered for #ident #ty_generics #where_clause {
            type Layer = #name #ty_generics;

            fn from_layer(
                __layer: #name #ty_generics,
            ) -> ::core::result::Result<Self, #krate::MergeError> {
                #missing
                let #name { #(#layer_bindings,)* } = __layer;
                #(#values)*
                #build
            }
        }

        #[automatically_derived]
        impl #impl_generics ::core::convert::TryFrom<#name #ty_generics> for #ident #ty_generics
            #where_clause
        {
            type Error = #krate::MergeError;

            fn try_from(
                __layer: #name #ty_generics,
            ) -> ::core::result::Result<Self, #krate::MergeError> {
                <Self as #krate::Layered>::from_layer(__layer)
            }
        }

        #present
    }
}

/// Whether building the field can fail: a required field, or a nested one (its own required
/// fields). Its value is then an `Option`.
fn fallible(field: &LayerField) -> bool {
    match field.kind {
        Kind::Plain => field.field.attrs.default.is_none(),
        Kind::Nested | Kind::NestedFlat => true,
        Kind::Setting | Kind::Flat => false,
    }
}

/// `let __value_N = ...;`: the field's value from the merged layer.
fn value(field: &LayerField, krate: &syn::Path) -> TokenStream {
    let layer = format_ident!("__layer_{}", field.index);
    let value = format_ident!("__value_{}", field.index);
    let segment = field.segment();
    let ty = field.field.ty;
    let expr = match field.kind {
        Kind::Plain => match &field.field.attrs.default {
            None => quote!(__missing.required(#layer, #segment)),
            Some(default) => match &default.value {
                None => {
                    let default_fn =
                        quote_spanned!(default.span=> <#ty as ::core::default::Default>::default);
                    quote!(::core::option::Option::unwrap_or_else(#layer, #default_fn))
                }
                Some(path) => {
                    let function =
                        quote_spanned!(path.span()=> let __default: fn() -> #ty = #path;);
                    quote!({
                        #function
                        ::core::option::Option::unwrap_or_else(#layer, __default)
                    })
                }
            },
        },
        Kind::Setting => quote!(#krate::Setting::into_option(#layer)),
        Kind::Flat => quote!(#layer),
        Kind::Nested | Kind::NestedFlat => {
            let layer = if field.kind == Kind::Nested {
                quote!(::core::option::Option::unwrap_or_default(#layer))
            } else {
                quote!(#layer)
            };
            let segments = field.field.segment.iter();
            quote!(__missing.nested(<#ty as #krate::Layered>::from_layer(#layer), &[#(#segments),*]))
        }
    };
    quote!(let #value = #expr;)
}

/// For each `Option<T>`-in-the-layer field, the `deserialize_with` function serde calls: it
/// names the field when a document sets it to `null`.
fn present_fns(
    input: &DeriveInput,
    name: &Ident,
    fields: &[LayerField],
    krate: &syn::Path,
) -> TokenStream {
    let (impl_generics, ty_generics, _) = input.generics.split_for_impl();
    let where_clause = layer_where_clause(&input.generics, fields, krate);
    let serde = quote!(#krate::__private::serde);
    let functions = fields
        .iter()
        .filter(|field| matches!(field.kind, Kind::Plain | Kind::Nested))
        .map(|field| {
            let function = present_fn(field);
            let inner = &field.inner;
            let segment = field.segment();
            quote! {
                fn #function<'de, __D>(
                    __deserializer: __D,
                ) -> ::core::result::Result<::core::option::Option<#inner>, __D::Error>
                where
                    __D: #serde::Deserializer<'de>,
                    #inner: #serde::Deserialize<'de>,
                {
                    #krate::__private::present(__deserializer, #segment)
                }
            }
        })
        .collect::<Vec<_>>();
    if functions.is_empty() {
        return TokenStream::new();
    }
    quote! {
        #[automatically_derived]
        impl #impl_generics #name #ty_generics #where_clause {
            #(#functions)*
        }
    }
}
