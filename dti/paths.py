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
