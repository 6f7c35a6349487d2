//! JSON pointers (RFC 6901) and local `$ref`s: the one place that escapes and
//! unescapes reference tokens, splits and joins pointers, reads a document at
//! a pointer, and follows chains of local references (with one hop limit,
//! [`MAX_HOPS`]).
//!
//! Every stage that names a place in the document goes through here: load
//! (bundling, repairs, cycle checks), the IR builder (component lookups), diff
//! and the contract-test planner.

use std::borrow::Cow;

use serde_json::Value;

/// The longest chain of references that is followed: a chain that has not
/// ended after this many hops is treated like a cycle. Cycles themselves are
/// detected long before (see [`follow`]); the limit only bounds the work on a
/// pathological document.
pub const MAX_HOPS: usize = 10_000;

/// One reference token escaped for a JSON pointer: `~` → `~0`, `/` → `~1`
/// (borrowed when there is nothing to escape).
pub fn escape(token: &str) -> Cow<'_, str> {
    if !token.contains(['~', '/']) {
        return Cow::Borrowed(token);
    }
    let mut out = String::with_capacity(token.len() + 2);
    push_escaped(&mut out, token);
    Cow::Owned(out)
}

/// Appends `token` escaped (without a leading `/`).
pub fn push_escaped(out: &mut String, token: &str) {
    let mut rest = token;
    while let Some(i) = rest.find(['~', '/']) {
        out.push_str(&rest[..i]);
        out.push_str(if rest.as_bytes()[i] == b'~' {
            "~0"
        } else {
            "~1"
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

/// Appends `/token`, the token escaped: the pointer of a child.
pub fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    push_escaped(pointer, token);
}

/// `{base}/{token}`, the token escaped.
pub fn join(base: &str, token: &str) -> String {
    let mut out = String::with_capacity(base.len() + token.len() + 1);
    out.push_str(base);
    push_token(&mut out, token);
    out
}

/// Undoes [`escape`]: `~1` → `/` then `~0` → `~` (so `~01` is `~1`).
/// Borrowed when the token has no escapes.
pub fn unescape(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    }
}

/// The unescaped tokens of a pointer (`""`, the whole document, has none).
pub fn tokens(pointer: &str) -> Vec<String> {
    match pointer.strip_prefix('/') {
        None => Vec::new(),
        Some(rest) => rest.split('/').map(|t| unescape(t).into_owned()).collect(),
    }
}

/// The value at `pointer` (the rules of `Value::pointer`, without a string
/// per token: array indexes without sign or leading zeros).
pub fn get<'a>(doc: &'a Value, pointer: &str) -> Option<&'a Value> {
    if pointer.is_empty() {
        return Some(doc);
    }
    let rest = pointer.strip_prefix('/')?;
    let mut target = doc;
    for token in rest.split('/') {
        target = match target {
            Value::Object(map) => map.get(unescape(token).as_ref())?,
            Value::Array(list) => list.get(parse_index(token)?)?,
            _ => return None,
        };
    }
    Some(target)
}

/// The mutable form of [`get`].
pub fn get_mut<'a>(doc: &'a mut Value, pointer: &str) -> Option<&'a mut Value> {
    if pointer.is_empty() {
        return Some(doc);
    }
    let rest = pointer.strip_prefix('/')?;
    let mut target = doc;
    for token in rest.split('/') {
        target = match target {
            Value::Object(map) => map.get_mut(unescape(token).as_ref())?,
            Value::Array(list) => list.get_mut(parse_index(token)?)?,
            _ => return None,
        };
    }
    Some(target)
}

fn parse_index(s: &str) -> Option<usize> {
    if s.starts_with('+') || (s.starts_with('0') && s.len() != 1) {
        return None;
    }
    s.parse().ok()
}

/// `%xx` escapes decoded (as in a URI fragment); invalid escapes and bytes
/// that would not form UTF-8 are kept as written.
pub fn percent_decode(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// The pointer a local ref (`#/...`, or `#` for the whole document) names,
/// `%xx` escapes decoded; `None` for a ref to another file, a URL or a
/// fragment that is no pointer (`#anchor`). Borrowed when there is nothing to
/// decode.
pub fn local(reference: &str) -> Option<Cow<'_, str>> {
    let fragment = reference.strip_prefix('#')?;
    let pointer = if fragment.contains('%') {
        Cow::Owned(percent_decode(fragment))
    } else {
        Cow::Borrowed(fragment)
    };
    (pointer.is_empty() || pointer.starts_with('/')).then_some(pointer)
}

