-- Every table the pipeline writes, created once; idempotent.
create schema if not exists ref;
create schema if not exists raw;
create schema if not exists staging;
create schema if not exists quality;
create schema if not exists marts;

-- Manifest of every file seen in the inbox (SPEC §3): audit, re-runs, resubmissions.
create table if not exists raw.files (
    report_month varchar not null,
    source varchar not null,
    file_name varchar not null,
    size_bytes bigint,
    sha256 varchar,
    modified_at timestamp,          -- the file's mtime, local time: when it counts as received
    unit_code varchar,              -- units/ only: whose workbook it is
    is_current boolean,             -- units/ only: the newest workbook of its unit for the month
    rows_read integer not null,
    rows_loaded integer not null,
    rows_rejected integer not null,
    readable boolean not null
);

create table if not exists quality.validation_failures (
    report_month varchar not null,
    source varchar not null,
    file_name varchar not null,
    sheet varchar,
    row_number integer,             -- as seen in Excel or a text editor; null for a whole-file failure
    column_name varchar,
    check_name varchar not null,
    failure_value varchar,
    message varchar not null,
    responsible_unit varchar        -- the unit to send it back to; null when the file or row names none
);

-- Values accepted but flagged for the steward (SPEC §4): a bare percentage, a Kết quả (%) that contradicts
-- its figures, a value above 100%, a figure far from the unit's own history. Never a rejection.
create table if not exists quality.validation_warnings (
    report_month varchar not null,
    source varchar not null,
    file_name varchar,              -- null for a figure the exports add up (no one file holds it)
    sheet varchar,
    row_number integer,
    column_name varchar,
    check_name varchar not null,
    failure_value varchar,
    message varchar not null,
    responsible_unit varchar,
    value double,                   -- the value flagged
    baseline double                 -- what it is compared with: the year's mean, last month's share, the figures' %
);

-- The unit workbooks (SPEC §3.6), one row per sheet row that passed validation.
create table if not exists staging.unit_general_info (
    report_month varchar not null,
    unit_code varchar not null,
    file_name varchar not null,
    is_current boolean not null,
    item_no integer not null,
    label varchar,
    value_text varchar,             -- officials' contact details (items 16-17) stay here, never in marts
    value_number double
);

create table if not exists staging.unit_indicators (
    report_month varchar not null,
    unit_code varchar not null,
    file_name varchar not null,
    is_current boolean not null,
    row_number integer not null,
    indicator_code varchar not null,
    numerator double,
    denominator double,
    value_pct double,               -- the unit's own Kết quả (%), as written
    no_data boolean not null,       -- "Chưa đánh giá được", "Đang thống kê": declared as no data yet
    note varchar
);

-- ChiTieu rows rejected for a bad value: the indicator still has its no_data row in the marts (SPEC §7).
create table if not exists staging.unit_indicators_rejected (
    report_month varchar not null,
    unit_code varchar not null,
    file_name varchar not null,
    is_current boolean not null,
    row_number integer not null,
    indicator_code varchar not null
);

create table if not exists staging.unit_dti_answers (
    report_month varchar not null,
    unit_code varchar not null,
    file_name varchar not null,
    is_current boolean not null,
    row_number integer not null,
    criterion_code varchar not null,
    max_points double,
    self_score double,
    answer boolean,                 -- a single Có/Không; null when the row answers several parts
    answers varchar,                -- every part's answer in the rubric's order: 'Có;Không' (SPEC §7 Parts)
    numerator double,
    denominator double,
    evidence varchar
);

create table if not exists marts.indicator_attainment (
    report_month varchar not null,
    unit_code varchar not null,
    indicator_code varchar not null,
    numerator double,
    denominator double,
    value_pct double,
    target_text varchar,
    target_level varchar,
    status varchar not null,
    source varchar not null,
    rollup_excluded boolean,        -- a bare percentage: shown for its unit, left out of TPVT's sums
    units_in_rollup integer,        -- TPVT: how many units' figures were summed
    note varchar,
    data_month varchar              -- the month the figures come from: earlier for a carried snapshot
);

