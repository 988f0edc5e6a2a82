use nodeconfig_core::DeepMerge;

#[derive(DeepMerge, Debug, PartialEq)]
struct MaxPods(Option<u32>);

#[derive(DeepMerge, Debug, PartialEq)]
struct Flags(#[merge(strategy = "append")] Vec<String>, #[merge(skip)] u8);

#[derive(DeepMerge, Debug, PartialEq)]
struct Marker;

#[derive(DeepMerge, Debug, PartialEq)]
struct Empty {}

fn main() {
    let mut pods = MaxPods(Some(110));
    pods.deep_merge(MaxPods(None)).unwrap();
    assert_eq!(pods, MaxPods(Some(110)));
    pods.deep_merge(MaxPods(Some(58))).unwrap();
    assert_eq!(pods, MaxPods(Some(58)));

    let mut flags = Flags(vec!["--v=2".to_owned()], 1);
    flags
        .deep_merge(Flags(vec!["--v=4".to_owned()], 2))
        .unwrap();
    assert_eq!(
        flags,
        Flags(vec!["--v=2".to_owned(), "--v=4".to_owned()], 1)
    );

    let mut marker = Marker;
    marker.deep_merge(Marker).unwrap();
    let mut empty = Empty {};
    empty.deep_merge(Empty {}).unwrap();
}