/// The `$ref` string of a reference object.
pub fn ref_of(value: &Value) -> Option<&str> {
    value.as_object()?.get("$ref")?.as_str()
}

/// One step along a chain of references.
pub enum Hop<T> {
    /// `T` is no reference: the chain ends here.
    End,
    /// A reference that leads to this item.
    To(T),
    /// A reference that leads nowhere (dangling, or not followed).
    Broken,
}

/// Follows a chain of references from `start`: `step` says where each item
/// leads. The item the chain ends at; `None` when a hop is [`Hop::Broken`],
/// when the chain loops (found by comparing addresses, Brent's way, after at
/// most a few times the chain's length), or past [`MAX_HOPS`].
pub fn follow<'a, T: ?Sized>(
    start: &'a T,
    mut step: impl FnMut(&'a T) -> Hop<&'a T>,
) -> Option<&'a T> {
    let mut cur = start;
    // Brent: `mark` is compared with every item of a window twice as long as the last.
    let mut mark = start;
    let mut window = 1usize;
    let mut walked = 0usize;
    for _ in 0..MAX_HOPS {
        match step(cur) {
            Hop::End => return Some(cur),
            Hop::Broken => return None,
            Hop::To(next) => cur = next,
        }
        if std::ptr::eq(cur, mark) {
            return None;
        }
        walked += 1;
        if walked == window {
            mark = cur;
            window *= 2;
            walked = 0;
        }
    }
    None
}

/// Follows local `$ref`s from `value` in `doc`: the first value that is no
/// local reference, or the reference whose target is missing. On a loop (or
/// past [`MAX_HOPS`]), `value` itself.
pub fn deref<'v>(doc: &'v Value, value: &'v Value) -> &'v Value {
    follow(value, |v| {
        match ref_of(v).and_then(local).and_then(|p| get(doc, p.as_ref())) {
            Some(next) => Hop::To(next),
            None => Hop::End,
        }
    })
    .unwrap_or(value)
}

