//! Decoding a page of a list operation straight from its bytes.
//!
//! One pass over the body deserializes the items into their type, reads the few fields
//! that link to the next page (cursor, `has_more`, next URL, total, the envelope's success
//! flag) into a small [`Links`] view, and skips everything else. No `serde_json::Value`
//! tree is built and no JSON path is tracked: the path of a decode error is worked out by
//! decoding the page a second time with `serde_path_to_error`, only after the fast pass
//! failed.
//!
//! What to read is a [`Plan`]: a handful of dot paths from the root of the body, each with
//! what to do with the value found there.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, Visitor};

use crate::shape::{PageSpec, Pagination};

/// What to do with the value at a target path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Want {
    /// Deserialize every element of the array into the item type.
    Items,
    /// Count the elements of the array, skipping them.
    Count,
    /// Deserialize the value into the page type.
    Page,
    Cursor,
    HasMore,
    Next,
    Total,
    Success,
}

#[derive(Debug)]
struct Target {
    path: Vec<&'static str>,
    want: Want,
}

/// The dot paths (from the root of the body) a page decode reads.
#[derive(Debug)]
pub(crate) struct Plan {
    targets: Vec<Target>,
    /// The body must be an object (it is an envelope).
    envelope_field: Option<&'static str>,
}

/// Splits a dot path; `""` is the value itself.
fn segments(prefix: Option<&'static str>, path: &'static str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = prefix.into_iter().collect();
    if !path.is_empty() {
        out.extend(path.split('.'));
    }
    out
}

impl Plan {
    /// Items (`Want::Items`, or `Want::Count` to only count them) and the links of `spec`.
    pub(crate) fn for_page(spec: &PageSpec, items: Want) -> Plan {
        let data = spec.envelope.map(|e| e.data_field);
        let mut targets = vec![Target {
            path: segments(data, spec.items),
            want: items,
        }];
        let mut link = |path: &'static str, want| {
            targets.push(Target {
                path: segments(data, path),
                want,
            })
        };
        match spec.pagination {
            Pagination::Cursor {
                cursor_field,
                has_more_field,
                ..
            } => {
                link(cursor_field, Want::Cursor);
                if let Some(field) = has_more_field {
                    link(field, Want::HasMore);
                }
            }
            Pagination::NextUrl { next_field } => link(next_field, Want::Next),
            Pagination::Offset {
                total_field: Some(field),
                ..
            } => link(field, Want::Total),
            Pagination::Offset { .. } | Pagination::Page { .. } | Pagination::LinkHeader => {}
        }
        Plan::with_envelope(targets, spec.envelope)
    }

    /// The page type `P` at the envelope's data field (or the root).
    pub(crate) fn for_payload(envelope: Option<crate::Envelope>) -> Plan {
        let targets = vec![Target {
            path: segments(envelope.map(|e| e.data_field), ""),
            want: Want::Page,
        }];
        Plan::with_envelope(targets, envelope)
    }

    /// Only the envelope: its shape and its success flag.
    pub(crate) fn for_envelope(envelope: crate::Envelope) -> Plan {
        Plan::with_envelope(Vec::new(), Some(envelope))
    }

    /// The envelope's data field, if the body is an envelope.
    pub(crate) fn envelope_field(&self) -> Option<&'static str> {
        self.envelope_field
    }

    fn with_envelope(mut targets: Vec<Target>, envelope: Option<crate::Envelope>) -> Plan {
        if let Some(field) = envelope.and_then(|e| e.success_field) {
            targets.push(Target {
                path: vec![field],
                want: Want::Success,
            });
        }
        // At most eight targets: the live set of a level is a byte.
        targets.truncate(8);
        Plan {
            targets,
            envelope_field: envelope.map(|e| e.data_field),
        }
    }

    fn all(&self) -> u8 {
        u8::try_from((1u16 << self.targets.len()) - 1).unwrap_or(u8::MAX)
    }
}

/// The fields that link to the next page, as found in the body.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Links {
    pub(crate) cursor: Option<String>,
    pub(crate) has_more: Option<bool>,
    pub(crate) next: Option<String>,
    pub(crate) total: Option<u64>,
    pub(crate) success: Option<bool>,
}

/// What a decode pass found.
pub(crate) struct Decoded<T, P> {
    /// The items decoded so far (all of them after a successful pass).
    pub(crate) items: Vec<T>,
    /// The number of elements of the items array.
    pub(crate) count: usize,
    pub(crate) page: Option<P>,
    pub(crate) links: Links,
}

