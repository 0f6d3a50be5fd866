//! Integration tests of tradegraph-ingest, one binary.

mod datamexico;
mod generate;
mod reader;
mod support;
