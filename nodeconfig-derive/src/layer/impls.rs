//! The std impls of a layer (`Default`, `Debug`, `Clone`), and the stub emitted beside errors.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::{DeriveInput, Ident, parse_quote};

use super::{LayerField, generic_field_types, layer_where_clause};

/// `Default`: every setting absent (no bound on the struct's type parameters).
pub(super) fn impl_default(
    input: &DeriveInput,
    name: &Ident,
    fields: &[LayerField],
    krate: &syn::Path,
) -> TokenStream {
    let (impl_generics, ty_generics, _) = input.generics.split_for_impl();
    let where_clause = layer_where_clause(&input.generics, fields, krate);
    let where_clause = where_clause.map(|clause| clause.into_token_stream());
    let inits = fields.iter().map(|field| {
        let ident = field.ident();
        quote!(#ident: ::core::default::Default::default())
    });
    quote! {
        #[automatically_derived]
        impl #impl_generics ::core::default::Default for #name #ty_generics #where_clause {
            fn default() -> Self {
                Self { #(#inits,)* }
            }
        }
    }
}

/// `Debug` and `Clone`, bounded by the generic fields' types.
pub(super) fn impl_debug_clone(
    input: &DeriveInput,
    name: &Ident,
    fields: &[LayerField],
    krate: &syn::Path,
) -> TokenStream {
    let (impl_generics, ty_generics, _) = input.generics.split_for_impl();
    let bounded = |bound: TokenStream| {
        let mut clause = layer_where_clause(&input.generics, fields, krate)
            .unwrap_or_else(|| parse_quote!(where));
        for field in generic_field_types(&input.generics, fields) {
            let ty = field.layer_ty(krate);
            clause.predicates.push(parse_quote!(#ty: #bound));
        }
        (!clause.predicates.is_empty()).then_some(clause)
    };
    let debug_where = bounded(quote!(::core::fmt::Debug));
    let clone_where = bounded(quote!(::core::clone::Clone));
    let label = name.to_string();
    let idents: Vec<&Ident> = fields.iter().map(LayerField::ident).collect();
    let labels = idents.iter().map(|ident| ident.to_string());
    quote! {
        #[automatically_derived]
        impl #impl_generics ::core::fmt::Debug for #name #ty_generics #debug_where {
            fn fmt(&self, __f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                __f.debug_struct(#label)
                    #(.field(#labels, &self.#idents))*
                    .finish()
            }
        }
        #[automatically_derived]
        impl #impl_generics ::core::clone::Clone for #name #ty_generics #clone_where {
            fn clone(&self) -> Self {
                Self { #(#idents: ::core::clone::Clone::clone(&self.#idents),)* }
            }
        }
    }
}

/// Beside attribute errors: an empty layer type and a `Layered` impl, so that uses of the layer
/// do not add a second wave of errors ("cannot find type `ServerLayer`").
pub(crate) fn fallback(input: &DeriveInput, krate: &syn::Path) -> TokenStream {
    let mut errors = crate::errors::Errors::default();
    let Some(layer) = crate::attr::container(&input.attrs, &mut errors).layer else {
        return TokenStream::new();
    };
    let name = &layer.value;
    let ident = &input.ident;
    let vis = &input.vis;
    let generics = &input.generics;
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let lifetimes = generics.lifetimes().map(|param| &param.lifetime);
    let types = generics.type_params().map(|param| &param.ident);
    quote! {
        #[derive(::core::default::Default)]
        #[allow(dead_code)]
        #vis struct #name #generics #where_clause {
            __phantom: ::core::marker::PhantomData<fn() -> (#(&#lifetimes (),)* #(#types,)*)>,
        }
        #[automatically_derived]
        impl #impl_generics #krate::Layered for #ident #ty_generics #where_clause {
            type Layer = #name #ty_generics;

            fn from_layer(
                _: #name #ty_generics,
            ) -> ::core::result::Result<Self, #krate::MergeError> {
                ::core::unreachable!("the DeepMerge derive reported an error")
            }
        }
    }
}
