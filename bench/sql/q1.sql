-- q1: Tijuana (02004), its 20 largest export flows of 2024 with product
-- description and partner name (21 rows: one more tells whether a next page
-- exists). The best plan on this schema: the 21 largest of each month from
-- ix_flows_region_value (region, direction, month, value), then the 21
-- largest of those 252.
SELECT f.id, f.period_start, f.value, f.currency,
       f.product_code, p.description_en, f.partner_iso3, pa.name_en
FROM generate_series(202401, 202412) AS m(month)
CROSS JOIN LATERAL (
  SELECT * FROM flows
  WHERE region_code = '02004' AND direction = 'EXPORT'
    AND period_start = m.month AND period_end <= 202412
  ORDER BY value DESC, id DESC
  LIMIT 21
) f
JOIN products p ON p.classification = f.classification AND p.code = f.product_code
JOIN partners pa ON pa.iso3 = f.partner_iso3
ORDER BY f.value DESC, f.id DESC
LIMIT 21;
