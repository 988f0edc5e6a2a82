//! `#[merge(layer = "Name")]`: generates the layer type `Name` (every field optional, serde
//! attributes carried over), its `Default`, `Debug` and `Clone` impls (`impls.rs`), its
//! `DeepMerge` impl (`merge.rs`), and `Layered` / `TryFrom<Name>` for the struct (`build.rs`).

mod build;
mod impls;
mod merge;

pub(crate) use impls::fallback;

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Attribute, DeriveInput, Ident, Meta, Token, Type, parse_quote};

use crate::ast::{Field, Struct};
use crate::{generics, ty};

/// What a field of the struct becomes in the layer.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `T` becomes `Option<T>`: absent keeps, `null` is an error.
    Plain,
    /// `Option<T>` becomes `Setting<T>`: absent keeps, `null` unsets.
    Setting,
    /// `#[merge(nested)] T` becomes `Option<<T as Layered>::Layer>`.
    Nested,
    /// `#[merge(nested)] #[serde(flatten)] T` becomes `<T as Layered>::Layer`, flattened.
    NestedFlat,
    /// `#[serde(flatten)] T` stays `T` (a map, say), flattened; the layer needs `T: Default`.
    Flat,
}

/// One field of the layer: the struct's field, what it becomes, and the type the layer's
/// merge works on (the value inside `Option`/`Setting`, or the field itself when flattened).
pub(crate) struct LayerField<'f, 'a> {
    pub(crate) field: &'f Field<'a>,
    pub(crate) original: &'a syn::Field,
    pub(crate) kind: Kind,
    pub(crate) inner: Type,
    /// `Option<inner>`: the strategies' `Option` impls treat an earlier `None` as absent, which
    /// is what a setting no earlier layer gave is.
    pub(crate) optional: Type,
    pub(crate) index: usize,
}

impl LayerField<'_, '_> {
    pub(crate) fn ident(&self) -> &Ident {
        self.original
            .ident
            .as_ref()
            .expect("valid.rs allows `layer` only on named fields")
    }

    /// The name used in error messages and missing-field paths: serde's.
    pub(crate) fn segment(&self) -> String {
        self.field
            .segment
            .clone()
            .unwrap_or_else(|| self.ident().to_string())
    }

    /// The type of the field in the layer.
    pub(crate) fn layer_ty(&self, krate: &syn::Path) -> Type {
        let inner = &self.inner;
        match self.kind {
            Kind::Plain | Kind::Nested => self.optional.clone(),
            Kind::Setting => parse_quote!(#krate::Setting<#inner>),
            Kind::NestedFlat | Kind::Flat => inner.clone(),
        }
    }

    /// A `Field` of the inner type, with the struct field's attributes and path segment, so the
    /// layer's merge reuses the derive's code for one field.
    pub(crate) fn inner_field<'i>(&'i self) -> Field<'i> {
        Field {
            member: self.field.member.clone(),
            ty: &self.inner,
            attrs: self.field.attrs.clone(),
            segment: self.field.segment.clone(),
            ordinal: self.field.ordinal,
        }
    }

    /// The same, of type `Option<inner>`.
    pub(crate) fn optional_field<'i>(&'i self) -> Field<'i> {
        Field {
            ty: &self.optional,
            ..self.inner_field()
        }
    }
}

pub(crate) fn expand(input: &DeriveInput, data: &Struct, krate: &syn::Path) -> TokenStream {
    let Some(name) = data.attrs.layer.as_ref().map(|layer| &layer.value) else {
        return TokenStream::new();
    };
    let syn::Data::Struct(syn::DataStruct {
        fields: originals, ..
    }) = &input.data
    else {
        return TokenStream::new();
    };
    let fields: Vec<LayerField> = data
        .fields
        .iter()
        .zip(originals)
        .enumerate()
        .map(|(index, (field, original))| layer_field(field, original, index, krate))
        .collect();
    let mut tokens = definition(input, name, &fields, krate);
    tokens.extend(impls::impl_default(input, name, &fields, krate));
    tokens.extend(impls::impl_debug_clone(input, name, &fields, krate));
    tokens.extend(merge::impl_deep_merge(data, name, &fields, krate));
    tokens.extend(build::impl_layered(input, name, &fields, krate));
    tokens
}

