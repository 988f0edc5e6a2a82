//! The values of `key = ...` (`strategy = "keyed"`, see `keyed.rs`) and `list_key(...)`
//! (`json_deep`, see `list_key.rs`), parsed here so that those files can depend on the model.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Ident, LitStr, Token};

/// The key fields of a `keyed` list, each with the span errors about it point at.
#[derive(Clone)]
pub(crate) struct Key {
    pub(crate) names: Vec<Ident>,
    /// Written as a string (`key = "name"`): each name's span is the whole string.
    pub(crate) quoted: bool,
}

/// `key = "name"`, `key = "port, protocol"` or `key(port, protocol)`.
pub(crate) fn parse_key(meta: &ParseNestedMeta) -> syn::Result<Key> {
    let mut names: Vec<Ident> = Vec::new();
    let quoted = meta.input.peek(Token![=]);
    if quoted {
        let lit: LitStr = meta.value()?.parse()?;
        for name in lit.value().split(',').map(str::trim) {
            names.push(ident_in(&lit, name)?);
        }
    } else if meta.input.peek(syn::token::Paren) {
        meta.parse_nested_meta(|inner| {
            names.push(inner.path.require_ident()?.clone());
            Ok(())
        })?;
    } else {
        return Err(syn::Error::new(
            meta.path.span(),
            "expected `key = \"field\"` or `key(field_a, field_b)`: name the item fields that identify an item",
        ));
    }
    if names.is_empty() {
        return Err(syn::Error::new(
            meta.path.span(),
            "`key` names no field: write `key = \"field\"` or `key(field_a, field_b)`",
        ));
    }
    for (index, name) in names.iter().enumerate() {
        if names[..index].contains(name) {
            return Err(syn::Error::new(
                name.span(),
                format!("key field `{name}` is named twice; remove one"),
            ));
        }
    }
    Ok(Key { names, quoted })
}

/// One name from `key = "..."`, as an identifier spanned on the string (raw for keywords:
/// `key = "type"` reads the field `r#type`).
fn ident_in(lit: &LitStr, name: &str) -> syn::Result<Ident> {
    let parsed =
        syn::parse_str::<Ident>(name).or_else(|_| syn::parse_str::<Ident>(&format!("r#{name}")));
    match parsed {
        Ok(mut ident) if !name.is_empty() => {
            ident.set_span(lit.span());
            Ok(ident)
        }
        _ => Err(syn::Error::new(
            lit.span(),
            format!(
                "`{name}` is not a field name: write `key = \"field\"`, or `key = \"field_a, field_b\"` for a compound key"
            ),
        )),
    }
}

/// One `list_key(...)`: the dotted path of a list inside the document, and its key members.
#[derive(Clone)]
pub(crate) struct ListKey {
    pub(crate) path: String,
    pub(crate) members: Vec<String>,
    /// The `list_key` token, for errors about the whole rule.
    pub(crate) span: Span,
    pub(crate) path_span: Span,
}

/// `list_key(path = "process.rlimits", key = "type")`, `key = "key, effect"` for a compound key.
pub(crate) fn parse_list_key(meta: &ParseNestedMeta) -> syn::Result<ListKey> {
    let span = meta.path.span();
    let mut path: Option<LitStr> = None;
    let mut key: Option<LitStr> = None;
    meta.parse_nested_meta(|inner| {
        let slot = if inner.path.is_ident("path") {
            &mut path
        } else if inner.path.is_ident("key") {
            &mut key
        } else {
            // The value is read first, so that the error is this one and not a parse error.
            let _: syn::Expr = inner.value()?.parse()?;
            return Err(syn::Error::new_spanned(
                &inner.path,
                "unknown key in `list_key`: expected `list_key(path = \"a.b\", key = \"member\")`",
            ));
        };
        if slot.is_some() {
            return Err(inner.error("duplicate key in `list_key`; remove one of them"));
        }
        *slot = Some(inner.value()?.parse()?);
        Ok(())
    })?;
    let missing = |what: &str| {
        syn::Error::new(
            span,
            format!(
                "`list_key` needs `{what}`: write `list_key(path = \"process.rlimits\", key = \"type\")`"
            ),
        )
    };
    let path = path.ok_or_else(|| missing("path"))?;
    let key = key.ok_or_else(|| missing("key"))?;
    let path_text = path.value();
    if path_text
        .split('.')
        .any(|segment| segment.trim().is_empty() || segment.trim() != segment)
    {
        return Err(syn::Error::new(
            path.span(),
            format!(
                "invalid `list_key` path `{path_text}`: write object member names separated by dots, such as `path = \"process.rlimits\"`"
            ),
        ));
    }
    let members: Vec<String> = key
        .value()
        .split(',')
        .map(|member| member.trim().to_owned())
        .collect();
    if members.iter().any(String::is_empty) {
        return Err(syn::Error::new(
            key.span(),
            "invalid `list_key` key: write one member name, or several separated by commas, such as `key = \"key, effect\"`",
        ));
    }
    for (index, member) in members.iter().enumerate() {
        if members[..index].contains(member) {
            return Err(syn::Error::new(
                key.span(),
                format!("key member `{member}` is named twice; remove one"),
            ));
        }
    }
    Ok(ListKey {
        path: path_text,
        members,
        span,
        path_span: path.span(),
    })
}
