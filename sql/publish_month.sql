-- `dti publish YYYY-MM`: freeze the month's summary and scores as version $version, with the files they came
-- from; the live marts go on changing, this copy does not.
insert into marts.publications (report_month, version, published_at, report_file)
values ($report_month, $version, $published_at, $report_file);

insert into marts.published_summary by name
select $version as version, report_month, unit_code, rubric, group_I, group_II, group_III, group_IV, group_V,
       group_VI, group_VII, group_VIII, bonus_penalty, total_score, rank, achieved_total, achieved_rank
from marts.dti_summary where report_month = $report_month;

insert into marts.published_scores by name
select $version as version, report_month, unit_code, rubric, criterion_code, group_code, max_points, self_score,
       computed_score, final_score, appraised_score, achieved_score, basis
from marts.dti_scores where report_month = $report_month;

insert into marts.published_files by name
select $report_month as report_month, $version as version, report_month as file_month, source, file_name, sha256
from raw.files where report_month between $year_start and $report_month;
