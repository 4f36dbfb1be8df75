-- marts.indicator_attainment for one report month ($report_month) (SPEC §4, §7).
-- Indicators computed from the exports (SPEC §3.7) come from marts.unit_measures; the others
-- from what units declare in their ChiTieu sheet (a figure, or "no data yet").
-- TPVT: one row per catalogue indicator; for declared indicators its own workbook's figure
-- wins, else the sum of the units' numerators and denominators (bare percentages left out).
delete from marts.indicator_attainment where report_month = $report_month;

insert into marts.indicator_attainment by name
with catalogue as (
    select * from ref.indicators where year = $catalogue_year
),
applied_target as (  -- the city's own target when it has one, else the province's, else the nation's
    select indicator_code, level as target_level, target_text, comparator, lower_bound
    from ref.indicator_targets
    where year = $catalogue_year and comparator is not null
    qualify row_number() over (
        partition by indicator_code
        order by case level when 'city' then 1 when 'province' then 2 else 3 end) = 1
),
declared as (
    select d.unit_code, d.indicator_code, d.no_data, d.note,
           case when d.numerator is not null and d.denominator is not null then d.numerator end as numerator,
           case when d.numerator is not null and d.denominator is not null then d.denominator end as denominator,
           d.value_pct as declared_pct
    from staging.unit_indicators d
    join catalogue c using (indicator_code)
    where d.report_month = $report_month and d.is_current and c.source = 'units'
      -- a template row left blank is not a declaration
      and (d.numerator is not null or d.denominator is not null or d.value_pct is not null or d.no_data)
    union all by name  -- a row rejected for a bad value still shows its indicator, as no data (SPEC §7)
    select r.unit_code, r.indicator_code, true as no_data,
           'Dòng ' || r.row_number || ' bị từ chối: xem quality.validation_failures' as note
    from staging.unit_indicators_rejected r
    join catalogue c using (indicator_code)
    where r.report_month = $report_month and r.is_current and c.source = 'units'
      and not exists (select 1 from staging.unit_indicators d
                      where d.report_month = r.report_month and d.is_current and d.unit_code = r.unit_code
                        and d.indicator_code = r.indicator_code)
),
unit_rows as (
    select unit_code, indicator_code, numerator, denominator, declared_pct,
           numerator is null and declared_pct is not null as rollup_excluded,
           null::integer as units_in_rollup,
           'units' as source, $report_month as data_month,
           case when numerator is null and declared_pct is not null
                then 'Chỉ có tỷ lệ %, không có tử số/mẫu số: không cộng vào số liệu toàn thành phố'
                when no_data then coalesce(note, 'Đơn vị báo chưa có số liệu') end as note
    from declared
    where unit_code <> 'TPVT'
),
measured as (
    select m.unit_code, m.code as indicator_code, m.numerator, m.denominator, null::double as declared_pct,
           false as rollup_excluded, null::integer as units_in_rollup, m.source,
           coalesce(m.from_month, m.report_month) as data_month,
           nullif(concat_ws('; ',
               case when m.denominator = 0 then 'Không phát sinh (0/0)' end,
               case when m.from_month <> m.report_month  -- a snapshot source that did not arrive this month
                    then 'Theo số liệu tháng ' || right(m.from_month, 2) || '/' || left(m.from_month, 4) end
           ), '') as note
    from marts.unit_measures m
    join catalogue c on c.indicator_code = m.code and c.source <> 'units'
    where m.report_month = $report_month
),
rollup as (
    select indicator_code,  -- summed in a fixed order: the same figures on every run
           list_sum(list(numerator order by unit_code)) as numerator,
           list_sum(list(denominator order by unit_code)) as denominator,
           count(*)::integer as units_in_rollup
    from declared
    where unit_code <> 'TPVT' and numerator is not null
    group by indicator_code
),
city_own as (
    select * from declared where unit_code = 'TPVT' and (numerator is not null or declared_pct is not null)
),
city_rows as (
    select 'TPVT' as unit_code, c.indicator_code,
           case when o.indicator_code is not null then o.numerator else r.numerator end as numerator,
           case when o.indicator_code is not null then o.denominator else r.denominator end as denominator,
           o.declared_pct,
           false as rollup_excluded,
           case when o.indicator_code is null then r.units_in_rollup end as units_in_rollup,
           case when o.indicator_code is not null then 'units'
                when r.indicator_code is not null then 'units (tổng hợp)'
                else c.source end as source,
           $report_month as data_month,
           case when o.indicator_code is not null then 'Số liệu do UBND thành phố tự kê khai'
                when r.indicator_code is not null then 'Tổng tử số/mẫu số của ' || r.units_in_rollup || ' đơn vị'
                else 'Chưa có số liệu' end as note
    from catalogue c
    left join city_own o using (indicator_code)
    left join rollup r using (indicator_code)
    where c.source = 'units'
),
city_measured as (
    select 'TPVT' as unit_code, c.indicator_code, m.numerator, m.denominator, null::double as declared_pct,
           false as rollup_excluded, null::integer as units_in_rollup, c.source, m.data_month,
           case when m.indicator_code is null then 'Chưa có số liệu' else m.note end as note
    from catalogue c
    left join measured m on m.indicator_code = c.indicator_code and m.unit_code = 'TPVT'
    where c.source <> 'units'
),
all_rows as (
    select * from unit_rows
    union all by name
    select * from measured where unit_code <> 'TPVT'
    union all by name
    select * from city_rows
    union all by name
    select * from city_measured
),
valued as (
    select a.*,
           case when a.numerator is not null and a.denominator > 0 then a.numerator * 100.0 / a.denominator
                when a.numerator is null then a.declared_pct end as value_pct
    from all_rows a
)
select $report_month as report_month, v.unit_code, v.indicator_code, v.numerator, v.denominator, v.value_pct,
       t.target_text, t.target_level,
       case
           when v.value_pct is null or t.comparator is null then 'no_data'
           when meets_target(t.comparator, v.numerator, v.denominator, v.value_pct, t.lower_bound) then 'achieved'  -- sql/target_macros.sql
           else 'not_achieved'
       end as status,
       v.source, v.rollup_excluded, v.units_in_rollup, v.data_month,
       nullif(concat_ws('; ', v.note,
           -- numerator and denominator win over a Kết quả (%) that contradicts them (SPEC §7)
           case when v.numerator is not null and v.denominator > 0 and v.declared_pct is not null
                     and abs(v.declared_pct - v.value_pct) >= 0.01
                then 'Kết quả (%) kê khai ' || v.declared_pct || '% không khớp tử số/mẫu số: dùng tử số/mẫu số' end,
           case when v.value_pct > 100 then 'Vượt 100%: đề nghị kiểm tra' end), '') as note
from valued v
left join applied_target t using (indicator_code);
