//! `strategy = "toml_deep"`: TOML tables of every spelling merged key by key, arrays and
//! scalars replaced, and TOML text kept as the earlier document wrote it.
//!
//! Every text merge below is also checked by value: the merged text parses, and its value is
//! the `toml::Table` merge of the two documents' values.

use nodeconfig_core::strategy::TomlDeep;
use nodeconfig_core::{MergeError, Side};

/// Merges TOML text, checks the result against the value merge, and returns it.
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

/// Merges text that must fail, and checks that the destination is unchanged.
fn merge_error(existing: &str, incoming: &str) -> MergeError {
    let mut merged = existing.to_owned();
    let error = merged.merge_toml(incoming.to_owned()).unwrap_err();
    assert_eq!(merged, existing, "the destination changed");
    error
}

mod semantics {
    use super::merge;

    #[test]
    fn standard_tables_merge_key_by_key() {
        assert_eq!(
            merge("[a]\nx = 1\ny = 2\n", "[a]\ny = 3\nz = 4\n"),
            "[a]\nx = 1\ny = 3\nz = 4\n"
        );
    }

    #[test]
    fn nested_tables_merge_recursively() {
        assert_eq!(
            merge(
                "[a]\nx = 1\n\n[a.b]\ny = 2\n\n[c]\nz = 3\n",
                "[a.b]\ny = 20\nw = 4\n[a.d]\nv = 5\n"
            ),
            "[a]\nx = 1\n\n[a.b]\ny = 20\nw = 4\n\n[a.d]\nv = 5\n\n[c]\nz = 3\n"
        );
    }

    #[test]
    fn inline_tables_merge_key_by_key() {
        assert_eq!(
            merge("a = { x = 1, y = 2 }\n", "a = { y = 3, z = 4 }\n"),
            "a = { x = 1, y = 3, z = 4 }\n"
        );
        assert_eq!(merge("a = {x=1}\n", "a = {y=2}\n"), "a = {x=1,y=2}\n");
        assert_eq!(merge("a = {}\n", "a = { y = 2 }\n"), "a = { y = 2 }\n");
    }

    #[test]
    fn a_standard_table_merges_into_an_inline_table() {
        assert_eq!(
            merge(
                "a = { x = 1, y = 2 }\n",
                "[a]\ny = 3 # later\nz = 4\n[a.sub]\nq = 'v'\n"
            ),
            "a = { x = 1, y = 3, z = 4, sub = { q = 'v' } }\n"
        );
    }

    #[test]
    fn an_inline_table_merges_into_a_standard_table() {
        assert_eq!(
            merge("[a]\n  x = 1\n", "a = { x = 2, y = 3 }\n"),
            "[a]\n  x = 2\n  y = 3\n"
        );
    }

    #[test]
    fn dotted_keys_merge_with_standard_tables() {
        assert_eq!(
            merge("a.x = 1\nb = 2\n", "[a]\ny = 3\n"),
            "a.x = 1\na.y = 3\nb = 2\n"
        );
        assert_eq!(merge("[a]\nx = 1\n", "a.y = 2\n"), "[a]\nx = 1\ny = 2\n");
        assert_eq!(
            merge("a.b.c = 1\n", "a.b.d = 2\na.e = 3\n"),
            "a.b.c = 1\na.b.d = 2\na.e = 3\n"
        );
    }

    #[test]
    fn dotted_keys_merge_inside_inline_tables() {
        assert_eq!(
            merge("a = { b.c = 1, e = 2 }\n", "a.b.d = 3\n"),
            "a = { b.c = 1, b.d = 3, e = 2 }\n"
        );
        assert_eq!(
            merge("a = { x = 1 }\n", "a = { b.c = 2 }\n"),
            "a = { x = 1, b.c = 2 }\n"
        );
    }

