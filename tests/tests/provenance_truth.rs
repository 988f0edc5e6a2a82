//! Provenance tells the truth about enum variant switches: the new variant's leaves record the
//! earlier layer whose variant they replaced.

use nodeconfig_core::DeepMerge;
use nodeconfig_core::trace::merge_all_traced;

#[derive(DeepMerge, Debug, PartialEq)]
enum Auth {
    Basic {
        user: Option<String>,
        password: Option<String>,
    },
    Oidc {
        issuer: Option<String>,
        client: Option<String>,
    },
    Anonymous,
}

#[derive(DeepMerge, Debug, PartialEq, Default)]
struct Server {
    auth: Option<Auth>,
    port: Option<u16>,
}

fn basic() -> Server {
    Server {
        auth: Some(Auth::Basic {
            user: Some("admin".into()),
            password: Some("secret".into()),
        }),
        port: Some(80),
    }
}

#[test]
fn switching_variant_records_the_layer_whose_variant_it_replaced() {
    let oidc = Server {
        auth: Some(Auth::Oidc {
            issuer: Some("https://issuer".into()),
            client: Some("app".into()),
        }),
        port: None,
    };
    let (merged, provenance) = merge_all_traced([("a", basic()), ("b", oidc)]).unwrap();
    assert!(matches!(merged.auth, Some(Auth::Oidc { .. })));
    for path in ["auth.Oidc.issuer", "auth.Oidc.client"] {
        let origin = provenance.get(path).unwrap();
        assert_eq!((origin.layer, &origin.replaced), (1, &vec![0]), "{path}");
    }
    assert!(provenance.get("auth.Basic.user").is_none());
    assert_eq!(provenance.get("port").unwrap().layer, 0);
}

#[test]
fn switching_to_a_unit_variant_records_the_replaced_layer_at_the_enum() {
    let anonymous = Server {
        auth: Some(Auth::Anonymous),
        port: None,
    };
    let (_, provenance) = merge_all_traced([("a", basic()), ("b", anonymous)]).unwrap();
    let origin = provenance.get("auth").unwrap();
    assert_eq!((origin.layer, &origin.replaced), (1, &vec![0]));
}

#[test]
fn an_empty_later_layer_is_never_credited() {
    let (_, provenance) = merge_all_traced([("a", basic()), ("b", Server::default())]).unwrap();
    assert!(provenance.iter().all(|(_, origin)| origin.layer == 0));
    assert_eq!(provenance.len(), 3);
}
