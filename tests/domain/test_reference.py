from domain import reference


def test_catalogue_has_the_30_indicators_of_2024():
    catalogue = reference.indicators()
    assert len(catalogue) == 30
    assert (catalogue.groupby("group_code").size().to_dict()) == {"CQS": 15, "KTS": 2, "XHS": 13}
    assert "XHS-13" not in set(catalogue["indicator_code"]) and "XHS-14" in set(catalogue["indicator_code"])


def test_targets_keep_text_and_parse():
    targets = reference.indicator_targets(reference.indicators())
    kts02 = targets[(targets.indicator_code == "KTS-02")].set_index("level")
    assert kts02.loc["province", "target_text"] == "Trên 85%" and kts02.loc["province", "comparator"] == ">"
    assert kts02.loc["city", "comparator"] == ">=" and kts02.loc["city", "lower_bound"] == 85
    xhs04 = targets[(targets.indicator_code == "XHS-04") & (targets.level == "national")].iloc[0]
    assert (xhs04.lower_bound, xhs04.upper_bound) == (30, 50)


def test_both_rubrics_are_complete():
    criteria = reference.rubric_criteria()
    crit = criteria[criteria.level == "criterion"]
    assert crit.groupby("rubric").size().to_dict() == {"commune": 82, "district": 85}
    assert (crit["rule"] != "").all()
    district = crit[crit.rubric == "district"].set_index("criterion_code")
    assert district.loc["VI.5.8", "max_points"] == 1 and district.loc["VI.5.8", "params"] == "85:1;70:0.5"
    assert district.loc["VI.5.7", "max_points"] == 8
    assert district.loc["IX.2.1", "max_points"] == -1 and district.loc["IX.2.1", "rule"] == "penalty"
    groups = criteria[criteria.level == "group"].set_index(["rubric", "group_code"])["max_points"]
    assert groups.loc[("district", "VI")] == 50 and groups.loc[("commune", "VIII")] == 13


def test_integrity_reports_the_commune_group_v_mismatch():
    # Seed 004 prints 3 on the commune rubric's group V heading, its criteria add up to 1+1+0,5+0,5+1 = 4.
    findings = reference.rubric_integrity(reference.rubric_criteria())
    assert [(f.rubric, f.group_code, f.printed_max, f.criteria_sum) for f in findings] == [
        ("commune", "V", 3.0, 4.0)]
    assert "nhóm V" in findings[0].message


def test_duties_name_known_departments_and_district_criteria():
    duties = reference.criterion_duties()
    units = reference.units().set_index("unit_code")["level"]
    criteria = reference.rubric_criteria()
    district = set(criteria.loc[(criteria.rubric == "district") & (criteria.level == "criterion"), "criterion_code"])
    assert set(duties["unit_code"]) <= set(units[units == "department"].index)
    assert set(duties["criterion_code"]) <= district
    assert not duties.duplicated(["criterion_code", "unit_code"]).any()
    by = duties.groupby("criterion_code")["unit_code"].apply(set)
    assert by["I.1"] == {"VHTT"}                             # "Phòng VHTT"
    assert by["VI.6.1"] >= {"VPUB"}                          # the city office posts on the portal
    assert by["VII.1"] == {"KINHTE"}                         # "Phòng Kinh tế"
