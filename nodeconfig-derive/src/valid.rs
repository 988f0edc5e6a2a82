//! Rules that span several attributes or need the field's type: one function per rule.

use crate::ast::{Field, Input};
use crate::errors::Errors;
use crate::strategy::{self, Fits};
use crate::ty::{self, Shape};

/// Checks every field; returns, in field order (variant by variant for an enum), whether each
/// field passed every rule, so that the fallback can still check the types of those that did.
pub(crate) fn check(input: &Input, errors: &mut Errors) -> Vec<bool> {
    let fields: Box<dyn Iterator<Item = &Field>> = match input {
        Input::Struct(data) => Box::new(data.fields.iter()),
        Input::Enum(data) => Box::new(data.variants.iter().flat_map(|variant| &variant.fields)),
    };
    let mut passed = Vec::new();
    let layered = matches!(input, Input::Struct(data) if data.attrs.layer.is_some());
    for field in fields {
        let before = errors.count();
        one_way_to_merge(field, errors);
        strategy_fits_type(field, errors);
        document_fields_choose_a_strategy(field, layered, errors);
        crate::keyed::check(field, errors);
        crate::list_key::check(field, errors);
        passed.push(errors.count() == before && !field.attrs.attr_error);
    }
    passed
}

/// `skip`, `strategy` and `with` each say how the field merges, so at most one may be given.
fn one_way_to_merge(field: &Field, errors: &mut Errors) {
    let attrs = &field.attrs;
    let given = [
        attrs.skip.as_ref().map(|skip| ("skip", skip.span)),
        attrs
            .strategy
            .as_ref()
            .map(|strategy| ("strategy", strategy.span)),
        attrs.with.as_ref().map(|with| ("with", with.span)),
    ];
    let mut given = given.into_iter().flatten();
    let Some((first, _)) = given.next() else {
        return;
    };
    for (other, span) in given {
        let message = if first == "skip" {
            format!(
                "`skip` cannot be combined with `{other}`: a skipped field keeps its earlier value; remove `{other}` or `skip`"
            )
        } else {
            format!(
                "`{other}` cannot be combined with `{first}`: each says how the field merges; keep one of them"
            )
        };
        errors.push(syn::Error::new(span, message));
    }
}

/// A strategy on a type it visibly cannot merge (`append` on a `String`) is caught here with
/// a message that names what fits; types the derive can't see through are left to the
/// strategy traits' bounds.
fn strategy_fits_type(field: &Field, errors: &mut Errors) {
    let Some(strategy) = &field.attrs.strategy else {
        return;
    };
    let shape = ty::shape(field.ty);
    let def = strategy.value.def();
    if def.fits(shape) {
        return;
    }
    if let Fits::Shapes { takes, .. } = def.fits {
        let name = def.name;
        let ty = ty::display(field.ty);
        // `toml_deep` fits a `String` only if it holds a TOML document: say so, rather than
        // offering it to someone who wanted to append to a name.
        let instead = match shape {
            Shape::Text => {
                "`replace` or `keep` (or `toml_deep` if it holds a TOML document)".to_owned()
            }
            _ => or_list(&strategy::fitting(shape)),
        };
        errors.push(syn::Error::new(
            strategy.span,
            format!("strategy `{name}` cannot merge `{ty}`: it takes {takes}; use {instead}"),
        ));
    }
}

/// The guard against the bug this crate exists for: a list or document field with no
/// strategy does not compile, and the error sits on the field and names the strategies that fit.
///
/// Outside a layer type, a list or document that is not an `Option` has a second trap: a later
/// layer deserialized with `#[serde(default)]` holds an empty value where its file says nothing,
/// and `replace` takes it (issue 15). The message says so and points to layer types.
fn document_fields_choose_a_strategy(field: &Field, layered: bool, errors: &mut Errors) {
    let attrs = &field.attrs;
    if attrs.strategy.is_some() || attrs.with.is_some() || attrs.skip.is_some() || attrs.attr_error
    {
        return;
    }
    let shape = ty::shape(field.ty);
    if !shape.lacks_default_merge() {
        return;
    }
    let name = match &field.member {
        syn::Member::Named(ident) => format!("field `{ident}`"),
        syn::Member::Unnamed(index) => format!("field `{}`", index.index),
    };
    let absent_rule = if layered || ty::option_inner(field.ty).is_some() {
        ""
    } else {
        match shape {
            Shape::List | Shape::Json | Shape::Toml | Shape::Document => {
                "; if later layers come from serde with `#[serde(default)]`, a layer that leaves \
                 the field out holds an empty value that `replace` takes: make the field \
                 `Option<...>`, or derive a layer type with `#[merge(layer = \"...\")]`"
            }
            _ => "",
        }
    };
    errors.error_spanned_by(
        field.ty,
        format!(
            "{name} is {}: {}{absent_rule}",
            shape.describe(),
            shape.advice()
        ),
    );
}

