-- q3: 100 export flows of HS chapter 85 in 2024 by value descending, with
-- the total count (from the yearly rollup), product, partner and region names.
SELECT CAST(SUM(n) AS BIGINT) FROM flow_rollup
WHERE scope_code = '00' AND year = 2024 AND direction = 'EXPORT'
  AND classification = 'HS' AND product_key >= '85' AND product_key < '86';
SELECT f.id, f.period_start, f.value, f.region_code, r.name,
       f.partner_iso3, pa.name_en, f.product_code, p.description_en
FROM flows f
JOIN regions r ON r.code = f.region_code
JOIN products p ON p.classification = f.classification AND p.code = f.product_code
JOIN partners pa ON pa.iso3 = f.partner_iso3
WHERE f.direction = 'EXPORT' AND f.period_start >= 202401 AND f.period_start <= 202412
  AND f.period_end <= 202412
  AND f.classification = 'HS' AND f.product_code >= '85' AND f.product_code < '86'
ORDER BY f.value DESC, f.id DESC
LIMIT 101;
