//! `schema.graphql` is the exported SDL; this fails when they drift apart.
//! `UPDATE_SCHEMA=1 cargo test` rewrites the file on purpose.

#[test]
fn committed_schema_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    let sdl = tradegraph::graphql::sdl();
    if std::env::var_os("UPDATE_SCHEMA").is_some() {
        std::fs::write(path, &sdl).expect("write schema.graphql");
        return;
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == sdl,
        "schema.graphql differs from the code's schema; run `UPDATE_SCHEMA=1 cargo test --test api schema` and commit it"
    );
}
