"""The narrative of the monthly report: who reported, what rose and fell, what is not achieved, the DTI standing.

Every sentence is worked out from the published marts of the month (and of the month before); nothing here
writes a workbook. `summary(con, month, indicators)` returns the sections in the order the report prints them.
"""
from __future__ import annotations

import pandas as pd

from domain.periods import ReportMonth
from warehouse.versions import latest_publication
from domain.vnformat import vn_month, vn_number
from outputs.excel_style import pct_text


def _names(frame: pd.DataFrame) -> str:
    return ", ".join(frame["name_vi"])


def submissions(con, month: ReportMonth) -> pd.DataFrame:
    """The 29 units' own workbooks (TPVT's is VHTT's consolidation, not a unit's report)."""
    return con.execute("""
        select u.unit_code, u.name_vi, coalesce(s.received, false) as received, coalesce(s.on_time, false) as on_time
        from ref.units u
        left join marts.submission_status s
          on s.unit_code = u.unit_code and s.report_month = ? and s.source = 'units'
        where u.level <> 'city' order by u.sort_order""", [str(month)]).df()


def reporting_section(con, month: ReportMonth) -> list[str]:
    frame = submissions(con, month)
    received, missing = frame[frame["received"]], frame[~frame["received"]]
    late = received[~received["on_time"]]
    deadline = f"12/{month.month:02d}/{month.year}"
    text = (f"Kỳ báo cáo {vn_month(str(month))}: số liệu từ ngày {month.start:%d/%m/%Y} đến trước ngày "
            f"{month.end:%d/%m/%Y}. Đã nhận báo cáo của {len(received)}/{len(frame)} cơ quan, đơn vị, trong đó "
            f"{len(received) - len(late)} đơn vị gửi đúng hạn (đến hết ngày {deadline}).")
    lines = [text]
    lines.append(f"Chưa gửi báo cáo: {_names(missing)}." if len(missing) else "Tất cả các đơn vị đã gửi báo cáo.")
    if len(late):
        lines.append(f"Gửi trễ hạn: {_names(late)}.")
    return lines


def _lower_first(text) -> str:
    text = str(text or "")
    return text[:1].lower() + text[1:]


def _change_list(rows: list[dict]) -> str:
    return "; ".join(f"{r['indicator_code']} {pct_text(r['previous_pct'])} → {pct_text(r['value_pct'])}"
                     for r in rows)


def indicator_section(indicators: list[dict], month: ReportMonth) -> list[str]:
    counts = {s: sum(1 for r in indicators if r["status"] == s) for s in ("achieved", "not_achieved", "no_data")}
    lines = [f"Toàn thành phố có {counts['achieved']}/{len(indicators)} chỉ tiêu đạt, {counts['not_achieved']} "
             f"chỉ tiêu chưa đạt và {counts['no_data']} chỉ tiêu chưa có số liệu (chi tiết tại Bảng 1)."]
    failing = [r for r in indicators if r["status"] == "not_achieved"]
    if failing:
        lines.append(f"Các chỉ tiêu chưa đạt ({len(failing)}):")
        lines += [f"- {r['indicator_code']}: {r['name_vi']} ({pct_text(r['value_pct'])}; chỉ tiêu "
                  f"{_lower_first(r['target_text'])})." for r in failing]
    compared = [r for r in indicators if not pd.isna(r["value_pct"]) and not pd.isna(r["previous_pct"])]
    if not compared:
        lines.append(f"Chưa có số liệu {vn_month(str(month.previous()))} để so sánh.")
        return lines
    rose = [r for r in compared if r["value_pct"] > r["previous_pct"]]
    fell = [r for r in compared if r["value_pct"] < r["previous_pct"]]
    same = len(compared) - len(rose) - len(fell)
    lines.append(f"So với {vn_month(str(month.previous()))}: tăng {len(rose)} chỉ tiêu, giảm {len(fell)} chỉ tiêu, "
                 f"không đổi {same} chỉ tiêu" + (":" if rose or fell else "."))
    if rose:
        lines.append(f"- Tăng: {_change_list(rose)}.")
    if fell:
        lines.append(f"- Giảm: {_change_list(fell)}.")
    return lines


