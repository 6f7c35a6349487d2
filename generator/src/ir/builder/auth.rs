//! The client's authentication scheme and the environment variable of its key.

use super::*;

/// The client's scheme: the first of the top-level `security`, else of the first operation
/// that names one.
pub(super) fn primary_scheme(openapi: &openapiv3::OpenAPI) -> Option<String> {
    let name = openapi
        .security
        .as_ref()
        .and_then(|reqs| reqs.iter().find_map(|r| r.keys().next().cloned()));
    name.or_else(|| {
        openapi
            .paths
            .iter()
            .filter_map(|(_, i)| i.as_item())
            .flat_map(|i| i.iter())
            .find_map(|(_, op)| {
                op.security
                    .as_ref()
                    .and_then(|reqs| reqs.iter().find_map(|r| r.keys().next().cloned()))
            })
    })
}

/// Builder methods a scheme's setter must not take.
const BUILDER_METHODS: &[&str] = &[
    "auth",
    "base_url",
    "timeout",
    "connect_timeout",
    "retry_policy",
    "user_agent",
    "default_header",
    "http_client",
    "build",
    "max_error_body",
    "api_key",
    "basic_auth",
    "sensitive_header",
    "security_scheme",
    "credential",
];

/// Every security scheme, the client's first.
pub(super) fn schemes(
    cx: &mut Cx<'_>,
    spec: &LoadedSpec,
    crate_name: &str,
    primary_env: &str,
) -> Vec<SecurityScheme> {
    let openapi = cx.openapi;
    let primary = primary_scheme(openapi);
    let mut names: Vec<String> = openapi
        .components
        .iter()
        .flat_map(|c| c.security_schemes.keys().cloned())
        .collect();
    if let Some(p) = &primary {
        if let Some(i) = names.iter().position(|n| n == p) {
            let p = names.remove(i);
            names.insert(0, p);
        }
    }
    let crate_shout = heck::ToShoutySnakeCase::to_shouty_snake_case(crate_name);
    let mut taken: Vec<String> = BUILDER_METHODS.iter().map(|s| (*s).to_string()).collect();
    let mut out = Vec::new();
    for name in names {
        let Some(kind) = scheme_kind(cx, spec, &name) else {
            continue;
        };
        let ptr = pointer::join("/components/securitySchemes", &name);
        let ext_env = pointer::get(&spec.document, &format!("{ptr}/x-oagen-env"))
            .and_then(Value::as_str)
            .map(String::from);
        let env_var = match ext_env {
            Some(v) => v,
            None if Some(&name) == primary.as_ref() => primary_env.to_string(),
            None => format!(
                "{crate_shout}_{}",
                heck::ToShoutySnakeCase::to_shouty_snake_case(name.as_str())
            ),
        };
        let mut setter = crate::ident::snake(&name);
        if taken.contains(&setter) {
            setter = format!("{setter}_credential");
        }
        while taken.contains(&setter) {
            setter.push('_');
        }
        taken.push(setter.clone());
        let description = pointer::get(&spec.document, &format!("{ptr}/description"))
            .and_then(Value::as_str)
            .map(String::from);
        let notes = pointer::get(&spec.document, &ptr)
            .map(scheme_notes)
            .unwrap_or_default();
        out.push(SecurityScheme {
            name,
            setter,
            kind,
            env_var,
            description,
            notes,
        });
    }
    out
}

/// Where the token of an OAuth 2.0 or OpenID Connect scheme comes from (the client takes the
/// token; it does not run the flows), and whether the scheme is deprecated (3.2).
fn scheme_notes(scheme: &Value) -> Vec<String> {
    let text = |v: &Value, key: &str| {
        v.get(key)
            .and_then(Value::as_str)
            .map(|s| s.trim().replace(char::is_whitespace, "%20"))
    };
    let mut notes = Vec::new();
    if let Some(flows) = scheme.get("flows").and_then(Value::as_object) {
        let known: [(&str, &str); 5] = [
            ("authorizationCode", "authorization code"),
            ("clientCredentials", "client credentials"),
            ("deviceAuthorization", "device authorization"),
            ("password", "password"),
            ("implicit", "implicit"),
        ];
        for (field, flow) in flows {
            let Some(name) = known.iter().find(|(f, _)| f == field).map(|(_, n)| *n) else {
                continue;
            };
            let mut parts = Vec::new();
            for (key, what) in [
                ("deviceAuthorizationUrl", "device code from"),
                ("authorizationUrl", "authorization at"),
                ("tokenUrl", "token from"),
                ("refreshUrl", "refresh at"),
            ] {
                if let Some(url) = text(flow, key) {
                    parts.push(format!("{what} {url}"));
                }
            }
            let detail = if parts.is_empty() {
                ".".to_string()
            } else {
                format!(": {}", parts.join(", "))
            };
            notes.push(format!("OAuth 2.0 {name} flow{detail}"));
        }
    }
    if let Some(url) = text(scheme, "oauth2MetadataUrl") {
        notes.push(format!("OAuth 2.0 authorization server metadata: {url}"));
    }
    if let Some(url) = text(scheme, "openIdConnectUrl") {
        notes.push(format!("OpenID Connect discovery: {url}"));
    }
    if !notes.is_empty() {
        notes.push("Pass the access token the flow gives: it is sent as a bearer token.".into());
    }
    if scheme.get("deprecated") == Some(&Value::Bool(true)) {
        notes.push("Deprecated.".into());
    }
    notes
}

