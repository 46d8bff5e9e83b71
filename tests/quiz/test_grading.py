"""The one grading rule: all or nothing, Moodle-style partial credit, numeric tolerance."""

from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from quiz.models import Choice, Question, QuestionType
from quiz.services import grade


def make(qtype, flags, *, all_or_nothing=False, points="1"):
    question = Question(type=qtype, all_or_nothing=all_or_nothing, points=Decimal(points))
    choices = [Choice(pk=i + 1, is_correct=f) for i, f in enumerate(flags)]
    return question, choices


def test_single_choice_is_all_or_nothing():
    q, choices = make(QuestionType.SINGLE, [True, False, False])
    assert grade(q, choices, selected=[1]).fraction == 1
    assert grade(q, choices, selected=[2]).fraction == 0
    assert grade(q, choices, selected=[]).fraction == 0


def test_truefalse_is_all_or_nothing():
    q, choices = make(QuestionType.TRUEFALSE, [False, True])
    assert grade(q, choices, selected=[2]).is_correct
    assert grade(q, choices, selected=[1]).fraction == 0


def test_multiple_choice_partial_credit_each_right_choice_earns_one_kth():
    # k = 2 right choices (1, 2), 2 wrong (3, 4)
    q, choices = make(QuestionType.MULTIPLE, [True, True, False, False])
    assert grade(q, choices, selected=[1]).fraction == Fraction(1, 2)
    assert grade(q, choices, selected=[1, 2]).fraction == 1
    assert grade(q, choices, selected=[1, 2]).is_correct
    # each wrong choice loses 1/k (k = number of right choices): 2/2 - 1/2
    assert grade(q, choices, selected=[1, 2, 3]).fraction == Fraction(1, 2)
    assert not grade(q, choices, selected=[1, 2, 3]).is_correct
    # 1/2 - 1/2 = 0, and never below 0
    assert grade(q, choices, selected=[1, 3]).fraction == 0
    assert grade(q, choices, selected=[3, 4]).fraction == 0


def test_multiple_choice_three_right_points_rounded_to_the_cent():
    q, choices = make(QuestionType.MULTIPLE, [True, True, True, False], points="2")
    result = grade(q, choices, selected=[1])
    assert result.fraction == Fraction(1, 3)
    assert result.points(Decimal("2")) == Decimal("0.67")


def test_multiple_choice_all_or_nothing_needs_exactly_the_right_set():
    q, choices = make(QuestionType.MULTIPLE, [True, True, False], all_or_nothing=True)
    assert grade(q, choices, selected=[1]).fraction == 0
    assert grade(q, choices, selected=[1, 2, 3]).fraction == 0
    assert grade(q, choices, selected=[1, 2]).fraction == 1


def test_numeric_tolerance_is_inclusive():
    q = Question(type=QuestionType.NUMERIC, numeric_value=237600, numeric_tolerance=100)
    assert grade(q, [], number=237700).is_correct
    assert grade(q, [], number=237500).is_correct
    assert not grade(q, [], number=237700.5).is_correct
    assert not grade(q, [], number=None).is_correct


def test_numeric_float_noise_at_the_boundary_still_counts():
    q = Question(type=QuestionType.NUMERIC, numeric_value=0.3, numeric_tolerance=0.0)
    assert grade(q, [], number=0.1 + 0.2).is_correct


@given(
    qtype=st.sampled_from([QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUEFALSE]),
    flags=st.lists(st.booleans(), min_size=1, max_size=8),
    picked=st.sets(st.integers(min_value=1, max_value=10)),
    all_or_nothing=st.booleans(),
    points=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999.99"), places=2),
)
def test_score_always_within_zero_and_max(qtype, flags, picked, all_or_nothing, points):
    q, choices = make(qtype, flags, all_or_nothing=all_or_nothing, points=str(points))
    result = grade(q, choices, selected=picked)
    assert 0 <= result.fraction <= 1
    earned = result.points(points)
    assert Decimal(0) <= earned <= points
    if result.is_correct:
        assert earned == points


@given(
    value=st.floats(min_value=-1e9, max_value=1e9),
    tolerance=st.floats(min_value=0, max_value=1e6),
    answer=st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False)),
    points=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100"), places=2),
)
def test_numeric_score_within_zero_and_max(value, tolerance, answer, points):
    q = Question(type=QuestionType.NUMERIC, numeric_value=value, numeric_tolerance=tolerance)
    earned = grade(q, [], number=answer).points(points)
    assert earned in (Decimal(0), points)


@given(k=st.integers(1, 6), wrong=st.integers(0, 6), data=st.data())
def test_partial_credit_follows_the_rule(k, wrong, data):
    flags = [True] * k + [False] * wrong
    q, choices = make(QuestionType.MULTIPLE, flags)
    right_picked = data.draw(st.integers(0, k))
    wrong_picked = data.draw(st.integers(0, wrong))
    selected = list(range(1, right_picked + 1)) + list(range(k + 1, k + wrong_picked + 1))
    expected = max(Fraction(0), Fraction(right_picked - wrong_picked, k))
    assert grade(q, choices, selected=selected).fraction == expected
