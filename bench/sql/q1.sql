-- q1: Tijuana (02004), its 20 largest export flows of 2024 with product
-- description and partner name (21 rows: one more tells whether a next page
-- exists). The best plan found on this schema: the months' ordered scans of
-- ix_flows_region_value (region, direction, month, value) merged (Merge
-- Append) and cut at 21, which reads about 33 index entries; then the
-- product and partner of those 21.
SELECT f.id, f.period_start, f.value, f.currency,
       f.product_code, p.description_en, f.partner_iso3, pa.name_en
FROM (
  SELECT * FROM (
  (SELECT * FROM flows
   WHERE region_code = '02004' AND direction = 'EXPORT'
     AND period_start = 202401 AND period_end <= 202412
   ORDER BY value DESC, id DESC LIMIT 21)
  UNION ALL
  (SELECT * FROM flows
   WHERE region_code = '02004' AND direction = 'EXPORT'
     AND period_start = 202402 AND period_end <= 202412
   ORDER BY value DESC, id DESC LIMIT 21)
  UNION ALL
  (SELECT * FROM flows
   WHERE region_code = '02004' AND direction = 'EXPORT'
     AND period_start = 202403 AND period_end <= 202412
   ORDER BY value DESC, id DESC LIMIT 21)
  UNION ALL
  (SELECT * FROM flows
   WHERE region_code = '02004' AND direction = 'EXPORT'
     AND period_start = 202404 AND period_end <= 202412
   ORDER BY value DESC, id DESC LIMIT 21)
  UNION ALL
  (SELECT * FROM flows
   WHERE region_code = '02004' AND direction = 'EXPORT'
     AND period_start = 202405 AND period_end <= 202412
   ORDER BY value DESC, id DESC LIMIT 21)
  UNION ALL
  (SELECT * FROM flows
   WHERE region_code = '02004' AND direction = 'EXPORT'
     AND period_start = 202406 AND period_end <= 202412
   ORDER BY value DESC, id DESC LIMIT 21)
  UNION ALL
  (SELECT * FROM flows
   WHERE region_code = '02004' AND direction = 'EXPORT'
     AND period_start = 202407 AND period_end <= 202412
   ORDER BY value DESC, id DESC LIMIT 21)
  UNION ALL
  (SELECT * FROM flows
   WHERE region_code = '02004' AND direction = 'EXPORT'
     AND period_start = 202408 AND period_end <= 202412
   ORDER BY value DESC, id DESC LIMIT 21)
  UNION ALL
  (SELECT * FROM flows
   WHERE region_code = '02004' AND direction = 'EXPORT'
     AND period_start = 202409 AND period_end <= 202412
   ORDER BY value DESC, id DESC LIMIT 21)
  UNION ALL
  (SELECT * FROM flows
   WHERE region_code = '02004' AND direction = 'EXPORT'
     AND period_start = 202410 AND period_end <= 202412
   ORDER BY value DESC, id DESC LIMIT 21)
  UNION ALL
  (SELECT * FROM flows
   WHERE region_code = '02004' AND direction = 'EXPORT'
     AND period_start = 202411 AND period_end <= 202412
   ORDER BY value DESC, id DESC LIMIT 21)
  UNION ALL
  (SELECT * FROM flows
   WHERE region_code = '02004' AND direction = 'EXPORT'
     AND period_start = 202412 AND period_end <= 202412
   ORDER BY value DESC, id DESC LIMIT 21)
  ) cells
  ORDER BY value DESC, id DESC
  LIMIT 21
) f
JOIN products p ON p.classification = f.classification AND p.code = f.product_code
JOIN partners pa ON pa.iso3 = f.partner_iso3
ORDER BY f.value DESC, f.id DESC;
