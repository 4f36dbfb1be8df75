"""Files of one inbox folder, with what an audit needs: size, sha256, modification time."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from domain.periods import TZ
from sources.records import read_through


@dataclass(frozen=True)
class InboxFile:
    path: Path
    size_bytes: int
    sha256: str
    modified_at: datetime  # naive local (Asia/Ho_Chi_Minh) wall time

    @property
    def name(self) -> str:
        return self.path.name


def sha256_of(path: Path) -> str:
    return read_through(path)[0]  # the one place a file is hashed


def list_files(folder: Path, suffixes: tuple[str, ...], digests: bool = True) -> list[InboxFile]:
    """Files in name order (the order SPEC §3.1 de-duplicates in); hidden and temp files skipped.

    `digests=False` leaves `sha256` empty, for a caller that hashes while it does other work.
    """
    if not folder.is_dir():
        return []
    files = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if not path.is_file() or path.name.startswith((".", "~$")) or path.suffix.lower() not in suffixes:
            continue
        stat = path.stat()
        modified = datetime.fromtimestamp(stat.st_mtime, TZ).replace(tzinfo=None)
        files.append(InboxFile(path, stat.st_size, sha256_of(path) if digests else "", modified))
    return files
