//! Generates `DeepMerge::trace_merge`: a read-only walk that records what each field's merge
//! would set, for `nodeconfig_core::trace::merge_all_traced`.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::Ident;
use syn::spanned::Spanned;

use crate::ast::{Enum, Field};
use crate::dispatch::merge_trait;
use crate::field::argument;
use crate::strategy::{self, Merge};
use crate::ty;

/// The enum's trace: the same variant traces field by field against the existing one; another
/// variant replaces the whole value (recorded at the enum's own path first, so the old
/// variant's leaves count as replaced), then traces its fields against nothing.
pub(crate) fn trace_enum(data: &Enum, krate: &syn::Path) -> TokenStream {
    if data.variants.is_empty() {
        return quote!(match *__incoming {});
    }
    let arms = data.variants.iter().map(|variant| {
        let ident = variant.ident;
        let used = |field: &Field| field.attrs.skip.is_none();
        if variant.fields.is_empty() {
            return quote!((_, Self::#ident) => __tracer.set(#krate::Strategy::REPLACE),);
        }
        let existing = variant.pattern("existing", used);
        let incoming = variant.pattern("incoming", used);
        let fields = |same: bool| {
            variant
                .fields
                .iter()
                .enumerate()
                .map(move |(index, field)| {
                    let existing_binding = format_ident!("__existing_{}", index);
                    let incoming_binding = format_ident!("__incoming_{}", index);
                    let ty = field.ty;
                    let existing = if same {
                        quote!(::core::option::Option::Some(#existing_binding))
                    } else {
                        quote!(::core::option::Option::None::<&#ty>)
                    };
                    trace_field(field, &existing, &quote!(#incoming_binding), krate)
                })
        };
        let same = fields(true);
        let other = fields(false);
        let (enter, leave) = match &variant.segment {
            Some(segment) => (
                quote!(let __variant_mark = __tracer.enter(#krate::Segment::variant(#segment));),
                quote!(__tracer.leave(__variant_mark);),
            ),
            None => (TokenStream::new(), TokenStream::new()),
        };
        quote! {
            (::core::option::Option::Some(#existing), #incoming) => {
                #enter
                #(#same)*
                #leave
            }
            (__other, #incoming) => {
                if __other.is_some() {
                    __tracer.set(#krate::Strategy::REPLACE);
                }
                #enter
                #(#other)*
                #leave
            }
        }
    });
    quote! {
        match (__existing, __incoming) {
            #(#arms)*
        }
    }
}

/// One field's trace: enter its path segment, record what its merge would set, leave.
pub(crate) fn trace_field(
    field: &Field,
    existing: &TokenStream,
    incoming: &TokenStream,
    krate: &syn::Path,
) -> TokenStream {
    if field.attrs.skip.is_some() {
        return TokenStream::new();
    }
    let ty = field.ty;
    let strategies = quote!(#krate::__private::trace);
    let record = if field.attrs.with.is_some() {
        // Resolved here, where the field's type is concrete: `KnownEmptiness` when the type can
        // be empty, the `UnknownEmptiness` fallback otherwise.
        quote! {{
            #[allow(unused_imports)]
            use #strategies::{KnownEmptiness as _, UnknownEmptiness as _};
            #strategies::with((&#strategies::WithProbe(#incoming)).is_unset(), __tracer);
        }}
    } else if let Some(strategy) = &field.attrs.strategy
        && let Merge::Function { plain, option } = &strategy.value.def().merge
    {
        let function = if ty::option_inner(ty).is_some() {
            option
        } else {
            plain
        };
        let name = strategy::ident(function.trace);
        let existing = function.trace_existing.then_some(existing).into_iter();
        let incoming = function.trace_incoming.then_some(incoming).into_iter();
        quote!(#strategies::#name(#(#existing,)* #(#incoming,)* __tracer);)
    } else {
        let merge = merge_trait(field).expect("a field that is not skipped nor `with` has a trait");
        // A field without a strategy traces at the derive: a type without `DeepMerge` is
        // reported once, at its merge; a strategy's trace is at the field, like its merge.
        let span = if field.attrs.strategy.is_none() {
            Span::call_site()
        } else {
            ty.span()
        };
        let trait_path = merge.path(krate, span);
        let method = Ident::new(merge.trace, span);
        let key = argument(field, merge, krate);
        quote_spanned! {span=>
            <#ty as #trait_path>::#method(#existing, #incoming #key, __tracer);
        }
    };
    match &field.segment {
        Some(segment) => quote! {
            {
                let __mark = __tracer.enter(#segment);
                #record
                __tracer.leave(__mark);
            }
        },
        None => record,
    }
}
