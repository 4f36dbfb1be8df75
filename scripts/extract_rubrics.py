"""Extract both DTI rubrics from seed 004 into domain/reference/rubric_criteria.csv.

Run once when the seed changes; the CSV it writes is the reference data the
pipeline loads (and may be edited by hand afterwards: rule overrides live in
domain/reference/rubric_rules.csv, which this script never touches).
"""
import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seeds" / "004_f29f9260b64a6110.txt"
OUT = ROOT / "domain" / "reference" / "rubric_criteria.csv"
ROMAN = {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"}


def clean(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def rows(seed_text: str):
    rubric = None
    for line in seed_text.splitlines():
        if "TẠI UBND CÁC HUYỆN" in line:
            rubric = "district"
        elif "TẠI UBND CÁC XÃ" in line:
            rubric = "commune"
        if rubric is None or "\t" not in line:
            continue
        cells = [clean(c) for c in line.split("\t")]
        if cells[0] in ("STT", "TỔNG ĐIỂM", ""):
            continue
        yield rubric, cells


def main(seed_path: Path = SEED, out_path: Path = OUT) -> None:
    out = []
    group = None
    responsible = ""
    for rubric, cells in rows(seed_path.read_text(encoding="utf-8")):
        stt, name = cells[0], cells[1]
        rule_text = cells[2] if len(cells) > 2 else ""
        max_text = cells[4] if len(cells) > 4 else ""
        resp = cells[7] if rubric == "district" and len(cells) > 7 else ""
        if stt in ROMAN:
            group = stt
            responsible = resp
            out.append(dict(rubric=rubric, level="group", group_code=group, criterion_code=group,
                            name_vi=name, max_points=max_text, responsible_unit=resp, rule_text=""))
            continue
        responsible = resp or responsible
        level = "criterion" if max_text else "section"
        out.append(dict(rubric=rubric, level=level, group_code=group, criterion_code=f"{group}.{stt.rstrip('.')}",
                        name_vi=name, max_points=max_text, responsible_unit=responsible if rubric == "district" else "",
                        rule_text=rule_text))
    with out_path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(out[0]))
        writer.writeheader()
        writer.writerows(out)
    print(f"{len(out)} rows -> {out_path}", file=sys.stderr)


if __name__ == "__main__":
    main()