pub(super) fn auth(cx: &mut Cx<'_>, spec: &LoadedSpec) -> Option<AuthScheme> {
    let name = primary_scheme(cx.openapi)?;
    scheme_kind(cx, spec, &name)
}

/// How the credential of scheme `name` is sent.
fn scheme_kind(cx: &mut Cx<'_>, spec: &LoadedSpec, name: &str) -> Option<AuthScheme> {
    let openapi = cx.openapi;
    let name = name.to_string();
    let ptr = format!("/components/securitySchemes/{}", pointer::escape(&name));
    let scheme = openapi
        .components
        .as_ref()
        .and_then(|c| c.security_schemes.get(&name))
        .and_then(|s| s.as_item());
    let Some(scheme) = scheme else {
        cx.error(
            "dangling-ref",
            format!("security scheme `{name}` is not defined"),
            "/security",
        );
        return None;
    };
    let prefix = spec
        .document
        .pointer(&format!("{ptr}/x-oagen-auth-prefix"))
        .and_then(Value::as_str)
        .map(String::from);
    use openapiv3::{APIKeyLocation, SecurityScheme};
    Some(match scheme {
        SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("basic") => {
            AuthScheme::Basic
        }
        SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("bearer") => {
            AuthScheme::Bearer
        }
        SecurityScheme::HTTP { scheme, .. } => {
            cx.warn(
                "unsupported-auth",
                format!(
                    "http scheme `{scheme}` is not supported; sending the secret as a bearer token"
                ),
                &ptr,
            );
            AuthScheme::Bearer
        }
        SecurityScheme::APIKey { location, name, .. } => match location {
            APIKeyLocation::Header => AuthScheme::Header {
                name: name.clone(),
                prefix,
            },
            APIKeyLocation::Query => AuthScheme::Query { name: name.clone() },
            APIKeyLocation::Cookie => AuthScheme::Cookie { name: name.clone() },
        },
        SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIDConnect { .. } => AuthScheme::Bearer,
    })
}

/// Where each `apiKey` security scheme puts its key, in document order.
pub(super) fn api_key_names(openapi: &openapiv3::OpenAPI) -> Vec<(ParamIn, String)> {
    use openapiv3::{APIKeyLocation, SecurityScheme};
    openapi
        .components
        .iter()
        .flat_map(|c| c.security_schemes.values())
        .filter_map(|s| match s.as_item() {
            Some(SecurityScheme::APIKey { location, name, .. }) => Some((
                match location {
                    APIKeyLocation::Header => ParamIn::Header,
                    APIKeyLocation::Query => ParamIn::Query,
                    APIKeyLocation::Cookie => ParamIn::Cookie,
                },
                name.clone(),
            )),
            _ => None,
        })
        .collect()
}

/// Whether a parameter carries a credential: the `Authorization`, `Proxy-Authorization` or
/// `Cookie` header, or the header (any case), query parameter or cookie of an `apiKey` scheme.
pub(super) fn is_credential(openapi: &openapiv3::OpenAPI, location: ParamIn, name: &str) -> bool {
    let builtin = ["Authorization", "Proxy-Authorization", "Cookie"];
    if location == ParamIn::Header && builtin.iter().any(|h| h.eq_ignore_ascii_case(name)) {
        return true;
    }
    api_key_names(openapi).iter().any(|(l, n)| {
        *l == location
            && (n == name || (location == ParamIn::Header && n.eq_ignore_ascii_case(name)))
    })
}

pub(super) fn env_var(spec: &LoadedSpec, crate_name: &str) -> String {
    let from_ext = spec
        .document
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .and_then(|m| {
            m.values()
                .find_map(|s| s.get("x-oagen-env").and_then(Value::as_str))
        });
    match from_ext {
        Some(v) => v.to_string(),
        None => format!(
            "{}_API_KEY",
            heck::ToShoutySnakeCase::to_shouty_snake_case(crate_name)
        ),
    }
}
