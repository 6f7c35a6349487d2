//! `$self` (OpenAPI 3.2): a document's own URI, the base its `$ref`s resolve against.
//!
//! A document with `$self` has its references resolved against that URI (RFC 3986; a relative
//! `$self` is first resolved against the file's own location). oagen reads files, not the
//! network, so the resolved URI is mapped back onto a file:
//!
//! - the document's own `$self` (with or without a fragment): this document;
//! - the `$self` of another document already read: that document;
//! - a `file:` URI: that file;
//! - a URI on the same scheme, host and port as `$self`: the file at the same relative place
//!   from this file as the URI is from `$self` (`$self: https://example.com/apis/openapi.yaml`
//!   and `$ref: schemas/pet.yaml`, or the absolute `https://example.com/apis/schemas/pet.yaml`,
//!   read `schemas/pet.yaml` next to the document);
//! - anything else stays as written (a remote reference, reported as such).
//!
//! The reference is rewritten relative to the file (`#/components/...` for the document
//! itself), so the resolver goes on as for any other reference. A document without `$self`
//! is untouched.

use std::path::{Path, PathBuf};

use url::Url;

/// The `file:` URL of a path (made absolute against the working directory).
fn file_url(path: &Path) -> Option<Url> {
    Url::from_file_path(std::path::absolute(path).ok()?).ok()
}

fn without_fragment(u: &Url) -> Url {
    let mut u = u.clone();
    u.set_fragment(None);
    u
}

/// The base URI of `file` whose document has `$self: self_uri`.
pub(super) fn self_base(file: &Path, self_uri: &str) -> Option<Url> {
    file_url(file)?.join(self_uri).ok()
}

/// `reference`, written in `file` whose base URI is `base` (its `$self`), as a reference
/// relative to `file`; `None` to leave it as written. `known` lists the base URIs of the
/// other documents read so far, with their files.
pub(super) fn rebase(
    reference: &str,
    file: &Path,
    base: &Url,
    known: &[(Url, PathBuf)],
) -> Option<String> {
    let target = base.join(reference).ok()?;
    let fragment = target.fragment().map(str::to_string);
    let doc = without_fragment(&target);
    let here = without_fragment(base);
    let local: PathBuf = if doc == here {
        file.to_path_buf()
    } else if let Some((_, path)) = known.iter().find(|(u, _)| without_fragment(u) == doc) {
        path.clone()
    } else if doc.scheme() == "file" {
        doc.to_file_path().ok()?
    } else {
        let rel = here.make_relative(&doc)?;
        if rel.contains(['?', '#']) || rel.starts_with('/') {
            return None;
        }
        let decoded = super::pointer::percent_decode(&rel);
        file.parent().unwrap_or(Path::new("")).join(decoded)
    };
    let from = file_url(file)?;
    let to = file_url(&local)?;
    let path = if to == from {
        String::new()
    } else {
        from.make_relative(&to)?
    };
    Some(match fragment {
        Some(f) => format!("{path}#{f}"),
        None if path.is_empty() => "#".to_string(),
        None => path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(self_uri: &str, reference: &str) -> Option<String> {
        let file = Path::new("/specs/api/openapi.yaml");
        let base = self_base(file, self_uri)?;
        let other = (
            Url::parse("https://schemas.example.org/common").ok()?,
            PathBuf::from("/specs/shared/common.yaml"),
        );
        rebase(reference, file, &base, &[other])
    }

    #[test]
    fn absolute_self() {
        let s = "https://example.com/apis/v1/openapi.yaml";
        assert_eq!(
            run(s, "#/components/schemas/Pet").as_deref(),
            Some("#/components/schemas/Pet")
        );
        assert_eq!(
            run(
                s,
                "https://example.com/apis/v1/openapi.yaml#/components/schemas/Pet"
            )
            .as_deref(),
            Some("#/components/schemas/Pet")
        );
        assert_eq!(
            run(s, "schemas/pet.yaml#/Pet").as_deref(),
            Some("schemas/pet.yaml#/Pet")
        );
        assert_eq!(
            run(s, "https://example.com/apis/v1/schemas/pet.yaml").as_deref(),
            Some("schemas/pet.yaml")
        );
        assert_eq!(
            run(s, "../common.yaml#/E").as_deref(),
            Some("../common.yaml#/E")
        );
        assert_eq!(
            run(s, "https://schemas.example.org/common#/Error").as_deref(),
            Some("../shared/common.yaml#/Error")
        );
        // Another host: left as written (a remote reference).
        assert_eq!(run(s, "https://other.example.com/x.yaml"), None);
    }

    #[test]
    fn relative_self() {
        // Resolved against the file first: refs are relative to `v2/`.
        assert_eq!(
            run("v2/openapi.yaml", "pet.yaml#/Pet").as_deref(),
            Some("v2/pet.yaml#/Pet")
        );
        assert_eq!(
            run("v2/openapi.yaml", "#/components/x").as_deref(),
            Some("#/components/x")
        );
        assert_eq!(
            run("./openapi.yaml", "#/components/x").as_deref(),
            Some("#/components/x")
        );
    }
}
