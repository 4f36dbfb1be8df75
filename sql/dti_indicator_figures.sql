-- Indicator figures the DTI engine reads (domain/figures.py `indicator:` measures): each unit's latest
-- numerator and denominator of the year for an indicator, from marts.indicator_attainment (TPVT's row is
-- its own declaration or the sum of the units'). Declared indicators are stocks: a snapshot carried forward.
select unit_code, indicator_code, numerator, denominator, report_month
from marts.indicator_attainment
where report_month between $year_start and $report_month and numerator is not null and denominator is not null
qualify row_number() over (partition by unit_code, indicator_code order by report_month desc) = 1
order by unit_code, indicator_code