/// "`a`, `b` or `c`".
fn or_list(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    match quoted.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// The rules of layer types (`layer`, `default`, `nested`), one function each below.
pub(crate) fn check_layer(input: &syn::DeriveInput, parsed: &Input, errors: &mut Errors) {
    let (layer, fields): (_, Box<dyn Iterator<Item = &Field>>) = match parsed {
        Input::Struct(data) => (data.attrs.layer.as_ref(), Box::new(data.fields.iter())),
        Input::Enum(data) => (
            data.attrs.layer.as_ref(),
            Box::new(data.variants.iter().flat_map(|variant| &variant.fields)),
        ),
    };
    if let Some(layer) = layer {
        layer_needs_named_fields(input, layer.span, errors);
    }
    for field in fields {
        layer_keys_need_a_layer(field, layer.is_some(), errors);
        if layer.is_some() {
            default_is_not_for_options(field, errors);
            nested_merges_as_its_layer(field, errors);
        }
    }
}

/// A layer type makes each named field optional; an enum or a tuple struct has no such fields.
fn layer_needs_named_fields(
    input: &syn::DeriveInput,
    span: proc_macro2::Span,
    errors: &mut Errors,
) {
    let what = match &input.data {
        syn::Data::Struct(data) => match data.fields {
            syn::Fields::Named(_) => return,
            syn::Fields::Unnamed(_) => "a tuple struct",
            syn::Fields::Unit => "a unit struct",
        },
        syn::Data::Enum(_) => "an enum",
        syn::Data::Union(_) => return,
    };
    errors.push(syn::Error::new(
        span,
        format!(
            "`layer` cannot be used on {what}: a layer type needs a struct with named fields; \
             remove `layer`, or use a struct with named fields"
        ),
    ));
}

/// `default` and `nested` say how a layer builds the field; without a layer they would be
/// silently ignored.
fn layer_keys_need_a_layer(field: &Field, layered: bool, errors: &mut Errors) {
    if layered {
        return;
    }
    let keys = [
        field
            .attrs
            .default
            .as_ref()
            .map(|key| ("default", key.span)),
        field.attrs.nested.as_ref().map(|key| ("nested", key.span)),
    ];
    for (key, span) in keys.into_iter().flatten() {
        errors.push(syn::Error::new(
            span,
            format!(
                "`{key}` applies only to the fields of a struct with `#[merge(layer = \"...\")]`; \
                 add `layer` to the struct, or remove `{key}`"
            ),
        ));
    }
}

/// An `Option` field is already `None` when no layer sets it: a default would never apply.
fn default_is_not_for_options(field: &Field, errors: &mut Errors) {
    if let Some(default) = &field.attrs.default
        && ty::option_inner(field.ty).is_some()
    {
        errors.push(syn::Error::new(
            default.span,
            "`default` cannot be used on an `Option` field: it is `None` when no layer sets it; \
             remove `default`, or make the field non-optional",
        ));
    }
}

/// A `nested` field merges as its own layer and builds with its own defaults, so no other way
/// to merge or default it applies; an `Option` of a layered type is not supported as nested.
fn nested_merges_as_its_layer(field: &Field, errors: &mut Errors) {
    let Some(nested) = &field.attrs.nested else {
        return;
    };
    let attrs = &field.attrs;
    let others = [
        attrs.strategy.as_ref().map(|key| ("strategy", key.span)),
        attrs.with.as_ref().map(|key| ("with", key.span)),
        attrs.skip.as_ref().map(|key| ("skip", key.span)),
        attrs.default.as_ref().map(|key| ("default", key.span)),
    ];
    for (key, span) in others.into_iter().flatten() {
        errors.push(syn::Error::new(
            span,
            format!(
                "`{key}` cannot be combined with `nested`: a nested field merges as its layer and \
                 takes its defaults from its own fields; remove `{key}`"
            ),
        ));
    }
    if ty::option_inner(field.ty).is_some() {
        errors.push(syn::Error::new(
            nested.span,
            "`nested` cannot be used on an `Option` field: remove `nested` to merge the whole \
             value as a setting, or make the field non-optional",
        ));
    }
}
