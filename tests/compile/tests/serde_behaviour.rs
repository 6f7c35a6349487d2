//! Behaviour of generated types on the wire: catch-all enum variants keep unknown values,
//! discriminated unions dispatch on the tag, PATCH bodies keep absent and null apart,
//! recursive types round-trip, base64 and additional properties survive.

use oagen_fixtures::*;
use serde_json::json;

#[test]
fn string_enum_keeps_unknown_values() {
    use enum_string_response::types::{Order, OrderStatus};
    let o: Order = serde_json::from_value(json!({"id": "1", "status": "shipped"})).unwrap();
    assert_eq!(o.status, OrderStatus::Shipped);
    let o: Order = serde_json::from_value(json!({"id": "1", "status": "lost-in-space"})).unwrap();
    assert_eq!(o.status, OrderStatus::Unknown("lost-in-space".into()));
    assert_eq!(o.status.as_str(), "lost-in-space");
    // Unknown values are sent back unchanged.
    assert_eq!(serde_json::to_value(&o).unwrap()["status"], "lost-in-space");
    assert_eq!(
        serde_json::to_value(OrderStatus::Delivered).unwrap(),
        "delivered"
    );
}

#[test]
fn integer_enum_keeps_unknown_values() {
    use enum_integer::types::Priority;
    assert_eq!(
        serde_json::from_value::<Priority>(json!(2)).unwrap(),
        Priority::V2
    );
    assert_eq!(
        serde_json::from_value::<Priority>(json!(42)).unwrap(),
        Priority::Unknown(42)
    );
    assert_eq!(
        serde_json::to_value(Priority::Unknown(42)).unwrap(),
        json!(42)
    );
    assert_eq!(serde_json::to_value(Priority::V3).unwrap(), json!(3));
    assert!(serde_json::from_value::<Priority>(json!("2")).is_err());
}

#[test]
fn discriminated_union_dispatches_on_the_tag() {
    use oneof_discriminator::types::{Cat, Pet};
    let cat: Pet =
        serde_json::from_value(json!({"petType": "Cat", "name": "Tom", "indoor": true})).unwrap();
    match &cat {
        Pet::Cat(Cat { name, indoor, .. }) => {
            assert_eq!(name, "Tom");
            assert_eq!(*indoor, Some(true));
        }
        other => panic!("expected a cat, got {other:?}"),
    }
    // The tag stays in the variant's own data and is written once.
    let back = serde_json::to_value(&cat).unwrap();
    assert_eq!(back["petType"], "Cat");
    assert_eq!(back.as_object().unwrap().len(), 3);
    // A dog-shaped body with the cat tag is decoded as a cat (the tag decides).
    assert!(matches!(
        serde_json::from_value::<Pet>(json!({"petType": "Dog", "name": "Rex"})).unwrap(),
        Pet::Dog(_)
    ));
    // An unknown tag is kept, not an error.
    let bird: Pet = serde_json::from_value(json!({"petType": "Bird", "wings": 2})).unwrap();
    assert_eq!(bird, Pet::Unknown(json!({"petType": "Bird", "wings": 2})));
    assert_eq!(
        serde_json::to_value(&bird).unwrap(),
        json!({"petType": "Bird", "wings": 2})
    );
}

#[test]
fn untagged_union_tries_alternatives_in_order() {
    use oneof_untagged::types::SearchHit;
    assert!(matches!(
        serde_json::from_value::<SearchHit>(json!("plain")).unwrap(),
        SearchHit::String(_)
    ));
    assert!(matches!(
        serde_json::from_value::<SearchHit>(json!(7)).unwrap(),
        SearchHit::Integer(7)
    ));
    assert!(matches!(
        serde_json::from_value::<SearchHit>(json!({"isbn": "1", "title": "T"})).unwrap(),
        SearchHit::Book(_)
    ));
}

#[test]
fn patch_body_keeps_absent_and_null_apart() {
    use nullable_patch_body::types::UserPatch;
    let p = UserPatch {
        name: Some("Ann".into()),
        nickname: Some(None),
        manager_id: None,
        score: Some(Some(3)),
    };
    let v = serde_json::to_value(&p).unwrap();
    assert_eq!(v, json!({"name": "Ann", "nickname": null, "score": 3}));
    let back: UserPatch = serde_json::from_value(v).unwrap();
    assert_eq!(back, p);
    assert_eq!(
        UserPatch::default(),
        serde_json::from_value(json!({})).unwrap()
    );
}

#[test]
fn recursive_types_round_trip() {
    use recursive_tree::types::*;
    let json = serde_json::to_string(
        &serde_json::json!({"name": "root", "children": [{"name": "leaf", "children": []}]}),
    )
    .unwrap();
    let node: TreeNode = serde_json::from_str(&json).unwrap();
    assert_eq!(node.children.len(), 1);
    assert_eq!(node.children[0].name, "leaf");
    use recursive_linked_list::types::ListNode;
    let list: ListNode = serde_json::from_value(json!({"value": 1, "next": {"value": 2}})).unwrap();
    assert_eq!(list.next.as_ref().map(|n| n.value), Some(2));
}

