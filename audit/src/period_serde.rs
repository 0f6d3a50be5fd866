//! Periods as their text form (`"2024-Q3"`) in JSON: `Period` itself has no
//! serde impls, and its canonical text is what the API shows anyway.

use serde::{Deserialize, Deserializer, Serializer};
use tradegraph_domain::Period;

pub fn serialize<S: Serializer>(p: &Period, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(p)
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Period, D::Error> {
    let text = String::deserialize(d)?;
    Period::parse(&text).map_err(serde::de::Error::custom)
}

/// The same for `Option<Period>`.
pub mod option {
    use super::*;

    pub fn serialize<S: Serializer>(p: &Option<Period>, s: S) -> Result<S::Ok, S::Error> {
        match p {
            Some(p) => s.collect_str(p),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Period>, D::Error> {
        let text: Option<String> = Option::deserialize(d)?;
        text.map(|t| Period::parse(&t).map_err(serde::de::Error::custom))
            .transpose()
    }
}
