-- The appraisal in force for $report_month (SPEC §6), per unit × criterion: an appraisal holds for its report
-- month and the later months of the year until a newer one of the same criterion; within a month the one
-- received last wins. Earlier ones stay in staging.appraisals.
select unit_code, criterion_code, appraised_score, comment as appraisal_comment
from staging.appraisals
where report_month between $year_start and $report_month
qualify row_number() over (partition by unit_code, criterion_code
                           order by report_month desc, received_at desc, file_name desc, row_number desc) = 1
