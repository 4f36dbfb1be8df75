"""Where things are: the repository's data files and the environment's folders (SPEC §3, §4)."""
import errno
import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
REFERENCE_DIR = PACKAGE_DIR / "reference"
SQL_DIR = REPO_DIR / "sql"


def inbox_dir() -> Path:
    return Path(os.environ.get("DTI_INBOX", "data/inbox"))


def warehouse_path() -> Path:
    return Path(os.environ.get("DTI_WAREHOUSE", "data/warehouse/dti.duckdb"))


def out_dir() -> Path:
    """DTI_OUT: where the workbooks people open go; by default beside the warehouse's folder (`data/outputs`)."""
    value = os.environ.get("DTI_OUT")
    return Path(value) if value else warehouse_path().parent.parent / "outputs"


# A month's outputs, all under <DTI_OUT>/<YYYY-MM>/: the report beside two folders, since `dti feedback`
# replaces every workbook of its own folder on a re-run.
def month_out_dir(report_month: str) -> Path:
    return out_dir() / str(report_month)


def report_path(report_month: str, folder: Path | None = None) -> Path:
    return (folder or month_out_dir(report_month)) / f"bao_cao_cds_{report_month}.xlsx"


def feedback_dir(report_month: str) -> Path:
    return month_out_dir(report_month) / "feedback"


def templates_dir(report_month: str) -> Path:
    return month_out_dir(report_month) / "templates"


def appraisal_dir(report_month: str) -> Path:
    return month_out_dir(report_month) / "appraisal"


def writable_dir(folder: Path, setting: str) -> Path:
    """The folder, created if need be; a UserFault naming the setting when it cannot be created or written."""
    from domain.faults import PATH_PROBLEM, UserFault

    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = {errno.ENOTDIR: "một phần của đường dẫn là tệp chứ không phải thư mục",
                  errno.EEXIST: "đã có một tệp cùng tên", errno.EACCES: "không có quyền",
                  errno.EPERM: "không có quyền", errno.ENOENT: "không thể tạo thư mục ở chỗ này",
                  errno.EROFS: "ổ đĩa chỉ đọc", errno.ENOSPC: "hết chỗ trên đĩa"}.get(
            exc.errno, exc.strerror or type(exc).__name__)
        raise UserFault(f"Không tạo được thư mục {folder} ({setting}): {reason}; hãy chọn thư mục khác hoặc sửa "
                        f"quyền rồi chạy lại.", PATH_PROBLEM) from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserFault(f"Không ghi được vào thư mục {folder} ({setting}): không có quyền ghi; hãy chọn thư mục "
                        f"khác hoặc cấp quyền rồi chạy lại.", PATH_PROBLEM)
    return folder


def month_has_files(root: Path, report_month: str) -> bool:
    """Whether the inbox holds any file for the report month: a month without one is not run (SPEC §6)."""
    folder = root / report_month
    return folder.is_dir() and any(p.is_file() for p in folder.rglob("*"))


def empty_month_message(root: Path, report_month: str) -> str:
    return (f"Kỳ báo cáo {report_month} chưa có tệp nào trong hộp thư ({root / report_month}): không chạy và không "
            f"công bố gì cho kỳ này. Hãy chép các tệp của kỳ vào thư mục đó rồi chạy lại.")
