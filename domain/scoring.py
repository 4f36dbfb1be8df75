"""The DTI score engine: each rubric rule of domain/reference/rubric_rules.csv, evaluated on its figures.

A rule gets a criterion's maximum, its parameters and the figures it needs
(`domain.figures` finds them), and returns the computed score (None where the
data cannot decide) and a basis a city official can check by hand.
Comparisons are exact (SPEC §7): fractions, never rounded floats.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from domain.vnformat import points as _points
from domain.vnformat import vn_number, vn_pct


@dataclass(frozen=True)
class Score:
    computed: float | None
    basis: str


def _known(value) -> bool:
    return value is not None and value == value  # NaN is not a figure


def _at_least(numerator: float, denominator: float, threshold_pct: float, strict: bool = False) -> bool:
    left = Fraction(str(numerator)) * 100
    right = Fraction(str(threshold_pct)) * Fraction(str(denominator))
    return left > right if strict else left >= right


def _fraction(numerator: float, denominator: float) -> Fraction:
    return Fraction(str(numerator)) / Fraction(str(denominator))


def _missing(numerator, denominator) -> Score | None:
    if not _known(numerator) or not _known(denominator):
        return Score(None, "Chưa có số liệu")
    if denominator == 0:
        return Score(None, "Không phát sinh (0/0)")
    return None


def rule_options(text: str) -> dict[str, str]:
    """A rule's `key=value` options (`full_at=95`, `numerator_may_exceed=yes`)."""
    return dict(part.split("=", 1) for part in (text or "").split(";") if "=" in part)


def step_bands(params: str) -> list[tuple[float, bool, float]]:
    """`85:1;70:0.5` → [(85, False, 1), (70, False, 0.5)]: (threshold %, strict, share of max); `>50:1` is strict."""
    bands = []
    for part in params.split(";"):
        if "=" in part or ":" not in part:  # an option such as numerator_may_exceed=yes, not a band
            continue
        threshold, fraction = part.split(":")
        bands.append((float(threshold.lstrip(">")), threshold.startswith(">"), float(fraction)))
    return bands


def _shown(numerator, denominator) -> str:
    return f"{vn_number(numerator)}/{vn_number(denominator)} = {vn_pct(numerator, denominator)}"


# -- the rules -----------------------------------------------------------------------------------------
def ratio(max_points: float, numerator, denominator, params: str = "") -> Score:
    """Tỷ lệ nhân điểm tối đa; `full_at=P` gives full points from P%; `scale=threshold` takes the
    ratio to the threshold instead (VI.7.1: 0,5% of a 1% threshold gives 0,5 × max)."""
    if (missing := _missing(numerator, denominator)) is not None:
        return missing
    opts = rule_options(params)
    full_at = float(opts.get("full_at", 100))
    shown = _shown(numerator, denominator)
    if _at_least(numerator, denominator, full_at):
        return Score(max_points, f"{shown} ≥ {vn_number(full_at)}% → điểm tối đa ({_points(max_points)})")
    share = _fraction(numerator, denominator)
    if opts.get("scale") == "threshold":
        share = share * 100 / Fraction(str(full_at))
        score = float(min(Fraction(1), share) * Fraction(str(max_points)))
        return Score(score, f"{shown} < {vn_number(full_at)}% → {vn_number(float(share), 4)} × "
                            f"{vn_number(max_points)} = {_points(score)}")
    score = float(min(Fraction(1), share) * Fraction(str(max_points)))
    return Score(score, f"{shown} → {vn_pct(numerator, denominator)} × {vn_number(max_points)} = {_points(score)}")


def steps(max_points: float, numerator, denominator, params: str) -> Score:
    """`85:1;70:0.5`: from 85% full points, from 70% half, below 0; `>50:1` means more than 50%."""
    if (missing := _missing(numerator, denominator)) is not None:
        return missing
    shown = _shown(numerator, denominator)
    bands = step_bands(params)
    for threshold, strict, fraction in sorted(bands, key=lambda b: -b[0]):
        if _at_least(numerator, denominator, threshold, strict):
            score = float(Fraction(str(max_points)) * Fraction(str(fraction)))
            sign = ">" if strict else "≥"
            level = "điểm tối đa" if fraction == 1 else f"{vn_number(fraction * 100)}% điểm"
            return Score(score, f"{shown} {sign} {vn_number(threshold)}% → {level} ({_points(score)})")
    lowest = min(b[0] for b in bands)
    return Score(0.0, f"{shown} < {vn_number(lowest)}% → 0 điểm")


