//! `impl DeepMerge` for a layer: absent keeps; a value merges into an earlier value by the
//! field's strategy (the derive's own per-field code, on the value inside `Option`/`Setting`),
//! or is taken where no layer set one; `Setting::Unset` deletes.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::Ident;

use super::{Kind, LayerField, layer_where_clause};
use crate::ast::{Field, Struct};
use crate::expand::{self, Bodies};
use crate::field;
use crate::generics;
use crate::keyed;

/// How the layer merges one field.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Route {
    /// The layer's field as a whole, through the derive's per-field code: `Option<T>` (whose
    /// strategy impls treat an earlier `None` as absent) or a flattened value.
    Whole,
    /// A `Setting<T>`: matched here, with the field's strategy on the values inside.
    Setting,
    /// A `with` function of a non-`Option` field takes `T`, not `Option<T>`: matched here.
    With,
    /// `skip`: the first value a layer gives is kept.
    Skip,
}

fn route(field: &LayerField) -> Route {
    let attrs = &field.field.attrs;
    if attrs.skip.is_some() && matches!(field.kind, Kind::Plain | Kind::Setting) {
        Route::Skip
    } else if field.kind == Kind::Setting {
        Route::Setting
    } else if attrs.with.is_some() && field.kind == Kind::Plain {
        Route::With
    } else {
        Route::Whole
    }
}

/// The `Field` the derive's per-field code sees for a `Whole` field.
fn whole<'i>(field: &'i LayerField) -> Field<'i> {
    match field.kind {
        Kind::Plain | Kind::Nested | Kind::Setting => field.optional_field(),
        Kind::NestedFlat | Kind::Flat => field.inner_field(),
    }
}

