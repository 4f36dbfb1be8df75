import pandas as pd

from warehouse.expectations import Expectation, validate_frame


def test_expectations_catch_a_repeated_key_and_a_score_over_its_maximum():
    frame = pd.DataFrame({"unit_code": ["PHUONG_1", "PHUONG_1", "PHUONG_2"], "criterion_code": ["I.1", "I.1", "I.1"],
                          "high": [1.0, 1.0, 1.0], "final_score": [1.0, 0.5, 1.5]})
    passed, failed = validate_frame(frame, "t", [
        Expectation("ExpectCompoundColumnsToBeUnique", column_list=["unit_code", "criterion_code"]),
        Expectation("ExpectColumnPairValuesAToBeGreaterThanB", column_A="high", column_B="final_score", or_equal=True),
    ])
    assert not passed
    assert len(failed) == 2 and failed[0].startswith("expect_compound_columns_to_be_unique")
    assert validate_frame(frame.iloc[[0, 2]].assign(final_score=[1.0, 0.0]), "u", [
        Expectation("ExpectCompoundColumnsToBeUnique", column_list=["unit_code", "criterion_code"])]) == (True, [])


def test_the_data_docs_are_written_by_the_time_the_worker_stops(tmp_path):
    from warehouse.expectations import docs_index, start_worker, stop_worker

    frame = pd.DataFrame({"unit_code": ["PHUONG_1", "PHUONG_1"], "criterion_code": ["I.1", "I.1"]})
    start_worker(tmp_path)
    assert validate_frame(frame, "scores", [Expectation("ExpectCompoundColumnsToBeUnique",
                                                        column_list=["unit_code", "criterion_code"])],
                          docs_dir=tmp_path) == (False, ["expect_compound_columns_to_be_unique "
                                                         "['unit_code', 'criterion_code']: 2 dòng"])
    stop_worker()
    page = docs_index(tmp_path)
    assert page.exists() and "scores" in page.read_text(encoding="utf-8")
    # a stopped worker is started again by the next check
    assert validate_frame(frame.iloc[:1], "one", [Expectation("ExpectColumnValuesToBeInSet", column="unit_code",
                                                              value_set=["PHUONG_1"])]) == (True, [])
