-- Files read, but refused whole or in part without a row to point at (misfiled, a sheet missing, ...).
select v.source, v.file_name, string_agg(distinct v.message, '; ') as reason
from quality.validation_failures v
join raw.files f using (report_month, source, file_name)
where v.report_month = $month and v.row_number is null and f.readable
group by v.source, v.file_name order by v.source, v.file_name
