-- Every file of the month that could not be read, with its reasons.
select f.source, f.file_name,
       coalesce(string_agg(distinct v.message, '; '), 'không đọc được (chưa ghi lý do)') as reason
from raw.files f
left join quality.validation_failures v
  on v.report_month = f.report_month and v.source = f.source and v.file_name = f.file_name
 and v.row_number is null
where f.report_month = $month and not f.readable
group by f.source, f.file_name order by f.source, f.file_name