def dti_section(con, month: ReportMonth) -> list[str]:
    """The standing on the scores that count (achieved: the appraisers' score where given), and the appraisal."""
    frame = con.execute("""
        select s.unit_code, u.short_name_vi, s.rubric, s.achieved_total as total_score, s.achieved_rank as rank
        from marts.dti_summary s join ref.units u using (unit_code)
        where s.report_month = ? order by s.achieved_rank nulls first, u.sort_order""", [str(month)]).df()
    city = frame[frame["rubric"] == "district"]
    communes = frame[frame["rubric"] == "commune"]
    lines = []
    if len(city):
        lines.append(f"Chỉ số chuyển đổi số (DTI) của thành phố lũy kế năm {month.year} đến kỳ báo cáo: "
                     f"{vn_number(float(city['total_score'].iloc[0]), 2)} điểm/100 điểm.")
    if len(communes):
        def listed(part: pd.DataFrame) -> str:
            return ", ".join(f"{r.short_name_vi} ({vn_number(float(r.total_score), 2)} điểm, hạng {int(r.rank)})"
                             for r in part.itertuples(index=False))
        lines.append(f"Cấp phường, xã ({len(communes)} đơn vị): dẫn đầu là {listed(communes.head(3))}; "
                     f"thấp nhất là {listed(communes.tail(3))} (chi tiết tại Bảng 2, Phụ lục V và VII).")
    appraised, changed = con.execute(
        "select count(distinct unit_code), count(*) filter (appraised_score is distinct from final_score) "
        "from marts.dti_scores where report_month = ? and appraised_score is not null", [str(month)]).fetchone()
    lines.append(f"Thẩm định: {appraised} phường, xã đã có điểm thẩm định; {changed} tiêu chí thẩm định khác điểm "
                 f"tự đánh giá, tính từ dữ liệu (Phụ lục VIII)." if appraised else
                 "Thẩm định: chưa có phường, xã nào có điểm thẩm định; điểm đạt được là điểm tự đánh giá, tính từ "
                 "dữ liệu.")
    return lines


def publication_section(con, month: ReportMonth) -> list[str]:
    """The latest published version of the month (dti publish) and what changed since (marts.restatements)."""
    found = latest_publication(con, str(month))
    if found is None:
        return [f"Số liệu {vn_month(str(month))} chưa được công bố (dti publish); báo cáo này là số liệu hiện tại."]
    version, published_at, pending = found
    return [f"Đã công bố phiên bản {version} ngày {published_at:%d/%m/%Y}."
            + (f" Sau khi công bố có {pending} số liệu thay đổi (marts.restatements), chưa công bố lại."
               if pending else " Chưa có số liệu nào thay đổi sau khi công bố.")]


def quality_section(con, month: ReportMonth) -> list[str]:
    failures, units = con.execute(
        "select count(*), count(distinct responsible_unit) from quality.validation_failures where report_month = ?",
        [str(month)]).fetchone()
    warnings = con.execute("select count(*) from quality.validation_warnings where report_month = ?",
                           [str(month)]).fetchone()[0]
    if not failures and not warnings:
        return ["Số liệu các đơn vị gửi không có lỗi phải sửa."]
    return [f"Có {vn_number(failures)} số liệu bị loại do sai sót (thuộc {units} đơn vị) và {vn_number(warnings)} "
            "số liệu được ghi nhận nhưng cần đơn vị xác nhận; Phòng Văn hóa và Thông tin đã lập danh sách lỗi "
            "của từng đơn vị (tệp, trang tính, dòng, cột, cách sửa) để đơn vị sửa và gửi lại."]


def proposal_section(month: ReportMonth) -> list[str]:
    following = month.next()
    return [f"Đề nghị các cơ quan, đơn vị chưa gửi báo cáo, có chỉ tiêu chưa đạt hoặc có số liệu bị loại khẩn "
            f"trương khắc phục; gửi báo cáo {vn_month(str(following))} trước ngày 12/{following.month:02d}/"
            f"{following.year}."]


def summary(con, month: ReportMonth, indicators: list[dict]) -> list[tuple[str, list[str]]]:
    return [("I. TÌNH HÌNH GỬI BÁO CÁO", reporting_section(con, month)),
            ("II. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU CHUYỂN ĐỔI SỐ", indicator_section(indicators, month)),
            ("III. CHỈ SỐ CHUYỂN ĐỔI SỐ (DTI)", dti_section(con, month)),
            ("IV. CHẤT LƯỢNG SỐ LIỆU", quality_section(con, month) + publication_section(con, month)),
            ("V. ĐỀ XUẤT", proposal_section(month))]
