-- Example queries for analysts. Open the read-only snapshot, never the live file:
--   dti sql "<query>"      or      duckdb -readonly data/warehouse/snapshot/dti.duckdb
-- Parquet copies of the marts are in data/warehouse/parquet/ for tools that do not speak DuckDB.

-- The communes' DTI ranking this year, with the group breakdown
select report_month, rank, unit_code, total_score, group_VI, bonus_penalty
from marts.dti_summary where rubric = 'commune' and report_month = '2024-08' order by rank;

-- The city's indicators against their targets, as the monthly report shows them
select indicator_code, round(value_pct, 2) as pct, numerator, denominator, target_text, status
from marts.indicator_attainment where unit_code = 'TPVT' and report_month = '2024-08' order by indicator_code;

-- Where a unit's self-assessment and the data disagree most
select * from marts.dti_discrepancies where report_month = '2024-08' limit 20;

-- Who has not reported, or reported late
select report_month, unit_code, received, received_at, on_time
from marts.submission_status where source = 'units' and (not received or not on_time) order by 1, 2;

-- Failures to send back, per unit and check
select responsible_unit, source, check_name, count(*) as failures
from quality.validation_failures where report_month = '2024-08' group by all order by failures desc;

-- A ratio's trend across months for one unit
select report_month, code, numerator, denominator, round(100 * numerator / nullif(denominator, 0), 2) as pct
from marts.unit_measures where unit_code = 'PHUONG_8' and code = 'VI.5.8' order by report_month;
