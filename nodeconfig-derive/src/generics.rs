//! The where-clause of the generated impl: inferred bounds, or the user's `bound = "..."`.

use std::collections::BTreeSet;

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::{Generics, Type, WhereClause, WherePredicate, parse_quote};

use crate::ast::Field;
use crate::attr::ContainerAttrs;
use crate::field;
use crate::strategy::Argument;

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
    match &attrs.bound {
        Some(bound) => clause.predicates.extend(bound.value.iter().cloned()),
        None => {
            let params: BTreeSet<String> = generics
                .type_params()
                .map(|param| param.ident.to_string())
                .collect();
            let mut seen = BTreeSet::new();
            for field in fields {
                let Some(bound) = field_bound(field, krate) else {
                    continue;
                };
                if mentions_any(field.ty, &params) {
                    let predicate: WherePredicate = {
                        let ty = field.ty;
                        parse_quote!(#ty: #bound)
                    };
                    if seen.insert(predicate.to_token_stream().to_string()) {
                        clause.predicates.push(predicate);
                    }
                }
            }
        }
    }
    (!clause.predicates.is_empty()).then_some(clause)
}

/// The trait a field's merge calls, if any (`replace`, `keep`, `skip` and `with` need none);
/// a `keyed` list's names its item, so that the projection `Item` normalizes under the bound.
fn field_bound(field: &Field, krate: &syn::Path) -> Option<TokenStream> {
    let merge = field::merge_trait(field)?;
    let path = merge.path(krate, Span::call_site());
    match (merge.argument, crate::ty::list_item(field.ty)) {
        (Argument::ItemKey, Some(item)) => Some(quote!(#path<Item = #item>)),
        _ => Some(path),
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
