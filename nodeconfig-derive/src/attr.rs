//! Parses `#[merge(...)]`, and reads the names `#[serde(...)]` gives fields and variants.

use proc_macro2::{Span, TokenTree};
use syn::meta::ParseNestedMeta;
use syn::punctuated::Punctuated;
use syn::{Attribute, LitStr, Token, WherePredicate};

use crate::case::RenameRule;
use crate::errors::Errors;
use crate::strategy::{self, Strategy};
use crate::suggest::nearest;

pub(crate) mod keys;

const CONTAINER_KEYS: &[&str] = &["crate", "bound", "layer"];
const FIELD_KEYS: &[&str] = &[
    "strategy", "with", "skip", "default", "nested", "key", "list_key",
];
/// Words people reach for when they mean one of the field keys.
const FIELD_KEY_SYNONYMS: &[(&str, &str)] = &[("ignore", "skip")];

/// A value with the span of the attribute key that set it, for errors that point at both
/// duplicates or at a conflicting pair.
#[derive(Clone)]
pub(crate) struct Spanned<T> {
    pub(crate) value: T,
    pub(crate) span: Span,
}

/// How a field merges, as its attributes say.
#[derive(Default, Clone)]
pub(crate) struct FieldAttrs {
    pub(crate) strategy: Option<Spanned<Strategy>>,
    pub(crate) with: Option<Spanned<syn::Path>>,
    pub(crate) skip: Option<Spanned<()>>,
    /// Layer types: `default` (`None` inside: `Default::default()`) or `default = "path"`.
    pub(crate) default: Option<Spanned<Option<syn::Path>>>,
    /// Layer types: the field holds the layer of its own type.
    pub(crate) nested: Option<Spanned<()>>,
    /// `key = "name"` or `key(a, b)`: the item fields of a `keyed` list (see `keyed.rs`).
    pub(crate) key: Option<Spanned<keys::Key>>,
    /// `list_key(path = "...", key = "...")`, repeatable (see `list_key.rs`).
    pub(crate) list_keys: Vec<keys::ListKey>,
    /// A `#[merge]` mistake on this field (unknown key or strategy, bad value) was already
    /// reported: the user did try to say how it merges, so no "needs a strategy" error on top.
    pub(crate) attr_error: bool,
    /// serde's name for the field, after `rename`.
    pub(crate) serde_rename: Option<String>,
    /// `#[serde(flatten)]`: the field's own fields appear at its parent's level.
    pub(crate) serde_flatten: bool,
}

/// What the container's attributes say.
#[derive(Default)]
pub(crate) struct ContainerAttrs {
    pub(crate) krate: Option<Spanned<syn::Path>>,
    pub(crate) bound: Option<Spanned<Vec<WherePredicate>>>,
    /// `layer = "Name"`: generate the layer type `Name`.
    pub(crate) layer: Option<Spanned<syn::Ident>>,
    pub(crate) serde_rename_all: Option<RenameRule>,
    pub(crate) serde_rename_all_fields: Option<RenameRule>,
    /// Internally tagged or untagged enums put variant fields at the enum's level.
    pub(crate) serde_variant_untagged: bool,
    /// Adjacently tagged enums put variant fields under the `content` key.
    pub(crate) serde_content: Option<String>,
    pub(crate) serde_transparent: bool,
}

/// What a variant's attributes say (variants take no `#[merge]` keys).
#[derive(Default)]
pub(crate) struct VariantAttrs {
    pub(crate) serde_rename: Option<String>,
    pub(crate) serde_rename_all: Option<RenameRule>,
}

fn set_once<T>(
    slot: &mut Option<Spanned<T>>,
    meta: &ParseNestedMeta,
    value: T,
    errors: &mut Errors,
) {
    let span = meta.path.segments[0].ident.span();
    let key = meta.path.segments[0].ident.to_string();
    if let Some(first) = slot {
        errors.push(syn::Error::new(
            span,
            format!("duplicate merge attribute `{key}`; remove one of them"),
        ));
        errors.push(syn::Error::new(
            first.span,
            format!("`{key}` is first set here"),
        ));
    } else {
        *slot = Some(Spanned { value, span });
    }
}