impl<T, P> Default for Decoded<T, P> {
    fn default() -> Self {
        Decoded {
            items: Vec::new(),
            count: 0,
            page: None,
            links: Links::default(),
        }
    }
}

/// An empty body (204, or 200 with nothing) reads as `null`.
pub(crate) fn json_input(body: &[u8]) -> &[u8] {
    if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        body
    }
}

/// The fast pass: decodes `body` per `plan` into `out`, tracking no path.
pub(crate) fn decode<T: DeserializeOwned, P: DeserializeOwned>(
    body: &[u8],
    plan: &Plan,
    out: &mut Decoded<T, P>,
) -> Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(json_input(body));
    Level {
        plan,
        depth: 0,
        live: plan.all(),
        out,
    }
    .deserialize(&mut de)?;
    de.end()
}

/// The slow pass, after the fast one failed: the same decode, naming the JSON path of the
/// failure (`.` for the root).
pub(crate) fn decode_tracked<T: DeserializeOwned, P: DeserializeOwned>(
    body: &[u8],
    plan: &Plan,
    out: &mut Decoded<T, P>,
) -> Result<(), (String, serde_json::Error)> {
    let mut de = serde_json::Deserializer::from_slice(json_input(body));
    let mut track = serde_path_to_error::Track::new();
    let result = Level {
        plan,
        depth: 0,
        live: plan.all(),
        out,
    }
    .deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track));
    match result {
        Ok(()) => de.end().map_err(|e| (".".to_owned(), e)),
        Err(e) => Err((track.path().to_string(), e)),
    }
}

/// Deserializes `T` from a whole JSON body without tracking the path; on failure decodes
/// again with `serde_path_to_error` to name it.
pub(crate) fn decode_value<T: DeserializeOwned>(
    body: &[u8],
) -> Result<T, (String, serde_json::Error)> {
    let input = json_input(body);
    match serde_json::from_slice(input) {
        Ok(value) => Ok(value),
        Err(fast) => {
            let mut de = serde_json::Deserializer::from_slice(input);
            match serde_path_to_error::deserialize::<_, T>(&mut de) {
                Ok(_) => Err((".".to_owned(), de.end().err().unwrap_or(fast))),
                Err(err) => {
                    let path = err.path().to_string();
                    Err((path, err.into_inner()))
                }
            }
        }
    }
}

/// The value at depth `depth`, reached by the keys that the targets in `live` (a bit per
/// target) share.
struct Level<'a, T, P> {
    plan: &'a Plan,
    depth: usize,
    live: u8,
    out: &'a mut Decoded<T, P>,
}

impl<'de, T: DeserializeOwned, P: DeserializeOwned> DeserializeSeed<'de> for Level<'_, T, P> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let here = self
            .plan
            .targets
            .iter()
            .enumerate()
            .find(|(i, t)| self.live & (1 << i) != 0 && t.path.len() == self.depth);
        let Some((_, target)) = here else {
            return deserializer.deserialize_any(self);
        };
        match target.want {
            Want::Items => deserializer.deserialize_any(ItemsVisitor {
                out: self.out,
                decode: true,
            }),
            Want::Count => deserializer.deserialize_any(ItemsVisitor {
                out: self.out,
                decode: false,
            }),
            Want::Page => {
                self.out.page = Some(P::deserialize(deserializer)?);
                Ok(())
            }
            want => {
                let scalar = deserializer.deserialize_any(ScalarVisitor)?;
                let links = &mut self.out.links;
                match (want, scalar) {
                    (Want::Cursor, Scalar::Str(s)) if !s.is_empty() => links.cursor = Some(s),
                    (Want::Cursor, Scalar::Num(n)) => links.cursor = Some(n.to_string()),
                    (Want::Cursor, _) => links.cursor = None,
                    (Want::HasMore, Scalar::Bool(b)) => links.has_more = Some(b),
                    (Want::HasMore, _) => links.has_more = None,
                    (Want::Next, Scalar::Str(s)) if !s.trim().is_empty() => links.next = Some(s),
                    (Want::Next, _) => links.next = None,
                    (Want::Total, Scalar::Num(n)) => links.total = n.as_u64(),
                    (Want::Total, Scalar::Str(s)) => links.total = s.trim().parse().ok(),
                    (Want::Total, _) => links.total = None,
                    (Want::Success, Scalar::Bool(b)) => links.success = Some(b),
                    (Want::Success, _) => links.success = None,
                    _ => {}
                }
                Ok(())
            }
        }
    }
}

