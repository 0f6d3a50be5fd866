-- q5: region 02's 2024 exports and imports (balance) and 2023 exports
-- (growth), then its top 10 export HS headings with shares: all from the
-- yearly rollup, as the server reads them.
SELECT year, direction, sum(value)
FROM flow_rollup
WHERE scope_code = '02' AND year IN (2023, 2024) AND product_key = '*'
  AND currency = 'USD' AND detail = 1
GROUP BY year, direction;
SELECT t.k, p.description_en, t.v, t.v / t.whole AS share
FROM (
  SELECT product_key AS k, sum(value) AS v, sum(sum(value)) OVER () AS whole
  FROM flow_rollup
  WHERE scope_code = '02' AND year = 2024 AND direction = 'EXPORT'
    AND classification = 'HS' AND product_key <> '*' AND currency = 'USD' AND detail = 1
  GROUP BY 1
  ORDER BY v DESC, k
  LIMIT 10
) t
LEFT JOIN products p ON p.classification = 'HS' AND p.code = t.k
ORDER BY t.v DESC, t.k;
