"""The check every source shares: each file's rows are accounted for. It runs in the step that lands the
source (a check of its own would cost a step, its events and a connection, about 0,1 s each month)."""
import dagster as dg

from assets.partitions import described, monthly_check_spec

SAMPLE_ROWS = 5  # evidence shown in the check's result; the whole list is `dti feedback`'s


def _cell(value) -> str:
    text = "" if value is None else str(value).replace("|", "/").replace("\n", " ")
    return text if len(text) <= 160 else text[:157] + "..."


def _table(header: list[str], rows: list[tuple]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def rows_accounted_spec(asset_name: str, source: str) -> dg.AssetCheckSpec:
    return monthly_check_spec("rows_accounted", asset_name, described(
        f"Mỗi tệp của nguồn {source}/: số dòng đọc = số dòng nạp + số dòng bị loại (mỗi dòng bị loại có lỗi "
        f"trong quality.validation_failures)"))


def rows_accounted(con, month: str, source: str) -> dg.AssetCheckResult:
    """Read = loaded + rejected, file by file, from the manifest the landing just wrote."""
    files = con.execute(
        "select file_name, rows_read, rows_loaded, rows_rejected, readable from raw.files "
        "where report_month = ? and source = ? order by file_name", [month, source]).fetchall()
    failures = con.execute("select count(*) from quality.validation_failures where report_month = ? "
                           "and source = ?", [month, source]).fetchone()[0]
    sample = con.execute(  # what a steward sees first; no personal data is ever read into failures
        "select file_name, sheet, row_number, column_name, failure_value, message "
        "from quality.validation_failures where report_month = ? and source = ? "
        "order by file_name, row_number nulls first limit ?", [month, source, SAMPLE_ROWS]).fetchall()
    unbalanced = [f for f in files if f[1] != f[2] + f[3]]
    unreadable = [f[0] for f in files if not f[4]]
    read, loaded, rejected = (sum(f[i] for f in files) for i in (1, 2, 3))
    if unbalanced:
        said = (f"Kỳ {month}, nguồn {source}: {len(unbalanced)}/{len(files)} tệp có số dòng không khớp (đọc ≠ "
                f"nạp + bị loại): " + "; ".join(f"{name} đọc {r}, nạp {ld}, bị loại {j}"
                                                for name, r, ld, j, _ in unbalanced[:SAMPLE_ROWS]))
    else:
        said = (f"Kỳ {month}, nguồn {source}: {len(files)} tệp, {read} dòng đọc = {loaded} dòng nạp + {rejected} "
                f"dòng bị loại; {failures} lỗi trong quality.validation_failures")
        if unreadable:
            said += f"; {len(unreadable)} tệp không đọc được: {', '.join(unreadable[:SAMPLE_ROWS])}"
    return dg.AssetCheckResult(passed=not unbalanced, description=said, metadata={
        "report_month": month, "files": len(files), "unreadable_files": len(unreadable),
        "rows_read": read, "rows_loaded": loaded, "rows_rejected": rejected, "failures": int(failures),
        "unbalanced_files": dg.MetadataValue.md(_table(
            ["Tệp", "Dòng đọc", "Dòng nạp", "Dòng bị loại"], [f[:4] for f in unbalanced[:SAMPLE_ROWS]])
            if unbalanced else "Không có: mọi tệp khớp."),
        "failure_sample": dg.MetadataValue.md(_table(
            ["Tệp", "Trang tính", "Dòng", "Cột", "Giá trị", "Lỗi"],
            [(f, s, r if r is not None else "cả tệp", c, v, m) for f, s, r, c, v, m in sample])
            + (f"\n\n{SAMPLE_ROWS} trong {failures} lỗi; đủ cả trong dti feedback {month}."
               if failures > SAMPLE_ROWS else "") if sample else "Không có lỗi.")})
