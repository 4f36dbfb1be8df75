"""The `dti` command group: every known fault ends in one Vietnamese line on stderr and an exit code of
`domain.faults`, never a traceback; `dti --debug` or `DTI_DEBUG=1` shows the traceback instead."""
from __future__ import annotations

import os
import re
import sys

import typer
from typer.core import TyperGroup

try:  # typer vendors click (typer._click) from 0.2x on; its usage errors are that click's
    from typer._click import exceptions as click_errors
except ImportError:  # pragma: no cover - an older typer on the real click
    from click import exceptions as click_errors

from domain import faults
from domain.faults import BAD_INPUT, STEP_FAILED

EPILOG = ("\b\nMã thoát (exit code):\n" + "\n".join(f"  {code}  {text}" for code, text in faults.EXIT_CODES_VI.items())
          + "\n\n\b\nBiến môi trường:\n"
          "  DTI_INBOX      hộp thư, mặc định data/inbox\n"
          "  DTI_WAREHOUSE  kho DuckDB, mặc định data/warehouse/dti.duckdb\n"
          "  DTI_OUT        nơi ghi báo cáo, tệp phản hồi, biểu mẫu: <DTI_OUT>/<YYYY-MM>/;\n"
          "                 mặc định thư mục outputs cạnh thư mục của kho (data/outputs)\n"
          "  DAGSTER_HOME   mặc định data/dagster\n"
          "  DTI_DEBUG=1    như --debug")


class DtiGroup(TyperGroup):
    """The one place where faults become a Vietnamese line and an exit code (also under CliRunner)."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        global debug
        debug = os.environ.get("DTI_DEBUG", "").strip().lower() in ("1", "true", "yes", "on")
        try:
            # not standalone: click hands us its usage errors, and an Exit comes back as its code
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            code = result if isinstance(result, int) else 0
        except click_errors.NoArgsIsHelpError as exc:
            exc.show()
            code = 0
        except click_errors.UsageError as exc:
            _fail(_usage_message(exc))
            code = BAD_INPUT
        except typer.TyperException as exc:  # the other click errors: a message of their own
            _fail(f"Lệnh chưa chạy được: {exc.format_message()}")
            code = BAD_INPUT
        except typer.Abort:
            _fail("Đã dừng.")
            code = 130
        except Exception as exc:
            if debug:
                raise
            known = faults.describe(exc)
            if known is None:
                first = (str(exc).strip().splitlines() or [""])[0]
                known = (f"Lỗi ngoài dự kiến ({type(exc).__name__}: {first}); chạy lại với dti --debug ... (hoặc "
                         f"DTI_DEBUG=1) để xem chi tiết và gửi cho nhóm kỹ thuật.", STEP_FAILED)
            _fail(known[0])
            code = known[1]
        if standalone_mode:
            sys.exit(code)
        return code


debug = False  # set by DTI_DEBUG or `dti --debug` (cli._options)


def _fail(message: str) -> None:
    typer.echo(message, err=True)


def _usage_message(exc: click_errors.UsageError) -> str:
    where = exc.ctx.command_path if exc.ctx else "dti"
    if isinstance(exc, click_errors.NoSuchOption):
        what = f"không có tùy chọn {exc.option_name}"
    elif isinstance(exc, click_errors.MissingParameter) and exc.param is not None:
        what = f"thiếu tham số {exc.param.name}"
    elif isinstance(exc, click_errors.BadParameter):
        what = f"giá trị không hợp lệ ({exc.format_message()})"
    elif match := re.match(r"No such command '([^']*)'", exc.message):
        what = f"không có lệnh {match.group(1)!r}"
    elif exc.message.startswith("Missing command"):
        what = "thiếu tên lệnh"
    else:
        what = exc.format_message()
    return f"Lệnh chưa đúng: {what}; xem {where} --help."
