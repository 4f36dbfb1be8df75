-- The report's annex of the appraisal round: each criterion where the appraisal in force departs from the
-- commune's self score or from the score computed from the data, with the appraisers' comment.
select u.short_name_vi as unit_name, s.criterion_code, c.name_vi as criterion_name, s.max_points, s.self_score,
       s.computed_score, s.appraised_score, s.appraisal_comment
from marts.dti_scores s
join ref.units u on u.unit_code = s.unit_code
join ref.rubric_criteria c on c.rubric = s.rubric and c.criterion_code = s.criterion_code and c.level = 'criterion'
where s.report_month = $report_month and s.appraised_score is not null
  and (s.appraised_score is distinct from s.self_score or s.appraised_score is distinct from s.computed_score)
order by u.sort_order, c.seq
