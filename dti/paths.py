"""Where things are: the repository's data files and the environment's folders (SPEC §3, §4)."""
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


def month_has_files(root: Path, report_month: str) -> bool:
    """Whether the inbox holds any file for the report month: a month without one is not run (SPEC §6)."""
    folder = root / report_month
    return folder.is_dir() and any(p.is_file() for p in folder.rglob("*"))


def empty_month_message(root: Path, report_month: str) -> str:
    return (f"Kỳ báo cáo {report_month} chưa có tệp nào trong hộp thư ({root / report_month}): không chạy và không "
            f"công bố gì cho kỳ này. Hãy chép các tệp của kỳ vào thư mục đó rồi chạy lại.")
