-- ThongTinChung figures the DTI engine reads (domain/figures.py `info:` measures), year to date:
-- each unit's latest declared item in the year (a snapshot carried forward, with its month); for TPVT
-- its own figure wins, else the sum over the units that declared the item (SPEC §7).
with general_info as (
    select unit_code, item_no, value_number, report_month
    from staging.unit_general_info
    where is_current and value_number is not null and report_month between $year_start and $report_month
    qualify row_number() over (partition by unit_code, item_no order by report_month desc) = 1
),
city_info as (
    select item_no,
           coalesce(max(value_number) filter (unit_code = 'TPVT'),
                    list_sum(list(value_number order by unit_code) filter (unit_code <> 'TPVT'))) as value_number,
           coalesce(max(report_month) filter (unit_code = 'TPVT'), max(report_month)) as report_month
    from general_info group by item_no
)
select unit_code, item_no, value_number, report_month from general_info where unit_code <> 'TPVT'
union all
select 'TPVT', item_no, value_number, report_month from city_info
order by unit_code, item_no
