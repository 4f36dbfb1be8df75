-- A unit's chances to gain points (marts.dti_headroom), for its feedback sheet and the dashboard: largest
-- gain per record needed first, then the criteria whose gain counts no records, largest gain first.
select h.criterion_code, c.name_vi as criterion_name, h.current_score, h.next_score, h.gain, h.needed,
       h.needed_count
from marts.dti_headroom h
join ref.rubric_criteria c on c.rubric = h.rubric and c.criterion_code = h.criterion_code and c.level = 'criterion'
where h.report_month = $report_month and h.unit_code = $unit_code
order by h.needed_count is null, h.gain / greatest(h.needed_count, 1) desc, h.gain desc, c.seq
