//! The impl emitted beside errors: it keeps one attribute mistake from turning every use of the
//! type into a second error ("`Config` does not implement `DeepMerge`").

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

pub(crate) fn expand(input: &DeriveInput, krate: &syn::Path, error: syn::Error) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let error = error.to_compile_error();
    quote! {
        #error
        #[automatically_derived]
        impl #impl_generics #krate::DeepMerge for #ident #ty_generics #where_clause {
            fn apply_merge(&mut self, _: Self) -> ::core::result::Result<(), #krate::MergeError> {
                ::core::unreachable!("the DeepMerge derive reported an error")
            }
        }
    }
}
