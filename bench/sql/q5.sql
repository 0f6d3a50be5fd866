-- q5: region 02's 2024 exports and imports (balance) and 2023 exports
-- (growth) in one pass, then its top 10 export HS headings with shares.
SELECT direction,
       sum(value) FILTER (WHERE period_start >= 202401 AND period_end <= 202412) AS y2024,
       sum(value) FILTER (WHERE period_start >= 202301 AND period_end <= 202312) AS y2023
FROM flows
WHERE region_code >= '02' AND region_code < '03'
  AND period_start >= 202301 AND period_end <= 202412
  AND currency = 'USD' AND partner_iso3 <> 'WLD' AND product_code <> 'TOTAL'
GROUP BY direction;
SELECT t.k, p.description_en, t.v, t.v / t.whole AS share
FROM (
  SELECT substr(product_code, 1, 4) AS k, sum(value) AS v, sum(sum(value)) OVER () AS whole
  FROM flows
  WHERE region_code >= '02' AND region_code < '03' AND direction = 'EXPORT'
    AND period_start >= 202401 AND period_end <= 202412
    AND classification = 'HS' AND currency = 'USD'
    AND partner_iso3 <> 'WLD' AND product_code <> 'TOTAL'
  GROUP BY 1
  ORDER BY v DESC, k
  LIMIT 10
) t
LEFT JOIN products p ON p.classification = 'HS' AND p.code = t.k
ORDER BY t.v DESC, t.k;
