-- quality.validation_warnings for one report month ($report_month): values accepted but flagged for the
-- steward, counted apart from the failures (SPEC §4; issue "outliers flagged, not rejected"):
--   bare_percentage           a ChiTieu Kết quả (%) without Tử số/Mẫu số (not summed into TPVT's figure);
--   pct_contradicts_figures   a Kết quả (%) that differs from Tử số/Mẫu số (the figures win);
--   above_100                 a value above 100%;
--   outlier_zscore            a declared figure or a unit's count 3 or more standard deviations from the
--                             unit's own earlier months of the year (at least 3 of them);
--   share_jump                a unit's share that moved more than 30 points since the previous month.
delete from quality.validation_warnings where report_month = $report_month;

insert into quality.validation_warnings by name
with declared as (  -- the month's current ChiTieu rows of the indicators units report themselves
    select d.*, case when d.numerator is not null and d.denominator > 0
                     then d.numerator * 100.0 / d.denominator end as figures_pct,
           coalesce(figures_pct, d.value_pct) as pct  -- the share the unit's row stands for
    from staging.unit_indicators d
    where d.report_month = $report_month and d.is_current
),
declared_history as (  -- the same unit's figures in the earlier months of the year
    select unit_code, indicator_code, report_month, numerator, denominator,
           case when numerator is not null and denominator > 0 then numerator * 100.0 / denominator
                else value_pct end as pct
    from staging.unit_indicators
    where is_current and report_month >= $year_start and report_month < $report_month
),
declared_stats as (
    select unit_code, indicator_code, figure, count(*) as months, avg(value) as mean, stddev_samp(value) as sd
    from declared_history
    unpivot (value for figure in (numerator, denominator))
    group by all
),
declared_previous as (
    select unit_code, indicator_code, pct from declared_history where pct is not null
    qualify row_number() over (partition by unit_code, indicator_code order by report_month desc) = 1
),
unit_warnings as (
    select 'units' as source, file_name, 'ChiTieu' as sheet, row_number, 'Kết quả (%)' as column_name,
           'bare_percentage' as check_name, value_pct::varchar as failure_value, unit_code as responsible_unit,
           value_pct as value, null::double as baseline,
           'Chỉ tiêu ' || indicator_code || ' chỉ có tỷ lệ ' || value_pct || '%, không có tử số/mẫu số: số liệu '
               || 'được ghi nhận nhưng không cộng vào số liệu toàn thành phố. Đề nghị bổ sung tử số và mẫu số.' as message
    from declared where numerator is null and value_pct is not null
    union all
    select 'units', file_name, 'ChiTieu', row_number, 'Kết quả (%)', 'pct_contradicts_figures', value_pct::varchar,
           unit_code, value_pct, figures_pct,
           'Chỉ tiêu ' || indicator_code || ': Kết quả (%) ghi ' || value_pct || '% nhưng tử số/mẫu số cho '
               || round(figures_pct, 2) || '%: dùng tử số/mẫu số. Đề nghị kiểm tra lại.'
    from declared where figures_pct is not null and value_pct is not null and abs(value_pct - figures_pct) >= 0.01
    union all
    select 'units', file_name, 'ChiTieu', row_number, 'Kết quả (%)', 'above_100', round(pct, 2)::varchar,
           unit_code, pct, 100,
           'Chỉ tiêu ' || indicator_code || ' vượt 100% (' || round(pct, 2) || '%). Đề nghị kiểm tra lại số liệu.'
    from declared where pct > 100
    union all
    select 'units', r.file_name, 'ChiTieu', r.row_number, case s.figure when 'numerator' then 'Tử số' else 'Mẫu số' end,
           'outlier_zscore', (case s.figure when 'numerator' then r.numerator else r.denominator end)::varchar,
           r.unit_code, case s.figure when 'numerator' then r.numerator else r.denominator end, s.mean,
           'Chỉ tiêu ' || r.indicator_code || ': ' || case s.figure when 'numerator' then 'tử số' else 'mẫu số' end
               || ' ' || (case s.figure when 'numerator' then r.numerator else r.denominator end)
               || ' khác xa các tháng trước trong năm (trung bình ' || round(s.mean, 2) || ', độ lệch chuẩn '
               || round(s.sd, 2) || '). Số liệu vẫn được ghi nhận; đề nghị đơn vị xác nhận.'
    from declared r join declared_stats s using (unit_code, indicator_code)
    where s.months >= 3 and s.sd > 0
      and abs((case s.figure when 'numerator' then r.numerator else r.denominator end) - s.mean) >= 3 * s.sd
    union all
    select 'units', r.file_name, 'ChiTieu', r.row_number, 'Kết quả (%)', 'share_jump', round(r.pct, 2)::varchar,
           r.unit_code, r.pct, p.pct,
           'Chỉ tiêu ' || r.indicator_code || ': tỷ lệ ' || round(r.pct, 2) || '% thay đổi hơn 30 điểm so với tháng '
               || 'trước (' || round(p.pct, 2) || '%). Số liệu vẫn được ghi nhận; đề nghị đơn vị xác nhận.'
    from declared r join declared_previous p using (unit_code, indicator_code)
    where r.pct is not null and abs(r.pct - p.pct) > 30
),
measures as (  -- the exports' figures of the month (not carried ones), and the unit's earlier months
    select unit_code, code, source, numerator, denominator,
           case when denominator > 0 then numerator * 100.0 / denominator end as pct
    from marts.unit_measures
    where report_month = $report_month and coalesce(from_month, report_month) = report_month
),
measure_history as (
    select unit_code, code, report_month, denominator,
           case when denominator > 0 then numerator * 100.0 / denominator end as pct
    from marts.unit_measures
    where report_month >= $year_start and report_month < $report_month
      and coalesce(from_month, report_month) = report_month
),
measure_stats as (
    select unit_code, code, count(*) as months, avg(denominator) as mean, stddev_samp(denominator) as sd
    from measure_history group by all
),
measure_previous as (
    select unit_code, code, pct from measure_history where pct is not null
    qualify row_number() over (partition by unit_code, code order by report_month desc) = 1
),
measure_flags as (  -- per code; codes that share one figure (CQS-03 and VI.5.8, ...) are flagged once below
    select m.source, m.unit_code, m.code, 'outlier_zscore' as check_name, m.denominator as value, s.mean as baseline,
           s.sd
    from measures m join measure_stats s using (unit_code, code)
    where s.months >= 3 and s.sd > 0 and abs(m.denominator - s.mean) >= 3 * s.sd
    union all
    select m.source, m.unit_code, m.code, 'share_jump', m.pct, p.pct, null
    from measures m join measure_previous p using (unit_code, code)
    where m.pct is not null and abs(m.pct - p.pct) > 30
),
export_warnings as (
    select source, null as file_name, null as sheet, null::integer as row_number,
           string_agg(code, ', ' order by code) as column_name, check_name,
           round(value, 2)::varchar as failure_value, unit_code as responsible_unit, value, baseline,
           case check_name
               when 'outlier_zscore' then string_agg(code, ', ' order by code) || ': mẫu số ' || value
                   || ' trong kỳ, khác xa các tháng trước trong năm (trung bình ' || round(baseline, 2)
                   || ', độ lệch chuẩn ' || round(any_value(sd), 2) || '). Đề nghị kiểm tra dữ liệu xuất của hệ thống.'
               else string_agg(code, ', ' order by code) || ': tỷ lệ ' || round(value, 2)
                   || '% thay đổi hơn 30 điểm so với tháng trước (' || round(baseline, 2)
                   || '%). Đề nghị kiểm tra dữ liệu xuất của hệ thống.'
           end as message
    from measure_flags
    group by source, unit_code, check_name, value, baseline
)
select $report_month as report_month, * from unit_warnings
union all by name
select $report_month as report_month, * from export_warnings;