    #[test]
    fn implicit_parents_are_tables() {
        assert_eq!(
            merge("[a.b.c]\nx = 1\n", "[a.b.c]\ny = 2\n[a.e]\nz = 3\n"),
            "[a.b.c]\nx = 1\ny = 2\n\n[a.e]\nz = 3\n"
        );
        assert_eq!(
            merge("[a.b.c]\nx = 1\n", "a.b = { d = 4 }\n"),
            "[a.b]\nd = 4\n[a.b.c]\nx = 1\n"
        );
    }

    #[test]
    fn arrays_replace() {
        assert_eq!(
            merge("ports = [1, 2, 3] # defaults\n", "ports = [4]\n"),
            "ports = [4] # defaults\n"
        );
        assert_eq!(merge("ports = [1, 2]\n", "ports = []\n"), "ports = []\n");
    }

    #[test]
    fn arrays_of_tables_replace_wholesale() {
        assert_eq!(
            merge(
                "[[mirror]]\nurl = 'a'\n[mirror.auth]\nuser = 'x'\n\n[[mirror]]\nurl = 'b'\n\n[z]\nk = 1\n",
                "[[mirror]]\nurl = 'c'\n"
            ),
            "[[mirror]]\nurl = 'c'\n\n[z]\nk = 1\n"
        );
        assert_eq!(
            merge("x = [{ a = 1 }]\n", "[[x]]\na = 2\n"),
            "[[x]]\na = 2\n"
        );
        assert_eq!(
            merge("[[x]]\na = 1\n", "x = [{ a = 2 }]\n"),
            "x = [{ a = 2 }]\n"
        );
    }

    #[test]
    fn scalars_replace_zero_values_too() {
        assert_eq!(
            merge(
                "a = true\nb = 5\nc = 'x'\nd = 1.5\n",
                "a = false\nb = 0\nc = ''\nd = 0.0\n"
            ),
            "a = false\nb = 0\nc = ''\nd = 0.0\n"
        );
    }

    #[test]
    fn a_type_change_takes_the_later_value() {
        assert_eq!(
            merge("a = 1\nb = 2\n", "[a]\nx = 1\n"),
            "b = 2\n\n[a]\nx = 1\n"
        );
        assert_eq!(
            merge("[a]\nx = 1\n\n[b]\ny = 2\n", "a = 5\n"),
            "a = 5\n\n[b]\ny = 2\n"
        );
        assert_eq!(merge("a = 'text'\n", "a = { x = 1 }\n"), "a = { x = 1 }\n");
        assert_eq!(merge("a = { x = 1 }\n", "a = [1]\n"), "a = [1]\n");
        assert_eq!(
            merge("a = { x = 1 }\n", "a.x.y = 1\n"),
            "a = { x = { y = 1 } }\n"
        );
        assert_eq!(merge("a = 1\n", "a = 1.0\n"), "a = 1.0\n");
    }

    #[test]
    fn an_empty_document_gives_the_other_side() {
        let document = "# containerd\nversion = 2\n";
        assert_eq!(merge("", document), document);
        assert_eq!(merge(document, ""), document);
        assert_eq!(merge(" \n\t\r\n", document), document);
        assert_eq!(merge(document, "\n\n"), document);
        assert_eq!(merge("", ""), "");
        // Two blank documents: an empty side gives the other, else the earlier one stays.
        assert_eq!(merge("", "  \n"), "  \n");
        assert_eq!(merge("  \n", ""), "  \n");
        assert_eq!(merge(" ", "\n"), " ");
    }

    #[test]
    fn a_document_of_comments_only_keeps_its_comments() {
        assert_eq!(merge("# defaults\n", "a = 1\n"), "# defaults\na = 1\n");
        assert_eq!(merge("a = 1\n", "# nothing to change\n"), "a = 1\n");
    }

    #[test]
    fn numbers_stay_exact() {
        assert_eq!(
            merge(
                "[rlimit]\nsoft = 1024\n",
                "[rlimit]\nhard = 9223372036854775807\n"
            ),
            "[rlimit]\nsoft = 1024\nhard = 9223372036854775807\n"
        );
    }
}

