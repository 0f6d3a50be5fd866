//! Getting trade flows into tradegraph: the streaming reader of flow CSV
//! files and the deterministic generator of synthetic flows.
//!
//! - [`reader`] reads tradegraph's own flow CSV (documented in `FORMAT.md`)
//!   and Data México's state trade layout, checking every field against a
//!   [`Catalog`] and naming line, column and rule for each bad row.
//! - [`generate()`] writes any number of realistic synthetic flows over the
//!   real catalogues, byte for byte the same on every machine.
//!
//! The crate knows nothing of databases or async: the server's importer
//! drives the reader and writes batches itself.

mod catalog;
mod datamexico;
mod dedup;
mod error;
mod fields;
mod generate;
mod generator_catalog;
mod native;
mod reader;
mod record;
mod rng;

pub use catalog::{Catalog, LabelKind, fold_label};
pub use error::{FormatError, RowError, rules};
pub use generate::{
    GenerateStats, HEADER, MONTHS, ROWS_PER_SCALE, SYNTHETIC_SOURCE, generate, rows_for_scale,
};
pub use generator_catalog::GeneratorCatalog;
pub use reader::{FlowReader, Layout, ReaderOptions, SkippedRow, reader, reader_with_options};
pub use record::{FlowRecord, LabelMismatch, Labels};

/// Column names of tradegraph's flow layout.
pub mod columns {
    pub use crate::native::{OPTIONAL, REQUIRED};
}

/// The Data México layout's column names and source slug.
pub mod data_mexico {
    pub use crate::datamexico::{COLUMNS, SOURCE};
}