/// A pointer that may pass through `$ref`s, rewritten to the place it really leads to, so
/// that it resolves in the document. Unknown tails are kept as they are.
pub fn real(doc: &Value, ptr: &str) -> String {
    let tokens = tokens(ptr);
    let mut cur = doc;
    let mut out = String::new();
    for (i, t) in tokens.iter().enumerate() {
        let mut landed = None;
        let end = follow(cur, |v| {
            match ref_of(v)
                .and_then(local)
                .and_then(|p| Some((get(doc, &p)?, p)))
            {
                Some((next, p)) => {
                    landed = Some(p.into_owned());
                    Hop::To(next)
                }
                None => Hop::End,
            }
        });
        if let (Some(end), Some(landed)) = (end, landed) {
            cur = end;
            out = landed;
        }
        let next = match cur {
            Value::Object(map) => map.get(t.as_str()),
            Value::Array(items) => t.parse::<usize>().ok().and_then(|n| items.get(n)),
            _ => None,
        };
        match next {
            Some(v) => {
                cur = v;
                out.push('/');
                out.push_str(&escape(t));
            }
            None => {
                for rest in &tokens[i..] {
                    out.push('/');
                    out.push_str(&escape(rest));
                }
                return out;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn escaping_roundtrips() {
        for token in ["", "a", "a/b", "a~b", "~1", "~0", "/~/", "~01", "é/~"] {
            let escaped = escape(token);
            assert!(!escaped.contains('/'), "{escaped}");
            assert_eq!(unescape(&escaped), token);
            assert_eq!(tokens(&join("", token)), vec![token.to_string()]);
        }
        assert_eq!(escape("a/b~c"), "a~1b~0c");
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
        // `~01` is `~` then `1`, not `~1` decoded twice.
        assert_eq!(unescape("~01"), "~1");
        assert_eq!(unescape("~10"), "/0");
        assert_eq!(unescape("a~1b~0c"), "a/b~c");
    }

    #[test]
    fn splits_and_joins() {
        assert!(tokens("").is_empty());
        assert_eq!(tokens("/"), vec![""]);
        assert_eq!(tokens("/a~1b/0"), vec!["a/b", "0"]);
        assert_eq!(join("/paths", "/pets/{id}"), "/paths/~1pets~1{id}");
    }

    #[test]
    fn get_matches_serde_pointer() {
        let doc = json!({
            "a/b": {"c~d": [10, {"": 1}], "~1": 2, "~01": 3},
            "arr": [0, 1, 2],
            "": {"x": null}
        });
        let pointers = [
            "",
            "/",
            "/a~1b",
            "/a~1b/c~0d",
            "/a~1b/c~0d/0",
            "/a~1b/c~0d/1/",
            "/a~1b/~01",
            "/a~1b/~001",
            "/arr/0",
            "/arr/01",
            "/arr/+1",
            "/arr/3",
            "/arr/-1",
            "//x",
            "/arr/2/x",
            "a",
            "/missing",
            "/a~1b/c~0d/1//",
        ];
        for p in pointers {
            assert_eq!(get(&doc, p), doc.pointer(p), "{p}");
            let expect = doc.clone().pointer_mut(p).map(|v| v.take());
            assert_eq!(
                get_mut(&mut doc.clone(), p).map(|v| v.take()),
                expect,
                "{p}"
            );
        }
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%7Bb%7D"), "a{b}");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        assert_eq!(percent_decode("%C3%A9"), "é");
        assert_eq!(percent_decode("%FF"), "%FF");
    }

    #[test]
    fn local_refs() {
        assert_eq!(local("#/a/b").as_deref(), Some("/a/b"));
        assert_eq!(local("#").as_deref(), Some(""));
        assert_eq!(local("#/A%20B").as_deref(), Some("/A B"));
        assert_eq!(local("#/100%").as_deref(), Some("/100%"));
        assert_eq!(local("#anchor"), None);
        assert_eq!(local("other.yaml#/a"), None);
        assert_eq!(local("/a"), None);
    }

    #[test]
    fn deref_follows_chains_and_stops() {
        let doc = json!({
            "a": {"$ref": "#/b"},
            "b": {"$ref": "#/c"},
            "c": {"type": "string"},
            "loop1": {"$ref": "#/loop2"},
            "loop2": {"$ref": "#/loop3"},
            "loop3": {"$ref": "#/loop1"},
            "self": {"$ref": "#/self"},
            "dangling": {"$ref": "#/nothing"},
            "remote": {"$ref": "other.yaml#/c"},
        });
        let at = |p: &str| doc.pointer(p).unwrap();
        assert_eq!(deref(&doc, at("/a")), &json!({"type": "string"}));
        assert_eq!(deref(&doc, at("/c")), at("/c"));
        // A dangling or remote ref: the ref object itself.
        assert_eq!(deref(&doc, at("/dangling")), at("/dangling"));
        assert_eq!(deref(&doc, at("/remote")), at("/remote"));
        // A loop: where it started.
        assert!(std::ptr::eq(deref(&doc, at("/loop1")), at("/loop1")));
        assert!(std::ptr::eq(deref(&doc, at("/self")), at("/self")));
    }

    #[test]
    fn follow_reports_loops_breaks_and_the_limit() {
        // A chain over indexes: `next[i]` is where item `i` leads.
        fn run(next: &[Option<usize>], start: usize) -> (Option<usize>, usize) {
            let items: Vec<usize> = (0..next.len()).collect();
            let mut hops = 0;
            let end = follow(&items[start], |&i| {
                hops += 1;
                match next[i] {
                    None => Hop::End,
                    Some(j) if j >= items.len() => Hop::Broken,
                    Some(j) => Hop::To(&items[j]),
                }
            });
            (end.copied(), hops)
        }
        assert_eq!(run(&[Some(1), Some(2), None], 0).0, Some(2));
        assert_eq!(run(&[None], 0).0, Some(0));
        assert_eq!(run(&[Some(1), Some(99)], 0).0, None);
        // A loop ending a long tail is found in a few times its length.
        let mut next: Vec<Option<usize>> = (1..=1000).map(Some).collect();
        next.push(Some(990));
        let (end, hops) = run(&next, 0);
        assert_eq!(end, None);
        assert!(hops < 4 * next.len(), "{hops}");
        // A chain longer than the limit gives up after MAX_HOPS hops.
        let mut long: Vec<Option<usize>> = (1..=MAX_HOPS + 5).map(Some).collect();
        long.push(None);
        assert_eq!(run(&long, 0), (None, MAX_HOPS));
        assert_eq!(run(&long, 10).0, Some(MAX_HOPS + 5));
    }
}
