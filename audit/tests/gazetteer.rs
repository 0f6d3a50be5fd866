//! Name matching edge cases.

mod common;

use common::gazetteer;
use tradegraph_audit::EntityKind;
use tradegraph_audit::gazetteer::Mention;

fn mentions(text: &str, scope: Option<&str>) -> Vec<Mention> {
    let g = gazetteer();
    g.resolve(text, &g.scan(text), scope)
}

fn keys(text: &str, scope: Option<&str>) -> Vec<(EntityKind, Option<String>)> {
    mentions(text, scope)
        .into_iter()
        .map(|m| (m.kind, m.key))
        .collect()
}

fn region(k: &str) -> (EntityKind, Option<String>) {
    (EntityKind::Region, Some(k.to_string()))
}

fn partner(k: &str) -> (EntityKind, Option<String>) {
    (EntityKind::Partner, Some(k.to_string()))
}

#[test]
fn longest_match_wins() {
    assert_eq!(
        keys(
            "Exportaciones de Baja California Sur y de Baja California.",
            None
        ),
        [region("03"), region("02")]
    );
    assert!(
        keys("California and Texas led U.S. imports.", None)
            .iter()
            .all(|(k, _)| *k != EntityKind::Region)
    );
    assert_eq!(
        keys("El Estado de México y la Ciudad de México", None),
        [region("15"), region("09")]
    );
}

#[test]
fn accents_and_case_do_not_matter_but_capitals_do() {
    assert_eq!(
        keys("Nuevo Leon, NUEVO LEÓN y Querétaro", None),
        [region("19"), region("19"), region("22")]
    );
    // Lower-case ordinary words are not places ("chile", "china" as porcelain).
    assert!(keys("el chile y la china poblana", None).is_empty());
}

#[test]
fn juarez_is_resolved_by_scope_or_left_ambiguous() {
    let m = mentions("Juárez exportó más.", None);
    assert_eq!(m[0].key, None);
    assert!(m[0].candidates.len() >= 5 && m[0].candidates.contains(&"08037".to_string()));
    assert_eq!(keys("Juárez exportó más.", Some("08")), [region("08037")]);
    assert_eq!(
        keys("Juárez exportó más.", Some("19039")),
        [region("19031")]
    );
    let ciudad = mentions("Ciudad Juárez exportó más.", Some("08"));
    assert_eq!(ciudad[0].surface, "Ciudad Juárez");
    assert_eq!(ciudad[0].key.as_deref(), Some("08037"));
}

#[test]
fn a_state_beats_its_namesake_municipality_unless_scoped_to_it() {
    assert_eq!(
        keys("Chihuahua y Durango", None),
        [region("08"), region("10")]
    );
    assert_eq!(
        keys("Chihuahua y Durango", Some("08019")),
        [region("08019"), region("10")]
    );
    assert_eq!(
        keys("el municipio de Chihuahua", Some("00")),
        [region("08019")]
    );
}

#[test]
fn partners_and_their_short_codes() {
    assert_eq!(
        keys("Estados Unidos, China y Taiwán (región)", Some("02002")),
        [partner("USA"), partner("CHN"), partner("TWN")]
    );
    assert_eq!(
        keys("EE.UU. y EE. UU.", None),
        [partner("USA"), partner("USA")]
    );
    // ISO2 codes are ordinary words; ISO3 only in capitals; US$ is not a country.
    assert!(keys("NA IN ES usa US$5", None).is_empty());
    assert_eq!(keys("ventas a USA", None), [partner("USA")]);
    // A place named like a country, inside the scope, stays a place.
    assert_eq!(
        keys("El Salvador, Zacatecas", Some("32")),
        [region("32041"), region("32")]
    );
    assert_eq!(keys("exportaciones a China", Some("19")), [partner("CHN")]);
}

#[test]
fn a_persons_name_is_not_a_place() {
    let text = "Exports grew during Mayor Norma Alicia Bustamante of Mexicali’s administration.";
    assert_eq!(keys(text, None), [region("02002")]);
    assert!(keys("Gobernador Samuel García visitó la planta.", None).is_empty());
}

#[test]
fn products_match_table_labels_precisely() {
    let g = gazetteer();
    assert_eq!(
        g.match_product("Circuitos electrónicos integrados"),
        Some("HS:8542")
    );
    assert_eq!(
        g.match_product("Electronic integrated circuits"),
        Some("HS:8542")
    );
    assert_eq!(
        g.match_product("Bombas de aire o bombas de vacío"),
        Some("HS:8414")
    );
    assert_eq!(g.match_product("Otros"), None);
    assert_eq!(g.match_product("Productos varios de la región"), None);
}

#[test]
fn relations_to_the_scope() {
    use tradegraph_audit::gazetteer::ScopeRelation::*;
    let g = gazetteer();
    assert_eq!(g.relation("02002", "02002"), Same);
    assert_eq!(g.relation("02002", "02"), Descendant);
    assert_eq!(g.relation("00", "02002"), Ancestor);
    assert_eq!(g.relation("02004", "02002"), SameState);
    assert_eq!(g.relation("19039", "02002"), Outside);
    assert!(!SameState.is_within());
}
