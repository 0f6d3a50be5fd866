-- q4: product 8542's 2024 exports by partner (detail rows, USD), with
-- shares of the whole and partner names, largest first.
SELECT t.partner_iso3, pa.name_en, t.v, t.v / sum(t.v) OVER () AS share
FROM (
  SELECT partner_iso3, sum(value) AS v
  FROM flows
  WHERE classification = 'HS' AND product_code >= '8542' AND product_code < '8543'
    AND direction = 'EXPORT' AND period_start >= 202401 AND period_end <= 202412
    AND currency = 'USD' AND partner_iso3 <> 'WLD' AND product_code <> 'TOTAL'
  GROUP BY partner_iso3
) t
JOIN partners pa ON pa.iso3 = t.partner_iso3
ORDER BY t.v DESC, t.partner_iso3
LIMIT 250;
