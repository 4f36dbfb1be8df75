"""Workbooks to PDF with LibreOffice headless (`dti report --pdf`): the file the office signs digitally.

Each call runs its own `soffice` with a user profile of its own under the system's temporary folder:
two conversions sharing a profile at once make the second one fail silently. The page setup (A4, margins,
one page wide, repeated headers, page numbers) is the workbook's own (`outputs.excel_style`).
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from domain.faults import STEP_FAILED, UserFault

TIMEOUT_SECONDS = 300


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(paths: list[Path] | Path, out_dir: Path | None = None) -> list[Path]:
    """Convert each workbook to `<name>.pdf` beside it (or in `out_dir`); returns the PDFs' paths."""
    paths = [paths] if isinstance(paths, Path) else list(paths)
    program = soffice()
    if program is None:
        raise UserFault("Không tìm thấy LibreOffice (soffice) để in ra PDF: cài gói libreoffice-calc-nogui "
                        "(apt-get install libreoffice-calc-nogui fonts-liberation2) rồi làm lại.", STEP_FAILED)
    written = []
    with tempfile.TemporaryDirectory(prefix="dti_lo_") as profile:
        by_folder: dict[Path, list[Path]] = {}
        for path in paths:
            by_folder.setdefault(out_dir or path.parent, []).append(path)
        for folder, group in by_folder.items():
            folder.mkdir(parents=True, exist_ok=True)
            for path in group:  # a PDF left by an earlier run must not pass for this one
                (folder / (path.stem + ".pdf")).unlink(missing_ok=True)
            done = subprocess.run(
                [program, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                 "--convert-to", "pdf", "--outdir", str(folder), *map(str, group)],
                capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
            for path in group:
                pdf = folder / (path.stem + ".pdf")
                if done.returncode != 0 or not pdf.exists():
                    raise UserFault(f"LibreOffice không in được {path.name} ra PDF: "
                                    f"{(done.stderr or done.stdout).strip()[:300]}", STEP_FAILED)
                written.append(pdf)
    return written