impl<'de, T: DeserializeOwned, P: DeserializeOwned> Visitor<'de> for Level<'_, T, P> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Level {
            plan,
            depth,
            live,
            out,
        } = self;
        while let Some(next) = map.next_key_seed(KeySeed { plan, depth, live })? {
            if next == 0 {
                map.next_value::<IgnoredAny>()?;
            } else {
                map.next_value_seed(Level {
                    plan,
                    depth: depth + 1,
                    live: next,
                    out: &mut *out,
                })?;
            }
        }
        Ok(())
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.not_an_object()?;
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_bool<Er: de::Error>(self, _: bool) -> Result<(), Er> {
        self.not_an_object()
    }

    fn visit_i64<Er: de::Error>(self, _: i64) -> Result<(), Er> {
        self.not_an_object()
    }

    fn visit_u64<Er: de::Error>(self, _: u64) -> Result<(), Er> {
        self.not_an_object()
    }

    fn visit_f64<Er: de::Error>(self, _: f64) -> Result<(), Er> {
        self.not_an_object()
    }

    fn visit_str<Er: de::Error>(self, _: &str) -> Result<(), Er> {
        self.not_an_object()
    }

    fn visit_unit<Er: de::Error>(self) -> Result<(), Er> {
        self.not_an_object()
    }
}

impl<T, P> Level<'_, T, P> {
    /// Anything but an object is skipped, except at the root of an envelope.
    fn not_an_object<Er: de::Error>(&self) -> Result<(), Er> {
        match self.plan.envelope_field {
            Some(field) if self.depth == 0 => Err(Er::custom(format_args!(
                "expected an object envelope with a `{field}` property"
            ))),
            _ => Ok(()),
        }
    }
}

/// Reads a key and answers which live targets continue through it (0: none).
struct KeySeed<'a> {
    plan: &'a Plan,
    depth: usize,
    live: u8,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = u8;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<u8, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = u8;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }

    fn visit_str<Er: de::Error>(self, key: &str) -> Result<u8, Er> {
        let mut next = 0;
        for (i, target) in self.plan.targets.iter().enumerate() {
            if self.live & (1 << i) != 0 && target.path.get(self.depth) == Some(&key) {
                next |= 1 << i;
            }
        }
        Ok(next)
    }
}

/// The items array: decoded element by element into `out.items`, or only counted.
/// `null` is an empty page.
struct ItemsVisitor<'a, T, P> {
    out: &'a mut Decoded<T, P>,
    decode: bool,
}

impl<'de, T: DeserializeOwned, P> Visitor<'de> for ItemsVisitor<'_, T, P> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of items")
    }

    fn visit_unit<Er: de::Error>(self) -> Result<(), Er> {
        self.out.items.clear();
        self.out.count = 0;
        Ok(())
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        // A repeated property replaces the earlier one, as it would in a parsed object.
        self.out.items.clear();
        self.out.count = 0;
        if self.decode {
            if let Some(hint) = seq.size_hint() {
                self.out.items.reserve(hint);
            }
            while let Some(item) = seq.next_element::<T>()? {
                self.out.items.push(item);
            }
            self.out.count = self.out.items.len();
        } else {
            while seq.next_element::<IgnoredAny>()?.is_some() {
                self.out.count += 1;
            }
        }
        Ok(())
    }
}

/// A link field's value, whatever its type.
enum Scalar {
    Str(String),
    Num(serde_json::Number),
    Bool(bool),
    Other,
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_str<Er: de::Error>(self, v: &str) -> Result<Scalar, Er> {
        Ok(Scalar::Str(v.to_owned()))
    }

    fn visit_string<Er: de::Error>(self, v: String) -> Result<Scalar, Er> {
        Ok(Scalar::Str(v))
    }

    fn visit_u64<Er: de::Error>(self, v: u64) -> Result<Scalar, Er> {
        Ok(Scalar::Num(v.into()))
    }

    fn visit_i64<Er: de::Error>(self, v: i64) -> Result<Scalar, Er> {
        Ok(Scalar::Num(v.into()))
    }