create table if not exists marts.dti_scores (
    report_month varchar not null,
    unit_code varchar not null,
    rubric varchar not null,
    criterion_code varchar not null,
    group_code varchar not null,
    max_points double,
    self_score double,
    computed_score double,
    final_score double,
    basis varchar,
    numerator double,               -- the figures a ratio, steps or bonus rule scored (year to date)
    denominator double,
    appraised_score double,         -- what the city's appraisers gave (staging.appraisals); null until they do
    achieved_score double,          -- appraised_score when given, else final_score (SPEC §4)
    appraisal_comment varchar       -- the appraisers' Ý kiến thẩm định beside their score
);

create table if not exists marts.dti_summary (
    report_month varchar not null,
    unit_code varchar not null,
    rubric varchar not null,
    group_I double, group_II double, group_III double, group_IV double,
    group_V double, group_VI double, group_VII double, group_VIII double,
    bonus_penalty double,
    total_score double,
    rank integer,
    achieved_total double,          -- total_score with achieved_score in place of final_score
    achieved_rank integer
);

-- For each criterion below full points: the next band and what the data must reach for it (SPEC §4).
create table if not exists marts.dti_headroom (
    report_month varchar not null,
    unit_code varchar not null,
    rubric varchar not null,
    criterion_code varchar not null,
    max_points double,
    current_score double,           -- final_score
    next_score double,              -- the next band's points
    gain double,                    -- next_score - current_score
    needed varchar not null,        -- Vietnamese: what must change
    needed_count integer,           -- records more in the numerator, the denominator unchanged; null when not computable
    numerator double,               -- the figures the rule scored (year to date)
    denominator double
);

-- `dti publish YYYY-MM` (issue 16): a month's summary, scores and report frozen as a numbered version. The marts
-- stay live; only `dti publish` makes a new version, and a later run that changes a published figure logs it
-- in marts.restatements.
create table if not exists marts.publications (
    report_month varchar not null,
    version integer not null,
    published_at timestamp not null,    -- local time
    report_file varchar                 -- the report workbook written for this version
);

create table if not exists marts.published_summary (
    report_month varchar not null,
    version integer not null,
    unit_code varchar not null,
    rubric varchar not null,
    group_I double, group_II double, group_III double, group_IV double,
    group_V double, group_VI double, group_VII double, group_VIII double,
    bonus_penalty double,
    total_score double,
    rank integer,
    achieved_total double,
    achieved_rank integer
);

create table if not exists marts.published_scores (
    report_month varchar not null,
    version integer not null,
    unit_code varchar not null,
    rubric varchar not null,
    criterion_code varchar not null,
    group_code varchar not null,
    max_points double,
    self_score double,
    computed_score double,
    final_score double,
    appraised_score double,
    achieved_score double,
    basis varchar
);

-- The files a version was published from (every month of its year up to it): what changed since is the cause
-- of a restatement.
create table if not exists marts.published_files (
    report_month varchar not null,
    version integer not null,
    file_month varchar not null,
    source varchar not null,
    file_name varchar not null,
    sha256 varchar
);

create table if not exists marts.restatements (
    report_month varchar not null,      -- the published month whose figure changed
    version integer not null,           -- its latest published version
    unit_code varchar not null,
    criterion_code varchar,             -- null for a total or a rank
    figure varchar not null,            -- total_score, rank, achieved_total, achieved_rank, achieved_score
    published_value double,
    current_value double,
    detected_at timestamp not null,     -- local time of the run that found it
    run_month varchar not null,         -- the month that run was for
    caused_by varchar                   -- the files added or changed since the publication
);

-- `dti appraisal YYYY-MM`: each time the appraisal workbooks of a month were written.
create table if not exists raw.appraisal_rounds (
    report_month varchar not null,
    issued_at timestamp not null    -- local time
);

