-- A month's latest published version (dti publish) and how many of its figures later runs changed.
select p.version, p.published_at,
       (select count(*) from marts.restatements r
        where r.report_month = p.report_month and r.version = p.version) as pending
from marts.publications p
where p.report_month = $report_month
order by p.version desc
limit 1