fn unknown_key(
    meta: &ParseNestedMeta,
    known: &[&str],
    synonyms: &[(&str, &str)],
    place: &str,
) -> syn::Error {
    let key = meta
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::");
    let mut message = format!("unknown merge attribute `{key}` on a {place}");
    match nearest(&key, known, synonyms) {
        Some(near) => message.push_str(&format!(": did you mean `{near}`?")),
        None => message.push_str(&format!(": expected one of {}", backticked(known))),
    }
    syn::Error::new_spanned(&meta.path, message)
}

fn backticked(names: &[&str]) -> String {
    names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The string after `key = `, or an error that shows the expected form.
fn string_value(meta: &ParseNestedMeta, example: &str) -> syn::Result<LitStr> {
    let expected = |span| syn::Error::new(span, format!("expected `{example}`"));
    if !meta.input.peek(Token![=]) {
        return Err(expected(meta.path.segments[0].ident.span()));
    }
    meta.value()?
        .parse::<LitStr>()
        .map_err(|error| expected(error.span()))
}

/// Skips the value of a key we don't parse, whether `key = value` or `key(...)`.
fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    let input = meta.input;
    if input.peek(Token![=]) {
        input.parse::<Token![=]>()?;
        while !input.is_empty() && !input.peek(Token![,]) {
            input.parse::<TokenTree>()?;
        }
    } else if !input.is_empty() && !input.peek(Token![,]) {
        input.parse::<TokenTree>()?;
    }
    Ok(())
}

pub(crate) fn container(attrs: &[Attribute], errors: &mut Errors) -> ContainerAttrs {
    let mut parsed = ContainerAttrs::default();
    for attr in attrs {
        if attr.path().is_ident("merge") {
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("crate") {
                    // #[merge(crate = "path::to::nodeconfig_core")]
                    let lit = string_value(&meta, "crate = \"path::to::nodeconfig_core\"")?;
                    match lit.parse::<syn::Path>() {
                        Ok(path) => set_once(&mut parsed.krate, &meta, path, errors),
                        Err(_) => errors.push(syn::Error::new(
                            lit.span(),
                            "invalid `crate`: expected the path of nodeconfig-core, such as \
                             `crate = \"renamed_core\"` or `crate = \"my_framework::core\"`",
                        )),
                    }
                } else if meta.path.is_ident("bound") {
                    // #[merge(bound = "T: DeepMerge + Default, U: Clone")]
                    let lit = string_value(&meta, "bound = \"T: DeepMerge\"")?;
                    match lit.parse_with(Punctuated::<WherePredicate, Token![,]>::parse_terminated)
                    {
                        Ok(predicates) => set_once(
                            &mut parsed.bound,
                            &meta,
                            predicates.into_iter().collect(),
                            errors,
                        ),
                        Err(error) => errors.push(syn::Error::new(
                            lit.span(),
                            format!(
                                "invalid `bound`: {error}; write where-clause predicates, such as \
                                 `bound = \"T: DeepMerge, U: Default\"`"
                            ),
                        )),
                    }
                } else if meta.path.is_ident("layer") {
                    // #[merge(layer = "ServerLayer")]
                    let lit = string_value(&meta, "layer = \"ServerLayer\"")?;
                    match lit.parse::<syn::Ident>() {
                        Ok(name) => set_once(&mut parsed.layer, &meta, name, errors),
                        Err(_) => errors.push(syn::Error::new(
                            lit.span(),
                            "invalid `layer`: expected the name of the type to generate, such as \
                             `layer = \"ServerLayer\"`",
                        )),
                    }
                } else {
                    errors.push(unknown_key(&meta, CONTAINER_KEYS, &[], "struct or enum"));
                    skip_value(&meta)?;
                }
                Ok(())
            });
            if let Err(error) = result {
                errors.push(error);
            }
        } else if attr.path().is_ident("serde") {
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename_all") {
                    parsed.serde_rename_all = rename_rule(&meta, errors)?;
                } else if meta.path.is_ident("rename_all_fields") {
                    parsed.serde_rename_all_fields = rename_rule(&meta, errors)?;
                } else if meta.path.is_ident("tag") {
                    parsed.serde_variant_untagged = parsed.serde_content.is_none();
                    skip_value(&meta)?;
                } else if meta.path.is_ident("content") {
                    parsed.serde_content = serde_name(&meta)?;
                    parsed.serde_variant_untagged = false;
                } else if meta.path.is_ident("untagged") {
                    parsed.serde_variant_untagged = true;
                } else if meta.path.is_ident("transparent") {
                    parsed.serde_transparent = true;
                } else {
                    skip_value(&meta)?;
                }
                Ok(())
            });
        }
    }
    parsed
}