-- Appraisals returned through appraisal/ (SPEC §6): append-only history, a row per file × criterion scored.
-- A later appraisal of a criterion wins (marts.dti_scores.appraised_score); none is overwritten or deleted.
create table if not exists staging.appraisals (
    report_month varchar not null,  -- the folder's month: the appraisal holds from it to the year's end
    unit_code varchar not null,
    criterion_code varchar not null,
    appraised_score double not null,
    comment varchar,
    appraiser varchar,
    file_name varchar not null,
    sha256 varchar not null,
    received_at timestamp not null, -- the file's mtime, local time
    row_number integer not null
);

create table if not exists marts.submission_status (
    report_month varchar not null,
    unit_code varchar not null,
    source varchar not null,
    received boolean not null,
    received_at timestamp,
    last_received_at timestamp,
    on_time boolean,
    rows_loaded integer,
    rows_rejected integer
);

-- The export sources (SPEC §3.1-3.5), one row per record that passed validation.
-- Citizens' names, ID-card and phone numbers are never read (SPEC §5). landing/exports.py lands a month in two
-- transactions: a row lands typed, gets its line number and is checked, then the failed rows go, so the
-- columns admit nulls while it lands; `rejected_cells` (the row's cells as text while they await a decision,
-- '{}' once a check failed) is null on every row that stays.
create table if not exists staging.dossiers (
    report_month varchar not null, file_name varchar not null, sheet varchar, row_number integer,
    dossier_id varchar, procedure_code varchar, unit_code varchar,
    received_at timestamp, due_at timestamp, resolved_at timestamp,
    channel varchar, remote boolean, service_level varchar, vneid boolean, fee double,
    paid_online boolean, result_digitised boolean, data_reused boolean, rejected_cells varchar
);

create table if not exists staging.procedures (
    report_month varchar not null, file_name varchar not null, sheet varchar, row_number integer,
    is_current boolean,             -- the newest file's row of its Mã TTHC
    procedure_code varchar, procedure_name varchar, level varchar, service_level varchar,
    eligible_full boolean, integrated boolean, has_fee boolean, rejected_cells varchar
);

create table if not exists staging.documents (
    report_month varchar not null, file_name varchar not null, sheet varchar, row_number integer,
    doc_number varchar, doc_date timestamp, direction varchar, unit_code varchar,
    secrecy varchar, on_software boolean, interlinked boolean, signed_personal boolean, signed_org boolean,
    has_appendix boolean, appendix_signed boolean, paper boolean, digitised boolean, subject varchar,
    signer varchar,                 -- an official: stewards only, never in marts
    rejected_cells varchar
);

create table if not exists staging.field_reports (
    report_month varchar not null, file_name varchar not null, sheet varchar, row_number integer,
    report_id varchar, unit_code varchar, received_at timestamp,
    due_at timestamp, completed_at timestamp, status varchar, rejected_cells varchar
);

create table if not exists staging.ioc_accounts (
    report_month varchar not null, file_name varchar not null, sheet varchar, row_number integer,
    is_current boolean,             -- the newest file's row of its account
    account varchar, official_name varchar, unit_code varchar, position varchar,
    is_leader boolean, status varchar, last_login timestamp, rejected_cells varchar
);

-- SPEC §3.7: per unit and month, the numerator and denominator of each code that exports compute.
create table if not exists marts.unit_measures (
    report_month varchar not null,
    unit_code varchar not null,
    code varchar not null,          -- indicator (CQS-…) or DTI criterion (VI.…) code
    numerator double,
    denominator double,
    source varchar not null,
    from_month varchar              -- the month the figure was computed in: earlier for a carried snapshot
);

-- Columns added after a warehouse was first created: an existing file gains them on the next run.
alter table staging.unit_dti_answers add column if not exists answers varchar;
alter table marts.unit_measures add column if not exists from_month varchar;
alter table marts.indicator_attainment add column if not exists data_month varchar;
alter table marts.dti_scores add column if not exists numerator double;
alter table marts.dti_scores add column if not exists denominator double;
alter table marts.dti_scores add column if not exists appraised_score double;
alter table marts.dti_scores add column if not exists achieved_score double;
alter table marts.dti_scores add column if not exists appraisal_comment varchar;
alter table marts.dti_summary add column if not exists achieved_total double;
alter table marts.dti_summary add column if not exists achieved_rank integer;
