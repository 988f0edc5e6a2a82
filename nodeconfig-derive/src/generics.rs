//! The where-clause of the generated impl: inferred bounds, or the user's `bound = "..."`.

use std::collections::BTreeSet;

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{ToTokens, quote_spanned};
use syn::{Generics, Type, WhereClause, WherePredicate, parse_quote};

use crate::ast::Field;
use crate::attr::ContainerAttrs;
use crate::strategy::Argument;
use crate::{dispatch, field};

/// The where-clause: the input's own predicates, plus either the user's `bound` or, for each
/// field whose merge goes through a trait and whose type mentions a type parameter, that trait.
pub(crate) fn where_clause<'a>(
    generics: &Generics,
    attrs: &ContainerAttrs,
    fields: impl Iterator<Item = &'a Field<'a>>,
    krate: &syn::Path,
) -> Option<WhereClause> {
    let mut clause = generics
        .where_clause
        .clone()
        .unwrap_or_else(|| WhereClause {
            where_token: Default::default(),
            predicates: Default::default(),
        });
    let params: BTreeSet<String> = generics
        .type_params()
        .map(|param| param.ident.to_string())
        .collect();
    if let Some(bound) = &attrs.bound {
        clause.predicates.extend(bound.value.iter().cloned());
    }
    let mut seen = BTreeSet::new();
    for field in fields {
        let span = end_of(field.ty);
        let bound_krate = krate_at(krate, attrs.krate.is_some(), span);
        let Some(bound) = field_bound(field, &bound_krate, span) else {
            continue;
        };
        let generic = mentions_any(field.ty, &params);
        if generic && attrs.bound.is_some() {
            continue;
        }
        // A field type without type parameters is bounded too, at the field's type: rustc then
        // reports a type that lacks its merge once, there, and not again at each of the
        // generated calls (`Taint: DeepMerge` would otherwise be five errors for one mistake).
        let ty = field.ty;
        let predicate: WherePredicate = parse_quote!(#ty: #bound);
        if seen.insert(predicate.to_token_stream().to_string()) {
            clause.predicates.push(predicate);
        }
    }
    (!clause.predicates.is_empty()).then_some(clause)
}

/// The trait a field's merge calls, if any (`replace`, `keep`, `skip` and `with` need none);
/// a `keyed` list's names its item, so that the projection `Item` normalizes under the bound.
/// The bound's tokens are at `span`, the end of the field's type: the predicate then spans the
/// type (rustc joins its first and last tokens), and so does the error when the type lacks the
/// trait. A path given by `crate = "..."` keeps its own span, so a wrong one is reported once.
fn field_bound(field: &Field, krate: &syn::Path, span: Span) -> Option<TokenStream> {
    let merge = dispatch::merge_trait(field)?;
    let path = merge.path(krate, span);
    match (merge.argument, crate::ty::list_item(field.ty)) {
        (Argument::ItemKey, Some(item)) => Some(quote_spanned!(span=> #path<Item = #item>)),
        _ => Some(path),
    }
}

/// The path to the core for a bound at `span`: the default path moves there; a path given by
/// `crate = "..."` keeps its own span, so that a wrong one is reported once, at the attribute.
pub(crate) fn krate_at(krate: &syn::Path, given: bool, span: Span) -> syn::Path {
    if given {
        return krate.clone();
    }
    syn::parse2(field::respan(krate.to_token_stream(), span)).expect("a path stays a path")
}

/// The span of a type's last token: a bound whose tokens are there spans, with the type, the
/// whole type, and so does rustc's error when the type lacks the trait.
pub(crate) fn end_of(ty: &Type) -> Span {
    match ty.to_token_stream().into_iter().last() {
        Some(TokenTree::Group(group)) => group.span_close(),
        Some(token) => token.span(),
        None => Span::call_site(),
    }
}

pub(crate) fn mentions_any(ty: &Type, params: &BTreeSet<String>) -> bool {
    fn walk(tokens: TokenStream, params: &BTreeSet<String>) -> bool {
        tokens.into_iter().any(|token| match token {
            TokenTree::Ident(ident) => params.contains(&ident.to_string()),
            TokenTree::Group(group) => walk(group.stream(), params),
            _ => false,
        })
    }
    !params.is_empty() && walk(ty.to_token_stream(), params)
}
