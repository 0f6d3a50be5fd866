//! What the reader needs to know about regions, partners and products.
//!
//! The server implements [`Catalog`] over its in-memory catalogue; tests
//! implement it over a few hand-written entries. The reader only asks about
//! codes it has already checked for shape, and never about the "all
//! partners" (`WLD`) and "all products" (`TOTAL`) codes, which are always
//! valid.

use tradegraph_domain::Classification;
use tradegraph_domain::text::fold_char_into;

/// Which kind of code a label names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum LabelKind {
    /// An INEGI region code, labelled by `region_name`.
    Region,
    /// An ISO3 partner code, labelled by `partner_name`.
    Partner,
    /// A product code of a classification, labelled by `product_name`.
    Product(Classification),
}

impl LabelKind {
    /// The CSV column holding labels of this kind.
    pub fn column(self) -> &'static str {
        match self {
            LabelKind::Region => "region_name",
            LabelKind::Partner => "partner_name",
            LabelKind::Product(_) => "product_name",
        }
    }
}

/// The catalogue of known codes the reader checks rows against.
///
/// `Send + Sync` so a reader borrowing it can cross `await` points and
/// threads, as the server's shared catalogue does.
pub trait Catalog: Send + Sync {
    /// The name of an INEGI region code (`00`, `02`, `02002`); `None` when
    /// the code is unknown.
    fn region_name(&self, code: &str) -> Option<&str>;

    /// The name of an ISO 3166-1 alpha-3 partner code; `None` when unknown.
    fn partner_name(&self, iso3: &str) -> Option<&str>;

    /// The description of a product code; `None` when unknown.
    fn product_name(&self, classification: Classification, code: &str) -> Option<&str>;

    /// Whether `label` names the entity `code` (the `LABEL_CODE` check).
    ///
    /// The default compares the accent-, case- and punctuation-folded label
    /// with the folded catalogue name (see [`fold_label`]); implementations with
    /// aliases (`B.C.`, `EE.UU.`) should also accept those. A code without a
    /// name (`WLD`, `TOTAL` in a catalogue that does not list them) matches
    /// any label: there is nothing to contradict.
    fn label_matches(&self, kind: LabelKind, code: &str, label: &str) -> bool {
        let name = match kind {
            LabelKind::Region => self.region_name(code),
            LabelKind::Partner => self.partner_name(code),
            LabelKind::Product(classification) => self.product_name(classification, code),
        };
        name.is_none_or(|name| fold_label(name) == fold_label(label))
    }
}

/// Folds a label for comparison with a catalogue name: the domain's
/// character folding (lower case, no accents), then every run of
/// punctuation and white space turned into one space, trimmed, so
/// `"  Ciudad Juárez, Chih. "` becomes `"ciudad juarez chih"`. Looser than
/// [`tradegraph_domain::text::fold`], which keeps punctuation: labels in
/// imported files vary in commas and periods more than in wording.
pub fn fold_label(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut folded = String::new();
    let mut pending_space = false;
    for c in name.chars() {
        folded.clear();
        fold_char_into(c, &mut folded);
        for f in folded.chars() {
            if f.is_alphanumeric() {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(f);
            } else {
                pending_space = true;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_label_removes_accents_case_and_punctuation() {
        assert_eq!(fold_label("  Ciudad Juárez, Chih. "), "ciudad juarez chih");
        assert_eq!(fold_label("NUEVO LEÓN"), "nuevo leon");
        assert_eq!(fold_label("Ñuu Savi"), "nuu savi");
        assert_eq!(fold_label("EE.UU."), "ee uu");
        assert_eq!(fold_label(""), "");
    }
}
