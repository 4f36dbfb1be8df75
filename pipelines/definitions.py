"""Everything Dagster loads: `dagster dev -m pipelines.definitions`."""
import dagster as dg

from assets import appraisals, exports, marts, publish, quality, reference, unit_workbooks
from pipelines.jobs import monthly_job
from pipelines.progress import progress_logger
from assets.resources import InboxResource, WarehouseResource
from pipelines.schedules import monthly_schedule
from pipelines.sensors import inbox_sensor

defs = dg.Definitions(
    assets=dg.load_assets_from_modules([reference, unit_workbooks, appraisals, exports, marts, quality, publish]),
    asset_checks=dg.load_asset_checks_from_modules([reference]),
    jobs=[monthly_job],
    schedules=[monthly_schedule],
    sensors=[inbox_sensor],
    loggers={"console": dg.colored_console_logger, "progress": progress_logger},
    resources={"warehouse": WarehouseResource(), "inbox": InboxResource()},
)


def monthly_report_job() -> dg.JobDefinition:
    """The resolved monthly job, for a run whose steps each get a process (`dg.reconstructable`)."""
    return defs.resolve_job_def("monthly_report")
