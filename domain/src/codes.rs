//! Small closed vocabularies: trade direction, currency, product
//! classification and region level. Their text forms are what the CSV
//! format, the database and the GraphQL enums use.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid {what}: expected one of {expected}")]
pub struct ParseCodeError {
    pub what: &'static str,
    pub value: String,
    pub expected: &'static str,
}

macro_rules! closed_vocabulary {
    ($(#[$meta:meta])* $name:ident, $what:literal, { $($variant:ident => $text:literal $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The canonical text form, as stored in the database.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = ParseCodeError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let t = s.trim();
                $(
                    if t.eq_ignore_ascii_case($text) $(|| t.eq_ignore_ascii_case($alias))* {
                        return Ok($name::$variant);
                    }
                )+
                Err(ParseCodeError {
                    what: $what,
                    value: s.to_string(),
                    expected: concat!($($text, " "),+),
                })
            }
        }
    };
}

closed_vocabulary!(
    /// Exports leave the region; imports enter it.
    Direction, "direction", {
        Export => "EXPORT" | "exports" | "X",
        Import => "IMPORT" | "imports" | "M",
    }
);

closed_vocabulary!(
    /// The currencies flows are recorded in. Values of different currencies
    /// are never added together.
    Currency, "currency", {
        Usd => "USD",
        Mxn => "MXN",
    }
);

closed_vocabulary!(
    /// A product classification: the Harmonized System or Mexico's SCIAN.
    Classification, "classification", {
        Hs => "HS",
        Scian => "SCIAN",
    }
);

closed_vocabulary!(
    /// A node's level in the territorial hierarchy.
    RegionLevel, "region level", {
        Country => "COUNTRY",
        State => "STATE",
        Municipality => "MUNICIPALITY",
    }
);

impl RegionLevel {
    /// The level implied by the length of an INEGI code (`00`, `02`, `02002`).
    pub fn of_code(code: &str) -> Option<Self> {
        if !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        match code.len() {
            2 if code == "00" => Some(Self::Country),
            2 => Some(Self::State),
            5 => Some(Self::Municipality),
            _ => None,
        }
    }
}

/// The partner code meaning "all partners" in flow data.
pub const ALL_PARTNERS: &str = "WLD";
/// The product code meaning "all products" in flow data.
pub const ALL_PRODUCTS: &str = "TOTAL";
/// The region code of the nation.
pub const NATION: &str = "00";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_canonical_forms_and_aliases() {
        assert_eq!("EXPORT".parse::<Direction>().unwrap(), Direction::Export);
        assert_eq!("exports".parse::<Direction>().unwrap(), Direction::Export);
        assert_eq!(" import ".parse::<Direction>().unwrap(), Direction::Import);
        assert_eq!("usd".parse::<Currency>().unwrap(), Currency::Usd);
        assert_eq!(
            "SCIAN".parse::<Classification>().unwrap(),
            Classification::Scian
        );
    }

    #[test]
    fn rejects_unknown_values_naming_the_choices() {
        let err = "EUR".parse::<Currency>().unwrap_err();
        assert_eq!(err.what, "currency");
        assert!(err.to_string().contains("USD"), "{err}");
        assert!("".parse::<Direction>().is_err());
    }

    #[test]
    fn region_level_from_code() {
        assert_eq!(RegionLevel::of_code("00"), Some(RegionLevel::Country));
        assert_eq!(RegionLevel::of_code("02"), Some(RegionLevel::State));
        assert_eq!(
            RegionLevel::of_code("02002"),
            Some(RegionLevel::Municipality)
        );
        assert_eq!(RegionLevel::of_code("020"), None);
        assert_eq!(RegionLevel::of_code("MX-BCN"), None);
    }
}
