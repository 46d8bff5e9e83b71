"""Leakage: every finding and check stays true for its numbers, whatever the settings.

Cause off (the marker is on offenders' and others' records alike, so it carries nothing):
no finding says the model looked better in testing than in use. Cause on (the defaults):
the test/deployment gap is claimed on most seeds. A strong honest signal must not hide what
the marker did to the flags (review D5); too few offenders give a form error, never a crash.
"""

import pytest
from threadpoolctl import threadpool_limits

from simulations.engine import ParamError, get


@pytest.fixture(autouse=True)
def _one_blas_thread():
    """Many small fits: one BLAS thread each is several times faster on a shared machine."""
    with threadpool_limits(limits=1):
        yield


SIM = get("leakage")
SEEDS = range(20)
SMALL = {"people": 2000, "base_rate": 2.5}
HARM = ("in testing but", "caught", "changed who is flagged")


@pytest.mark.parametrize(
    "params",
    [
        {"leak_strength": 0.0, "marker_false_rate": 0.0},
        {"leak_strength": 10.0, "marker_false_rate": 10.0},
    ],
)
def test_cause_off_no_leak_claimed(params):
    for seed in SEEDS if params["leak_strength"] == 0 else range(10):
        result = SIM.run({**SMALL, **params}, seed=seed)
        text = " ".join(result.findings)
        assert not any(phrase in text for phrase in HARM), (seed, text)
        assert "says nothing about who offends" in result.findings[0]
        assert all(c.passed for c in result.checks), (seed, result.checks)


def test_cause_on_leak_claimed_on_most_seeds():
    claimed = sum("in testing but" in SIM.run(SMALL, seed=seed).findings[0] for seed in SEEDS)
    assert claimed >= 16


def test_strong_honest_signal_still_says_what_the_marker_did():
    """Review D5: a small AUC drop must not read as 'the marker adds little' when the flags
    went from many offenders caught to none."""
    params = {"people": 30_000, "base_rate": 0.4, "signal": 2.0}
    result = SIM.run(params, seed=1)
    tested = result.metric("recall_tested").value
    deployed = result.metric("recall_deployed").value
    assert tested > deployed + 0.05
    text = " ".join(result.findings)
    assert "adds little" not in text and "changed little" not in text
    assert f"caught {100 * tested:.0f}%" in text and f"{100 * deployed:.0f}% at deployment" in text


def test_too_few_offenders_is_a_form_error_not_a_crash():
    with pytest.raises(ParamError) as info:
        SIM.run({"people": 2000, "base_rate": 0.1}, seed=0)
    assert "too few" in info.value.errors["base_rate"][0]
    for seed in SEEDS:  # the smallest legal setting always runs
        SIM.run({"people": 2000, "base_rate": 1.0}, seed=seed)


def test_marker_check_is_skipped_with_a_reason_when_too_noisy():
    result = SIM.run({"people": 2000, "base_rate": 1.0}, seed=0)
    assert "marker_auc" not in [c.key for c in result.checks]
    assert result.findings[-1].startswith("Not enough data to check the marker's AUC")


def test_marker_check_can_fail(monkeypatch):
    from simulations.engine import leakage

    monkeypatch.setattr(leakage, "roc_auc_score", lambda y, s: 0.5)
    checks = {c.key: c for c in SIM.run({}, seed=0).checks}
    assert not checks["marker_auc"].passed


def test_texts_cite_no_internal_documents():
    for preset in SIM.presets:
        assert "actsheet" not in preset.source and "papers.md" not in preset.source
    for check in SIM.run({}, seed=0).checks:
        assert "actsheet" not in check.reference and "papers.md" not in check.reference


@pytest.mark.django_db
def test_too_few_offenders_is_shown_next_to_the_field(client):
    from django.urls import reverse

    values = {**SIM.defaults(), "people": 2000, "base_rate": 0.1}
    response = client.post(
        reverse("simulations:simulation-run", kwargs={"slug": SIM.slug}),
        {**{k: str(v) for k, v in values.items()}, "seed": "1"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_base_rate_error"' in html and "too few to train and test a model" in html
