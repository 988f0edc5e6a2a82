//! The derive's input as a small borrowed model that keeps the original syn nodes for spans.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::{Data, DeriveInput, Fields, Generics, Ident, Member, Type};

use crate::attr::{self, ContainerAttrs, FieldAttrs, VariantAttrs};
use crate::case::RenameRule;
use crate::errors::Errors;

pub(crate) enum Input<'a> {
    Struct(Struct<'a>),
    Enum(Enum<'a>),
}

pub(crate) struct Struct<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) generics: &'a Generics,
    pub(crate) attrs: ContainerAttrs,
    pub(crate) fields: Vec<Field<'a>>,
}

pub(crate) struct Enum<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) generics: &'a Generics,
    pub(crate) attrs: ContainerAttrs,
    pub(crate) variants: Vec<Variant<'a>>,
}

pub(crate) struct Variant<'a> {
    pub(crate) ident: &'a Ident,
    /// The path segment of the variant in errors, or `None` when serde puts the variant's
    /// fields at the enum's own level (internally tagged, untagged).
    pub(crate) segment: Option<String>,
    pub(crate) fields: Vec<Field<'a>>,
}

pub(crate) struct Field<'a> {
    pub(crate) member: Member,
    pub(crate) ty: &'a Type,
    pub(crate) attrs: FieldAttrs,
    /// The field's segment in error paths (serde-visible), or `None` when the field is not a
    /// level of its own (flattened, or the only field of a newtype).
    pub(crate) segment: Option<String>,
    /// The field's number among all fields of the input (every variant's, for an enum): it
    /// names what the derive defines once per field, such as a `keyed` field's `ItemKey`.
    pub(crate) ordinal: usize,
}

impl<'a> Input<'a> {
    pub(crate) fn from_syn(input: &'a DeriveInput, errors: &mut Errors) -> Option<Self> {
        let attrs = attr::container(&input.attrs, errors);
        match &input.data {
            Data::Struct(data) => {
                let transparent = attrs.serde_transparent || is_newtype(&data.fields);
                let fields =
                    Field::multiple(&data.fields, attrs.serde_rename_all, transparent, errors);
                Some(Input::Struct(Struct {
                    ident: &input.ident,
                    generics: &input.generics,
                    attrs,
                    fields,
                }))
            }
            Data::Enum(data) => {
                let mut variants: Vec<Variant> = data
                    .variants
                    .iter()
                    .map(|variant| Variant::from_syn(variant, &attrs, errors))
                    .collect();
                let fields = variants.iter_mut().flat_map(|variant| &mut variant.fields);
                for (ordinal, field) in fields.enumerate() {
                    field.ordinal = ordinal;
                }
                Some(Input::Enum(Enum {
                    ident: &input.ident,
                    generics: &input.generics,
                    attrs,
                    variants,
                }))
            }
            Data::Union(data) => {
                errors.push(syn::Error::new(
                    data.union_token.span,
                    "`DeepMerge` cannot be derived for a union: which field is set is unknown; \
                     use an enum or a struct",
                ));
                None
            }
        }
    }
}

impl<'a> Variant<'a> {
    fn from_syn(
        variant: &'a syn::Variant,
        container: &ContainerAttrs,
        errors: &mut Errors,
    ) -> Self {
        let attrs: VariantAttrs = attr::variant(&variant.attrs, errors);
        let name = unraw(&variant.ident);
        let name = attrs
            .serde_rename
            .clone()
            .or_else(|| {
                container
                    .serde_rename_all
                    .map(|rule| rule.apply_to_variant(&name))
            })
            .unwrap_or(name);
        let segment = if container.serde_variant_untagged {
            None
        } else if let Some(content) = &container.serde_content {
            Some(content.clone())
        } else {
            Some(name)
        };
        let rule = attrs.serde_rename_all.or(container.serde_rename_all_fields);
        let fields = Field::multiple(&variant.fields, rule, is_newtype(&variant.fields), errors);
        Variant {
            ident: &variant.ident,
            segment,
            fields,
        }
    }
}

impl Variant<'_> {
    /// `Self::V { a: __{side}_0, b: _ }`: the variant's pattern, binding the fields `used` keeps
    /// as `__{side}_{index}` and ignoring the rest.
    pub(crate) fn pattern(&self, side: &str, used: impl Fn(&Field) -> bool) -> TokenStream {
        let ident = self.ident;
        let bindings = self.fields.iter().enumerate().map(|(index, field)| {
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
        match self.fields.first().map(|field| &field.member) {
            Some(Member::Named(_)) => quote!(Self::#ident { #(#bindings),* }),
            Some(Member::Unnamed(_)) => quote!(Self::#ident(#(#bindings),*)),
            None => quote!(Self::#ident),
        }
    }
}

impl<'a> Field<'a> {
    fn multiple(
        fields: &'a Fields,
        rename_all: Option<RenameRule>,
        transparent: bool,
        errors: &mut Errors,
    ) -> Vec<Self> {
        fields
            .iter()
            .enumerate()
            .map(|(index, field)| {
                let attrs = attr::field(&field.attrs, errors);
                let member = match &field.ident {
                    Some(ident) => Member::Named(ident.clone()),
                    None => Member::Unnamed(syn::Index {
                        index: index as u32,
                        span: Span::call_site(),
                    }),
                };
                let segment = if transparent || attrs.serde_flatten {
                    None
                } else {
                    Some(match (&attrs.serde_rename, &field.ident) {
                        (Some(rename), _) => rename.clone(),
                        (None, Some(ident)) => {
                            let name = unraw(ident);
                            rename_all.map_or(name.clone(), |rule| rule.apply_to_field(&name))
                        }
                        (None, None) => index.to_string(),
                    })
                };
                Field {
                    member,
                    ty: &field.ty,
                    attrs,
                    segment,
                    ordinal: index,
                }
            })
            .collect()
    }
}

fn is_newtype(fields: &Fields) -> bool {
    matches!(fields, Fields::Unnamed(unnamed) if unnamed.unnamed.len() == 1)
}

fn unraw(ident: &Ident) -> String {
    let name = ident.to_string();
    name.strip_prefix("r#").map(str::to_owned).unwrap_or(name)
}
