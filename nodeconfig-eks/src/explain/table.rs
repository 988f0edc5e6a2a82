//! The explanation as aligned text for a terminal, written as YAML comments so that the output
//! of `nodeconfig merge --explain` is still the merged YAML document.

use super::Entry;
use crate::Source;
use serde_json::Value;

/// Values longer than this many characters are cut, ending in `…`.
pub const VALUE_WIDTH: usize = 40;

const TITLE: &str =
    "# explain: path, merged value, the input that set it, merge strategy, the inputs it overrode";

/// One line per leaf, columns aligned, every line starting with `# `:
///
/// ```text
/// # spec.cluster.name            "test-cluster"  userdata.mime part 1  replace
/// # spec.kubelet.config.maxPods  42              userdata.mime part 2  merge_patch  overrides part 1
/// ```
///
/// The value is compact JSON (strings quoted), cut to 40 characters; a deleted key
/// shows `(deleted)`. An overridden input in the same file as the one that set the value is
/// named by its part alone (`part 1`); otherwise in full.
///
/// ```
/// use nodeconfig_core::Strategy;
/// use nodeconfig_eks::{Source, explain::{Entry, to_text}};
///
/// let entry = Entry {
///     path: "spec.kubelet.config.maxPods".into(),
///     value: Some(serde_json::json!(42)),
///     source: Source::file("ud.mime").with_part(2),
///     layer: 1,
///     strategy: Strategy::MERGE_PATCH,
///     deleted: false,
///     overrides: vec![Source::file("ud.mime").with_part(1)],
/// };
/// assert!(to_text(&[entry]).ends_with(
///     "\n# spec.kubelet.config.maxPods  42  ud.mime part 2  merge_patch  overrides part 1\n"
/// ));
/// ```
pub fn to_text(entries: &[Entry]) -> String {
    let rows: Vec<[String; 5]> = entries.iter().map(row).collect();
    let mut widths = [0; 5];
    for cells in &rows {
        for (width, cell) in widths.iter_mut().zip(cells) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = format!("{TITLE}\n");
    for cells in &rows {
        // A column empty on every line (no value overrode another) takes no room.
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .filter(|(_, width)| *width > 0)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        text.push_str("# ");
        text.push_str(padded.join("  ").trim_end());
        text.push('\n');
    }
    text
}

fn row(entry: &Entry) -> [String; 5] {
    let value = match (&entry.value, entry.deleted) {
        (_, true) => "(deleted)".to_owned(),
        (Some(value), false) => shorten(value),
        (None, false) => "(not found)".to_owned(),
    };
    let overrides = if entry.overrides.is_empty() {
        String::new()
    } else {
        let names: Vec<String> = entry
            .overrides
            .iter()
            .map(|overridden| relative_name(overridden, &entry.source))
            .collect();
        format!("overrides {}", names.join(", "))
    };
    [
        entry.path.clone(),
        value,
        entry.source.to_string(),
        entry.strategy.to_string(),
        overrides,
    ]
}

/// Compact JSON, cut to 40 characters.
fn shorten(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= VALUE_WIDTH {
        return text;
    }
    let mut cut: String = text.chars().take(VALUE_WIDTH - 1).collect();
    cut.push('…');
    cut
}

/// `part 1` when `overridden` is another part or document of the file `setter` came from.
fn relative_name(overridden: &Source, setter: &Source) -> String {
    let narrower = overridden.part.is_some() || overridden.document.is_some();
    if overridden.path != setter.path || !narrower {
        return overridden.to_string();
    }
    let part = overridden.part_name();
    let document = overridden
        .document
        .map(|document| format!("document {document}"));
    [part, document]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::{VALUE_WIDTH, relative_name, shorten};
    use crate::Source;
    use serde_json::json;

    #[test]
    fn long_values_are_cut_on_characters() {
        assert_eq!(shorten(&json!("short")), "\"short\"");
        let long = shorten(&json!("é".repeat(60)));
        assert_eq!(long.chars().count(), VALUE_WIDTH);
        assert!(long.ends_with("éé…"), "{long}");
        assert_eq!(shorten(&json!({"a": [1, 2]})), r#"{"a":[1,2]}"#);
    }

    #[test]
    fn overridden_inputs_in_the_same_file_are_named_by_part() {
        let mime = Source::file("ud.mime");
        assert_eq!(
            relative_name(&mime.with_part(1), &mime.with_part(2)),
            "part 1"
        );
        assert_eq!(
            relative_name(&mime.with_part(1).with_document(2), &mime.with_part(3)),
            "part 1 document 2"
        );
        assert_eq!(
            relative_name(&mime.with_part(1), &Source::file("dir/b.yml")),
            "ud.mime part 1"
        );
        assert_eq!(relative_name(&mime, &mime), "ud.mime");
        assert_eq!(
            relative_name(&Source::stdin().with_part(1), &Source::stdin().with_part(2)),
            "part 1"
        );
    }
}
