-- The one comparison of a figure with its target (SPEC §7): exact, never after rounding. With a numerator and
-- a positive denominator, numerator × 100 is compared with bound × denominator, in decimals; else the
-- declared percentage with the bound. NULL when there is no figure or no target.
-- (tests/warehouse/test_target_comparison.py holds it against hand-worked edges.)
create or replace temp macro target_lhs(numerator, denominator, value_pct) as
    case when numerator is not null and denominator > 0 then numerator::decimal(38, 8) * 100
         else value_pct::decimal(38, 8) end;

create or replace temp macro target_rhs(numerator, denominator, lower_bound) as
    case when numerator is not null and denominator > 0
         then lower_bound::decimal(38, 8) * denominator::decimal(38, 8)
         else lower_bound::decimal(38, 8) end;

create or replace temp macro meets_target(comparator, numerator, denominator, value_pct, lower_bound) as
    case comparator
        when '>=' then target_lhs(numerator, denominator, value_pct) >= target_rhs(numerator, denominator, lower_bound)
        when '>' then target_lhs(numerator, denominator, value_pct) > target_rhs(numerator, denominator, lower_bound)
        when '<=' then target_lhs(numerator, denominator, value_pct) <= target_rhs(numerator, denominator, lower_bound)
        when '<' then target_lhs(numerator, denominator, value_pct) < target_rhs(numerator, denominator, lower_bound)
    end;
