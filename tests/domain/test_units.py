import unicodedata

import pytest

from domain.units import UnitResolver


@pytest.fixture(scope="module")
def resolver():
    return UnitResolver()


@pytest.mark.parametrize("name, code", [
    ("Pường 8", "PHUONG_8"),
    ("P.8", "PHUONG_8"),
    ("UBND Phường 8", "PHUONG_8"),
    ("  ubnd   PHƯỜNG 8 ", "PHUONG_8"),
    ("Phòng VH&TT", "VHTT"),
    ("Phòng VH TT", "VHTT"),
    ("Phòng TC-KH", "TCKH"),
    ("Phòng LĐTB và XH", "LDTBXH"),
    ("Xã Long Sơn", "LONG_SON"),
    ("UBND TP. Vũng Tàu", "TPVT"),
    ("Pường Thắng Nhì", "THANG_NHI"),
    (unicodedata.normalize("NFD", "Phường Rạch Dừa"), "RACH_DUA"),
    ("PHUONG_10", "PHUONG_10"),
    ("Phuong 11", "PHUONG_11"),  # typed without accents, still only one unit it can be
    ("Phòng Văn hóa - Thông tin", "VHTT"),
    ("Phòng Văn hoá và Thông tin", "VHTT"),  # the old accent placement, hoá for hóa
    ("Phòng Tài nguyên - Môi trường", "TNMT"),
    ("UBND P.8", "PHUONG_8"),
])
def test_aliases_resolve(resolver, name, code):
    assert resolver.resolve(name) == code


@pytest.mark.parametrize("name", ["Phường 6", "Phường 99", "Phòng Kinh tế - Hạ tầng", "", None])
def test_unknown_names_do_not_resolve(resolver, name):
    assert resolver.resolve(name) is None


def test_each_unit_is_scored_by_the_rubric_units_csv_gives_it():
    from domain import reference
    from domain.units import rubric_of

    rubrics = {code: rubric_of(code) for code in reference.units()["unit_code"]}
    assert rubrics["TPVT"] == "district" and rubrics["PHUONG_8"] == "commune" and rubrics["LONG_SON"] == "commune"
    assert sum(r == "commune" for r in rubrics.values()) == 17 and rubrics["VHTT"] is None
    assert rubric_of("NO_SUCH_UNIT") is None
