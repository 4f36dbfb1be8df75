"""Faults a steward can act on: one Vietnamese line and a documented exit code, never a traceback.

A command raises `UserFault` where it knows what went wrong (a month that was never run, a query DuckDB
cannot parse); `describe` also maps the operating system's and DuckDB's own errors that have a plain cause
(a folder that cannot be created, a warehouse held by another process). `dti --debug` (or `DTI_DEBUG=1`)
shows the traceback instead.
"""
from __future__ import annotations

import errno
import os
import signal

import duckdb

OK = 0
STEP_FAILED = 1     # a step of the run failed, or an error nobody foresaw
NOTHING_TO_DO = 2   # a month without inbox files, a month never run, no published warehouse yet
BAD_INPUT = 3       # a month that is not YYYY-MM or MM/YYYY, an SQL statement DuckDB rejects, a wrong command
BUSY = 4            # the warehouse is held by another process past the wait
PATH_PROBLEM = 5    # a folder that cannot be created or written, permission denied, a full disk

EXIT_CODES_VI = {
    OK: "xong, không có lỗi",
    STEP_FAILED: "có bước chạy lỗi (xem nhật ký Dagster), hoặc lỗi ngoài dự kiến",
    NOTHING_TO_DO: "không có gì để làm: kỳ chưa có tệp trong hộp thư, kỳ chưa được chạy, hoặc chưa có kho",
    BAD_INPUT: "dữ liệu nhập sai: kỳ báo cáo không đúng dạng YYYY-MM hay MM/YYYY, câu SQL sai, lệnh sai",
    BUSY: "kho dữ liệu đang bận (tiến trình khác giữ kho quá thời gian chờ)",
    PATH_PROBLEM: "lỗi thư mục hoặc quyền: không tạo hay không ghi được thư mục, không có quyền, hết chỗ đĩa",
}


class UserFault(Exception):
    """A fault the user can fix: `message` is one Vietnamese sentence saying what happened and what to do."""

    def __init__(self, message: str, exit_code: int = STEP_FAILED):
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


def short_duckdb_message(exc: BaseException) -> str:
    """DuckDB's own message on one line, without the `LINE 1: ...` pointer that follows a blank line."""
    head = str(exc).strip().split("\n\n", 1)[0]
    return " ".join(line.strip() for line in head.splitlines() if line.strip())


def _os_message(exc: OSError) -> tuple[str, int] | None:
    where = exc.filename if exc.filename is not None else "tệp hoặc thư mục"
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return (f"Không có quyền truy cập {where}: hãy cấp quyền ghi cho thư mục đó hoặc chọn thư mục khác "
                f"(DTI_WAREHOUSE, DTI_OUT, DTI_INBOX, DAGSTER_HOME).", PATH_PROBLEM)
    if isinstance(exc, (NotADirectoryError, FileExistsError)) or exc.errno in (errno.ENOTDIR, errno.EEXIST):
        return (f"Không tạo được thư mục {where}: một phần của đường dẫn là tệp chứ không phải thư mục; hãy chọn "
                f"đường dẫn khác.", PATH_PROBLEM)
    if isinstance(exc, FileNotFoundError) or exc.errno == errno.ENOENT:
        return (f"Không tìm thấy hoặc không tạo được {where}: hãy kiểm tra đường dẫn (DTI_WAREHOUSE, DTI_OUT, "
                f"DTI_INBOX, DAGSTER_HOME).", PATH_PROBLEM)
    if exc.errno == errno.ENOSPC:
        return f"Hết chỗ trên đĩa khi ghi {where}: hãy giải phóng dung lượng rồi chạy lại.", PATH_PROBLEM
    if exc.errno == errno.EROFS:
        return f"{where} nằm trên ổ chỉ đọc: hãy chọn thư mục ghi được.", PATH_PROBLEM
    return None


def describe(exc: BaseException) -> tuple[str, int] | None:
    """(one Vietnamese line, exit code) for a fault with a known cause; None for anything else."""
    if isinstance(exc, UserFault):
        return exc.message, exc.exit_code
    if isinstance(exc, OSError):
        return _os_message(exc)
    if isinstance(exc, duckdb.IOException):
        text = str(exc)
        lowered = text.lower()
        if "lock" in lowered:
            return ("Kho dữ liệu đang bận: một tiến trình khác (một lần chạy, dagster dev hay một công cụ đang mở "
                    "kho) giữ tệp quá thời gian chờ; hãy đợi nó xong hoặc đóng nó rồi chạy lại.", BUSY)
        if "permission denied" in lowered:
            return f"Không có quyền truy cập kho dữ liệu: {short_duckdb_message(exc)}", PATH_PROBLEM
        if "no such file or directory" in lowered or "does not exist" in lowered or "not a directory" in lowered:
            return (f"Không mở được kho dữ liệu, hãy kiểm tra đường dẫn DTI_WAREHOUSE: "
                    f"{short_duckdb_message(exc)}", PATH_PROBLEM)
        if "no space left" in lowered:
            return f"Hết chỗ trên đĩa khi ghi kho dữ liệu: {short_duckdb_message(exc)}", PATH_PROBLEM
    return None


# -- waits: a run waits for the run lock or the warehouse's pool slot, never without a limit ---------------
WAIT_ENV = "DTI_WAIT_SECONDS"
DEFAULT_WAIT_SECONDS = 300.0
REMIND_EVERY_SECONDS = 60.0


class WaitTimeout(UserFault):
    """A wait (the run lock, the pool's slot) that passed DTI_WAIT_SECONDS: exit code 4 (domain.faults.BUSY)."""

    exit_code = BUSY

    def __init__(self, message: str):
        super().__init__(message, BUSY)
        self.message = message
        self.exit_code = BUSY


class RunStopped(UserFault):
    """A run stopped by SIGTERM or Ctrl+C, after its Dagster run was marked failed and its slots and lock freed:
    exit code 128 + the signal's number (130 for Ctrl+C, 143 for SIGTERM)."""

    def __init__(self, message: str, signum: int = signal.SIGTERM):
        super().__init__(message, 128 + int(signum))
        self.message = message
        self.signum = int(signum)
        self.exit_code = 128 + int(signum)


def wait_seconds() -> float:
    """How long a run waits for the run lock or the pool's slot: DTI_WAIT_SECONDS, default 300."""
    raw = os.environ.get(WAIT_ENV, "").strip()
    if not raw:
        return DEFAULT_WAIT_SECONDS
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        value = -1.0
    if not value >= 0:  # also NaN
        raise UserFault(f"{WAIT_ENV}={raw!r} không hợp lệ: hãy ghi số giây chờ tối đa, ví dụ {WAIT_ENV}=300.",
                        BAD_INPUT)
    return value
