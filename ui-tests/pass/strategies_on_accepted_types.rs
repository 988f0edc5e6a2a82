//! `replace`, `keep` and `append` on the types they accept, plain and in `Option`.

use nodeconfig_core::DeepMerge;
use std::collections::{BTreeSet, HashMap, VecDeque};

#[derive(DeepMerge, Debug, PartialEq)]
struct Fields {
    #[merge(strategy = "append")]
    vec: Vec<String>,
    #[merge(strategy = "append")]
    deque: VecDeque<u8>,
    #[merge(strategy = "append")]
    option_vec: Option<Vec<u8>>,
    #[merge(strategy = "append")]
    option_deque: Option<VecDeque<u8>>,
    #[merge(strategy = "replace")]
    set: BTreeSet<u8>,
    #[merge(strategy = "replace")]
    option_list: Option<Vec<u8>>,
    #[merge(strategy = "replace")]
    map_of_lists: HashMap<String, Vec<u8>>,
    #[merge(strategy = "replace")]
    scalar: u32,
    #[merge(strategy = "keep")]
    kept: Vec<u8>,
    #[merge(strategy = "keep")]
    kept_option: Option<String>,
}

fn main() {
    let mut earlier = Fields {
        vec: vec!["a".to_owned()],
        deque: VecDeque::from([1]),
        option_vec: None,
        option_deque: Some(VecDeque::from([1])),
        set: BTreeSet::from([1]),
        option_list: Some(vec![1]),
        map_of_lists: HashMap::from([("a".to_owned(), vec![1])]),
        scalar: 1,
        kept: vec![1],
        kept_option: None,
    };
    earlier
        .deep_merge(Fields {
            vec: vec!["b".to_owned()],
            deque: VecDeque::from([2]),
            option_vec: Some(vec![2]),
            option_deque: None,
            set: BTreeSet::from([2]),
            option_list: None,
            map_of_lists: HashMap::new(),
            scalar: 0,
            kept: vec![2],
            kept_option: Some("later".to_owned()),
        })
        .unwrap();
    assert_eq!(earlier.vec, ["a", "b"]);
    assert_eq!(earlier.deque, [1, 2]);
    assert_eq!(earlier.option_vec, Some(vec![2]));
    assert_eq!(earlier.option_deque, Some(VecDeque::from([1])));
    assert_eq!(earlier.set, BTreeSet::from([2]));
    assert_eq!(earlier.option_list, Some(vec![1]));
    assert!(earlier.map_of_lists.is_empty());
    assert_eq!(earlier.scalar, 0);
    assert_eq!(earlier.kept, [1]);
    assert_eq!(earlier.kept_option.as_deref(), Some("later"));
}
