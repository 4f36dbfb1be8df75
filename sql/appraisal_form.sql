-- What an appraisal workbook is prefilled with (`dti appraisal`): each commune's scores of $report_month
-- beside its rubric's criteria, with the latest evidence (Tài liệu kiểm chứng) it gave in the year.
with evidence as (
    select unit_code, criterion_code, evidence
    from staging.unit_dti_answers
    where is_current and evidence is not null and report_month between $year_start and $report_month
    qualify row_number() over (partition by unit_code, criterion_code order by report_month desc) = 1
)
select s.unit_code, u.name_vi as unit_name, s.criterion_code, c.name_vi as criterion_name, s.max_points,
       s.self_score, s.computed_score, s.basis, e.evidence, s.appraised_score, s.appraisal_comment
from marts.dti_scores s
join ref.units u on u.unit_code = s.unit_code
join ref.rubric_criteria c on c.rubric = s.rubric and c.criterion_code = s.criterion_code and c.level = 'criterion'
left join evidence e on e.unit_code = s.unit_code and e.criterion_code = s.criterion_code
where s.report_month = $report_month and s.rubric = 'commune'
order by u.sort_order, c.seq