pub(crate) fn variant(attrs: &[Attribute], errors: &mut Errors) -> VariantAttrs {
    let mut parsed = VariantAttrs::default();
    for attr in attrs {
        if attr.path().is_ident("merge") {
            errors.error_spanned_by(
                attr,
                "`#[merge(...)]` is not allowed on a variant: put it on the variant's fields, or \
                 on the enum",
            );
        } else if attr.path().is_ident("serde") {
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    parsed.serde_rename = serde_name(&meta)?;
                } else if meta.path.is_ident("rename_all") {
                    parsed.serde_rename_all = rename_rule(&meta, errors)?;
                } else {
                    skip_value(&meta)?;
                }
                Ok(())
            });
        }
    }
    parsed
}

pub(crate) fn field(attrs: &[Attribute], errors: &mut Errors) -> FieldAttrs {
    let mut parsed = FieldAttrs::default();
    for attr in attrs {
        if attr.path().is_ident("merge") {
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("strategy") {
                    // #[merge(strategy = "append")]
                    let lit = string_value(&meta, "strategy = \"append\"")?;
                    match Strategy::from_name(&lit.value()) {
                        Some(strategy) => set_once(&mut parsed.strategy, &meta, strategy, errors),
                        None => {
                            parsed.attr_error = true;
                            errors.push(unknown_strategy(&lit));
                        }
                    }
                } else if meta.path.is_ident("with") {
                    // #[merge(with = "path::to::merge_fn")]
                    let lit = string_value(&meta, "with = \"path::to::merge_fn\"")?;
                    match lit.parse::<syn::Path>() {
                        Ok(path) => set_once(&mut parsed.with, &meta, path, errors),
                        Err(_) => {
                            parsed.attr_error = true;
                            errors.push(syn::Error::new(
                                lit.span(),
                                "invalid `with`: expected the path of a function, such as \
                                 `with = \"merge_flags\"` or `with = \"crate::merge::union\"`",
                            ));
                        }
                    }
                } else if meta.path.is_ident("skip") {
                    // #[merge(skip)]
                    set_once(&mut parsed.skip, &meta, (), errors);
                } else if meta.path.is_ident("default") {
                    // #[merge(default)] or #[merge(default = "path::to::fn")]
                    let function = if meta.input.peek(Token![=]) {
                        let lit = string_value(&meta, "default = \"path::to::fn\"")?;
                        match lit.parse::<syn::Path>() {
                            Ok(path) => Some(path),
                            Err(_) => {
                                parsed.attr_error = true;
                                errors.push(syn::Error::new(
                                    lit.span(),
                                    "invalid `default`: expected the path of a function, such as \
                                     `default = \"default_port\"`",
                                ));
                                return Ok(());
                            }
                        }
                    } else {
                        None
                    };
                    set_once(&mut parsed.default, &meta, function, errors);
                } else if meta.path.is_ident("nested") {
                    // #[merge(nested)]
                    set_once(&mut parsed.nested, &meta, (), errors);
                } else if meta.path.is_ident("list_key") {
                    // #[merge(list_key(path = "process.rlimits", key = "type"))]
                    match keys::parse_list_key(&meta) {
                        Ok(rule) => parsed.list_keys.push(rule),
                        Err(error) => {
                            parsed.attr_error = true;
                            errors.push(error);
                        }
                    }
                } else if meta.path.is_ident("key") {
                    // #[merge(key = "name")], #[merge(key = "port, protocol")], #[merge(key(port, protocol))]
                    match keys::parse_key(&meta) {
                        Ok(names) => set_once(&mut parsed.key, &meta, names, errors),
                        Err(error) => {
                            parsed.attr_error = true;
                            errors.push(error);
                        }
                    }
                } else {
                    parsed.attr_error = true;
                    errors.push(unknown_key(&meta, FIELD_KEYS, FIELD_KEY_SYNONYMS, "field"));
                    skip_value(&meta)?;
                }
                Ok(())
            });
            if let Err(error) = result {
                parsed.attr_error = true;
                errors.push(error);
            }
        } else if attr.path().is_ident("serde") {
            let _ = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    parsed.serde_rename = serde_name(&meta)?;
                } else if meta.path.is_ident("flatten") {
                    parsed.serde_flatten = true;
                } else {
                    skip_value(&meta)?;
                }
                Ok(())
            });
        }
    }
    parsed
}

