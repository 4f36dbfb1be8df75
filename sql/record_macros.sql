-- The fast path of typing export cells in SQL (schemas/columns.py: typed_sql). A macro returns NULL for
-- any spelling it does not take; dti/vnparse.py, which decides every such cell, must read each spelling
-- taken here the same way (tests/test_record_macros.py holds them side by side).

-- dd/mm/yyyy[ HH:MM[:SS]] and ISO; Excel serials and zone offsets are left to Python.
create or replace temp macro vn_timestamp(s) as
    try_strptime(s, ['%d/%m/%Y %H:%M', '%d/%m/%Y', '%d/%m/%Y %H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d',
                     '%Y-%m-%d %H:%M', '%Y-%m-%dT%H:%M:%S']);

-- A deadline given as a bare date means the end of that day (SPEC §7).
create or replace temp macro vn_deadline(s) as
    case when contains(s, ':') then vn_timestamp(s)
         else vn_timestamp(s) + interval '23 hours 59 minutes 59.999999 seconds' end;

-- Money: `1.234.567` (dots group thousands) or bare digits; `1,234`, decimals and currency words go to Python.
create or replace temp macro vn_money(s) as
    case when regexp_full_match(s, '-?[0-9]{1,3}(\.[0-9]{3})+') then replace(s, '.', '')::double
         when regexp_full_match(s, '-?[0-9]{1,15}') then s::double end;