    fn visit_f64<Er: de::Error>(self, v: f64) -> Result<Scalar, Er> {
        Ok(serde_json::Number::from_f64(v).map_or(Scalar::Other, Scalar::Num))
    }

    fn visit_bool<Er: de::Error>(self, v: bool) -> Result<Scalar, Er> {
        Ok(Scalar::Bool(v))
    }

    fn visit_unit<Er: de::Error>(self) -> Result<Scalar, Er> {
        Ok(Scalar::Other)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }

    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
}

/// Only for the type parameter of a pass that decodes no page (or no items).
pub(crate) type Nothing = PhantomData<()>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Envelope;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Item {
        id: u32,
    }

    fn spec(pagination: Pagination, items: &'static str, envelope: Option<Envelope>) -> PageSpec {
        PageSpec {
            pagination,
            items,
            envelope,
        }
    }

    #[test]
    fn items_and_links_in_one_pass() {
        let spec = spec(
            Pagination::Cursor {
                cursor_param: "c",
                cursor_field: "meta.next",
                has_more_field: Some("meta.more"),
            },
            "list",
            None,
        );
        let plan = Plan::for_page(&spec, Want::Items);
        let body = br#"{"x": {"list": 1}, "list": [{"id": 1}, {"id": 2, "z": [1]}],
            "meta": {"more": true, "next": 7, "list": "no"}}"#;
        let mut out = Decoded::<Item, Nothing>::default();
        decode(body, &plan, &mut out).unwrap();
        assert_eq!(out.items, [Item { id: 1 }, Item { id: 2 }]);
        assert_eq!(out.count, 2);
        assert_eq!(out.links.cursor.as_deref(), Some("7"));
        assert_eq!(out.links.has_more, Some(true));
    }

    #[test]
    fn envelope_paths_and_errors() {
        let envelope = Envelope {
            data_field: "data",
            success_field: Some("ok"),
        };
        let spec = spec(
            Pagination::NextUrl { next_field: "next" },
            "",
            Some(envelope),
        );
        let plan = Plan::for_page(&spec, Want::Items);
        let mut out = Decoded::<Item, Nothing>::default();
        decode(br#"{"data": [{"id": 1}], "ok": false}"#, &plan, &mut out).unwrap();
        assert_eq!(out.links.success, Some(false));

        let body = br#"{"ok": true, "data": [{"id": 1}, {"id": "x"}]}"#;
        let mut out = Decoded::<Item, Nothing>::default();
        assert!(decode(body, &plan, &mut out).is_err());
        let mut out = Decoded::<Item, Nothing>::default();
        let (path, _) = decode_tracked(body, &plan, &mut out).unwrap_err();
        assert_eq!(path, "data[1].id");
        assert_eq!(out.items, [Item { id: 1 }]);

        let mut out = Decoded::<Item, Nothing>::default();
        let (path, err) = decode_tracked(b"[1]", &plan, &mut out).unwrap_err();
        assert_eq!(path, ".");
        assert!(err.to_string().contains("object envelope"), "{err}");
    }

    #[test]
    fn not_an_array_of_items() {
        let spec = spec(Pagination::LinkHeader, "a.b", None);
        let plan = Plan::for_page(&spec, Want::Count);
        let mut out = Decoded::<Nothing, Nothing>::default();
        decode(br#"{"a": {"b": null}}"#, &plan, &mut out).unwrap();
        assert_eq!(out.count, 0);
        decode(br#""text""#, &plan, &mut out).unwrap();
        let (path, err) = decode_tracked(br#"{"a": {"b": {}}}"#, &plan, &mut out).unwrap_err();
        assert_eq!(path, "a.b");
        assert!(err.to_string().contains("an array of items"), "{err}");
    }

    #[test]
    fn payload_and_whole_values() {
        let plan = Plan::for_payload(None);
        let mut out = Decoded::<Nothing, Vec<Item>>::default();
        decode(b"[{\"id\": 3}]", &plan, &mut out).unwrap();
        assert_eq!(out.page, Some(vec![Item { id: 3 }]));

        assert_eq!(decode_value::<Option<Item>>(b"  ").unwrap(), None);
        let (path, _) = decode_value::<Vec<Item>>(b"[{\"id\": 1}, {}]").unwrap_err();
        assert_eq!(path, "[1]");
        let (path, _) = decode_value::<Vec<Item>>(b"[] x").unwrap_err();
        assert_eq!(path, ".");
    }
}
