//! tradegraph's own flow layout: every rule with a tiny inline CSV.

use std::io::Read;

use tradegraph_domain::{Classification, Currency, Direction, Period};
use tradegraph_ingest::{
    FlowRecord, FormatError, LabelKind, Layout, ReaderOptions, RowError, reader,
    reader_with_options,
};

use crate::support::catalog;

const HEADER: &str =
    "period,direction,region_code,partner_iso3,classification,product_code,value,currency,source";
const GOOD: [&str; 9] = [
    "2024-10", "EXPORT", "02004", "USA", "HS", "854231", "1234.5", "USD", "manual",
];

fn read_all(csv: &str) -> Vec<Result<FlowRecord, RowError>> {
    reader(csv.as_bytes(), catalog()).expect("header").collect()
}

/// The good row with one field replaced, every field quoted.
fn row_with(column: &str, value: &str) -> String {
    let index = HEADER.split(',').position(|c| c == column).expect("column");
    let mut fields = GOOD.map(str::to_string);
    fields[index] = value.to_string();
    fields
        .iter()
        .map(|f| format!("\"{}\"", f.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(",")
}

#[test]
fn reads_every_period_form_and_default_classification() {
    let csv = format!(
        "{HEADER}\n\
         2024,exports,00,WLD,,TOTAL,100,USD,manual\n\
         2024-Q3,IMPORT,02,chn,HS,85,0,MXN,manual\n\
         2024-10,Export,02002,CAN,SCIAN,31-33,12.25,usd,datamexico\n\
         2024-01/2024-10,imports,02004,USA,hs,854231,7,USD,synthetic\n"
    );
    let rows: Vec<FlowRecord> = read_all(&csv).into_iter().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0].period, Period::parse("2024").unwrap());
    assert_eq!(rows[0].line, 2);
    assert_eq!(rows[0].classification, Classification::Hs);
    assert_eq!(
        (rows[0].partner_iso3.as_str(), rows[0].product_code.as_str()),
        ("WLD", "TOTAL")
    );
    assert_eq!(rows[1].partner_iso3, "CHN");
    assert_eq!(
        (rows[1].direction, rows[1].currency, rows[1].value),
        (Direction::Import, Currency::Mxn, 0.0)
    );
    assert_eq!(rows[2].classification, Classification::Scian);
    assert_eq!(rows[2].value, 12.25);
    assert_eq!(rows[3].period.months(), 10);
    assert_eq!(rows[3].line, 5);
}

#[test]
fn columns_may_come_in_any_order_with_labels() {
    let csv = "source,value,currency,product_code,classification,partner_iso3,region_code,direction,period,region_name,partner_name\n\
               manual,5,USD,8542,HS,USA,02004,EXPORT,2024,Tijuana,United States of America\n";
    let mut flows = reader(csv.as_bytes(), catalog()).unwrap();
    assert_eq!(flows.layout(), Layout::Tradegraph);
    let row = flows.next().unwrap().unwrap();
    assert_eq!(
        (
            row.region_code.as_str(),
            row.product_code.as_str(),
            row.source.as_str()
        ),
        ("02004", "8542", "manual")
    );
    assert_eq!(row.labels.region_name.as_deref(), Some("Tijuana"));
    assert_eq!(row.labels.product_name, None);
    assert!(flows.next().is_none());
}

#[test]
fn each_field_rule_names_line_column_and_rule() {
    let cases = [
        ("period", "", "required"),
        ("period", "2024-13", "invalid_period"),
        ("period", "Oct 2024", "invalid_period"),
        ("period", "2024-10/2024-01", "invalid_period"),
        ("direction", "sideways", "invalid_direction"),
        ("region_code", "99", "unknown_region"),
        ("region_code", "02999", "unknown_region"),
        ("region_code", "2", "invalid_region"),
        ("region_code", "MX-BCN", "invalid_region"),
        ("partner_iso3", "XXX", "unknown_partner"),
        ("partner_iso3", "US", "invalid_partner"),
        ("partner_iso3", "", "required"),
        ("classification", "NAICS", "invalid_classification"),
        ("product_code", "999998", "unknown_product"),
        ("product_code", "85423", "invalid_product"),
        ("product_code", "8542.31", "invalid_product"),
        ("value", "-5", "negative_value"),
        ("value", "NaN", "non_finite_value"),
        ("value", "-inf", "non_finite_value"),
        ("value", "1,234", "invalid_value"),
        ("value", "1 234", "invalid_value"),
        ("value", "1e6", "invalid_value"),
        ("value", "1.", "invalid_value"),
        ("value", ".5", "invalid_value"),
        ("value", "+5", "invalid_value"),
        ("value", "99999999999999999", "value_out_of_range"),
        ("value", "", "required"),
        ("currency", "EUR", "invalid_currency"),
        ("source", "Manual", "invalid_source"),
        ("source", "a b", "invalid_source"),
        ("source", &"x".repeat(65), "invalid_source"),
    ];
    for (column, value, rule) in cases {
        let csv = format!("{HEADER}\n{}\n", row_with(column, value));
        let rows = read_all(&csv);
        let err = rows[0]
            .as_ref()
            .expect_err(&format!("{column}={value:?} should fail"));
        assert_eq!(
            (err.line, err.column.as_str(), err.value.as_str(), err.rule),
            (2, column, value, rule),
            "{err}"
        );
        assert!(
            err.to_string()
                .starts_with(&format!("line 2, column {column}: ")),
            "{err}"
        );
        assert!(err.to_string().ends_with(&format!("({rule})")), "{err}");
    }
}

