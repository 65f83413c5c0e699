"""Scores: weighted per area, mean over areas, and the points a fix would gain."""
from portcheck.analyzer.model import Area, Status
from portcheck.analyzer.scoring import points_if_fixed, score

R, Q = Area.README, Area.QUALITY


def test_area_score_is_the_weighted_share_with_half_credit_for_warnings():
    areas, overall = score([(R, 3, Status.PASS), (R, 1, Status.FAIL), (Q, 2, Status.WARN)])
    assert areas == {"readme": 75, "quality": 50}
    assert overall == 63  # (75 + 50) / 2 = 62.5, halves round up


def test_skips_and_errors_do_not_count_and_an_area_without_checks_has_no_score():
    areas, overall = score([(R, 2, Status.PASS), (R, 5, Status.SKIP), (Q, 4, Status.ERROR)])
    assert areas == {"readme": 100}
    assert overall == 100


def test_no_applicable_check_scores_zero():
    assert score([]) == ({}, 0)


def test_points_if_fixed_is_the_overall_gain_of_passing_that_one_check():
    results = [(R, 3, Status.PASS), (R, 1, Status.FAIL), (Q, 2, Status.WARN), (Q, 2, Status.PASS)]
    gains = points_if_fixed(results)
    assert gains[0] == 0.0 and gains[3] == 0.0
    assert gains[1] == 12.5  # readme 75 -> 100, overall +12.5
    assert gains[2] == 12.5  # quality 75 -> 100
