import os
from datetime import datetime
from pathlib import Path

import pytest

from domain.paths import inbox_dir
from tests.builders import JULY, JUNE, ONESTOP_HEADERS, dossier, dti_workbook, write_text


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


GROUP_V_FULL = {"V.1": (1, None, 3, 3), "V.2": (1, "Có"), "V.3": (0.5, "Có"), "V.4": (0.5, None, 9, 9),
                "V.5": (1, "Có"), "VI.5.8": (1, None)}


@pytest.fixture
def two_months(env):
    june, july = inbox_dir() / "2024-06", inbox_dir() / "2024-07"
    write_text(june / "onestop" / "d.csv", ONESTOP_HEADERS, [
        dossier("J1", unit="Phường 8", procedure="P1"),                                        # fee, paid online
        dossier("J2", unit="Phường 8", procedure="P2", level="Một phần", channel="Trực tiếp", remote="Không",
                paid="Không"),                                                                 # fee, at the desk
        dossier("J3", unit="Phòng VH&TT", procedure="P9"),                                     # fee, paid online
    ])
    write_text(july / "onestop" / "d.csv", ONESTOP_HEADERS, [
        dossier("L1", unit="Phường 8", procedure="P2", level="Một phần", received="15/06/2024 08:00",
                due="20/06/2024", resolved="18/06/2024 10:00"),                                # fee, paid online
        dossier("L2", unit="Phường 8", procedure="P1", received="15/06/2024 08:00", due="20/06/2024",
                resolved="18/06/2024 10:00"),                                                  # fee, paid online
    ])
    dti_workbook("PHUONG_8", JUNE, datetime(2024, 6, 11, 9), GROUP_V_FULL)
    dti_workbook("PHUONG_8", JULY, datetime(2024, 7, 15, 9), {"VI.5.8": (0.5, None)})  # late
    dti_workbook("PHUONG_1", JUNE, datetime(2024, 6, 12, 23, 0))                         # on time; nothing in July
    dti_workbook("TPVT", JUNE, datetime(2024, 6, 12, 8), {"VI.5.8": (1, None)})
    return env