mod format {
    use super::merge;

    const CONTAINERD: &str = r#"# containerd config, written by nodeadm
version = 2 # config schema

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = 'registry.k8s.io/pause:3.9'   # pinned
  enable_cdi = false

  # mirrors live in config_path
[plugins."io.containerd.grpc.v1.cri".registry]
  config_path = "/etc/containerd/certs.d"

[metrics]
address = "127.0.0.1:1338"
"#;

    #[test]
    fn untouched_text_keeps_comments_order_quoting_and_spacing() {
        let patch = r#"
[plugins.'io.containerd.grpc.v1.cri']
enable_cdi = true
# raised for chatty pods
max_container_log_line_size = 32768

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
SystemdCgroup = true
"#;
        assert_eq!(
            merge(CONTAINERD, patch),
            r#"# containerd config, written by nodeadm
version = 2 # config schema

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = 'registry.k8s.io/pause:3.9'   # pinned
  enable_cdi = true
# raised for chatty pods
  max_container_log_line_size = 32768

  # mirrors live in config_path
[plugins."io.containerd.grpc.v1.cri".registry]
  config_path = "/etc/containerd/certs.d"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
SystemdCgroup = true

[metrics]
address = "127.0.0.1:1338"
"#
        );
    }

    /// nodeadm's default config and a user's layer: the benchmark's inputs.
    #[test]
    fn nodeadm_containerd_config_with_a_user_layer() {
        let config = include_str!("../../nodeconfig-core/benches/data/containerd-config.toml");
        let patch = include_str!("../../nodeconfig-core/benches/data/containerd-patch.toml");
        let runc_options = "SystemdCgroup = true\n\n[plugins.\"io.containerd.grpc.v1.cri\".cni]";
        let expected = config
            .replace(
                "enable_cdi = false\n",
                "enable_cdi = true\nmax_container_log_line_size = 65536\n",
            )
            .replace(
                "/etc/docker/certs.d\"\n",
                "/etc/docker/certs.d\"\n\n[plugins.\"io.containerd.grpc.v1.cri\".registry.mirrors.\"docker.io\"]\nendpoint = [\"https://mirror.corp.example.com\", \"https://registry-1.docker.io\"]\n",
            )
            .replace(
                runc_options,
                &format!(
                    "SystemdCgroup = true\nNoNewKeyring = true\n\n{}\n\n{}",
                    "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.nvidia]\nruntime_type = \"io.containerd.runc.v2\"",
                    "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.nvidia.options]\nBinaryName = \"/usr/bin/nvidia-container-runtime\"\n".to_owned() + runc_options,
                ),
            );
        assert_eq!(merge(config, patch), expected);
    }

    #[test]
    fn an_equal_value_keeps_the_earlier_spelling() {
        let patch = "version = 0x2\n[plugins.\"io.containerd.grpc.v1.cri\"]\nsandbox_image = \"registry.k8s.io/pause:3.9\"\n";
        assert_eq!(merge(CONTAINERD, patch), CONTAINERD);
        assert_eq!(
            merge("a = 1979-05-27T07:32:00Z\n", "a = 1979-05-27 07:32:00Z\n"),
            "a = 1979-05-27T07:32:00Z\n"
        );
    }

    #[test]
    fn a_changed_value_takes_the_later_spelling_and_a_later_comment() {
        assert_eq!(
            merge(
                "a = 'x'  # note\nb = 1 # old\n",
                "a = \"\"\"y\"\"\"\nb = 0b10 # new\n"
            ),
            "a = \"\"\"y\"\"\"  # note\nb = 0b10 # new\n"
        );
    }

