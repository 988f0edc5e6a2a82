//! The types config structs hold: shared and borrowed strings, non-zero numbers, wrappers,
//! tuples, `Arc`/`Rc` of derived types, sets with `union` and boxed lists with `append`.

use nodeconfig_core::DeepMerge;
use std::borrow::Cow;
use std::collections::{BTreeSet, HashSet};
use std::num::{NonZeroI8, NonZeroU16, NonZeroU128, Wrapping};
use std::rc::Rc;
use std::sync::Arc;

#[derive(DeepMerge, Clone, Debug, PartialEq, Default)]
struct Limits {
    max_pods: Option<u32>,
}

#[derive(DeepMerge, Debug, PartialEq)]
struct Config<'a> {
    name: &'a str,
    region: Box<str>,
    zone: Arc<str>,
    cluster: Rc<str>,
    label: Cow<'a, str>,
    port: NonZeroU16,
    big: NonZeroU128,
    small: Option<NonZeroI8>,
    counter: Wrapping<u32>,
    endpoint: (String, u16),
    limits: Arc<Limits>,
    local_limits: Rc<Limits>,
    #[merge(strategy = "union")]
    tags: BTreeSet<String>,
    #[merge(strategy = "union")]
    gates: Option<HashSet<String>>,
    #[merge(strategy = "union")]
    boxed_tags: Box<BTreeSet<u8>>,
    #[merge(strategy = "append")]
    flags: Option<Box<Vec<String>>>,
}

fn main() {
    let port = NonZeroU16::new(80).unwrap();
    let mut earlier = Config {
        name: "a",
        region: "us-east-1".into(),
        zone: "a".into(),
        cluster: "prod".into(),
        label: Cow::Borrowed("x"),
        port,
        big: NonZeroU128::new(1).unwrap(),
        small: None,
        counter: Wrapping(1),
        endpoint: ("a".into(), 1),
        limits: Arc::new(Limits { max_pods: Some(1) }),
        local_limits: Rc::new(Limits::default()),
        tags: BTreeSet::from(["a".into()]),
        gates: None,
        boxed_tags: Box::new(BTreeSet::from([1])),
        flags: Some(Box::new(vec!["--v=2".into()])),
    };
    let later = Config {
        name: "b",
        region: "eu-west-1".into(),
        zone: "b".into(),
        cluster: "dev".into(),
        label: Cow::Owned("y".into()),
        port: NonZeroU16::new(8080).unwrap(),
        big: NonZeroU128::new(2).unwrap(),
        small: NonZeroI8::new(-1),
        counter: Wrapping(2),
        endpoint: ("b".into(), 2),
        limits: Arc::new(Limits { max_pods: None }),
        local_limits: Rc::new(Limits { max_pods: Some(3) }),
        tags: BTreeSet::from(["b".into()]),
        gates: Some(HashSet::from(["g".into()])),
        boxed_tags: Box::new(BTreeSet::from([2])),
        flags: Some(Box::new(vec!["--v=4".into()])),
    };
    earlier.deep_merge(later).unwrap();
    assert_eq!(earlier.name, "b");
    assert_eq!(&*earlier.zone, "b");
    assert_eq!(earlier.port.get(), 8080);
    assert_eq!(earlier.limits.max_pods, Some(1));
    assert_eq!(earlier.local_limits.max_pods, Some(3));
    assert_eq!(earlier.tags.len(), 2);
    assert_eq!(*earlier.boxed_tags, BTreeSet::from([1, 2]));
    assert_eq!(earlier.flags.as_deref().map(Vec::len), Some(2));
}
