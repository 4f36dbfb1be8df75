"""The city's DTI dashboard: `dti dashboard` (Streamlit), reading the published read-only snapshot.

It never opens the live warehouse (a run holds it): only `warehouse.publish.connect_readonly`, the snapshot
published after each whole month, read-only. It listens on 127.0.0.1 unless `dti dashboard --host` says
otherwise; README "Publishing the dashboard and the Dagster UI" puts it behind a proxy with a login.
"""
import altair as alt
import streamlit as st

from outputs import dashboard_data as data
from warehouse.publish import connect_readonly, snapshot_path
from domain.vnformat import vn_number

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
    city_trend, score_trend = data.city_trend(con), data.score_trend(con)
    failures = data.failures_by_unit(con, month)

st.header(f"Xếp hạng DTI phường, xã — lũy kế đến kỳ {month}")
st.markdown("  \n".join(f"**{int(r['Hạng'])}.** {r['Đơn vị']} — {vn_number(r['Tổng điểm'], 2)} điểm"
                        for _, r in ranking.head(3).iterrows()))
groups = ranking.melt(id_vars=["Đơn vị"], value_vars=[g[6:] for g in data.GROUP_COLUMNS],
                      var_name="Nhóm", value_name="Điểm")
st.altair_chart(alt.Chart(groups).mark_bar().encode(
    x=alt.X("Điểm:Q", stack="zero"), y=alt.Y("Đơn vị:N", sort=list(ranking["Đơn vị"])), color="Nhóm:N"),
    width="stretch")
st.table(ranking.style.format({c: "{:.2f}" for c in ranking.columns if c not in ("Hạng", "Đơn vị")}))

st.header(f"Kết quả thực hiện chỉ tiêu — kỳ {month}")
st.table(grid.style.map(lambda v: f"background-color: {data.STATUS_COLOURS.get(v, 'white')}"))

st.header("Xu hướng qua các kỳ")
left, right = st.columns(2)
left.altair_chart(alt.Chart(city_trend).mark_line(point=True).encode(
    x="Kỳ:N", y="Kết quả (%):Q", color="Chỉ tiêu:N"), width="stretch")
right.altair_chart(alt.Chart(score_trend).mark_line(point=True).encode(
    x="Kỳ:N", y="Tổng điểm:Q", color="Đơn vị:N"), width="stretch")

st.header(f"Lỗi dữ liệu theo đơn vị — kỳ {month}")
st.table(failures)
