-- q2: state 02's first 10 municipalities, each with its 5 largest flows of
-- 2024-10 (6 fetched: one tells whether a next page exists), product and
-- partner. The best plan on this schema: per municipality and direction, the
-- 6 largest from ix_flows_region_value, then the 6 largest of the two.
SELECT r.code, r.name, x.*
FROM (SELECT code, name FROM regions WHERE parent_code = '02' ORDER BY code LIMIT 10) r
LEFT JOIN LATERAL (
  SELECT f.id, f.direction, f.value, f.product_code, p.description_en,
         f.partner_iso3, pa.name_en
  FROM (VALUES ('EXPORT'), ('IMPORT')) AS d(direction)
  CROSS JOIN LATERAL (
    SELECT * FROM flows
    WHERE region_code = r.code AND direction = d.direction
      AND period_start = 202410 AND period_end <= 202410
    ORDER BY value DESC, id DESC
    LIMIT 6
  ) f
  JOIN products p ON p.classification = f.classification AND p.code = f.product_code
  JOIN partners pa ON pa.iso3 = f.partner_iso3
  ORDER BY f.value DESC, f.id DESC
  LIMIT 6
) x ON true
ORDER BY r.code;