    #[test]
    fn merging_a_document_with_itself_returns_it_byte_for_byte() {
        let odd = "a=1   #x\r\n[ b ]\r\n c = { d = 1 , }\r\n";
        assert_eq!(merge(odd, odd), odd);
        assert_eq!(merge(CONTAINERD, CONTAINERD), CONTAINERD);
        // Through the whole merge, not the identical-bytes fast path.
        assert_eq!(merge(CONTAINERD, &format!("{CONTAINERD}\n")), CONTAINERD);
    }

    #[test]
    fn line_endings_and_the_final_newline_follow_the_earlier_document() {
        assert_eq!(
            merge("a = 1\r\n[t]\r\nx = 1\r\n", "b = 2\n"),
            "a = 1\r\nb = 2\r\n[t]\r\nx = 1\r\n"
        );
        assert_eq!(merge("a = 1", "b = 2\n"), "a = 1\nb = 2");
        assert_eq!(
            merge("\u{feff}a = 1\n", "b = 2\n"),
            "\u{feff}a = 1\nb = 2\n"
        );
    }

    #[test]
    fn multi_line_inline_tables_keep_their_layout() {
        assert_eq!(
            merge("a = {\n  x = 1,\n}\n", "a.y = 2\n"),
            "a = {\n  x = 1,\n  y = 2,\n}\n"
        );
    }
}

mod errors {
    use super::*;

    #[test]
    fn an_incoming_document_that_does_not_parse() {
        let error = merge_error("a = 1\n", "b = 2\n\n[c]\nd = [1, 2\ne = 3\n");
        let location = error.location().unwrap();
        assert_eq!(
            (location.side, location.line, location.column),
            (Side::Incoming, 5, 1)
        );
        assert_eq!(
            error.to_string(),
            "the incoming TOML document does not parse at line 5, column 1: missing comma between array elements, expected `,`"
        );
    }

    #[test]
    fn an_existing_document_that_does_not_parse() {
        let error = merge_error("a = 1\na = 2\n", "b = 2\n");
        let location = error.location().unwrap();
        assert_eq!(
            (location.side, location.line, location.column),
            (Side::Existing, 2, 1)
        );
        assert_eq!(
            error.to_string(),
            "the existing TOML document does not parse at line 2, column 1: duplicate key"
        );
    }

    #[test]
    fn an_empty_other_side_still_checks_the_document() {
        let error = merge_error("[a\n", "");
        assert_eq!(error.location().unwrap().side, Side::Existing);
        let error = merge_error("", "é = 'x'\n");
        let location = error.location().unwrap();
        assert_eq!(
            (location.side, location.line, location.column),
            (Side::Incoming, 1, 1)
        );
        let error = merge_error("x = [\n", "x = [\n");
        assert_eq!(error.location().unwrap().side, Side::Existing);
    }

    #[test]
    fn the_column_counts_characters() {
        let error = merge_error("a = 1\n", "# é\nb = 'é' é\n");
        let location = error.location().unwrap();
        // `é` is two bytes, one column.
        assert_eq!((location.line, location.column), (2, 9));
    }

    #[test]
    fn the_error_carries_the_field_path() {
        let error = merge_error("a = 1\n", "a =\n")
            .at("config")
            .at("containerd");
        assert_eq!(error.path(), "containerd.config");
        assert!(
            error
                .to_string()
                .starts_with("containerd.config: the incoming TOML document")
        );
    }
}

mod options {
    use super::*;

    #[test]
    fn a_later_none_keeps_the_earlier_text() {
        let mut config = Some("a = 1\n".to_owned());
        config.merge_toml(None).unwrap();
        assert_eq!(config.as_deref(), Some("a = 1\n"));
    }

    #[test]
    fn an_earlier_none_takes_the_later_text_once_it_parses() {
        let mut config: Option<String> = None;
        config.merge_toml(Some("a = 1 # one\n".to_owned())).unwrap();
        assert_eq!(config.as_deref(), Some("a = 1 # one\n"));

        let mut config: Option<String> = None;
        let error = config.merge_toml(Some("a = \n".to_owned())).unwrap_err();
        assert_eq!(error.location().unwrap().side, Side::Incoming);
        assert_eq!(config, None);
    }

