//! Generates `impl DeepMerge`: a prepare phase that runs every fallible step while reading
//! `self` only, and an apply phase that moves the incoming values in.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::ext::IdentExt;
use syn::{DeriveInput, Ident, Member, parse_quote};

use crate::ast::{Enum, Field, Input, Struct, Variant};
use crate::errors::Errors;
use crate::field::{apply_field, has_prepare, in_apply_order, needs_prepare, prepare_field};
use crate::{fallback, generics, keyed, layer, trace, valid};

/// The whole derive as a plain function, so that tests can snapshot its output.
pub(crate) fn derive(input: &DeriveInput) -> TokenStream {
    let mut errors = Errors::default();
    let parsed = Input::from_syn(input, &mut errors);
    let passed = parsed
        .as_ref()
        .map(|parsed| {
            let mut passed = valid::check(parsed, &mut errors);
            let before = errors.count();
            valid::check_layer(input, parsed, &mut errors);
            if errors.count() != before {
                // A layer-key mistake: the fields' own types are not checked on top of it.
                passed.fill(false);
            }
            passed
        })
        .unwrap_or_default();
    let krate = parsed.as_ref().map_or_else(default_crate, Input::krate);
    match (parsed, errors.into_result()) {
        (Some(Input::Struct(data)), Ok(())) => {
            let mut expanded = expand_struct(&data, &krate);
            if data.attrs.layer.is_some() {
                expanded.extend(layer::expand(input, &data, &krate));
            }
            expanded
        }
        (Some(Input::Enum(data)), Ok(())) => expand_enum(&data, &krate),
        (parsed, Err(error)) => {
            let mut expanded = fallback::expand(input, parsed.as_ref(), &passed, &krate, error);
            expanded.extend(layer::fallback(input, &krate));
            expanded
        }
        (None, Ok(())) => unreachable!("a union always reports an error"),
    }
}

fn default_crate() -> syn::Path {
    parse_quote!(::nodeconfig_core)
}

/// The bodies of the generated methods, each the whole content of its block.
pub(crate) struct Bodies {
    pub(crate) prepare: TokenStream,
    pub(crate) check_new: TokenStream,
    pub(crate) apply: TokenStream,
    pub(crate) trace: TokenStream,
    /// `const SERDE_NAMES: ... = &[(rust, serde), ...];` when a field's serde name differs
    /// from its Rust name (see [`serde_names`]), else nothing.
    pub(crate) serde_names: TokenStream,
}

impl Bodies {
    /// The bodies of a struct's impl (its own or its layer's): each field's prepare, check and
    /// trace step in turn, and the apply steps, after binding the incoming fields by name when
    /// `bindings` are given (a struct's own impl moves each `__incoming.field` into its call
    /// instead: a large field then goes to the call without a copy into a binding).
    pub(crate) fn of_struct(
        prepare: impl Iterator<Item = TokenStream>,
        check_new: impl Iterator<Item = TokenStream>,
        bindings: Option<Vec<TokenStream>>,
        apply: impl Iterator<Item = TokenStream>,
        trace: impl Iterator<Item = TokenStream>,
    ) -> Self {
        Bodies {
            prepare: quote! {
                #(#prepare)*
                let _ = __incoming;
                ::core::result::Result::Ok(())
            },
            check_new: quote! {
                #(#check_new)*
                let _ = __incoming;
                ::core::result::Result::Ok(())
            },
            apply: {
                let destructure =
                    bindings.map(|bindings| quote!(let Self { #(#bindings),* } = __incoming;));
                quote! {
                    #destructure
                    #(#apply)*
                    ::core::result::Result::Ok(())
                }
            },
            trace: quote! {
                #(#trace)*
                let _ = (__existing, __incoming, __tracer);
            },
            serde_names: TokenStream::new(),
        }
    }
}

/// `impl DeepMerge`: the signatures, shared by structs and enums; the bodies are theirs.
pub(crate) fn impl_deep_merge(
    ident: &Ident,
    generics: &syn::Generics,
    where_clause: Option<syn::WhereClause>,
    needs_prepare: &TokenStream,
    krate: &syn::Path,
    bodies: &Bodies,
) -> TokenStream {
    let (impl_generics, ty_generics, _) = generics.split_for_impl();
    let Bodies {
        prepare,
        check_new,
        apply,
        trace,
        serde_names,
    } = bodies;
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::DeepMerge for #ident #ty_generics #where_clause {
            const NEEDS_PREPARE: bool = #needs_prepare;
            #serde_names

            #[inline]
            fn prepare_merge(
                &self,
                __incoming: &mut Self,
            ) -> ::core::result::Result<(), #krate::MergeError> {
                #prepare
            }

            fn check_new(__incoming: &mut Self) -> ::core::result::Result<(), #krate::MergeError> {
                #check_new
            }

            #[inline]
            fn apply_merge(
                &mut self,
                __incoming: Self,
            ) -> ::core::result::Result<(), #krate::MergeError> {
                #apply
            }

