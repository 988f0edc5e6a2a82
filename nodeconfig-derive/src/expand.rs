//! Generates `impl DeepMerge`: a prepare phase that runs every fallible step while reading
//! `self` only, and an apply phase that moves the incoming values in.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, Ident, Member, parse_quote};

use crate::ast::{Enum, Field, Input, Struct, Variant};
use crate::attr::Strategy;
use crate::errors::Errors;
use crate::{fallback, generics, layer, trace, ty, valid};

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
    pub(crate) prepare_new: TokenStream,
    pub(crate) apply: TokenStream,
    pub(crate) trace: TokenStream,
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
        prepare_new,
        apply,
        trace,
    } = bodies;
    quote! {
        #[automatically_derived]
        impl #impl_generics #krate::DeepMerge for #ident #ty_generics #where_clause {
            const NEEDS_PREPARE: bool = #needs_prepare;

            #[inline]
            fn prepare_merge(
                &self,
                __incoming: &mut Self,
            ) -> ::core::result::Result<(), #krate::MergeError> {
                #prepare
            }

            fn prepare_new(__incoming: &mut Self) -> ::core::result::Result<(), #krate::MergeError> {
                #prepare_new
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
    let prepare_new = data.fields.iter().filter_map(|field| {
        let member = &field.member;
        prepare_field(field, None, &quote!(&mut __incoming.#member), &[], krate)
    });
    let bindings = data.fields.iter().enumerate().map(|(index, field)| {
        let member = &field.member;
        let binding = binding(field, "incoming", index);
        quote!(#member: #binding)
    });
    let apply = in_apply_order(&data.fields).map(|(index, field)| {
        let member = &field.member;
        let incoming = format_ident!("__incoming_{}", index);
        apply_field(
            field,
            &quote!(&mut self.#member),
            &quote!(#incoming),
            &[],
            krate,
        )
    });
    let trace = data.fields.iter().map(|field| {
        let member = &field.member;
        let existing = quote!(__existing.map(|__existing| &__existing.#member));
        trace::trace_field(field, &existing, &quote!(&__incoming.#member), krate)
    });

    let bodies = Bodies {
        prepare: quote! {
            #(#prepare)*
            let _ = __incoming;
            ::core::result::Result::Ok(())
        },
        prepare_new: quote! {
            #(#prepare_new)*
            let _ = __incoming;
            ::core::result::Result::Ok(())
        },
        apply: quote! {
            let Self { #(#bindings),* } = __incoming;
            #(#apply)*
            ::core::result::Result::Ok(())
        },
        trace: quote! {
            #(#trace)*
            let _ = (__existing, __incoming, __tracer);
        },
    };
    impl_deep_merge(
        data.ident,
        data.generics,
        where_clause,
        &needs_prepare,
        krate,
        &bodies,
    )
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
                return <Self as #krate::DeepMerge>::prepare_new(__new);
            }
        }
    });
    let prepare_new_arms: Vec<TokenStream> = data
        .variants
        .iter()
        .filter_map(|variant| prepare_new_arm(variant, krate))
        .collect();
    let prepare_new_rest = (prepare_new_arms.len() < variant_count).then(|| quote!(_ => {}));
    let prepare_new = (!prepare_new_arms.is_empty()).then(|| {
        quote! {
            match __incoming {
                #(#prepare_new_arms)*
                #prepare_new_rest
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
        prepare_new: quote! {
            #prepare_new
            ::core::result::Result::Ok(())
        },
        apply,
        trace: trace::trace_enum(data, krate),
    };
    impl_deep_merge(
        data.ident,
        data.generics,
        where_clause,
        &needs_prepare,
        krate,
        &bodies,
    )
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
    let existing = variant_pattern(variant, "existing", prepare_field_used);
    let incoming = variant_pattern(variant, "incoming", prepare_field_used);
    Some(quote!((#existing, #incoming) => { #(#statements)* }))
}

/// `Self::V { a: __incoming_0, .. } => { ... }`: a variant with something to prepare, arriving
/// where nothing was.
fn prepare_new_arm(variant: &Variant, krate: &syn::Path) -> Option<TokenStream> {
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
    let incoming = variant_pattern(variant, "incoming", prepare_field_used);
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
    let existing = variant_pattern(variant, "existing", used);
    let incoming = variant_pattern(variant, "incoming", used);
    Some(quote!((#existing, #incoming) => { #(#statements)* }))
}

pub(crate) fn variant_pattern(
    variant: &Variant,
    side: &str,
    used: impl Fn(&Field) -> bool,
) -> TokenStream {
    let ident = variant.ident;
    let bindings = variant.fields.iter().enumerate().map(|(index, field)| {
        let binding = if used(field) {
            let name = format_ident!("__{}_{}", side, index);
            quote!(#name)
        } else {
            quote!(_)
        };
        match &field.member {
            Member::Named(name) => quote!(#name: #binding),
            Member::Unnamed(_) => binding,
        }
    });
    match variant.fields.first().map(|field| &field.member) {
        Some(Member::Named(_)) => quote!(Self::#ident { #(#bindings),* }),
        Some(Member::Unnamed(_)) => quote!(Self::#ident(#(#bindings),*)),
        None => quote!(Self::#ident),
    }
}

/// The binding a field's incoming value gets when `Self` is destructured.
fn binding(field: &Field, side: &str, index: usize) -> TokenStream {
    if field.attrs.skip.is_some() {
        quote!(_)
    } else {
        let name = format_ident!("__{}_{}", side, index);
        quote!(#name)
    }
}

/// Every token of `tokens` at `span`, so that an error about the whole expression (a call's
/// "required by a bound introduced by this call") points there and nowhere else.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
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

/// `NEEDS_PREPARE`: whether any field has a prepare step that does something.
pub(crate) fn needs_prepare<'f, 'a: 'f>(
    fields: impl Iterator<Item = &'f Field<'a>>,
    krate: &syn::Path,
) -> TokenStream {
    let terms: Vec<TokenStream> = fields
        .filter(|field| prepare_field_used(field))
        .map(|field| {
            let (trait_path, _, _, _) =
                trait_call(field, krate).expect("checked by prepare_field_used");
            let ty = field.ty;
            quote_spanned!(ty.span()=> <#ty as #trait_path>::NEEDS_PREPARE)
        })
        .collect();
    if terms.is_empty() {
        quote!(false)
    } else {
        quote!(#(#terms)||*)
    }
}

fn prepare_field_used(field: &Field) -> bool {
    field.attrs.skip.is_none()
        && field.attrs.with.is_none()
        && matches!(
            field.attrs.strategy.as_ref().map(|strategy| strategy.value),
            None | Some(
                Strategy::JsonDeep | Strategy::MergePatch | Strategy::TomlDeep | Strategy::Keyed
            )
        )
}

/// For fields merged through a trait with a prepare phase: the trait, its prepare method, its
/// merge method, and its prepare method for a value with nothing before it.
fn trait_call(field: &Field, krate: &syn::Path) -> Option<(TokenStream, Ident, Ident, Ident)> {
    let span = Span::call_site();
    match field.attrs.strategy.as_ref().map(|strategy| strategy.value) {
        None => Some((
            quote!(#krate::DeepMerge),
            Ident::new("prepare_merge", span),
            Ident::new("apply_merge", span),
            Ident::new("prepare_new", span),
        )),
        Some(Strategy::JsonDeep) if crate::list_key::applies(field) => Some((
            quote!(#krate::strategy::json::JsonKeyed),
            Ident::new("prepare_json_keyed", span),
            Ident::new("json_keyed", span),
            Ident::new("prepare_new_json_keyed", span),
        )),
        Some(Strategy::MergePatch) if crate::list_key::applies(field) => Some((
            quote!(#krate::strategy::json::MergePatchKeyed),
            Ident::new("prepare_merge_patch_keyed", span),
            Ident::new("patch_keyed", span),
            Ident::new("prepare_new_merge_patch_keyed", span),
        )),
        Some(Strategy::JsonDeep) => Some((
            quote!(#krate::strategy::JsonDeep),
            Ident::new("prepare_json_deep", span),
            Ident::new("json_deep", span),
            Ident::new("prepare_new_json_deep", span),
        )),
        Some(Strategy::MergePatch) => Some((
            quote!(#krate::strategy::MergePatch),
            Ident::new("prepare_merge_patch", span),
            Ident::new("merge_patch", span),
            Ident::new("prepare_new_merge_patch", span),
        )),
        Some(Strategy::TomlDeep) => Some((
            quote!(#krate::strategy::TomlDeep),
            Ident::new("prepare_toml_deep", span),
            Ident::new("toml_deep", span),
            Ident::new("prepare_new_toml_deep", span),
        )),
        Some(Strategy::Keyed) => Some((
            quote!(#krate::strategy::Keyed),
            Ident::new("prepare_keyed", span),
            Ident::new("apply_keyed", span),
            Ident::new("prepare_new_keyed", span),
        )),
        Some(Strategy::Append | Strategy::Replace | Strategy::Keep | Strategy::Union) => None,
    }
}

/// `.at("field").at("Variant")`: the path segments an error gains on its way out.
fn at_segments(field: &Field, outer: &[&str]) -> TokenStream {
    let segments = field
        .segment
        .iter()
        .map(String::as_str)
        .chain(outer.iter().copied());
    quote!(#(.at(#segments))*)
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
    if !prepare_field_used(field) {
        return None;
    }
    let (trait_path, prepare, _, prepare_new) = trait_call(field, krate)?;
    let ty = field.ty;
    let at = at_segments(field, outer);
    let key = crate::keyed::key_argument(field, krate);
    let call = match existing {
        Some(existing) => {
            quote_spanned!(ty.span()=> <#ty as #trait_path>::#prepare(#existing, #incoming #key))
        }
        None => quote_spanned!(ty.span()=> <#ty as #trait_path>::#prepare_new(#incoming #key)),
    };
    Some(quote! {
        if <#ty as #trait_path>::NEEDS_PREPARE {
            if let ::core::result::Result::Err(__error) = #call {
                return ::core::result::Result::Err(__error #at);
            }
        }
    })
}

pub(crate) fn apply_field(
    field: &Field,
    existing: &TokenStream,
    incoming: &TokenStream,
    outer: &[&str],
    krate: &syn::Path,
) -> TokenStream {
    let ty = field.ty;
    let at = at_segments(field, outer);
    if field.attrs.skip.is_some() {
        return TokenStream::new();
    }
    if let Some(with) = &field.attrs.with {
        let path = &with.value;
        // Called through a trait whose message shows the expected signature, at the path; the
        // coercion to a pointer of any two arguments lets the trait, not the coercion, judge.
        let function = quote_spanned! {path.span()=>
            let __merge_with: fn(_, _) -> _ = #path;
        };
        let call = respan(
            quote! {
                #krate::__private::WithFunction::<'_, #ty>::call(__merge_with, __with_existing, __with_incoming)
            },
            path.span(),
        );
        return quote! {
            #function
            let (__with_existing, __with_incoming) = (#existing, #incoming);
            if let ::core::result::Result::Err(__error) = #call {
                return ::core::result::Result::Err(__error #at);
            }
        };
    }
    let is_option = ty::option_inner(ty).is_some();
    match field.attrs.strategy.as_ref().map(|strategy| strategy.value) {
        Some(Strategy::Replace) if is_option => {
            quote!(#krate::strategy::replace_option(#existing, #incoming);)
        }
        Some(Strategy::Replace) => quote!(#krate::strategy::replace(#existing, #incoming);),
        Some(Strategy::Keep) if is_option => {
            quote!(#krate::strategy::keep_option(#existing, #incoming);)
        }
        Some(Strategy::Keep) => quote!(#krate::strategy::keep(#existing, #incoming);),
        Some(Strategy::Append) => quote_spanned! {ty.span()=>
            <#ty as #krate::strategy::Append>::append_items(#existing, #incoming);
        },
        Some(Strategy::Union) => quote_spanned! {ty.span()=>
            <#ty as #krate::strategy::Union>::union_items(#existing, #incoming);
        },
        Some(Strategy::Keyed) => crate::keyed::apply(field, existing, incoming, &at, krate),
        Some(Strategy::JsonDeep | Strategy::MergePatch | Strategy::TomlDeep) => {
            let (trait_path, _, merge, _) = trait_call(field, krate).expect("a document strategy");
            let keys = crate::keyed::key_argument(field, krate);
            quote_spanned!(ty.span()=> <#ty as #trait_path>::#merge(#existing, #incoming #keys);)
        }
        None => {
            let call = quote_spanned!(ty.span()=> <#ty as #krate::DeepMerge>::apply_merge(#existing, #incoming));
            quote! {
                if let ::core::result::Result::Err(__error) = #call {
                    return ::core::result::Result::Err(__error #at);
                }
            }
        }
    }
}
