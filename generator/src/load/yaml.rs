//! A YAML node type for the parser in [`super::parse`]: `serde_yaml_ng::Value` with
//! integers beyond 64 bits read as floats instead of failing the file.

/// A YAML node read like `serde_yaml_ng::Value`, except that an integer
/// beyond the 64-bit range (`minimum: -9223372036854776000`, written by
/// generators that print a double without its fraction) becomes the nearest
/// float instead of failing the whole file.
pub(super) struct LenientYaml(pub(super) serde_yaml_ng::Value);

impl<'de> serde::Deserialize<'de> for LenientYaml {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(LenientVisitor).map(LenientYaml)
    }
}

struct LenientVisitor;

impl<'de> serde::de::Visitor<'de> for LenientVisitor {
    type Value = serde_yaml_ng::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, b: bool) -> Result<Self::Value, E> {
        Ok(serde_yaml_ng::Value::Bool(b))
    }
    fn visit_i64<E>(self, i: i64) -> Result<Self::Value, E> {
        Ok(serde_yaml_ng::Value::Number(i.into()))
    }
    fn visit_u64<E>(self, u: u64) -> Result<Self::Value, E> {
        Ok(serde_yaml_ng::Value::Number(u.into()))
    }
    fn visit_i128<E>(self, i: i128) -> Result<Self::Value, E> {
        Ok(match i64::try_from(i) {
            Ok(i) => serde_yaml_ng::Value::Number(i.into()),
            Err(_) => serde_yaml_ng::Value::Number((i as f64).into()),
        })
    }
    fn visit_u128<E>(self, u: u128) -> Result<Self::Value, E> {
        Ok(match u64::try_from(u) {
            Ok(u) => serde_yaml_ng::Value::Number(u.into()),
            Err(_) => serde_yaml_ng::Value::Number((u as f64).into()),
        })
    }
    fn visit_f64<E>(self, f: f64) -> Result<Self::Value, E> {
        Ok(serde_yaml_ng::Value::Number(f.into()))
    }
    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(serde_yaml_ng::Value::String(s.to_string()))
    }
    fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
        Ok(serde_yaml_ng::Value::String(s))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_yaml_ng::Value::Null)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(serde_yaml_ng::Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(LenientVisitor)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(LenientYaml(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(serde_yaml_ng::Value::Sequence(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = serde_yaml_ng::Mapping::new();
        while let Some(LenientYaml(k)) = map.next_key()? {
            if out.contains_key(&k) {
                let key = match &k {
                    serde_yaml_ng::Value::String(s) => format!("with key {s:?}"),
                    serde_yaml_ng::Value::Number(n) => format!("with key {n}"),
                    serde_yaml_ng::Value::Bool(b) => format!("with key `{b}`"),
                    serde_yaml_ng::Value::Null => "with null key".to_string(),
                    _ => "in YAML map".to_string(),
                };
                return Err(serde::de::Error::custom(format!("duplicate entry {key}")));
            }
            let LenientYaml(v) = map.next_value()?;
            out.insert(k, v);
        }
        Ok(serde_yaml_ng::Value::Mapping(out))
    }
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        use serde::de::VariantAccess;
        let (tag, contents) = data.variant::<String>()?;
        let LenientYaml(value) = contents.newtype_variant()?;
        Ok(serde_yaml_ng::Value::Tagged(Box::new(
            serde_yaml_ng::value::TaggedValue {
                tag: serde_yaml_ng::value::Tag::new(tag),
                value,
            },
        )))
    }
}
