"""Two application hosts behind nginx, sharing PostgreSQL and Redis: what one host does, the other
sees. Runs in CI's PostgreSQL pass (.ci/run installs redis-server and nginx); skipped, with the
reason, anywhere one of them is missing.
"""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from .harness import Cluster, missing_requirements

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(missing_requirements() is not None, reason=str(missing_requirements())),
]

TEACHER = "multihost-teacher"
PASSWORD = "a-long-Passw0rd-for-tests"
# The documented bound (README, "Scaling out"): an edit reaches every host's cached pages within
# DJANGO_PAGE_CACHE_GENERATION_MAX_AGE seconds (1 by default); allow one more for the round trips.
PROPAGATION_SECONDS = 2.0
QUIZ = "predpol"


@pytest.fixture(scope="module")
def cluster():
    env = {
        # Low limits so sharing is visible in a few requests; submissions generous for the load.
        "API_THROTTLE_ANON_RUNS": "4/minute",
        "API_THROTTLE_ANON_SUBMISSIONS": "100000/minute",
        "LOGIN_MAX_FAILURES_PER_USER": "4",
    }
    with Cluster(instances_count=2, workers=2, extra_env=env) as c:
        c.manage("create_teacher", TEACHER, "--password-from-env", "RC_PW", env={"RC_PW": PASSWORD})
        yield c


def _csrf(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30)
    assert page.status_code == 200, (url, page.status_code)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def _admin_login(session: requests.Session, base: str, password: str = PASSWORD):
    token = _csrf(session, f"{base}/admin/login/")
    return session.post(
        f"{base}/admin/login/?next=/admin/",
        data={"csrfmiddlewaretoken": token, "username": TEACHER, "password": password},
        headers={"Referer": f"{base}/admin/login/"},
        allow_redirects=False,
        timeout=30,
    )


def _api_token(cluster) -> str:
    out = cluster.manage(
        "shell",
        "-c",
        "from rest_framework.authtoken.models import Token;"
        "from django.contrib.auth import get_user_model;"
        f"u=get_user_model().objects.get(username='{TEACHER}');"
        "print(Token.objects.get_or_create(user=u)[0].key)",
    )
    return out.stdout.strip().splitlines()[-1]


