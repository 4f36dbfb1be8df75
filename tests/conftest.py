import os
from pathlib import Path

import pytest


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A fresh inbox, warehouse and DAGSTER_HOME under a temporary folder."""
    monkeypatch.setenv("DTI_INBOX", str(tmp_path / "inbox"))
    monkeypatch.setenv("DTI_WAREHOUSE", str(tmp_path / "wh" / "dti.duckdb"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "dagster"))
    return tmp_path


CONTRACT_TOOL = Path(__file__).resolve().parents[2] / "shared" / "tools" / "check_contract.py"
if not CONTRACT_TOOL.exists():
    CONTRACT_TOOL = Path(os.environ.get("DTI_CONTRACT_TOOL", "../shared/tools/check_contract.py")).resolve()