#[test]
fn formats_decode_to_their_types() {
    use primitives_formats::types::Primitives;
    let p: Primitives = serde_json::from_value(json!({
        "small_int": 1, "big_int": 9007199254740993i64, "plain_int": 3, "float_num": 1.5, "double_num": 2.5,
        "plain_num": 3.5, "flag": true, "created_at": "2020-08-12T13:30:45.123456Z", "birthday": "2020-02-29",
        "id": "6f1f4ad6-1b7e-4e9b-9c1e-2b4c4f0e8a11", "digest": "aGk=", "raw": [1, 2], "email": "a@b.c",
        "homepage": "https://x", "secret": "s", "label": "l"
    }))
    .unwrap();
    assert_eq!(p.big_int, 9007199254740993);
    assert_eq!(p.digest.0, b"hi");
    assert_eq!(p.created_at.timestamp_subsec_micros(), 123456);
    assert_eq!(p.birthday.to_string(), "2020-02-29");
}

#[test]
fn additional_properties_are_kept() {
    use additional_properties_with_properties::types::Catalog;
    let c: Catalog = serde_json::from_value(json!({"name": "n", "extra": {"text": "t"}})).unwrap();
    assert_eq!(c.additional_properties.len(), 1);
    assert_eq!(serde_json::to_value(&c).unwrap()["extra"]["text"], "t");
}

#[test]
fn objects_skip_unknown_properties_and_leave_out_absent_ones() {
    use objects_required_optional::types::Contact;
    let c: Contact =
        serde_json::from_value(json!({"zzz": [1], "age": 30, "name": "Ann", "vip": null})).unwrap();
    assert_eq!((c.name.as_str(), c.age), ("Ann", 30));
    assert_eq!(
        (c.nickname.as_deref(), c.vip, c.tags.as_ref()),
        (None, None, None)
    );
    // Declaration order; `None` is not sent.
    assert_eq!(
        serde_json::to_string(&c).unwrap(),
        r#"{"name":"Ann","age":30}"#
    );
    let c = Contact {
        tags: Some(vec!["a".into()]),
        ..c
    };
    assert_eq!(
        serde_json::to_string(&c).unwrap(),
        r#"{"name":"Ann","age":30,"tags":["a"]}"#
    );
}

#[test]
fn objects_reject_missing_repeated_and_mistyped_properties() {
    use objects_required_optional::types::Contact;
    let err = |json: &str| {
        serde_json::from_str::<Contact>(json)
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err(r#"{"name": "Ann"}"#),
        "missing field `age` at line 1 column 15"
    );
    assert_eq!(
        err(r#"{"name": "A", "age": 1, "age": 2}"#),
        "duplicate field `age` at line 1 column 29"
    );
    assert_eq!(
        err("[]"),
        "invalid type: sequence, expected struct Contact at line 1 column 0"
    );
    // The path of a bad value is kept (the runtime's decode errors name it).
    let mut de = serde_json::Deserializer::from_str(r#"{"name": "A", "age": "x"}"#);
    let e = serde_path_to_error::deserialize::<_, Contact>(&mut de).unwrap_err();
    assert_eq!(e.path().to_string(), "age");
    assert_eq!(
        e.into_inner().to_string(),
        "invalid type: string \"x\", expected i32 at line 1 column 24"
    );
}

#[test]
fn required_nullable_fields_read_null_or_absent_and_write_null() {
    use nullable::types::Person;
    let p: Person = serde_json::from_value(json!({"name": "A", "middle_name": null})).unwrap();
    assert_eq!(p.middle_name, None);
    assert_eq!(
        serde_json::from_value::<Person>(json!({"name": "A"})).unwrap(),
        p
    );
    // The required one is written as null; the optional ones are left out.
    assert_eq!(
        serde_json::to_value(&p).unwrap(),
        json!({"name": "A", "middle_name": null})
    );
    let p: Person = serde_json::from_value(
        json!({"name": "A", "middle_name": "B", "address": {"city": "C"}, "aliases": ["x"]}),
    )
    .unwrap();
    assert_eq!(p.address.map(|a| a.city).as_deref(), Some("C"));
    assert_eq!(p.aliases, Some(vec!["x".to_owned()]));
}

#[test]
fn awkward_property_names_keep_their_wire_names() {
    use property_names::types::Record;
    let wire = json!({
        "type": "t", "ref": "r", "self": "s", "match": true, "async": false,
        "2fa_enabled": true, "x-request-id": "x", "@type": "a", "näme": "n", "$count": 3,
        "foo.bar": "d", "fooBar": "c", "foo_bar": "u", "deserializer": "de", "serializer": "se"
    });
    let r: Record = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(
        (r.r#type.as_str(), r.self_.as_deref(), r.type2.as_deref()),
        ("t", Some("s"), Some("a"))
    );
    assert_eq!(
        (
            r.foo_bar.as_deref(),
            r.foo_bar2.as_deref(),
            r.foo_bar3.as_deref()
        ),
        (Some("d"), Some("c"), Some("u"))
    );
    assert_eq!(
        (r.deserializer.as_deref(), r.serializer.as_deref()),
        (Some("de"), Some("se"))
    );
    assert_eq!(serde_json::to_value(&r).unwrap(), wire);
}
