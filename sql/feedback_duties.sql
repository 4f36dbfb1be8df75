-- A department's duties for TPVT (ref.criterion_duties): each district criterion it supplies, TPVT's score on
-- it this month, and what is missing (marts.dti_headroom) where it is below full points.
select d.criterion_code, c.name_vi as criterion_name, d.responsible_text, s.max_points, s.final_score,
       s.basis, h.needed as missing  -- null: at full points
from ref.criterion_duties d
join ref.rubric_criteria c on c.rubric = 'district' and c.criterion_code = d.criterion_code and c.level = 'criterion'
left join marts.dti_scores s
  on s.report_month = $report_month and s.unit_code = 'TPVT' and s.criterion_code = d.criterion_code
left join marts.dti_headroom h
  on h.report_month = $report_month and h.unit_code = 'TPVT' and h.criterion_code = d.criterion_code
where d.unit_code = $unit_code
order by c.seq