            fn trace_merge(
                __existing: ::core::option::Option<&Self>,
                __incoming: &Self,
                __tracer: &mut #krate::trace::Tracer,
            ) {
                #trace
            }
        }
    }
}

/// `const SERDE_NAMES` for the named fields whose serde name (`rename`, `rename_all`) is not
/// their Rust name: what a keyed list of this type writes for its key fields in paths.
pub(crate) fn serde_names(fields: &[Field]) -> TokenStream {
    let pairs: Vec<TokenStream> = fields
        .iter()
        .filter_map(|field| {
            let Member::Named(ident) = &field.member else {
                return None;
            };
            let rust = ident.unraw().to_string();
            let serde = field.segment.as_ref()?;
            (*serde != rust).then(|| quote!((#rust, #serde)))
        })
        .collect();
    if pairs.is_empty() {
        return TokenStream::new();
    }
    quote! {
        const SERDE_NAMES: &'static [(&'static str, &'static str)] = &[#(#pairs),*];
    }
}

impl Input<'_> {
    fn krate(&self) -> syn::Path {
        let attrs = match self {
            Input::Struct(data) => &data.attrs,
            Input::Enum(data) => &data.attrs,
        };
        attrs
            .krate
            .as_ref()
            .map_or_else(default_crate, |krate| krate.value.clone())
    }
}

fn expand_struct(data: &Struct, krate: &syn::Path) -> TokenStream {
    let where_clause =
        generics::where_clause(data.generics, &data.attrs, data.fields.iter(), krate);
    let needs_prepare = needs_prepare(data.fields.iter(), krate);

    let prepare = data.fields.iter().filter_map(|field| {
        let member = &field.member;
        prepare_field(
            field,
            Some(&quote!(&self.#member)),
            &quote!(&mut __incoming.#member),
            &[],
            krate,
        )
    });
    let check_new = data.fields.iter().filter_map(|field| {
        let member = &field.member;
        prepare_field(field, None, &quote!(&mut __incoming.#member), &[], krate)
    });
    let apply = in_apply_order(&data.fields).map(|(_, field)| {
        let member = &field.member;
        apply_field(
            field,
            &quote!(&mut self.#member),
            &quote!(__incoming.#member),
            &[],
            krate,
        )
    });
    let trace = data.fields.iter().map(|field| {
        let member = &field.member;
        let existing = quote!(__existing.map(|__existing| &__existing.#member));
        trace::trace_field(field, &existing, &quote!(&__incoming.#member), krate)
    });

    let mut bodies = Bodies::of_struct(prepare, check_new, None, apply, trace);
    bodies.serde_names = serde_names(&data.fields);
    let mut expanded = impl_deep_merge(
        data.ident,
        data.generics,
        where_clause,
        &needs_prepare,
        krate,
        &bodies,
    );
    expanded.extend(keyed::key_impls(
        data.ident,
        data.generics,
        data.attrs.bound.as_ref().map(|bound| &bound.value[..]),
        data.fields.iter(),
        &keyed::KeySource::Own,
        krate,
    ));
    expanded
}

fn expand_enum(data: &Enum, krate: &syn::Path) -> TokenStream {
    let fields = data.variants.iter().flat_map(|variant| &variant.fields);
    let where_clause = generics::where_clause(data.generics, &data.attrs, fields.clone(), krate);
    let needs_prepare = needs_prepare(fields, krate);
    let variant_count = data.variants.len();

    let prepare_arms: Vec<TokenStream> = data
        .variants
        .iter()
        .filter_map(|variant| prepare_arm(variant, krate))
        .collect();
    // Another variant arrives whole where the existing one was: it is a new value.
    let prepare_rest = (prepare_arms.len() < variant_count || variant_count > 1).then(|| {
        quote! {
            (_, __new) => {
                return <Self as #krate::DeepMerge>::check_new(__new);
            }
        }
    });
    let check_new_arms: Vec<TokenStream> = data
        .variants
        .iter()
        .filter_map(|variant| check_new_arm(variant, krate))
        .collect();
    let check_new_rest = (check_new_arms.len() < variant_count).then(|| quote!(_ => {}));
    let check_new = (!check_new_arms.is_empty()).then(|| {
        quote! {
            match __incoming {
                #(#check_new_arms)*
                #check_new_rest
            }
        }
    });
    let prepare = (!prepare_arms.is_empty()).then(|| {
        quote! {
            match (self, __incoming) {
                #(#prepare_arms)*
                #prepare_rest
            }
        }
    });

    let apply_arms: Vec<TokenStream> = data
        .variants
        .iter()
        .filter_map(|variant| apply_arm(variant, krate))
        .collect();
    let apply_rest = (apply_arms.len() < variant_count || variant_count > 1)
        .then(|| quote!((__existing, __incoming) => *__existing = __incoming,));
    // An empty enum has no value to merge: matching the incoming one is the whole body.
    let apply = if variant_count == 0 {
        quote!(match __incoming {})
    } else {
        quote! {
            match (self, __incoming) {
                #(#apply_arms)*
                #apply_rest
            }
            ::core::result::Result::Ok(())
        }
    };

    let bodies = Bodies {
        prepare: quote! {
            #prepare
            ::core::result::Result::Ok(())
        },
        check_new: quote! {
            #check_new
            ::core::result::Result::Ok(())
        },
        apply,
        trace: trace::trace_enum(data, krate),
        serde_names: TokenStream::new(),
    };
    let mut expanded = impl_deep_merge(
        data.ident,
        data.generics,
        where_clause,
        &needs_prepare,
        krate,
        &bodies,
    );
    expanded.extend(keyed::key_impls(
        data.ident,
        data.generics,
        data.attrs.bound.as_ref().map(|bound| &bound.value[..]),
        data.variants.iter().flat_map(|variant| &variant.fields),
        &keyed::KeySource::Own,
        krate,
    ));
    expanded
}

/// `(Self::V { a: __existing_0, .. }, Self::V { a: __incoming_0, .. }) => { ... }` for a
/// variant with something to prepare.
fn prepare_arm(variant: &Variant, krate: &syn::Path) -> Option<TokenStream> {
    let segments: Vec<&str> = variant.segment.iter().map(String::as_str).collect();
    let statements: Vec<TokenStream> = variant
        .fields
        .iter()
        .enumerate()
        .filter_map(|(index, field)| {
            let existing = format_ident!("__existing_{}", index);
            let incoming = format_ident!("__incoming_{}", index);
            prepare_field(
                field,
                Some(&quote!(#existing)),
                &quote!(#incoming),
                &segments,
                krate,
            )
        })
        .collect();
    if statements.is_empty() {
        return None;
    }
    let existing = variant.pattern("existing", has_prepare);
    let incoming = variant.pattern("incoming", has_prepare);
    Some(quote!((#existing, #incoming) => { #(#statements)* }))
}

/// `Self::V { a: __incoming_0, .. } => { ... }`: a variant with something to prepare, arriving
/// where nothing was.
fn check_new_arm(variant: &Variant, krate: &syn::Path) -> Option<TokenStream> {
    let segments: Vec<&str> = variant.segment.iter().map(String::as_str).collect();
    let statements: Vec<TokenStream> = variant
        .fields
        .iter()
        .enumerate()
        .filter_map(|(index, field)| {
            let incoming = format_ident!("__incoming_{}", index);
            prepare_field(field, None, &quote!(#incoming), &segments, krate)
        })
        .collect();
    if statements.is_empty() {
        return None;
    }
    let incoming = variant.pattern("incoming", has_prepare);
    Some(quote!(#incoming => { #(#statements)* }))
}

/// `(Self::V { a: __existing_0 }, Self::V { a: __incoming_0 }) => { ... }` for a variant with
/// fields; unit variants fall to the arm that replaces.
fn apply_arm(variant: &Variant, krate: &syn::Path) -> Option<TokenStream> {
    if variant.fields.is_empty() {
        return None;
    }
    let segments: Vec<&str> = variant.segment.iter().map(String::as_str).collect();
    let statements = in_apply_order(&variant.fields).map(|(index, field)| {
        let existing = format_ident!("__existing_{}", index);
        let incoming = format_ident!("__incoming_{}", index);
        apply_field(
            field,
            &quote!(#existing),
            &quote!(#incoming),
            &segments,
            krate,
        )
    });
    let used = |field: &Field| field.attrs.skip.is_none();
    let existing = variant.pattern("existing", used);
    let incoming = variant.pattern("incoming", used);
    Some(quote!((#existing, #incoming) => { #(#statements)* }))
}