#[test]
fn scian_product_codes_and_value_forms_accepted() {
    for value in ["0", "1234", "1234.5", "0.001", "9007199254740992"] {
        let rows = read_all(&format!("{HEADER}\n{}\n", row_with("value", value)));
        assert!(rows[0].is_ok(), "{value}: {:?}", rows[0]);
    }
    let csv = format!(
        "{HEADER}\n2024,EXPORT,02,USA,SCIAN,21,1,USD,manual\n2024,EXPORT,02,USA,SCIAN,8542,1,USD,manual\n"
    );
    let rows = read_all(&csv);
    assert!(rows[0].is_ok());
    assert_eq!(rows[1].as_ref().unwrap_err().rule, "unknown_product");
}

#[test]
fn error_message_reads_as_documented() {
    let rows = read_all(&format!(
        "{HEADER}\n{}\n{}\n",
        row_with("value", "1"),
        row_with("region_code", "99")
    ));
    let err = rows[1].as_ref().unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 3, column region_code: `99` is not a known INEGI region code (unknown_region)"
    );
}

#[test]
fn header_problems_are_format_errors() {
    let missing = reader("period,direction\n".as_bytes(), catalog())
        .err()
        .unwrap();
    assert!(
        matches!(&missing, FormatError::MissingColumns { missing, .. } if missing.len() == 7),
        "{missing}"
    );
    assert!(missing.to_string().contains("region_code"), "{missing}");

    let extra = reader(format!("{HEADER},notes\n").as_bytes(), catalog())
        .err()
        .unwrap();
    assert!(
        matches!(&extra, FormatError::UnknownColumns { unknown, .. } if unknown == &["notes"]),
        "{extra}"
    );
    assert!(extra.to_string().contains("notes"), "{extra}");

    let twice = reader(format!("{HEADER},period\n").as_bytes(), catalog())
        .err()
        .unwrap();
    assert!(matches!(twice, FormatError::DuplicateColumn(ref c) if c == "period"));

    assert!(matches!(
        reader("".as_bytes(), catalog()),
        Err(FormatError::Empty)
    ));
}

#[test]
fn header_tolerates_bom_case_and_spaces() {
    let header = HEADER.replace("period", " Period ");
    let csv = format!("\u{feff}{header}\n{}\n", row_with("value", "3"));
    assert!(read_all(&csv)[0].is_ok());
}

#[test]
fn malformed_rows_are_reported_and_reading_goes_on() {
    let csv = format!("{HEADER}\n2024,EXPORT,02004\n{}\n", row_with("value", "2"));
    let rows = read_all(&csv);
    let err = rows[0].as_ref().unwrap_err();
    assert_eq!(
        (err.line, err.rule, err.column.as_str()),
        (2, "malformed_row", "")
    );
    assert_eq!(
        err.to_string(),
        "line 2: the row has 3 fields where the header has 9 (malformed_row)"
    );
    assert_eq!(rows[1].as_ref().unwrap().line, 3);
}

#[test]
fn line_numbers_count_quoted_newlines() {
    let csv = format!(
        "{HEADER},region_name\n{},\"Tijuana\nB.C.\"\n{},Tijuana\n",
        row_with("value", "1"),
        row_with("region_code", "99")
    );
    let rows = read_all(&csv);
    assert_eq!(rows[0].as_ref().unwrap().line, 2);
    assert_eq!(rows[1].as_ref().unwrap_err().line, 4);
}

