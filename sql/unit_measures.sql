-- marts.unit_measures for one report month ($report_month): the numerators and denominators
-- of SPEC §3.7 per unit, from the rows that passed validation; TPVT over all units' rows
-- (distinct procedures counted once). Codes that measure the same thing share a figure.
-- Snapshot sources (the procedure catalogue, IOC accounts) that did not arrive this month carry the
-- latest earlier figure of the year forward, as it was computed in its month (`from_month`, SPEC §7).
delete from marts.unit_measures where report_month = $report_month;

insert into marts.unit_measures by name
with latest_catalogue as (  -- the catalogue of this month, else the latest earlier one of the year
    select procedure_code, has_fee
    from staging.procedures
    where is_current and report_month = (
        select max(report_month) from staging.procedures
        where is_current and report_month between $year_start and $report_month)
),
dossiers as (
    select unit_code, procedure_code, service_level,
           fee > 0 as with_fee, coalesce(fee, 0)::decimal(38, 4) as fee,
           -- CQS-05: a procedure with fees is one the catalogue marks `Có phí, lệ phí`; one missing from
           -- the catalogue is judged by its dossier's fee
           coalesce(c.has_fee, fee > 0) as procedure_has_fee,
           channel = 'Trực tuyến' as online,
           channel = 'Trực tuyến' and remote as remote_online,
           vneid, paid_online and fee > 0 as paid_online,
           resolved_at is not null as resolved,
           resolved_at is not null and due_at is not null and resolved_at <= due_at as on_time,
           result_digitised, data_reused
    from staging.dossiers d left join latest_catalogue c using (procedure_code)
    where d.report_month = $report_month
),
dossier_counts as (
    select case when grouping(unit_code) = 1 then 'TPVT' else unit_code end as unit_code,
        count(*) filter (paid_online) as paid_online, count(*) filter (with_fee) as with_fee,
        sum(fee) filter (paid_online) as fee_paid_online, sum(fee) filter (with_fee) as fee_total,  -- exact decimals
        count(*) filter (online and vneid) as online_vneid, count(*) filter (online) as online,
        count(*) filter (resolved and result_digitised) as resolved_digitised,
        count(*) filter (resolved and data_reused) as resolved_reused, count(*) filter (resolved) as resolved,
        count(*) filter (remote_online) as remote_online, count(*) as dossiers,
        count(*) filter (online and on_time) as online_on_time,
        count(*) filter (online and service_level = 'Toàn trình') as full_online,
        count(*) filter (service_level = 'Toàn trình') as full_any
    from dossiers
    group by grouping sets ((unit_code), ())
    having not (grouping(unit_code) = 0 and unit_code = 'TPVT')
),
unit_procedures as (  -- each unit's procedures once, with what the distinct counts ask of their dossiers
    select unit_code, procedure_code,
        bool_or(online and service_level in ('Toàn trình', 'Một phần')) as online_dvc,
        bool_or(service_level in ('Toàn trình', 'Một phần')) as any_dvc,
        bool_or(paid_online and procedure_has_fee) as paid_online, bool_or(procedure_has_fee) as with_fee
    from dossiers group by unit_code, procedure_code
),
city_procedures as (  -- TPVT counts a procedure once, whichever units it had dossiers at
    select 'TPVT' as unit_code, procedure_code, bool_or(online_dvc) as online_dvc, bool_or(any_dvc) as any_dvc,
        bool_or(paid_online) as paid_online, bool_or(with_fee) as with_fee
    from unit_procedures group by procedure_code
),
procedure_counts as (
    select unit_code,
        count(*) filter (online_dvc) as procedures_online, count(*) filter (any_dvc) as procedures_any,
        -- CQS-05: procedures with fees (the catalogue) that had a dossier paid online / that had a dossier
        count(*) filter (paid_online) as fee_procedures_paid_online, count(*) filter (with_fee) as fee_procedures
    from (select * from unit_procedures where unit_code <> 'TPVT' union all select * from city_procedures)
    group by unit_code
),
dossier_sums as (
    select * from dossier_counts join procedure_counts using (unit_code)
),
documents as (  -- secret documents are excluded from every ratio
    select unit_code, direction = 'Đến' as incoming, direction = 'Đi' as outgoing, on_software, interlinked,
           signed_personal and signed_org as signed_both, paper, digitised, has_appendix, appendix_signed
    from staging.documents
    where report_month = $report_month and coalesce(secrecy, 'Thường') = 'Thường'
),
document_sums as (
    select case when grouping(unit_code) = 1 then 'TPVT' else unit_code end as unit_code,
        count(*) filter (incoming and on_software) as in_software, count(*) filter (incoming) as incoming,
        count(*) filter (outgoing and on_software) as out_software, count(*) filter (outgoing) as outgoing,
        count(*) filter (outgoing and interlinked) as out_interlinked,
        count(*) filter (outgoing and signed_both) as out_signed,
        count(*) filter (incoming and paper and digitised) as paper_digitised,
        count(*) filter (incoming and paper) as paper,
        count(*) filter (outgoing and has_appendix and appendix_signed) as appendix_signed,
        count(*) filter (outgoing and has_appendix) as with_appendix
    from documents
    group by grouping sets ((unit_code), ())
    having not (grouping(unit_code) = 0 and unit_code = 'TPVT')
),
catalogue as (  -- TPVT over the district's procedures, each commune over the communes' (SPEC §7)
    select level, count(*) filter (eligible_full and service_level = 'Toàn trình') as eligible_offered,
           count(*) filter (eligible_full) as eligible,
           count(*) filter (service_level = 'Toàn trình' and integrated) as full_integrated,
           count(*) filter (service_level = 'Toàn trình') as full_total
    from staging.procedures where report_month = $report_month and is_current
    group by level
),
catalogue_units as (
    select u.unit_code, c.* from ref.units u
    join catalogue c on c.level = case u.level when 'city' then 'Huyện' when 'commune' then 'Xã' end
),
leaders_using as (
    select case when grouping(unit_code) = 1 then 'TPVT' else unit_code end as unit_code, count(*) as using_app
    from staging.ioc_accounts
    where report_month = $report_month and is_current and is_leader and status = 'Hoạt động'
      and last_login >= $period_start
    group by grouping sets ((unit_code), ())
    having not (grouping(unit_code) = 0 and unit_code = 'TPVT')
),
leaders_declared as (  -- item 18 of ThongTinChung, the latest of the year; TPVT's own wins over the units' sum
    select unit_code, value_number as leaders from staging.unit_general_info
    where report_month between $year_start and $report_month and is_current and item_no = 18
      and value_number is not null
    qualify row_number() over (partition by unit_code order by report_month desc) = 1
),
leaders as (
    select unit_code, leaders from leaders_declared where unit_code <> 'TPVT'
    union all
    select 'TPVT', coalesce((select leaders from leaders_declared where unit_code = 'TPVT'),
                            (select list_sum(list(leaders order by unit_code)) from leaders_declared
                             where unit_code <> 'TPVT'))
),
arrived as (  -- did this month bring the snapshot sources?
    select exists (select 1 from staging.ioc_accounts where report_month = $report_month) as accounts,
           exists (select 1 from staging.procedures where report_month = $report_month) as catalogue
),
field_reports as (
    select case when grouping(unit_code) = 1 then 'TPVT' else unit_code end as unit_code,
        count(*) filter (completed_at is not null and completed_at <= due_at) as on_time,
        count(*) filter (completed_at is not null or due_at < $period_end) as due_or_done
    from staging.field_reports where report_month = $report_month
    group by grouping sets ((unit_code), ())
    having not (grouping(unit_code) = 0 and unit_code = 'TPVT')
),
measures as (
    select unit_code, code, numerator, denominator, 'onestop' as source
    from dossier_sums, lateral (values
        ('CQS-03', paid_online, with_fee), ('VI.5.8', paid_online, with_fee),
        ('CQS-04', fee_paid_online, fee_total), ('VI.5.9', fee_paid_online, fee_total),
        ('CQS-05', fee_procedures_paid_online, fee_procedures),
        ('CQS-06', online_vneid, online),
        ('CQS-07', resolved_digitised, resolved), ('VI.4.2', resolved_digitised, resolved),
        ('VI.4.3', resolved_reused, resolved),
        ('CQS-08', remote_online, dossiers),
        ('VI.5.3', procedures_online, procedures_any),
        ('VI.5.4', online_on_time, resolved),
        ('VI.5.5', remote_online, online),
        ('VI.5.6', full_online, full_any), ('IX.1.1', full_online, full_any)
    ) as m(code, numerator, denominator)
    union all
    select unit_code, code, numerator, denominator, 'qlvb'
    from document_sums, lateral (values
        ('VI.1.1', in_software, incoming), ('VI.1.2', out_software, outgoing),
        ('VI.1.3', out_interlinked, outgoing), ('VI.2.2', out_signed, outgoing),
        ('VI.2.3', paper_digitised, paper), ('VI.2.4', appendix_signed, with_appendix)
    ) as m(code, numerator, denominator)
    union all
    select unit_code, code, numerator, denominator, 'procedures'
    from catalogue_units, lateral (values
        ('CQS-01', eligible_offered, eligible), ('VI.5.2', eligible_offered, eligible),
        ('CQS-02', full_integrated, full_total)
    ) as m(code, numerator, denominator)
    union all
    select l.unit_code, code, coalesce(u.using_app, 0), l.leaders, 'ioc_accounts'
    from leaders l left join leaders_using u using (unit_code), (values ('CQS-13'), ('VI.3.3')) as m(code)
    where l.leaders is not null and (select accounts from arrived)
    union all
    select unit_code, code, on_time, due_or_done, 'ioc_feedback'
    from field_reports, (values ('CQS-14'), ('VI.3.4')) as m(code)
)
select $report_month as report_month, unit_code, code, numerator::double as numerator,
       denominator::double as denominator, source, $report_month as from_month
from measures
union all by name
select $report_month as report_month, unit_code, code, numerator, denominator, source, from_month  -- carried
from marts.unit_measures
where report_month >= $year_start and report_month < $report_month
  and ((source = 'ioc_accounts' and not (select accounts from arrived))
    or (source = 'procedures' and not (select catalogue from arrived)))
qualify row_number() over (partition by unit_code, code order by report_month desc) = 1;
