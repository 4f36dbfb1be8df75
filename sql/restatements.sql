-- After a run (of $run_month, at $detected_at): every figure of a month's latest published version that the
-- live marts now show otherwise, with the files added or changed since that version. A change already logged
-- with the same current value is not logged again; the table only grows.
insert into marts.restatements by name
with latest as (
    select report_month, max(version) as version from marts.publications group by report_month
),
totals as (
    select p.report_month, p.version, p.unit_code, null::varchar as criterion_code, f.figure,
           f.published_value, f.current_value
    from marts.published_summary p
    join latest using (report_month, version)
    join marts.dti_summary s using (report_month, unit_code)
    cross join lateral (
        select 'total_score' as figure, p.total_score::double as published_value, s.total_score::double as current_value
        union all select 'rank', p.rank, s.rank
        union all select 'achieved_total', p.achieved_total, s.achieved_total
        union all select 'achieved_rank', p.achieved_rank, s.achieved_rank) f
),
criteria as (
    select p.report_month, p.version, p.unit_code, p.criterion_code, 'achieved_score' as figure,
           p.achieved_score as published_value, s.achieved_score as current_value
    from marts.published_scores p
    join latest using (report_month, version)
    join marts.dti_scores s using (report_month, unit_code, criterion_code)
),
changes as (
    select * from totals where published_value is distinct from current_value
    union all
    select * from criteria where published_value is distinct from current_value
),
causes as (
    select l.report_month, l.version,
           string_agg(f.report_month || '/' || f.source || '/' || f.file_name, ', '
                      order by f.report_month, f.source, f.file_name) as caused_by
    from latest l
    join raw.files f on f.report_month between left(l.report_month, 4) || '-01' and l.report_month
    anti join marts.published_files pf
        on pf.report_month = l.report_month and pf.version = l.version and pf.file_month = f.report_month
       and pf.source = f.source and pf.file_name = f.file_name and pf.sha256 is not distinct from f.sha256
    group by l.report_month, l.version
)
select c.*, $detected_at::timestamp as detected_at, $run_month as run_month, k.caused_by
from changes c
left join causes k using (report_month, version)
anti join marts.restatements r
    on r.report_month = c.report_month and r.version = c.version and r.unit_code = c.unit_code
   and r.criterion_code is not distinct from c.criterion_code and r.figure = c.figure
   and r.current_value is not distinct from c.current_value;
