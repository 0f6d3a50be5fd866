-- q1: Tijuana (02004), its 20 largest export flows of 2024 with product
-- description and partner name (21 rows: one more tells whether a next page exists).
SELECT f.id, f.period_start, f.value, f.currency,
       f.product_code, p.description_en, f.partner_iso3, pa.name_en
FROM flows f
JOIN products p ON p.classification = f.classification AND p.code = f.product_code
JOIN partners pa ON pa.iso3 = f.partner_iso3
WHERE f.region_code = '02004' AND f.direction = 'EXPORT'
  AND f.period_start >= 202401 AND f.period_end <= 202412
ORDER BY f.value DESC, f.id DESC
LIMIT 21;
