//! Generates `DeepMerge::trace_merge`: a read-only walk that records what each field's merge
//! would set, for `nodeconfig_core::trace::merge_all_traced`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::{Enum, Field};
use crate::attr::Strategy;
use crate::expand::variant_pattern;
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
            return quote!((_, Self::#ident) => __tracer.set("replace"),);
        }
        let existing = variant_pattern(variant, "existing", used);
        let incoming = variant_pattern(variant, "incoming", used);
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
                quote!(let __variant_mark = __tracer.enter(#segment);),
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
                    __tracer.set("replace");
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
    let strategies = quote!(#krate::trace::strategies);
    let is_option = ty::option_inner(ty).is_some();
    let record = if field.attrs.with.is_some() {
        // Resolved here, where the field's type is concrete: `KnownEmptiness` when the type can
        // be empty, the `UnknownEmptiness` fallback otherwise.
        quote! {{
            #[allow(unused_imports)]
            use #strategies::{KnownEmptiness as _, UnknownEmptiness as _};
            #strategies::with((&#strategies::WithProbe(#incoming)).is_unset(), __tracer);
        }}
    } else {
        match field.attrs.strategy.as_ref().map(|strategy| strategy.value) {
            None => {
                quote!(<#ty as #krate::DeepMerge>::trace_merge(#existing, #incoming, __tracer);)
            }
            Some(Strategy::Replace) if is_option => {
                quote!(#strategies::replace_option(#incoming, __tracer);)
            }
            Some(Strategy::Replace) => quote!(#strategies::replace(__tracer);),
            Some(Strategy::Keep) if is_option => {
                quote!(#strategies::keep_option(#existing, #incoming, __tracer);)
            }
            Some(Strategy::Keep) => quote!(#strategies::keep(#existing, __tracer);),
            Some(Strategy::Append) => {
                // Only the trait path carries the field's span: a wrong type then gives the
                // same error as the merge itself (deduplicated), and the closure stays the
                // macro's own code, out of clippy's sight.
                let count =
                    quote_spanned!(ty.span()=> <#ty as #krate::strategy::Append>::item_count);
                quote! {
                    #strategies::append(#existing.map(|__list| #count(__list)), #count(#incoming), __tracer);
                }
            }
            Some(Strategy::Union) => quote_spanned! {ty.span()=>
                <#ty as #krate::strategy::Union>::trace_union(#existing, #incoming, __tracer);
            },
            Some(Strategy::Keyed) => crate::keyed::trace(field, existing, incoming, krate),
            Some(Strategy::JsonDeep) if crate::list_key::applies(field) => {
                crate::list_key::trace(field, existing, incoming, krate)
            }
            Some(Strategy::MergePatch) if crate::list_key::applies(field) => {
                crate::list_key::trace_patch(field, existing, incoming, krate)
            }
            Some(Strategy::JsonDeep) => quote_spanned! {ty.span()=>
                <#ty as #krate::strategy::JsonDeep>::trace_json_deep(#existing, #incoming, __tracer);
            },
            Some(Strategy::MergePatch) => quote_spanned! {ty.span()=>
                <#ty as #krate::strategy::MergePatch>::trace_merge_patch(#existing, #incoming, __tracer);
            },
            Some(Strategy::TomlDeep) => quote_spanned! {ty.span()=>
                <#ty as #krate::strategy::TomlDeep>::trace_toml_deep(#existing, #incoming, __tracer);
            },
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
