//! `toml_deep` on every type it accepts, plain and in `Option`.

use nodeconfig_core::DeepMerge;

#[derive(DeepMerge, Debug, PartialEq)]
struct Containerd {
    #[merge(strategy = "toml_deep")]
    text: String,
    #[merge(strategy = "toml_deep")]
    table: toml::Table,
    #[merge(strategy = "toml_deep")]
    value: toml::Value,
    #[merge(strategy = "toml_deep")]
    option_text: Option<String>,
    #[merge(strategy = "toml_deep")]
    option_table: Option<toml::Table>,
    #[merge(strategy = "toml_deep")]
    option_value: Option<toml::Value>,
}

fn table(text: &str) -> toml::Table {
    text.parse().unwrap()
}

fn main() {
    let mut earlier = Containerd {
        text: "# kept\nversion = 2\n[grpc]\naddress = \"/run/a.sock\"\n".to_owned(),
        table: table("a = 1\n[b]\nc = 2"),
        value: toml::Value::Table(table("a = 1")),
        option_text: None,
        option_table: Some(table("a = 1")),
        option_value: None,
    };
    earlier
        .deep_merge(Containerd {
            text: "[grpc]\nuid = 0\n".to_owned(),
            table: table("[b]\nd = 3"),
            value: toml::Value::Table(table("b = 2")),
            option_text: Some("x = 1".to_owned()),
            option_table: None,
            option_value: Some(toml::Value::Integer(1)),
        })
        .unwrap();
    assert!(earlier.text.starts_with("# kept\nversion = 2\n"));
    assert_eq!(
        table(&earlier.text),
        table("version = 2\n[grpc]\naddress = \"/run/a.sock\"\nuid = 0")
    );
    assert_eq!(earlier.table, table("a = 1\n[b]\nc = 2\nd = 3"));
    assert_eq!(earlier.value, toml::Value::Table(table("a = 1\nb = 2")));
    assert_eq!(earlier.option_text.as_deref(), Some("x = 1"));
    assert_eq!(earlier.option_table, Some(table("a = 1")));
    assert_eq!(earlier.option_value, Some(toml::Value::Integer(1)));

    // Either side failing to parse is an error, and the destination is unchanged.
    let before = earlier.text.clone();
    let broken = Containerd {
        text: "[grpc\n".to_owned(),
        table: toml::Table::new(),
        value: toml::Value::Table(toml::Table::new()),
        option_text: None,
        option_table: None,
        option_value: None,
    };
    let error = earlier.deep_merge(broken).unwrap_err();
    assert_eq!(error.path(), "text");
    assert_eq!(earlier.text, before);
}