def yes_no(max_points: float, answer: bool | None) -> Score:
    if answer is None:
        return Score(None, "Chưa trả lời Có/Không")
    if answer:
        return Score(max_points, f"Trả lời: Có → {_points(max_points)}")
    return Score(0.0, "Trả lời: Không → 0 điểm")


def parse_parts(params: str) -> list[tuple[str, float, bool]]:
    """`label:0.5|label:0.5:ratio` → [(label, share of max, the part is a ratio)]."""
    parts = []
    for text in params.split("|"):
        label, share, *kind = text.split(":")
        parts.append((label.strip(), float(share), kind == ["ratio"]))
    return parts


def parts(max_points: float, params: str, answers: list[bool | None], numerator=None, denominator=None) -> Score:
    """A criterion scored in parts (SPEC §7 Parts): one Có/Không per part, a single one answers every part;
    a part that is itself a ratio uses Tử số/Mẫu số when both are given, else its Có/Không."""
    spec = parse_parts(params)
    if len(answers) == 1:
        answers = answers * len(spec)
    if len(answers) != len(spec):
        return Score(None, f"Trả lời {len(answers)} phần, tiêu chí có {len(spec)} phần")
    total, shown = Fraction(0), []
    for (label, share, is_ratio), answer in zip(spec, answers):
        part_max = Fraction(str(max_points)) * Fraction(str(share))
        if is_ratio and _missing(numerator, denominator) is None:
            got = min(Fraction(1), _fraction(numerator, denominator)) * part_max
            shown.append(f"{label}: {_shown(numerator, denominator)} ({vn_number(float(got), 3)})")
        elif answer is None:
            shown.append(f"{label}: chưa trả lời")
            return Score(None, "; ".join(shown))
        else:
            got = part_max if answer else Fraction(0)
            shown.append(f"{label}: {'có' if answer else 'không'} ({vn_number(float(got), 3)})")
        total += got
    return Score(float(total), f"{'; '.join(shown)} → {_points(float(total))}")


def reporting(max_points: float, months_due, months_received, months_on_time) -> Score:
    """II.7 from marts.submission_status: all on time → max; all received, some late → 50%;
    a month missing → received/due × max."""
    if not _known(months_due) or months_due == 0:
        return Score(None, "Chưa có kỳ báo cáo nào")
    due, received, on_time = int(months_due), int(months_received), int(months_on_time)
    shown = f"Đã nộp {received}/{due} kỳ, đúng hạn {on_time}/{due}"
    if on_time == due:
        return Score(max_points, f"{shown} → điểm tối đa ({_points(max_points)})")
    if received == due:
        half = float(Fraction(str(max_points)) / 2)
        return Score(half, f"{shown} → đầy đủ nhưng chưa kịp thời: 50% điểm ({_points(half)})")
    score = float(Fraction(received, due) * Fraction(str(max_points)))
    return Score(score, f"{shown} → {received}/{due} × {vn_number(max_points)} = {_points(score)}")


def bonus(max_points: float, numerator, denominator, params: str, answer: bool | None, source: str) -> Score:
    """+max when the referenced ratio is above the threshold; without data, the unit's Có/Không."""
    threshold = float(params.lstrip(">"))
    if _missing(numerator, denominator) is None:
        shown = f"{source}: {_shown(numerator, denominator)}"
        if _at_least(numerator, denominator, threshold, strict=True):
            return Score(max_points, f"{shown} > {vn_number(threshold)}% → +{_points(max_points)}")
        return Score(0.0, f"{shown} ≤ {vn_number(threshold)}% → 0 điểm")
    if answer is None:
        return Score(None, f"Chưa có số liệu {source}")
    return Score(max_points if answer else 0.0, f"Trả lời: {'Có' if answer else 'Không'}")


def penalty_unmet_indicators(max_points: float, unmet: str | None, with_data: int,
                             workbook_received: bool = True) -> Score:
    """IX.2.1: a unit that did not report is not better off than one that reports a shortfall (SPEC §7)."""
    if not workbook_received:
        return Score(max_points, f"Chưa nộp báo cáo (sổ số liệu) của kỳ: không thể hiện được kết quả thực hiện "
                                 f"chỉ tiêu → {_points(max_points)}")
    if not with_data:
        return Score(None, "Không có chỉ tiêu nào có số liệu trong kỳ")
    if unmet:
        return Score(max_points, f"Chỉ tiêu chưa đạt trong kỳ: {unmet} → {_points(max_points)}")
    return Score(0.0, f"Cả {with_data} chỉ tiêu có số liệu đều đạt → 0 điểm")
