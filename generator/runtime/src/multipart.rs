//! `multipart/form-data` bodies that can be rebuilt for every attempt.

use bytes::Bytes;
use serde::Serialize;
use serde_json::Value;

use crate::error::Error;

/// A `multipart/form-data` body.
///
/// Unlike `reqwest::multipart::Form` it is `Clone` (file contents are shared
/// [`Bytes`]), so a retried request sends the same body again.
///
/// ```
/// use oagen_runtime::Multipart;
/// let form = Multipart::new()
///     .text("title", "Holiday")
///     .bytes("image", vec![0x89, 0x50], Some("logo.png".into()), Some("image/png".into()));
/// # let _ = form;
/// ```
#[derive(Clone, Debug, Default)]
pub struct Multipart {
    parts: Vec<Part>,
}

#[derive(Clone, Debug)]
struct Part {
    name: String,
    kind: PartKind,
}

#[derive(Clone)]
enum PartKind {
    Text(String),
    Bytes {
        data: Bytes,
        file_name: Option<String>,
        content_type: Option<String>,
    },
}

impl std::fmt::Debug for PartKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PartKind::Text(text) => f.debug_tuple("Text").field(&text.len()).finish(),
            PartKind::Bytes {
                data,
                file_name,
                content_type,
            } => f
                .debug_struct("Bytes")
                .field("len", &data.len())
                .field("file_name", file_name)
                .field("content_type", content_type)
                .finish(),
        }
    }
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push(Part {
            name: name.into(),
            kind: PartKind::Text(value.into()),
        });
        self
    }

    /// Adds a binary part, such as a file upload. Without a `content_type` it is sent
    /// as `application/octet-stream`.
    pub fn bytes(
        mut self,
        name: impl Into<String>,
        data: impl Into<Bytes>,
        file_name: Option<String>,
        content_type: Option<String>,
    ) -> Self {
        self.parts.push(Part {
            name: name.into(),
            kind: PartKind::Bytes {
                data: data.into(),
                file_name,
                content_type,
            },
        });
        self
    }

    /// Builds a form from a struct or map: each top-level property becomes one text
    /// part (strings as they are, other values as JSON); `null` properties are left out.
    pub fn from_serialize<T: Serialize + ?Sized>(value: &T) -> Result<Self, Error> {
        let value = serde_json::to_value(value)
            .map_err(|e| Error::InvalidRequest(format!("cannot serialize multipart body: {e}")))?;
        let Value::Object(map) = value else {
            return Err(Error::InvalidRequest(
                "a multipart body must serialize to an object".to_owned(),
            ));
        };
        Ok(map.into_iter().filter(|(_, v)| !v.is_null()).fold(
            Multipart::new(),
            |form, (name, value)| {
                let text = match value {
                    Value::String(s) => s,
                    other => other.to_string(),
                };
                form.text(name, text)
            },
        ))
    }

    /// Whether the form has no parts.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// Builds the `reqwest` form for one attempt.
    pub(crate) fn to_form(&self) -> Result<reqwest::multipart::Form, String> {
        let mut form = reqwest::multipart::Form::new();
        for part in &self.parts {
            let built = match &part.kind {
                PartKind::Text(text) => reqwest::multipart::Part::text(text.clone()),
                PartKind::Bytes {
                    data,
                    file_name,
                    content_type,
                } => {
                    let len = u64::try_from(data.len()).unwrap_or(u64::MAX);
                    let mut p = reqwest::multipart::Part::stream_with_length(
                        reqwest::Body::from(data.clone()),
                        len,
                    );
                    if let Some(name) = file_name {
                        p = p.file_name(name.clone());
                    }
                    // OpenAPI's default for a binary part (Encoding Object); without a
                    // Content-Type a file part would be read as text/plain (RFC 7578).
                    let ct = content_type
                        .as_deref()
                        .unwrap_or("application/octet-stream");
                    p.mime_str(ct).map_err(|_| {
                        format!(
                            "invalid content type `{}` for multipart part `{}`",
                            ct.escape_debug(),
                            part.name.escape_debug()
                        )
                    })?
                }
            };
            form = form.part(part.name.clone(), built);
        }
        Ok(form)
    }
}
