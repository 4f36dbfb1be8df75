-- marts.dti_summary for one report month ($report_month), year to date like marts.dti_scores:
-- group scores capped at the maximum printed on the group's heading, group IX (bonus and
-- penalty) added uncapped, and the communes ranked 1, 1, 3 (standard competition ranking).
-- The same again on achieved_score (the appraisers' score when given): achieved_total, achieved_rank.
delete from marts.dti_summary where report_month = $report_month;

insert into marts.dti_summary by name
with group_max as (
    select rubric, group_code, max_points from ref.rubric_criteria where level = 'group'
),
group_sums as (  -- a missing final score counts 0; summed in a fixed order, so every run gives the same bits
    select unit_code, rubric, group_code, list_sum(list(coalesce(final_score, 0) order by criterion_code)) as points,
           list_sum(list(coalesce(achieved_score, 0) order by criterion_code)) as achieved_points
    from marts.dti_scores where report_month = $report_month
    group by all
),
capped as (
    select s.unit_code, s.rubric, s.group_code,
           case when s.group_code = 'IX' then s.points else least(s.points, g.max_points) end as points,
           case when s.group_code = 'IX' then s.achieved_points
                else least(s.achieved_points, g.max_points) end as achieved_points
    from group_sums s left join group_max g using (rubric, group_code)
),
wide as (
    select unit_code, rubric,
           coalesce(sum(points) filter (group_code = 'I'), 0) as group_I,
           coalesce(sum(points) filter (group_code = 'II'), 0) as group_II,
           coalesce(sum(points) filter (group_code = 'III'), 0) as group_III,
           coalesce(sum(points) filter (group_code = 'IV'), 0) as group_IV,
           coalesce(sum(points) filter (group_code = 'V'), 0) as group_V,
           coalesce(sum(points) filter (group_code = 'VI'), 0) as group_VI,
           coalesce(sum(points) filter (group_code = 'VII'), 0) as group_VII,
           coalesce(sum(points) filter (group_code = 'VIII'), 0) as group_VIII,
           coalesce(sum(points) filter (group_code = 'IX'), 0) as bonus_penalty,
           list_sum(list(points order by group_code)) as total_score,
           list_sum(list(achieved_points order by group_code)) as achieved_total
    from capped group by unit_code, rubric
)
select $report_month as report_month, *,
       case when rubric = 'commune'
            then rank() over (partition by rubric order by total_score desc) end::integer as rank,
       case when rubric = 'commune'
            then rank() over (partition by rubric order by achieved_total desc) end::integer as achieved_rank
from wide;

-- Stewards: where the unit's self-assessment and the data disagree, largest gap first.
create or replace view marts.dti_discrepancies as
select report_month, unit_code, rubric, criterion_code, max_points, self_score, computed_score,
       computed_score - self_score as difference, basis
from marts.dti_scores
where self_score is not null and computed_score is not null and self_score <> computed_score
order by abs(computed_score - self_score) desc, report_month, unit_code, criterion_code;