#[test]
fn duplicate_keys_name_the_first_line() {
    let csv = format!(
        "{HEADER}\n{}\n{}\n{}\n",
        row_with("value", "1"),
        row_with("source", "synthetic"),
        row_with("value", "2"),
    );
    let rows = read_all(&csv);
    assert!(
        rows[0].is_ok() && rows[1].is_ok(),
        "another source is another key"
    );
    let err = rows[2].as_ref().unwrap_err();
    assert_eq!((err.line, err.rule), (4, "duplicate_key"));
    assert!(err.message.contains("line 2"), "{err}");
    assert_eq!(err.value, "2024-10,EXPORT,02004,USA,HS,854231,manual");

    let unchecked: Vec<_> = reader_with_options(
        csv.as_bytes(),
        catalog(),
        ReaderOptions {
            check_duplicates: false,
            ..ReaderOptions::default()
        },
    )
    .unwrap()
    .collect();
    assert!(unchecked.iter().all(Result::is_ok));
}

#[test]
fn same_codes_in_other_period_or_direction_are_not_duplicates() {
    let csv = format!(
        "{HEADER}\n{}\n{}\n{}\n{}\n",
        row_with("value", "1"),
        row_with("period", "2024-Q4"),
        row_with("direction", "IMPORT"),
        row_with("partner_iso3", "usa"),
    );
    let rows = read_all(&csv);
    assert!(rows[..3].iter().all(Result::is_ok), "{rows:?}");
    assert_eq!(
        rows[3].as_ref().unwrap_err().rule,
        "duplicate_key",
        "codes are normalised first"
    );
}

#[test]
fn label_mismatches_are_findings_not_errors() {
    let csv = format!(
        "{HEADER},region_name,partner_name,product_name\n\
         2024,EXPORT,02004,USA,HS,TOTAL,1,USD,manual,TIJUÁNA,united states of america,\n\
         2024,EXPORT,02002,USA,HS,TOTAL,1,USD,manual,Tijuana,Canada,Anything\n"
    );
    let rows: Vec<FlowRecord> = read_all(&csv).into_iter().map(Result::unwrap).collect();
    assert!(rows[0].label_mismatches(catalog()).is_empty());
    let found = rows[1].label_mismatches(catalog());
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(
        (
            found[0].kind,
            found[0].code.as_str(),
            found[0].label.as_str()
        ),
        (LabelKind::Region, "02002", "Tijuana")
    );
    assert_eq!(found[0].expected.as_deref(), Some("Mexicali"));
    assert_eq!((found[0].line, found[0].column()), (3, "region_name"));
    assert_eq!(found[1].kind, LabelKind::Partner);
}

/// Produces a header and then `rows` flow rows on demand, counting the
/// bytes handed out.
struct Endless {
    rows: u64,
    next: u64,
    pending: Vec<u8>,
    served: std::rc::Rc<std::cell::Cell<u64>>,
}

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pending.is_empty() {
            if self.next == 0 {
                self.pending = format!("{HEADER}\n").into_bytes();
            } else if self.next <= self.rows {
                let n = self.next;
                let month = n % 84;
                self.pending = format!(
                    "{}-{:02},EXPORT,02004,USA,HS,854231,{n},USD,s{}\n",
                    2019 + month / 12,
                    month % 12 + 1,
                    n / 84
                )
                .into_bytes();
            } else {
                return Ok(0);
            }
            self.next += 1;
        }
        let n = buf.len().min(self.pending.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        self.served.set(self.served.get() + n as u64);
        Ok(n)
    }
}

#[test]
fn reads_a_large_input_as_a_stream() {
    let served = std::rc::Rc::new(std::cell::Cell::new(0));
    let rows = 200_000;
    let input = Endless {
        rows,
        next: 0,
        pending: Vec::new(),
        served: served.clone(),
    };
    let mut flows = reader(input, catalog()).unwrap();
    let first = flows.next().unwrap().unwrap();
    assert_eq!(first.value, 1.0);
    assert!(
        served.get() < 64 * 1024,
        "only a buffer's worth is read ahead, not {} bytes",
        served.get()
    );
    let mut count = 1;
    let mut last_progress = flows.bytes_read();
    while let Some(row) = flows.next() {
        row.unwrap();
        count += 1;
        if count % 50_000 == 0 {
            assert!(flows.bytes_read() > last_progress);
            last_progress = flows.bytes_read();
        }
    }
    assert_eq!(count, rows);
    assert_eq!(flows.rows_read(), rows);
    assert_eq!(flows.bytes_read(), served.get());
}

#[test]
fn the_examples_in_format_md_read_cleanly() {
    let doc = include_str!("../../FORMAT.md");
    let blocks: Vec<&str> = doc
        .split("```csv\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .collect();
    assert_eq!(blocks.len(), 2);
    let native = read_all(blocks[0]);
    assert_eq!(native.len(), 4);
    assert!(native.iter().all(Result::is_ok), "{native:?}");
    let data_mexico: Vec<_> = reader(blocks[1].as_bytes(), catalog()).unwrap().collect();
    assert!(
        data_mexico.len() == 1 && data_mexico[0].is_ok(),
        "{data_mexico:?}"
    );
}