    #[test]
    fn some_into_some_merges() {
        let mut config = Some("[a]\nx = 1\n".to_owned());
        config.merge_toml(Some("[a]\ny = 2\n".to_owned())).unwrap();
        assert_eq!(config.as_deref(), Some("[a]\nx = 1\ny = 2\n"));

        let mut config = Some("[a]\nx = 1\n".to_owned());
        config.merge_toml(Some("[a\n".to_owned())).unwrap_err();
        assert_eq!(config.as_deref(), Some("[a]\nx = 1\n"));
    }

    #[test]
    fn options_of_tables_and_values() {
        let mut limits: Option<toml::Table> = None;
        limits.merge_toml(Some(table("nofile = 1024\n"))).unwrap();
        limits.merge_toml(None).unwrap();
        limits
            .merge_toml(Some(table("[memlock]\nsoft = 1\n")))
            .unwrap();
        assert_eq!(limits, Some(table("nofile = 1024\n[memlock]\nsoft = 1\n")));

        let mut value: Option<toml::Value> = Some(toml::Value::Table(table("a = 1\n")));
        value.merge_toml(None).unwrap();
        value
            .merge_toml(Some(toml::Value::Table(table("b = 2\n"))))
            .unwrap();
        assert_eq!(value, Some(toml::Value::Table(table("a = 1\nb = 2\n"))));
    }
}

mod parsed {
    use super::*;

    #[test]
    fn tables_merge_recursively_and_everything_else_replaces() {
        let mut existing = table(
            "flag = true\nports = [1, 2]\n[a]\nx = 1\n[a.b]\ny = 2\n[[list]]\nn = 1\n[c]\nk = 'v'\n",
        );
        existing.merge_toml(table(
            "flag = false\nports = [3]\n[a.b]\nz = 3\n[[list]]\nn = 2\n[c.k]\nnow = 'a table'\n",
        ))
        .unwrap();
        assert_eq!(
            existing,
            table(
                "flag = false\nports = [3]\n[a]\nx = 1\n[a.b]\ny = 2\nz = 3\n[[list]]\nn = 2\n[c.k]\nnow = 'a table'\n"
            )
        );
    }

    #[test]
    fn values_merge_tables_and_replace_the_rest() {
        let mut existing = toml::Value::Table(table("a = { x = 1 }\n"));
        existing
            .merge_toml(toml::Value::Table(table("a = { y = 2 }\n")))
            .unwrap();
        assert_eq!(
            existing,
            toml::Value::Table(table("a = { x = 1, y = 2 }\n"))
        );

        existing.merge_toml(toml::Value::from(0)).unwrap();
        assert_eq!(existing, toml::Value::from(0));
        existing
            .merge_toml(toml::Value::Table(table("b = 1\n")))
            .unwrap();
        assert_eq!(existing, toml::Value::Table(table("b = 1\n")));
    }

    #[test]
    fn deep_tables_built_in_code_merge_without_recursion() {
        fn nested(depth: usize, leaf: &str) -> toml::Table {
            let mut table = toml::Table::new();
            table.insert(leaf.to_owned(), toml::Value::from(1));
            for _ in 0..depth {
                let mut parent = toml::Table::new();
                parent.insert("t".to_owned(), toml::Value::Table(table));
                table = parent;
            }
            table
        }
        let mut existing = nested(5_000, "a");
        existing.merge_toml(nested(5_000, "b")).unwrap();
        let mut inner = &existing;
        for _ in 0..5_000 {
            inner = inner["t"].as_table().unwrap();
        }
        assert_eq!(inner.len(), 2);
        // Dropping a table this deep recurses in toml itself; hand it over piece by piece.
        let mut rest = Some(existing);
        while let Some(mut table) = rest.take() {
            if let Some(toml::Value::Table(child)) = table.remove("t") {
                rest = Some(child);
            }
        }
    }
}
