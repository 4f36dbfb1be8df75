"""The city's DTI dashboard: `dti dashboard` (Streamlit), reading the published read-only snapshot.

It never opens the live warehouse (a run holds it): only `warehouse.publish.connect_readonly`, the snapshot
published after each whole month, read-only. It listens on 127.0.0.1 unless `dti dashboard --host` says
otherwise; README "Publishing the dashboard and the Dagster UI" puts it behind a proxy with a login.
The charts are the report's (outputs.report_charts): the same figures, colours and order.
"""
import altair as alt
import streamlit as st

from domain.vnformat import vn_number
from outputs import dashboard_data as data
from outputs.report_charts import GROUP_COLOURS, TARGET_COLOUR, TRAFFIC
from warehouse.publish import connect_readonly, snapshot_path

st.set_page_config(page_title="Chỉ số chuyển đổi số - TP Vũng Tàu", layout="wide")
st.title("Chỉ số chuyển đổi số - thành phố Vũng Tàu")

if not snapshot_path().exists():
    st.warning("Kho chưa có kỳ báo cáo nào được công bố: chạy `dti run YYYY-MM` trước, rồi tải lại trang.")
    st.stop()

with connect_readonly() as con:
    months = data.months(con)
    if not months:
        st.warning("Kho chưa có kỳ báo cáo nào: chạy `dti run YYYY-MM` trước.")
        st.stop()
    month = st.sidebar.selectbox("Kỳ báo cáo", months)
    ranking = data.ranking(con, month)
    grid = data.attainment_grid(con, month)
    indicators = data.indicators_vs_target(con, month)
    city_trend, score_trend, dti_trend = data.city_trend(con), data.score_trend(con), data.dti_trend(con, month)
    failures, failure_rows = data.failures_by_unit(con, month), data.failure_rows(con, month)
    note, communes = data.publication_note(con, month), data.communes(con)
    commune = st.sidebar.selectbox("Phường, xã (cơ hội tăng điểm)", communes, format_func=lambda c: c[1])
    headroom = data.headroom(con, month, commune[0])

st.info(note)

st.header(f"Xếp hạng DTI phường, xã — lũy kế đến kỳ {month}")
st.markdown("  \n".join(f"**{int(r['Hạng'])}.** {r['Đơn vị']} — {vn_number(r['Điểm đạt được'], 2)} điểm"
                        for _, r in ranking.head(3).iterrows()))
group_names = [g[6:] for g in data.GROUP_COLUMNS]
groups = ranking.melt(id_vars=["Đơn vị"], value_vars=group_names, var_name="Nhóm", value_name="Điểm")
st.altair_chart(alt.Chart(groups).mark_bar().encode(
    x=alt.X("Điểm:Q", stack="zero"), y=alt.Y("Đơn vị:N", sort=list(ranking["Đơn vị"])),
    color=alt.Color("Nhóm:N", sort=group_names, scale=alt.Scale(domain=group_names,
                                                                range=[f"#{c}" for c in GROUP_COLOURS]))),
    width="stretch")
st.table(ranking.style.format({c: lambda v: vn_number(v, 2) for c in ranking.columns if c not in ("Hạng", "Đơn vị")}))

st.header(f"Kết quả thực hiện chỉ tiêu so với chỉ tiêu — kỳ {month}")
bars = alt.Chart(indicators).mark_bar().encode(
    y=alt.Y("indicator_code:N", title="Chỉ tiêu", sort=list(indicators["indicator_code"])),
    x=alt.X("value_pct:Q", title="Kết quả (%)", scale=alt.Scale(domain=[0, 100])),
    color=alt.Color("Đánh giá:N", scale=alt.Scale(domain=["Đạt", "Chưa đạt"],
                                                  range=[f"#{TRAFFIC['achieved']}", f"#{TRAFFIC['not_achieved']}"])),
    tooltip=["indicator_code", "value_pct", "target_text", "Đánh giá"])
targets = alt.Chart(indicators).mark_tick(color=f"#{TARGET_COLOUR}", thickness=3).encode(
    y=alt.Y("indicator_code:N", sort=list(indicators["indicator_code"])), x="target_pct:Q")
st.altair_chart(bars + targets, width="stretch")

st.header(f"Kết quả thực hiện chỉ tiêu theo đơn vị — kỳ {month}")
st.table(grid.style.map(lambda v: f"background-color: {data.STATUS_COLOURS.get(v, 'white')}"))

st.header("Xu hướng qua các kỳ")
left, middle, right = st.columns(3)
left.altair_chart(alt.Chart(dti_trend.melt(id_vars=["Kỳ"], var_name="Đường", value_name="Điểm DTI"))
                  .mark_line(point=True).encode(x="Kỳ:N", y="Điểm DTI:Q", color="Đường:N"), width="stretch")
middle.altair_chart(alt.Chart(city_trend).mark_line(point=True).encode(
    x="Kỳ:N", y="Kết quả (%):Q", color="Chỉ tiêu:N"), width="stretch")
right.altair_chart(alt.Chart(score_trend).mark_line(point=True).encode(
    x="Kỳ:N", y="Tổng điểm:Q", color="Đơn vị:N"), width="stretch")

st.header(f"Cơ hội tăng điểm — {commune[1]}, kỳ {month}")
if headroom.empty:
    st.success("Mọi tiêu chí đã đạt điểm tối đa.")
else:
    st.caption("Trước hết là tiêu chí tăng nhiều điểm nhất cho mỗi bản ghi cần thêm (thêm vào tử số, giữ nguyên "
               "mẫu số).")
    st.table(headroom.style.format({c: lambda v: "" if v != v or v is None else vn_number(v, 2)
                                    for c in ("Điểm hiện tại", "Bậc tiếp theo", "Tăng thêm", "Số bản ghi cần thêm")}))

st.header(f"Lỗi dữ liệu theo đơn vị — kỳ {month}")
if failures.empty:
    st.success("Kỳ này không có lỗi dữ liệu.")
else:
    st.table(failures)
    units = list(dict.fromkeys(failure_rows["Đơn vị"]))
    unit = st.selectbox("Xem lỗi của đơn vị", units,
                        format_func=lambda u: f"{u} ({(failure_rows['Đơn vị'] == u).sum()} lỗi)")
    st.table(failure_rows[failure_rows["Đơn vị"] == unit][data.FAILURE_COLUMNS].set_index("Nguồn"))
