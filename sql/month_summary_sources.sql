-- `dti run`'s account of a month, per source: files and rows of raw.files beside its failure rows.
with f as (select source, count(*) as files, sum(rows_read)::bigint as rows_read,
                  sum(rows_loaded)::bigint as rows_loaded, sum(rows_rejected)::bigint as rows_rejected
           from raw.files where report_month = $month group by source),
     v as (select source, count(*) as failures from quality.validation_failures
           where report_month = $month group by source)
select source, coalesce(files, 0) as files, coalesce(rows_read, 0) as rows_read,
       coalesce(rows_loaded, 0) as rows_loaded, coalesce(rows_rejected, 0) as rows_rejected,
       coalesce(failures, 0) as failures
from f full join v using (source) order by source
