-- What the DTI score engine needs, one row per scored unit × criterion of its rubric, year to date:
-- report months $year_start .. $report_month (SPEC §3.7, §7). Each unit with a rubric (ref.units: TPVT the
-- district one, each commune the commune one) is scored, whether or not it reported. Read by domain/figures.py, which resolves each
-- criterion's measure chain from these columns and from sql/dti_info.sql and sql/dti_indicator_figures.sql.
with scored_units as (
    select unit_code, rubric from ref.units where rubric is not null
),
criteria as (
    select s.unit_code, c.rubric, c.criterion_code, c.group_code, c.max_points, c.rule, c.params, c.measure, c.seq
    from scored_units s join ref.rubric_criteria c on c.rubric = s.rubric and c.level = 'criterion'
),
answers as (  -- declared answers are snapshots: each the latest value received in the year
    select unit_code, criterion_code,
           arg_max(self_score, report_month) filter (self_score is not null) as self_score,
           arg_max(answers, report_month) filter (answers is not null) as answers,
           max(report_month) filter (answers is not null) as answer_month,
           arg_max(numerator, report_month) filter (numerator is not null and denominator is not null)
               as pair_numerator,
           arg_max(denominator, report_month) filter (numerator is not null and denominator is not null)
               as pair_denominator,
           max(report_month) filter (numerator is not null and denominator is not null) as pair_month,
           arg_max(numerator, report_month) filter (numerator is not null) as tuso,
           max(report_month) filter (numerator is not null) as tuso_month
    from staging.unit_dti_answers
    where is_current and report_month between $year_start and $report_month
    group by unit_code, criterion_code
),
snapshot_codes as (select * from (values ('VI.5.2'), ('VI.3.3')) t(code)),
measures as (  -- additive ratios: numerators and denominators summed over the year, month by month in order
    select unit_code, code, list_sum(list(numerator order by report_month)) as numerator,
           list_sum(list(denominator order by report_month)) as denominator,
           min(report_month) as first_month, max(report_month) as last_month, false as snapshot
    from marts.unit_measures
    where report_month between $year_start and $report_month
      and code not in ('VI.5.3') and code not in (select code from snapshot_codes)
    group by unit_code, code
    union all
    select unit_code, code, numerator, denominator, from_month, from_month, true  -- snapshots: the latest figure
    from marts.unit_measures
    where report_month between $year_start and $report_month and code in (select code from snapshot_codes)
    qualify row_number() over (partition by unit_code, code order by report_month desc) = 1
    union all
    select case when grouping(unit_code) = 1 then 'TPVT' else unit_code end, 'VI.5.3',  -- distinct over the year
           count(distinct procedure_code) filter (channel = 'Trực tuyến'), count(distinct procedure_code),
           min(report_month), max(report_month), false
    from staging.dossiers
    where report_month between $year_start and $report_month and service_level in ('Toàn trình', 'Một phần')
    group by grouping sets ((unit_code), ())
    having not (grouping(unit_code) = 0 and unit_code = 'TPVT')
),
reporting as (
    select unit_code, count(*) as months_due, count(*) filter (received) as months_received,
           count(*) filter (on_time) as months_on_time,
           bool_or(received) filter (report_month = $report_month) as workbook_received
    from marts.submission_status
    where source = 'units' and report_month between $year_start and $report_month
    group by unit_code
),
unmet as (  -- indicators of the unit with data, and those not achieved, in the report month itself
    select unit_code,
           string_agg(indicator_code, ', ' order by indicator_code) filter (status = 'not_achieved')
               as unmet_indicators,
           count(*) filter (status <> 'no_data') as indicators_with_data
    from marts.indicator_attainment
    where report_month = $report_month
    group by unit_code
)
select c.unit_code, c.rubric, c.criterion_code, c.group_code, c.max_points, c.rule, c.params, c.measure,
       a.self_score, a.answers, a.answer_month, a.pair_numerator, a.pair_denominator, a.pair_month,
       a.tuso, a.tuso_month,
       m.numerator as export_numerator, m.denominator as export_denominator,
       m.first_month as export_first_month, m.last_month as export_last_month,
       coalesce(m.snapshot, false) as export_snapshot,
       r.months_due, r.months_received, r.months_on_time, coalesce(r.workbook_received, false) as workbook_received,
       un.unmet_indicators, coalesce(un.indicators_with_data, 0) as indicators_with_data
from criteria c
left join answers a using (unit_code, criterion_code)
left join measures m on m.unit_code = c.unit_code and m.code = c.criterion_code
left join reporting r on r.unit_code = c.unit_code
left join unmet un on un.unit_code = c.unit_code
order by c.unit_code, c.seq
