"""Feedback loop: every finding and check stays true for its numbers, whatever the settings.

Cause off (Ensign et al.'s correction, or every incident reported): no finding may claim that
patrols ran away from the true share. Cause on (the defaults): the runaway is claimed on most
seeds. Settings that cannot converge in the days simulated get "not converged yet" and no
check, never a failed one; no lock-in is claimed when no city moved.
"""

import pytest

from simulations.engine import get

SIM = get("feedback-loop")
SEEDS = range(20)
FAST = {"days": 2500, "cities": 20}
RUNAWAY = ("more than its true share", "less than its true share", "same incident rate")


def _claims_runaway(findings):
    return any(phrase in f for f in findings for phrase in RUNAWAY)


@pytest.mark.parametrize(
    "params",
    [
        {"correction": True},
        {"correction": True, "rate_a": 0.2, "rate_b": 0.2},
        {"report_rate": 1.0},
    ],
)
def test_cause_off_no_runaway_claimed(params):
    for seed in SEEDS:
        result = SIM.run({**FAST, **params}, seed=seed)
        assert not _claims_runaway(result.findings), (seed, result.findings)
        assert all(c.passed for c in result.checks), (seed, result.checks)


def test_cause_on_runaway_claimed_on_most_seeds():
    claimed = sum(
        "more than its true share" in SIM.run(FAST, seed=seed).findings[0] for seed in SEEDS
    )
    assert claimed >= 16


@pytest.mark.parametrize(
    "params",
    [
        {"days": 100},  # defaults, too short
        {"initial_b": 1000, "days": 2000},  # a record the run cannot overcome
        {"initial_a": 1000, "initial_b": 1000, "days": 100, "rate_b": 0.3},
        {"initial_a": 1000, "initial_b": 1000, "days": 100, "correction": True},
        {"rate_a": 0.01, "rate_b": 0.01, "initial_a": 1000, "initial_b": 1000, "days": 100},
    ],
)
def test_unconverged_settings_say_so_and_never_fail(params):
    for seed in range(10):
        result = SIM.run({"cities": 10, **params}, seed=seed)
        assert all(c.passed for c in result.checks), (seed, result.checks)
        if not result.checks:
            assert result.findings[-1].startswith("Not converged yet, no check"), seed


def test_no_lock_in_claimed_when_no_city_moved():
    params = {"rate_a": 0.01, "rate_b": 0.01, "initial_a": 1000, "initial_b": 1000, "days": 100}
    for seed in SEEDS:
        result = SIM.run({**params, "cities": 20}, seed=seed)
        text = " ".join(result.findings)
        assert "cancel out" not in text and "locked" not in text, (seed, text)
        assert "close to its true share" in text or "luck of the draw" in text
        assert result.checks == []
        assert "Not converged yet" in result.findings[-1]


def test_hot_spot_with_rare_incidents_does_not_fail():
    params = {"allocation": "hotspot", "rate_a": 0.01, "rate_b": 0.01, "days": 100, "cities": 20}
    for seed in SEEDS:
        result = SIM.run(params, seed=seed)
        assert all(c.passed for c in result.checks)
        assert all(c.kind == "consistency" for c in result.checks)


def test_long_run_checks_still_fail_when_the_prediction_is_wrong(monkeypatch):
    """The runaway check compares with an independent prediction: fake a run that stayed at
    the starting share and it must fail."""
    from simulations.engine import feedback_loop

    real = feedback_loop._run_urns

    def stuck(p, rng, checkpoints):
        out = real(p, rng, checkpoints)
        out["share"][-1] = 0.45 + 0.1 * rng.random(out["share"].shape[1])
        return out

    monkeypatch.setattr(feedback_loop, "_run_urns", stuck)
    checks = SIM.run({"days": 5000, "cities": 10}, seed=0).checks
    assert [c.key for c in checks] == ["runaway_to_higher_rate"]
    assert not checks[0].passed


def test_texts_cite_no_internal_documents():
    for preset in SIM.presets:
        assert "papers.md" not in preset.source and "actsheet" not in preset.source
    result = SIM.run(FAST, seed=0)
    for check in result.checks:
        assert "papers.md" not in check.reference and ".py" not in check.reference


def _form(simulation, **params):
    values = {**simulation.defaults(), **params}
    return {
        name: ("on" if value is True else "" if value is False else str(value))
        for name, value in values.items()
    }


@pytest.mark.django_db
def test_run_page_says_not_converged_and_shows_no_failed_badge(client):
    """Through the page a student uses: a run too short to converge gets the sentence, no
    reference-check section and no failure badge."""
    from django.urls import reverse

    params = {"initial_a": 1000, "initial_b": 1000, "days": 100, "cities": 5}
    response = client.post(
        reverse("simulations:simulation-run", kwargs={"slug": SIM.slug}),
        {**_form(SIM, **params), "seed": "3"},
    )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "Not converged yet, no check" in html
    assert "✗ fail" not in html and "Does it match the reference?" not in html