pub(super) fn impl_deep_merge(
    data: &Struct,
    name: &Ident,
    fields: &[LayerField],
    krate: &syn::Path,
) -> TokenStream {
    let inner: Vec<Field> = fields.iter().map(LayerField::inner_field).collect();
    let wholes: Vec<Field> = fields.iter().map(whole).collect();
    let mut where_clause = layer_where_clause(data.generics, fields, krate);
    let unbounded = syn::Generics {
        where_clause: None,
        ..data.generics.clone()
    };
    let used = inner.iter().chain(&wholes);
    if let Some(inferred) = generics::where_clause(&unbounded, &data.attrs, used, krate) {
        let clause = where_clause.get_or_insert_with(|| syn::parse_quote!(where));
        clause.predicates.extend(inferred.predicates);
    }
    let prepared = fields
        .iter()
        .enumerate()
        .map(|(index, field)| match route(field) {
            Route::Whole => &wholes[index],
            _ => &inner[index],
        });
    let needs_prepare = field::needs_prepare(prepared, krate);

    let prepare = fields
        .iter()
        .zip(&inner)
        .zip(&wholes)
        .filter_map(|((field, inner), whole)| {
            let member = &field.field.member;
            let (existing, incoming) = (quote!(&self.#member), quote!(&mut __incoming.#member));
            match route(field) {
                Route::Whole => field::prepare_field(whole, Some(&existing), &incoming, &[], krate),
                Route::Setting => prepare(field, inner, &existing, &incoming, krate),
                Route::With | Route::Skip => None,
            }
        });
    let check_new = fields
        .iter()
        .zip(&inner)
        .zip(&wholes)
        .filter_map(|((field, inner), whole)| {
            let member = &field.field.member;
            let incoming = quote!(&mut __incoming.#member);
            match route(field) {
                Route::Whole => field::prepare_field(whole, None, &incoming, &[], krate),
                Route::Setting => check_new(field, inner, &incoming, krate),
                Route::With | Route::Skip => None,
            }
        });
    let bindings = fields.iter().map(|field| {
        let member = &field.field.member;
        let binding = incoming(field);
        quote!(#member: #binding)
    });
    let apply = field::in_apply_order(&inner).map(|(index, inner)| {
        let field = &fields[index];
        let member = &field.field.member;
        let existing = quote!(&mut self.#member);
        match route(field) {
            Route::Whole => {
                let incoming = incoming(field);
                field::apply_field(&wholes[index], &existing, &quote!(#incoming), &[], krate)
            }
            Route::Setting | Route::With | Route::Skip => {
                apply(field, inner, &wholes[index], &existing, krate)
            }
        }
    });
    let trace = fields
        .iter()
        .zip(&inner)
        .zip(&wholes)
        .map(|((field, inner), whole)| {
            let member = &field.field.member;
            match route(field) {
                Route::Whole => crate::trace::trace_field(
                    whole,
                    &quote!(__existing.map(|__existing| &__existing.#member)),
                    &quote!(&__incoming.#member),
                    krate,
                ),
                Route::Setting | Route::With => trace(field, inner, krate),
                Route::Skip => TokenStream::new(),
            }
        });

    let mut bodies = Bodies::of_struct(prepare, check_new, Some(bindings.collect()), apply, trace);
    bodies.serde_names = expand::serde_names(&data.fields);
    let mut expanded = expand::impl_deep_merge(
        name,
        data.generics,
        where_clause,
        &needs_prepare,
        krate,
        &bodies,
    );
    // A keyed field's key is the one the struct's own impl defines.
    let owner = {
        let ident = data.ident;
        let (_, ty_generics, _) = data.generics.split_for_impl();
        quote!(#ident #ty_generics)
    };
    expanded.extend(keyed::key_impls(
        name,
        data.generics,
        data.attrs.bound.as_ref().map(|bound| &bound.value[..]),
        data.fields.iter(),
        &keyed::KeySource::Of(&owner),
        krate,
    ));
    expanded
}

fn incoming(field: &LayerField) -> Ident {
    format_ident!("__incoming_{}", field.index)
}

/// The pattern of a set value: `Setting::Set(x)`, or `Some(x)` for a non-`Option` field.
fn set_pattern(
    field: &LayerField,
    binding: impl quote::ToTokens,
    krate: &syn::Path,
) -> TokenStream {
    match field.kind {
        Kind::Setting => quote!(#krate::Setting::Set(#binding)),
        _ => quote!(::core::option::Option::Some(#binding)),
    }
}

fn prepare(
    field: &LayerField,
    inner: &Field,
    existing: &TokenStream,
    incoming: &TokenStream,
    krate: &syn::Path,
) -> Option<TokenStream> {
    let existing_binding = format_ident!("__existing_{}", field.index);
    let incoming_binding = format_ident!("__incoming_{}", field.index);
    let set = set_pattern(field, &incoming_binding, krate);
    let existing_set = set_pattern(field, &existing_binding, krate);
    let into_existing = field::prepare_field(
        inner,
        Some(&quote!(#existing_binding)),
        &quote!(#incoming_binding),
        &[],
        krate,
    )?;
    let into_nothing = field::prepare_field(inner, None, &quote!(#incoming_binding), &[], krate)?;
    Some(quote! {
        match (#existing, #incoming) {
            (#existing_set, #set) => { #into_existing }
            (_, #set) => { #into_nothing }
            _ => {}
        }
    })
}

fn check_new(
    field: &LayerField,
    inner: &Field,
    incoming: &TokenStream,
    krate: &syn::Path,
) -> Option<TokenStream> {
    let binding = format_ident!("__incoming_{}", field.index);
    let set = set_pattern(field, &binding, krate);
    let check = field::prepare_field(inner, None, &quote!(#binding), &[], krate)?;
    Some(quote! {
        if let #set = #incoming {
            #check
        }
    })
}

/// `Setting`, `With` and `Skip` fields (see [`Route`]).
fn apply(
    field: &LayerField,
    inner: &Field,
    optional: &Field,
    existing: &TokenStream,
    krate: &syn::Path,
) -> TokenStream {
    let incoming = incoming(field);
    if field.field.attrs.skip.is_some() {
        // A skipped field keeps the first value a layer gives it.
        return match field.kind {
            Kind::Setting => quote! {
                if (#existing).is_absent() {
                    *#existing = #incoming;
                }
            },
            _ => quote!(#krate::strategy::keep_option(#existing, #incoming);),
        };
    }
    if field.kind == Kind::Setting
        && let Some(with) = &field.field.attrs.with
    {
        return with_setting(field, &with.value, existing, krate);
    }
    let existing_binding = format_ident!("__existing_{}", field.index);
    let set = set_pattern(field, &incoming, krate);
    let existing_set = set_pattern(field, &existing_binding, krate);
    let merge = field::apply_field(
        inner,
        &quote!(#existing_binding),
        &quote!(#incoming),
        &[],
        krate,
    );
    if field.kind != Kind::Setting {
        // `with` on a non-`Option` field: a value where none was is taken as it is.
        return quote! {
            match (#existing, #incoming) {
                (#existing_set, #set) => { #merge }
                (#existing_binding, #incoming @ ::core::option::Option::Some(_)) => {
                    *#existing_binding = #incoming;
                }
                _ => {}
            }
        };
    }
    // A value where none was (absent or unset) merges into nothing as the strategy's `Option`
    // impl does it (`json_deep` drops the patch's nulls), so the result does not depend on
    // whether an earlier layer set and then unset the field.
    let inner_ty = &field.inner;
    let fresh = format_ident!("__fresh_{}", field.index);
    let into_nothing = field::apply_field(
        optional,
        &quote!(&mut #fresh),
        &quote!(::core::option::Option::Some(#incoming)),
        &[],
        krate,
    );
    quote! {
        match (#existing, #incoming) {
            (#existing_set, #set) => { #merge }
            (#existing_binding, #set) => {
                let mut #fresh: ::core::option::Option<#inner_ty> = ::core::option::Option::None;
                #into_nothing
                if let ::core::option::Option::Some(#fresh) = #fresh {
                    *#existing_binding = #krate::Setting::Set(#fresh);
                }
            }
            (#existing_binding, #krate::Setting::Unset) => {
                *#existing_binding = #krate::Setting::Unset;
            }
            _ => {}
        }
    }
}

/// A `with` function of an `Option` field takes `&mut Option<T>`: the layer lends it the
/// setting as an `Option` (see `with_setting` in the core).
fn with_setting(
    field: &LayerField,
    path: &syn::Path,
    existing: &TokenStream,
    krate: &syn::Path,
) -> TokenStream {
    let incoming = incoming(field);
    let inner = &field.inner;
    let segment = field.field.segment.iter();
    let function = quote::quote_spanned! {syn::spanned::Spanned::span(path)=>
        let __merge_with: #krate::__private::WithFn<::core::option::Option<#inner>> = #path;
    };
    quote! {
        match #incoming {
            #krate::Setting::Absent => {}
            #krate::Setting::Unset => *#existing = #krate::Setting::Unset,
            #krate::Setting::Set(#incoming) => {
                #function
                if let ::core::result::Result::Err(__error) =
                    #krate::__private::with_setting(#existing, #incoming, __merge_with)
                {
                    return ::core::result::Result::Err(__error #(.at(#segment))*);
                }
            }
        }
    }
}

fn trace(field: &LayerField, inner: &Field, krate: &syn::Path) -> TokenStream {
    if field.field.attrs.skip.is_some() {
        return TokenStream::new();
    }
    let member = &field.field.member;
    let incoming = format_ident!("__incoming_{}", field.index);
    let set = set_pattern(field, &incoming, krate);
    let as_set = match field.kind {
        Kind::Setting => quote!(#krate::Setting::as_option),
        _ => quote!(::core::option::Option::as_ref),
    };
    let existing = quote!(__existing.and_then(|__existing| #as_set(&__existing.#member)));
    let record = crate::trace::trace_field(inner, &existing, &quote!(#incoming), krate);
    let unset = (field.kind == Kind::Setting).then(|| {
        let segment = field.segment();
        quote! {
            #krate::Setting::Unset => {
                let __mark = __tracer.enter(#segment);
                __tracer.delete(#krate::Strategy::UNSET);
                __tracer.leave(__mark);
            }
        }
    });
    quote! {
        match &__incoming.#member {
            #set => {
                #record
            }
            #unset
            _ => {}
        }
    }
}
