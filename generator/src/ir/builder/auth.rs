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

pub(super) fn auth(cx: &mut Cx<'_>, spec: &LoadedSpec) -> Option<AuthScheme> {
    let openapi = cx.openapi;
    let name = primary_scheme(openapi)?;
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
