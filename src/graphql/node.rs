//! Global object identification: opaque ids and the `node(id:)` lookup.

use async_graphql::{ID, Interface};

use super::connection::{decode, encode};
use super::error::ApiError;
use super::flow::Flow;
use super::partner::Partner;
use super::product::Product;
use super::region::Region;

/// An object with a global id, refetchable with `node(id:)`.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "A global, opaque identifier."))]
pub enum Node {
    Region(Region),
    Partner(Partner),
    Product(Product),
    Flow(Flow),
}

pub fn global_id(kind: &str, key: &str) -> ID {
    ID(encode(&format!("{kind}:{key}")))
}

/// Splits a global id into its type and key.
pub fn parse_global_id(id: &str) -> Result<(String, String), ApiError> {
    let raw = decode("id", id)?;
    raw.split_once(':')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| ApiError::bad_input("id", "global_id", format!("`{id}` is not a global id")))
}
