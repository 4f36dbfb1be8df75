-- What the DTI score engine needs, one row per scored unit × criterion of its rubric, year to date:
-- report months $year_start .. $report_month (SPEC §3.7, §7). TPVT uses the district rubric, each
-- commune the commune rubric, whether or not it reported. Read by dti/scoring.py.
with scored_units as (
    select unit_code, case level when 'city' then 'district' else 'commune' end as rubric
    from ref.units where level in ('city', 'commune')
),
criteria as (
    select s.unit_code, c.rubric, c.criterion_code, c.group_code, c.max_points, c.rule, c.params, c.measure, c.seq
    from scored_units s join ref.rubric_criteria c on c.rubric = s.rubric and c.level = 'criterion'
),
answers as (  -- declared answers are snapshots: each the latest value received in the year
    select unit_code, criterion_code,
           arg_max(self_score, report_month) filter (self_score is not null) as self_score,
           arg_max(answer, report_month) filter (answer is not null) as answer,
           arg_max(numerator, report_month) filter (numerator is not null and denominator is not null)
               as numerator,
           arg_max(denominator, report_month) filter (numerator is not null and denominator is not null)
               as denominator,
           max(report_month) filter (numerator is not null and denominator is not null) as answer_month
    from staging.unit_dti_answers
    where is_current and report_month between $year_start and $report_month
    group by unit_code, criterion_code
),
measures as (  -- additive ratios: numerators and denominators summed over the year
    select unit_code, code, sum(numerator) as numerator, sum(denominator) as denominator,
           min(report_month) as first_month, max(report_month) as last_month
    from marts.unit_measures
    where report_month between $year_start and $report_month
      and code not in ('VI.5.2', 'VI.3.3', 'VI.5.3')
    group by unit_code, code
    union all
    select unit_code, code, numerator, denominator, report_month, report_month  -- snapshots: the latest month
    from marts.unit_measures
    where report_month between $year_start and $report_month and code in ('VI.5.2', 'VI.3.3')
    qualify row_number() over (partition by unit_code, code order by report_month desc) = 1
    union all
    select case when grouping(unit_code) = 1 then 'TPVT' else unit_code end, 'VI.5.3',  -- distinct over the year
           count(distinct procedure_code) filter (channel = 'Trực tuyến'), count(distinct procedure_code),
           min(report_month), max(report_month)
    from staging.dossiers
    where report_month between $year_start and $report_month and service_level in ('Toàn trình', 'Một phần')
    group by grouping sets ((unit_code), ())
    having not (grouping(unit_code) = 0 and unit_code = 'TPVT')
),
general_info as (  -- ThongTinChung snapshots: each unit's latest declared item in the year
    select unit_code, item_no, value_number, report_month
    from staging.unit_general_info
    where is_current and value_number is not null and report_month between $year_start and $report_month
    qualify row_number() over (partition by unit_code, item_no order by report_month desc) = 1
),
city_info as (  -- TPVT: its own figure wins, else the sum over the units that declared it
    select i.item_no, coalesce(max(value_number) filter (unit_code = 'TPVT'),
                               sum(value_number) filter (unit_code <> 'TPVT')) as value_number,
           max(report_month) as report_month
    from general_info i group by i.item_no
),
info as (
    select unit_code, item_no, value_number, report_month from general_info where unit_code <> 'TPVT'
    union all
    select 'TPVT', item_no, value_number, report_month from city_info
),
info_wide as (
    select unit_code,
           max(value_number) filter (item_no = 6) as staff, max(value_number) filter (item_no = 7) as employees,
           max(value_number) filter (item_no = 9) as workstations, max(report_month) as info_month
    from info group by unit_code
),
reporting as (
    select unit_code, count(*) as months_due, count(*) filter (received) as months_received,
           count(*) filter (on_time) as months_on_time
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
       a.self_score, a.answer, a.answer_month,
       a.numerator as declared_numerator, a.denominator as declared_denominator,
       m.numerator as measure_numerator, m.denominator as measure_denominator,
       m.first_month as measure_first_month, m.last_month as measure_last_month,
       ref_answer.numerator as ref_declared_numerator, ref_answer.denominator as ref_declared_denominator,
       ref_measure.numerator as ref_measure_numerator, ref_measure.denominator as ref_measure_denominator,
       w.staff, w.employees, w.workstations, w.info_month,
       r.months_due, r.months_received, r.months_on_time,
       un.unmet_indicators, coalesce(un.indicators_with_data, 0) as indicators_with_data
from criteria c
left join answers a using (unit_code, criterion_code)
left join measures m on m.unit_code = c.unit_code and m.code = c.criterion_code and c.measure = 'exports'
left join answers ref_answer
       on ref_answer.unit_code = c.unit_code and c.measure like 'declared:%'
      and ref_answer.criterion_code = split_part(c.measure, ':', 2)
left join measures ref_measure
       on ref_measure.unit_code = c.unit_code and c.measure like 'exports:%'
      and ref_measure.code = split_part(c.measure, ':', 2)
left join info_wide w on w.unit_code = c.unit_code
left join reporting r on r.unit_code = c.unit_code
left join unmet un on un.unit_code = c.unit_code
order by c.unit_code, c.seq
