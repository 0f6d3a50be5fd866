//! Data México's layout, on the real sample shipped in `data/`.

use std::collections::HashMap;
use std::fs::File;

use tradegraph_domain::{Classification, Currency, Direction};
use tradegraph_ingest::{Layout, reader};

use crate::support::{LEGACY_HS, catalog, data_dir, hs2022_catalog};

const SAMPLE: &str = "mx_state_trade_datamexico_sample.csv";
const HEADER: &str = "period,year,month,flow,state_cve_ent,state_name,hs6,hs4,hs2,datamexico_hs6_id,partner_id,partner_iso3,trade_value_usd";

#[test]
fn reads_the_whole_sample() {
    let file = File::open(data_dir().join(SAMPLE)).unwrap();
    let mut flows = reader(file, catalog()).unwrap();
    assert_eq!(flows.layout(), Layout::DataMexico);
    let mut totals: HashMap<String, f64> = HashMap::new();
    let mut chips_2024 = 0.0;
    let mut count = 0;
    for row in flows.by_ref() {
        let row = row.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (row.region_code.as_str(), row.direction),
            ("02", Direction::Export)
        );
        assert_eq!(
            (row.classification, row.currency, row.source.as_str()),
            (Classification::Hs, Currency::Usd, "datamexico")
        );
        assert_eq!(row.product_code.len(), 6);
        assert!(
            row.label_mismatches(catalog()).is_empty(),
            "state_name is Baja California"
        );
        *totals.entry(row.period.to_string()).or_default() += row.value;
        if row.period.to_string() == "2024-01" && row.product_code.starts_with("8542") {
            chips_2024 += row.value;
        }
        count += 1;
    }
    assert_eq!(count, 1591);
    assert_eq!(flows.rows_read(), 1592);
    // The spot totals of data/SOURCES.md, less the one skipped `emu` row.
    assert_eq!(totals["2023-01"], 1_726_339_102.0);
    assert_eq!(totals["2024-01"], 1_609_008_107.0 - 2_381.0);
    assert_eq!(chips_2024, 145_269_247.0);
    assert_eq!(flows.skipped_count(), 1);
    let skipped = &flows.skipped()[0];
    assert_eq!(skipped.rule, "aggregate_partner");
    assert!(skipped.message.contains("emu"), "{}", skipped.message);
}

#[test]
fn hs2022_alone_rejects_the_four_legacy_codes() {
    let file = File::open(data_dir().join(SAMPLE)).unwrap();
    let mut unknown: Vec<String> = reader(file, hs2022_catalog())
        .unwrap()
        .filter_map(Result::err)
        .map(|e| {
            assert_eq!(
                (e.rule, e.column.as_str()),
                ("unknown_product", "hs6"),
                "{e}"
            );
            e.value
        })
        .collect();
    unknown.sort();
    unknown.dedup();
    assert_eq!(unknown, LEGACY_HS);
}

#[test]
fn contradicting_columns_are_row_errors() {
    let cases = [
        (
            "2024-01,2024,01,exports,02,Baja California,854231,8541,85,16854231,usa,USA,5",
            "hs4",
        ),
        (
            "2024-01,2023,01,exports,02,Baja California,854231,8542,85,16854231,usa,USA,5",
            "year",
        ),
        (
            "2024-01,2024,01,exports,02,Baja California,854231,8542,85,16854230,usa,USA,5",
            "datamexico_hs6_id",
        ),
        (
            "2024-01,2024,01,exports,02,Baja California,854231,8542,85,16854231,can,USA,5",
            "partner_id",
        ),
    ];
    for (row, column) in cases {
        let rows: Vec<_> = reader(format!("{HEADER}\n{row}\n").as_bytes(), catalog())
            .unwrap()
            .collect();
        let err = rows[0].as_ref().unwrap_err();
        assert_eq!(
            (err.rule, err.column.as_str(), err.line),
            ("inconsistent_columns", column, 2),
            "{err}"
        );
    }
}

#[test]
fn field_rules_apply_with_this_layouts_column_names() {
    let cases = [
        (
            "2024-01,2024,01,exports,99,X,854231,8542,85,16854231,usa,USA,5",
            "state_cve_ent",
            "unknown_region",
        ),
        (
            "2024-01,2024,01,sold,02,X,854231,8542,85,16854231,usa,USA,5",
            "flow",
            "invalid_direction",
        ),
        (
            "2024-01,2024,01,exports,02,X,8542,8542,85,168542,usa,USA,5",
            "hs6",
            "invalid_product",
        ),
        (
            "2024-01,2024,01,exports,02,X,854231,8542,85,16854231,usa,USA,-5",
            "trade_value_usd",
            "negative_value",
        ),
        (
            "2024-01,2024,01,exports,02,X,854231,8542,85,16854231,zzz,,5",
            "partner_id",
            "unknown_partner",
        ),
    ];
    for (row, column, rule) in cases {
        let rows: Vec<_> = reader(format!("{HEADER}\n{row}\n").as_bytes(), catalog())
            .unwrap()
            .collect();
        let err = rows[0].as_ref().unwrap_err();
        assert_eq!((err.rule, err.column.as_str()), (rule, column), "{err}");
    }
}

#[test]
fn partner_id_stands_in_for_an_empty_iso3_and_state_name_is_a_label() {
    let row = "2024-01,2024,01,exports,02,Sonora,854231,8542,85,16854231,chn,,5";
    let record = reader(format!("{HEADER}\n{row}\n").as_bytes(), catalog())
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(record.partner_iso3, "CHN");
    let found = record.label_mismatches(catalog());
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].label.as_str(), found[0].expected.as_deref()),
        ("Sonora", Some("Baja California"))
    );
}

#[test]
fn missing_data_mexico_columns_are_named() {
    let err = reader(
        "period,flow,state_cve_ent,trade_value_usd\n".as_bytes(),
        catalog(),
    )
    .err()
    .unwrap();
    let text = err.to_string();
    assert!(
        text.contains("Data México") && text.contains("hs6") && text.contains("partner_iso3"),
        "{text}"
    );
}
