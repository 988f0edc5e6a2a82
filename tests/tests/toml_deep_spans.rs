//! The span engine's promises for `toml_deep` on text (issue 13): every byte the later document
//! does not change stays where it was, interleaved dotted keys included; new keys and tables go
//! where the earlier document's own would; and the toml_edit engine it replaced (feature
//! `toml-reference`) gives the same values.
//!
//! Every merge is also checked by value against the `toml::Table` merge.

use nodeconfig_core::strategy::TomlDeep;
use nodeconfig_core::strategy::toml::reference;

fn merge(existing: &str, incoming: &str) -> String {
    let mut merged = existing.to_owned();
    if let Err(error) = merged.merge_toml(incoming.to_owned()) {
        panic!("merging {incoming:?} into {existing:?} failed: {error}");
    }
    let mut expected = table(existing);
    expected.merge_toml(table(incoming)).unwrap();
    assert_eq!(table(&merged), expected, "merged text:\n{merged}");
    merged
}

fn table(text: &str) -> toml::Table {
    toml::from_str(text).unwrap_or_else(|error| panic!("{text:?} does not parse: {error}"))
}

/// The example: toml_edit wrote `a.x`, `a.y`, `b`, `c`, moving the comments along.
#[test]
fn interleaved_dotted_keys_keep_their_order_and_comments() {
    let earlier = "a.x = 1 # cx\nb = 2 # cb\na.y = 3 # cy\n";
    assert_eq!(
        merge(earlier, "c = 4\n"),
        "a.x = 1 # cx\nb = 2 # cb\na.y = 3 # cy\nc = 4\n"
    );
    let regrouped = reference::merge(earlier, "c = 4\n").unwrap();
    assert_ne!(
        regrouped,
        merge(earlier, "c = 4\n"),
        "the reference regroups"
    );
    // A table the later document does not touch keeps its interleaving too.
    assert_eq!(
        merge("[t]\na.x = 1\nb = 2\na.y = 3\n[u]\nk = 1\n", "[u]\nk = 2\n"),
        "[t]\na.x = 1\nb = 2\na.y = 3\n[u]\nk = 2\n"
    );
}

#[test]
fn a_new_key_of_a_dotted_table_follows_its_last_line() {
    assert_eq!(
        merge("a.x = 1\nb = 2\na.y = 3\nc = 4\n", "a.z = 5\n"),
        "a.x = 1\nb = 2\na.y = 3\na.z = 5\nc = 4\n"
    );
    assert_eq!(
        merge("a.x = 1\nb = 2\n", "[a]\nq.r = 'v' # later\n"),
        "a.x = 1\na.q.r = 'v' # later\nb = 2\n"
    );
}

#[test]
fn a_new_table_goes_after_the_last_table_under_its_parent() {
    assert_eq!(
        merge(
            "[a]\nx = 1\n\n[a.b]\ny = 2\n\n[c]\nz = 3\n",
            "[a.d]\nw = 4 # new\n\n[a.d.e]\nv = 5\n"
        ),
        "[a]\nx = 1\n\n[a.b]\ny = 2\n\n[a.d]\nw = 4 # new\n\n[a.d.e]\nv = 5\n\n[c]\nz = 3\n"
    );
    assert_eq!(
        merge("[c]\nz = 3\n", "[[m]]\nu = 1\n[[m]]\nu = 2\n"),
        "[c]\nz = 3\n\n[[m]]\nu = 1\n\n[[m]]\nu = 2\n"
    );
}

#[test]
fn new_lines_take_the_table_indentation_and_the_earlier_line_endings() {
    assert_eq!(
        merge("[t]\r\n    a = 1\r\n[u]\r\nb = 2\r\n", "[t]\nc = 3\n"),
        "[t]\r\n    a = 1\r\n    c = 3\r\n[u]\r\nb = 2\r\n"
    );
}

#[test]
fn inline_tables_take_new_entries_spaced_like_their_own() {
    assert_eq!(
        merge("a = { x = 1 }\n", "a.y = 2\n"),
        "a = { x = 1, y = 2 }\n"
    );
    assert_eq!(merge("a = {x = 1,}\n", "a.y = 2\n"), "a = {x = 1,y = 2,}\n");
    assert_eq!(merge("a = {}\n", "a.y = 2\n"), "a = { y = 2 }\n");
    // A dotted key's table inside an inline table replaced by a value: written anew.
    assert_eq!(
        merge("a = { b.c = 1, d = 2 }\n", "a.b = 3\n"),
        "a = { b = 3, d = 2 }\n"
    );
}

#[test]
fn sections_replaced_by_sections_take_their_place() {
    assert_eq!(
        merge("[[x]]\nn = 1\n\n[y]\nk = 1\n", "[x]\nm = 2\n"),
        "[x]\nm = 2\n\n[y]\nk = 1\n"
    );
    assert_eq!(
        merge("[x]\nn = 1\n\n[y]\nk = 1\n", "x = 3\n"),
        "x = 3\n\n[y]\nk = 1\n"
    );
}

/// The containerd pair of the benchmarks: both engines give the same value.
#[test]
fn the_reference_engine_agrees_by_value_on_nodeadm_config() {
    let config = include_str!("../../nodeconfig-core/benches/data/containerd-config.toml");
    let patch = include_str!("../../nodeconfig-core/benches/data/containerd-patch.toml");
    let spans = merge(config, patch);
    let edit = reference::merge(config, patch).unwrap();
    assert_eq!(table(&spans), table(&edit));
}

/// Linear, checked by counts rather than time: a merge adding n keys writes a text of the
/// earlier size plus the later size (nothing is rewritten twice), for n up to 20,000 (the bench `toml_scaling` goes to 100,000).
#[test]
fn a_merge_writes_each_byte_once() {
    for n in [10, 1_000, 20_000] {
        let later: String = (0..n).map(|i| format!("k{i} = {i}\n")).collect();
        let earlier = "# keep\n[t]\nexisting = 1\n";
        let merged = merge(earlier, &format!("[t]\n{later}"));
        assert_eq!(merged.len(), earlier.len() + later.len());
        assert!(merged.starts_with(earlier));
    }
}
