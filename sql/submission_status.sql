-- marts.submission_status for one report month ($report_month): one row per unit (and TPVT) for its
-- workbook (`units`), and a TPVT row per export source (SPEC §4, §7). A workbook counts as received
-- when it was placed with its unit; on time when its first receipt is by the 12th ($deadline).
-- In a month whose appraisal workbooks were written (`dti appraisal`, raw.appraisal_rounds), an `appraisal`
-- row per commune: received when an appraisal of it was placed, on time within 10 days of the first round.
delete from marts.submission_status where report_month = $report_month;

insert into marts.submission_status by name
with workbooks as (
    select unit_code, min(modified_at) as received_at, max(modified_at) as last_received_at,
           sum(rows_loaded) as rows_loaded, sum(rows_rejected) as rows_rejected
    from raw.files
    where report_month = $report_month and source = 'units' and unit_code is not null
    group by unit_code
),
exports as (
    select source, min(modified_at) as received_at, max(modified_at) as last_received_at,
           sum(rows_loaded) as rows_loaded, sum(rows_rejected) as rows_rejected
    from raw.files
    where report_month = $report_month and source not in ('units', 'appraisal')
    group by source
),
appraisal_round as (
    select min(issued_at) as issued_at from raw.appraisal_rounds where report_month = $report_month
    having count(*) > 0
),
appraisals as (
    select unit_code, min(modified_at) as received_at, max(modified_at) as last_received_at,
           sum(rows_loaded) as rows_loaded, sum(rows_rejected) as rows_rejected
    from raw.files
    where report_month = $report_month and source = 'appraisal' and unit_code is not null
    group by unit_code
),
export_sources as (
    select * from (values ('onestop'), ('procedures'), ('qlvb'), ('ioc_feedback'), ('ioc_accounts')) t(source)
)
select $report_month as report_month, u.unit_code, 'units' as source,
       w.unit_code is not null as received, w.received_at, w.last_received_at,
       case when w.unit_code is not null then w.received_at <= $deadline end as on_time,
       coalesce(w.rows_loaded, 0)::integer as rows_loaded, coalesce(w.rows_rejected, 0)::integer as rows_rejected
from ref.units u
left join workbooks w using (unit_code)
union all by name
select $report_month as report_month, 'TPVT' as unit_code, s.source, e.source is not null as received,
       e.received_at, e.last_received_at,
       case when e.source is not null then e.received_at <= $deadline end as on_time,
       coalesce(e.rows_loaded, 0)::integer as rows_loaded, coalesce(e.rows_rejected, 0)::integer as rows_rejected
from export_sources s
left join exports e using (source)
union all by name
select $report_month as report_month, u.unit_code, 'appraisal' as source, a.unit_code is not null as received,
       a.received_at, a.last_received_at,
       case when a.unit_code is not null then a.received_at <= r.issued_at + interval 10 days end as on_time,
       coalesce(a.rows_loaded, 0)::integer as rows_loaded, coalesce(a.rows_rejected, 0)::integer as rows_rejected
from appraisal_round r
cross join ref.units u
left join appraisals a using (unit_code)
where u.rubric = 'commune';