fn layer_field<'f, 'a>(
    field: &'f Field<'a>,
    original: &'a syn::Field,
    index: usize,
    krate: &syn::Path,
) -> LayerField<'f, 'a> {
    let ty = field.ty;
    let nested = field.attrs.nested.is_some();
    let flat = field.attrs.serde_flatten;
    let (kind, inner) = if nested {
        let layer = quote_spanned!(ty.span()=> <#ty as #krate::Layered>::Layer);
        let layer = syn::parse2(layer).expect("a qualified path parses as a type");
        (if flat { Kind::NestedFlat } else { Kind::Nested }, layer)
    } else if flat {
        (Kind::Flat, ty.clone())
    } else if let Some(inner) = ty::option_inner(ty) {
        (Kind::Setting, inner.clone())
    } else {
        (Kind::Plain, ty.clone())
    };
    let optional = parse_quote!(::core::option::Option<#inner>);
    LayerField {
        field,
        original,
        kind,
        inner,
        optional,
        index,
    }
}

/// The layer struct, with serde's derives reached through the core crate.
fn definition(
    input: &DeriveInput,
    name: &Ident,
    fields: &[LayerField],
    krate: &syn::Path,
) -> TokenStream {
    let vis = &input.vis;
    let generics = &input.generics;
    let where_clause = layer_where_clause(&input.generics, fields, krate);
    let serde = quote!(#krate::__private::serde);
    let serde_path = serde.to_string();
    let container = carried(
        &input.attrs,
        &["rename", "rename_all", "deny_unknown_fields"],
    );
    let bound = serde_bound(input, fields, &serde);
    let doc = format!(
        " The layer of [`{}`]: every field optional, merged with `DeepMerge`, built with \
         `Layered::from_layer` (generated by `#[merge(layer = \"{name}\")]`).",
        input.ident
    );
    let definitions = fields.iter().map(|field| {
        let ident = field.ident();
        let vis = &field.original.vis;
        let ty = field.layer_ty(krate);
        let docs = field
            .original
            .attrs
            .iter()
            .filter(|attr| attr.path().is_ident("doc"));
        let carried = carried(
            &field.original.attrs,
            &[
                "rename",
                "alias",
                "flatten",
                "skip",
                "skip_serializing",
                "skip_deserializing",
            ],
        );
        let serde_attrs = serde_field_attrs(input, name, field, krate);
        quote!(#(#docs)* #carried #serde_attrs #vis #ident: #ty)
    });
    quote! {
        #[doc = #doc]
        #[derive(#serde::Deserialize, #serde::Serialize)]
        #[serde(crate = #serde_path)]
        #container
        #bound
        #vis struct #name #generics #where_clause {
            #(#definitions,)*
        }
    }
}

/// How serde reads and writes one field: absent is the default, and is left out when written;
/// `null` on a non-`Option` field is an error naming the field.
fn serde_field_attrs(
    input: &DeriveInput,
    name: &Ident,
    field: &LayerField,
    krate: &syn::Path,
) -> TokenStream {
    match field.kind {
        Kind::Plain | Kind::Nested => {
            // With the layer's generics spelled out: a field that does not mention them would
            // leave them to inference (serde's impl has the same parameter names in scope).
            let (_, ty_generics, _) = input.generics.split_for_impl();
            let turbofish = ty_generics.as_turbofish();
            let present = present_fn(field);
            let present = quote!(#name #turbofish :: #present).to_string();
            quote! {
                #[serde(
                    default,
                    skip_serializing_if = "::core::option::Option::is_none",
                    deserialize_with = #present
                )]
            }
        }
        Kind::Setting => {
            let is_absent = quote!(#krate::Setting::is_absent).to_string();
            quote!(#[serde(default, skip_serializing_if = #is_absent)])
        }
        Kind::NestedFlat | Kind::Flat => TokenStream::new(),
    }
}

pub(crate) fn present_fn(field: &LayerField) -> Ident {
    format_ident!("__nodeconfig_present_{}", field.index)
}

/// `#[serde(...)]` with only the listed keys of the input's serde attributes, or nothing.
fn carried(attrs: &[Attribute], keys: &[&str]) -> TokenStream {
    let kept: Vec<Meta> = attrs
        .iter()
        .filter(|attr| attr.path().is_ident("serde"))
        .filter_map(|attr| {
            attr.parse_args_with(Punctuated::<Meta, Token![,]>::parse_terminated)
                .ok()
        })
        .flatten()
        .filter(|meta| keys.iter().any(|key| meta.path().is_ident(key)))
        .collect();
    if kept.is_empty() {
        TokenStream::new()
    } else {
        quote!(#[serde(#(#kept),*)])
    }
}

/// The types of the layer's fields that mention a type parameter: what the layer's `Debug`,
/// `Clone` and serde impls are bounded by (serde's and the std derives' inference cannot see
/// through `deserialize_with` or `<T as Layered>::Layer`).
pub(crate) fn generic_field_types<'f>(
    generics: &syn::Generics,
    fields: &'f [LayerField],
) -> impl Iterator<Item = &'f LayerField<'f, 'f>> {
    let params = generics
        .type_params()
        .map(|param| param.ident.to_string())
        .collect();
    fields
        .iter()
        .filter(move |field| generics::mentions_any(&field.inner, &params))
}

/// `#[serde(bound(...))]` naming each generic field's value type, or nothing.
fn serde_bound(input: &DeriveInput, fields: &[LayerField], serde: &TokenStream) -> TokenStream {
    let inner: Vec<&Type> = generic_field_types(&input.generics, fields)
        .map(|field| &field.inner)
        .collect();
    if inner.is_empty() {
        return TokenStream::new();
    }
    let join = |bounds: Vec<String>| bounds.join(", ");
    let serialize = join(
        inner
            .iter()
            .map(|ty| quote!(#ty: #serde::Serialize).to_string())
            .collect(),
    );
    let deserialize = join(
        inner
            .iter()
            .map(|ty| quote!(#ty: #serde::Deserialize<'de>).to_string())
            .collect(),
    );
    quote!(#[serde(bound(serialize = #serialize, deserialize = #deserialize))])
}

/// The input's where-clause, plus `T: Layered` for nested types that mention a type parameter
/// (the layer's field type is a projection through it).
pub(crate) fn layer_where_clause(
    generics: &syn::Generics,
    fields: &[LayerField],
    krate: &syn::Path,
) -> Option<syn::WhereClause> {
    let params = generics
        .type_params()
        .map(|param| param.ident.to_string())
        .collect();
    let mut clause = generics
        .where_clause
        .clone()
        .unwrap_or_else(|| parse_quote!(where));
    for field in fields {
        let ty = field.field.ty;
        if !generics::mentions_any(ty, &params) {
            continue;
        }
        match field.kind {
            Kind::Nested | Kind::NestedFlat => {
                clause.predicates.push(parse_quote!(#ty: #krate::Layered));
                let layer = &field.inner;
                clause
                    .predicates
                    .push(parse_quote!(#layer: ::core::default::Default));
            }
            Kind::Flat => clause
                .predicates
                .push(parse_quote!(#ty: ::core::default::Default)),
            Kind::Plain | Kind::Setting => {}
        }
    }
    (!clause.predicates.is_empty()).then_some(clause)
}