fn unknown_strategy(lit: &LitStr) -> syn::Error {
    let name = lit.value();
    let names = strategy::names();
    let message = match nearest(&name, &names, &strategy::synonyms()) {
        Some(near) => format!("unknown merge strategy `{name}`: did you mean `{near}`?"),
        None => format!(
            "unknown merge strategy `{name}`: expected one of {}, or use `with = \"path::to::fn\"`",
            backticked(&names)
        ),
    };
    syn::Error::new(lit.span(), message)
}

/// serde's `rename_all = "camelCase"` (or the `deserialize` half of `rename_all(...)`): an
/// unknown case name is an error here, since without serde's own derive nothing else would
/// report it and error paths would silently use the Rust names.
fn rename_rule(meta: &ParseNestedMeta, errors: &mut Errors) -> syn::Result<Option<RenameRule>> {
    // Each case name given, and whether it is the one deserializing reads.
    let mut names: Vec<(LitStr, bool)> = Vec::new();
    if meta.input.peek(Token![=]) {
        names.push((meta.value()?.parse::<LitStr>()?, true));
    } else {
        meta.parse_nested_meta(|inner| {
            let lit = inner.value()?.parse::<LitStr>()?;
            names.push((lit, inner.path.is_ident("deserialize")));
            Ok(())
        })?;
    }
    let mut rule = None;
    for (lit, deserialize) in names {
        match RenameRule::from_str(&lit.value()) {
            Some(known) if deserialize => rule = Some(known),
            Some(_) => {}
            None => errors.push(unknown_case(&lit)),
        }
    }
    Ok(rule)
}

fn unknown_case(lit: &LitStr) -> syn::Error {
    let name = lit.value();
    let mut message = format!("unknown serde `rename_all` case `{name}`");
    match nearest_case(&name) {
        Some(near) => message.push_str(&format!(": did you mean `{near}`?")),
        None => message.push_str(&format!(
            ": expected one of {}",
            backticked(RenameRule::NAMES)
        )),
    }
    syn::Error::new(lit.span(), message)
}

/// Case names differ in case and separators only, so compare them with those set aside.
fn nearest_case(name: &str) -> Option<&'static str> {
    let fold = |name: &str| -> String {
        name.chars()
            .filter(|c| c.is_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let folded: Vec<String> = RenameRule::NAMES.iter().map(|known| fold(known)).collect();
    let folded_refs: Vec<&str> = folded.iter().map(String::as_str).collect();
    let near = nearest(&fold(name), &folded_refs, &[])?;
    let index = folded_refs.iter().position(|known| *known == near)?;
    Some(RenameRule::NAMES[index])
}

/// The name serde reads in documents: `rename = "x"` or the `deserialize` half of
/// `rename(serialize = "x", deserialize = "y")`.
fn serde_name(meta: &ParseNestedMeta) -> syn::Result<Option<String>> {
    if meta.input.peek(Token![=]) {
        return Ok(Some(meta.value()?.parse::<LitStr>()?.value()));
    }
    let mut deserialize = None;
    meta.parse_nested_meta(|inner| {
        let value = inner.value()?.parse::<LitStr>()?.value();
        if inner.path.is_ident("deserialize") {
            deserialize = Some(value);
        }
        Ok(())
    })?;
    Ok(deserialize)
}