def test_an_edit_through_one_host_is_served_by_the_other(cluster):
    reader = requests.Session()
    page = f"{cluster.host(1)}/fr/cases/predpol/"
    assert reader.get(page, timeout=30).status_code == 200  # now cached on host 2
    marker = f"Edited through host one {time.time_ns()}."
    token = _api_token(cluster)
    response = requests.patch(
        f"{cluster.host(0)}/api/v1/cases/predpol/",
        json={"summary": marker},
        headers={"Authorization": f"Token {token}", "Accept-Language": "fr"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    saved = time.monotonic()
    while marker not in reader.get(page, timeout=30).text:
        assert time.monotonic() - saved < PROPAGATION_SECONDS, "host 2 still serves the old page"
        time.sleep(0.05)


def test_a_session_opened_on_one_host_is_valid_on_the_other(cluster):
    session = requests.Session()
    response = _admin_login(session, cluster.host(0))
    assert response.status_code == 302, response.text[:500]
    on_other = session.get(f"{cluster.host(1)}/admin/", allow_redirects=False, timeout=30)
    assert on_other.status_code == 200
    assert TEACHER in on_other.text


def test_throttles_are_counted_across_hosts(cluster):
    # 4 anonymous runs a minute from one address, wherever they land.
    codes = []
    for i in range(6):
        base = cluster.host(i % 2)
        codes.append(
            requests.post(
                f"{base}/api/v1/simulations/base-rate/runs/", json={"seed": 1000 + i}, timeout=60
            ).status_code
        )
    assert codes[:4].count(429) == 0, codes
    assert codes[4:] == [429, 429], codes


def test_failed_log_ins_are_counted_across_hosts(cluster):
    # Four failures, alternating hosts, then the right password is refused on either host.
    for i in range(4):
        response = _admin_login(requests.Session(), cluster.host(i % 2), password="wrong")
        assert response.status_code == 200  # the form again, with an error
    for i in range(2):
        response = _admin_login(requests.Session(), cluster.host(i))
        assert response.status_code != 302, "a locked account logged in"
    cluster.manage("shell", "-c", "from django.core.cache import cache; cache.clear()")


def _quiz_answers(session: requests.Session, base: str) -> dict:
    quiz = session.get(f"{base}/api/v1/quizzes/{QUIZ}/", timeout=30).json()
    answers = {}
    for question in quiz["questions"]:
        if question["type"] in ("single", "truefalse", "multiple"):
            answers[str(question["id"])] = [question["choices"][0]["id"]]
    return answers


def test_100_concurrent_submissions_over_both_hosts_are_all_stored_once(cluster):
    answers = _quiz_answers(requests.Session(), cluster.front)
    before = cluster.sql("SELECT count(*) FROM quiz_attempt")[0][0]

    def submit(_):
        response = requests.post(
            f"{cluster.front}/api/v1/quizzes/{QUIZ}/attempts/",
            json={"answers": answers},
            timeout=60,
        )
        return response.status_code, response.json().get("id") if response.ok else None

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(submit, range(100)))
    assert [code for code, _ in results].count(201) == 100, results
    ids = {attempt_id for _, attempt_id in results}
    assert len(ids) == 100
    after = cluster.sql("SELECT count(*) FROM quiz_attempt")[0][0]
    assert after - before == 100
    stored = {str(row[0]) for row in cluster.sql("SELECT public_id FROM quiz_attempt")}
    assert ids <= stored
    logs = "".join(i.log_path.read_text() for i in cluster.instances)
    assert "Traceback" not in logs


def test_killing_one_host_mid_load_loses_no_acknowledged_answer(cluster):
    answers = _quiz_answers(requests.Session(), cluster.front)
    before = cluster.sql("SELECT count(*) FROM quiz_attempt")[0][0]
    acknowledged: list[str] = []
    failed: list[int] = []
    read_codes: list[int] = []
    stop = threading.Event()

    def submitter():
        while not stop.is_set():
            try:
                response = requests.post(
                    f"{cluster.front}/api/v1/quizzes/{QUIZ}/attempts/",
                    json={"answers": answers},
                    timeout=30,
                )
            except requests.RequestException:
                failed.append(0)
                continue
            if response.status_code == 201:
                acknowledged.append(response.json()["id"])
            else:
                failed.append(response.status_code)

    def reader():
        while not stop.is_set():
            read_codes.append(requests.get(f"{cluster.front}/en/cases/", timeout=30).status_code)

    threads = [threading.Thread(target=submitter) for _ in range(6)]
    threads += [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    cluster.instances[0].kill()
    killed_at = len(read_codes)
    time.sleep(3)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)

    stored = cluster.sql("SELECT count(*) FROM quiz_attempt")[0][0] - before
    stored_ids = {str(row[0]) for row in cluster.sql("SELECT public_id FROM quiz_attempt")}
    assert set(acknowledged) <= stored_ids
    # Every acknowledged submission is in the database, and nothing was stored twice: a POST cut
    # off by the kill may be stored without an answer reaching its client, but never duplicated.
    assert acknowledged, "no submission went through"
    assert len(set(acknowledged)) == len(acknowledged)
    assert len(acknowledged) <= stored <= len(acknowledged) + len(failed)
    # Reads after the kill are retried on the surviving host: none fails.
    assert all(code == 200 for code in read_codes[killed_at + 5 :]), read_codes[killed_at:]
    # And the surviving host goes on accepting submissions.
    response = requests.post(
        f"{cluster.front}/api/v1/quizzes/{QUIZ}/attempts/", json={"answers": answers}, timeout=30
    )
    assert response.status_code == 201
