"""What people receive: the monthly report, feedback workbooks, unit templates, the dashboard's data."""
