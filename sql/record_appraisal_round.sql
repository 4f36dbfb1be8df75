-- `dti appraisal YYYY-MM` wrote the month's appraisal workbooks at $issued_at (local time): the round that
-- marts.submission_status's `appraisal` rows count their 10 days from.
insert into raw.appraisal_rounds (report_month, issued_at) values ($report_month, $issued_at);
