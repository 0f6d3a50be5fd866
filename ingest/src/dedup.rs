//! Finding repeated flow keys inside one file without keeping the rows.
//!
//! Each key (period, direction, region, partner, classification, product,
//! source) is packed exactly into 128 bits: the months as numbers, the codes
//! as small integers handed out by interners. The interners grow with the
//! number of *distinct* codes (bounded by the catalogue), the index with the
//! number of rows: 24 bytes per row plus the hash table's slack, about
//! 50 MB per million rows. Callers that let the database enforce uniqueness
//! can switch it off ([`ReaderOptions`](crate::ReaderOptions)).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use tradegraph_domain::{Classification, Direction, YearMonth};

use crate::error::{Violation, rules};
use crate::record::FlowRecord;

const PARTNER_BITS: u32 = 14;
const SOURCE_BITS: u32 = 24;

/// The first line each key was seen on.
#[derive(Default)]
pub(crate) struct DuplicateIndex {
    regions: Interner,
    partners: Interner,
    products: Interner,
    sources: Interner,
    seen: HashMap<(u64, u64), u32, BuildHasherDefault<MixHasher>>,
}

impl DuplicateIndex {
    /// An index with room for `rows` keys.
    pub fn with_capacity(rows: usize) -> Self {
        Self {
            seen: HashMap::with_capacity_and_hasher(rows, Default::default()),
            ..Self::default()
        }
    }

    /// Records the key of `record`; returns the earlier line if the key was
    /// already there.
    pub fn insert(&mut self, record: &FlowRecord) -> Result<Option<u64>, Violation> {
        let key = self.key(record)?;
        let line = u32::try_from(record.line).unwrap_or(u32::MAX);
        match self.seen.entry(key) {
            std::collections::hash_map::Entry::Occupied(first) => Ok(Some(u64::from(*first.get()))),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(line);
                Ok(None)
            }
        }
    }

    fn key(&mut self, r: &FlowRecord) -> Result<(u64, u64), Violation> {
        let too_many = |what: &str| {
            Violation::new(
                rules::TOO_MANY_CODES,
                format!(
                    "the file holds too many distinct {what} codes to check for duplicate keys"
                ),
            )
        };
        let partner = self.partners.id(&r.partner_iso3);
        let source = self.sources.id(&r.source);
        if partner >= 1 << PARTNER_BITS {
            return Err(too_many("partner"));
        }
        if source >= 1 << SOURCE_BITS {
            return Err(too_many("source"));
        }
        let month =
            |m: YearMonth| (m.year() - YearMonth::MIN_YEAR) as u64 * 12 + u64::from(m.month() - 1);
        // 12 + 12 + 1 + 1 + 24 + 14 = 64 bits.
        let high = month(r.period.start())
            | month(r.period.end()) << 12
            | u64::from(r.direction == Direction::Import) << 24
            | u64::from(r.classification == Classification::Scian) << 25
            | u64::from(source) << 26
            | u64::from(partner) << 50;
        let region = self.regions.id(&r.region_code);
        let product = self.products.id(&r.product_code);
        let low = u64::from(region) | u64::from(product) << 32;
        Ok((high, low))
    }
}

/// Hands out 0, 1, 2, … to distinct strings. Remembers the last string
/// asked for: files repeat a source, and often a region, row after row.
#[derive(Default)]
struct Interner {
    ids: HashMap<Box<str>, u32, BuildHasherDefault<MixHasher>>,
    last: String,
    last_id: Option<u32>,
}

impl Interner {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(id) = self.last_id
            && self.last == s
        {
            return id;
        }
        let id = match self.ids.get(s) {
            Some(&id) => id,
            None => {
                let id = u32::try_from(self.ids.len()).unwrap_or(u32::MAX);
                self.ids.insert(s.into(), id);
                id
            }
        };
        self.last.clear();
        self.last.push_str(s);
        self.last_id = Some(id);
        id
    }
}

/// A fast hasher for keys that are already well spread integers
/// (the SplitMix64 finaliser over each word).
#[derive(Default)]
pub(crate) struct MixHasher(u64);

impl Hasher for MixHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, n: u64) {
        let mut z = (self.0 ^ n).wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        self.0 = z ^ (z >> 31);
    }
}
