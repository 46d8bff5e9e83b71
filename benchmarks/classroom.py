"""make bench (classroom part): a class of 300 in a live check-in, against gunicorn.

For SQLite, and for PostgreSQL when DATABASE_URL is postgres://…:

1. a fresh database (migrate), a teacher, a class, a quiz, a live session in its lobby;
2. the projector polls ``/teach/live/<id>/state.json`` every INTERVAL s, over gunicorn (3 sync
   workers, production settings), from the start;
3. the 300 students arrive at random moments within ARRIVALS s (the lobby shows the join QR
   code: a student scans it, types a nickname and lands on the check-in): each phone joins
   through ``POST /api/v1/classes/<code>/join/`` (the session cookie it sets is the phone's),
   opens its live page once and polls ``/class/<code>/live/state.json`` every INTERVAL s from
   then on; once all are in, after a lobby phase, the teacher opens the question (a POST form,
   as the projector's button); each phone answers (JSON POST) at a random moment within
   ANSWER_SPREAD s of seeing it, and one phone in ten sends its answer a second time;
4. checks: every answer stored exactly once (300 rows, each second answer refused with 409),
   p99 of the polls < 200 ms, and the projector's count reaching each number of acknowledged
   answers within 2 s.

Poll latencies are also given by phase (arrivals, lobby, question, after the last answer) and
beside the server's own time per request (gunicorn's access log), so that time spent waiting for
a free worker shows. ``--arrivals 2`` packs the 300 arrivals into 2 s: a stress figure (every
page is rendered within 2 s, and the polls wait behind them).

Figures go to stdout and benchmarks/out/classroom.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.run import (  # noqa: E402
    OUT,
    PYTHON,
    Gunicorn,
    PostgresDatabases,
    base_env,
    collectstatic,
    machine,
)

STUDENTS = 300
P99_TARGET_MS = 200.0
COUNT_LAG_TARGET_S = 2.0

SETUP = r"""
import json, sys
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.models import Group, User
from django.contrib.sessions.backends.db import SessionStore
from classroom import live
from classroom.models import Classroom, Member
from kb.teachers import TEACHERS_GROUP
from quiz.models import Choice, Question, Quiz

teacher = User.objects.create_user("bench-teacher", password=None, is_staff=True)
teacher.groups.add(Group.objects.get(name=TEACHERS_GROUP))
classroom = Classroom.objects.create(name="Bench class of 300", owner=teacher)
quiz = Quiz.objects.create(slug="bench-live", title="Bench live", is_published=False)
question = Question.objects.create(quiz=quiz, type="single", prompt="Which one?", order=1)
choices = [
    Choice.objects.create(question=question, text=t, is_correct=(i == 0), order=i,
                          misconception="" if i == 0 else f"misconception {i}")
    for i, t in enumerate(["right", "wrong A", "wrong B", "wrong C"])
]
session = live.start(classroom, quiz, user=teacher)
store = SessionStore()
store[SESSION_KEY] = str(teacher.pk)
store[BACKEND_SESSION_KEY] = "config.auth.RateLimitedModelBackend"
store[HASH_SESSION_KEY] = teacher.get_session_auth_hash()
store.create()
print(json.dumps({
    "code": classroom.code, "session": session.pk, "question": question.pk,
    "choices": [c.pk for c in choices], "teacher_cookie": store.session_key,
}))
"""

COUNT_ROWS = r"""
import http.client
import json
from classroom.models import LiveResponse, Member
from django.db.models import Count
dup = (LiveResponse.objects.values("member").annotate(n=Count("pk")).filter(n__gt=1).count())
print(json.dumps({"rows": LiveResponse.objects.count(), "members_with_two_rows": dup,
                  "members": Member.objects.count()}))
"""


def manage(env: dict, *args: str) -> str:
    return _run(env, [PYTHON, "manage.py", *args])


def shell(env: dict, code: str, *args: str) -> dict | list:
    """Run `code` with Django set up (sys.argv[1:] = args); its last line of output, as JSON."""
    out = _run(env, [PYTHON, "-c", "import django\ndjango.setup()\n" + code, *args])
    return json.loads(out.strip().splitlines()[-1])


def _run(env: dict, command: list[str]) -> str:
    proc = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{command[:3]} failed:\n{proc.stderr[-3000:]}")
    return proc.stdout


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def light_get(port: int, path: str, cookie: str = "") -> tuple[int, bytes]:
    """A GET with the standard library (a fraction of requests' CPU: 300 phones share the GIL
    of this one process, and the measured latency must be the server's)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class Phone(threading.Thread):
    def __init__(self, bench, n: int):
        super().__init__(daemon=True)
        self.bench, self.n = bench, n
        self.csrf = secrets.token_hex(16)  # 32 characters: Django's unmasked secret length
        self.cookie = ""
        self.http = requests.Session()
        self.answered_at: float | None = None
        self.answer_status: list[int] = []
        self.join_status = 0

    def join_class(self) -> bool:
        """Join the class through the API, as the QR code's page does (its session cookie)."""
        b = self.bench
        try:
            r = self.http.post(
                f"{b.base}/api/v1/classes/{b.code}/join/",
                json={"nickname": f"student-{self.n}"},
                timeout=30,
            )
        except requests.RequestException:
            return False
        self.join_status = r.status_code
        key = r.cookies.get("sessionid")
        self.http.cookies.clear()
        if r.status_code != 201 or not key:
            return False
        self.cookie = f"sessionid={key}; csrftoken={self.csrf}"
        return True

    def open_page(self) -> str:
        """The phone opens its live page once; its state.json address (signed) is in it."""
        b = self.bench
        for _attempt in range(5):
            try:
                r = self.http.get(
                    f"{b.base}/en/class/{b.code}/live/", headers={"Cookie": self.cookie}, timeout=30
                )
                found = re.search(r'data-live-state="([^"]+)"', r.text)
                if r.status_code == 200 and found:
                    return b.base + found.group(1).replace("&amp;", "&")
            except requests.RequestException:
                pass
            time.sleep(1)
        raise SystemExit(f"phone {self.n} could not open its live page")

    def run(self):
        b = self.bench
        time.sleep(random.uniform(0, b.arrivals))  # students arrive as they scan the QR code
        joined = self.join_class()
        b.ready(joined)
        if not joined:
            return
        state_path = self.open_page()[len(b.base) :]
        b.opened_page()
        answer_due = None
        while not b.stop.is_set():
            t0 = time.monotonic()
            try:
                status, body = light_get(b.port, state_path)
                b.record_poll("phone", 1000 * (time.monotonic() - t0), status)
                state = json.loads(body) if status == 200 else {}
            except OSError:
                b.record_poll("phone", 1000 * (time.monotonic() - t0), 0)
                state = {}
            if state.get("state") == "question" and answer_due is None:
                answer_due = time.monotonic() + random.uniform(0, b.spread)
            if (
                answer_due is not None
                and self.answered_at is None
                and time.monotonic() >= answer_due
            ):
                self.answer()
                if self.n % 10 == 0:
                    self.answer()  # a double tap: must be refused, not stored twice
            elapsed = time.monotonic() - t0
            b.stop.wait(max(0.0, b.interval - elapsed))

    def answer(self):
        b = self.bench
        choice = b.choices[0] if self.n % 3 else random.choice(b.choices[1:])
        body = json.dumps({"question": b.question, "answer": [choice]})
        t0 = time.monotonic()
        try:
            r = self.http.post(
                f"{b.base}/en/class/{b.code}/live/answer/",
                data=body,
                headers={
                    "Cookie": self.cookie,
                    "X-CSRFToken": self.csrf,
                    "Content-Type": "application/json",
                },
                timeout=10,
            )
            status = r.status_code
        except requests.RequestException:
            status = 0
        b.record_answer(1000 * (time.monotonic() - t0), status)
        self.answer_status.append(status)
        if status == 201:
            self.answered_at = time.monotonic()
            b.acknowledged(self.answered_at)
        elif status == 409 and self.answer_status.count(201) == 0:
            # A retry after a timed-out first send that was stored after all: answered.
            self.answered_at = time.monotonic()


class Bench:
    def __init__(self, base, setup, interval, spread, arrivals):
        self.base = base
        self.port = int(base.rsplit(":", 1)[1])
        self.code = setup["code"]
        self.session = setup["session"]
        self.question = setup["question"]
        self.choices = setup["choices"]
        self.teacher_cookie = setup["teacher_cookie"]
        self.interval, self.spread, self.arrivals = interval, spread, arrivals
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.polls: dict[str, list[float]] = {"phone": [], "projector": []}
        self.poll_times: list[tuple[float, float]] = []  # (start, ms) of every poll
        self.phases: dict[str, float] = {}  # phase name → when it started (monotonic)
        self.poll_status: dict[int, int] = {}
        self.answers_ms: list[float] = []
        self.answer_codes: dict[int, int] = {}
        self.acks: list[float] = []
        self.projector_seen: list[tuple[float, int]] = []
        self.arrived = 0
        self.joined = 0
        self.opened = 0
        self.first_join: float | None = None
        self.last_join: float | None = None

    def record_poll(self, who, ms, status):
        with self.lock:
            self.polls[who].append(ms)
            self.poll_times.append((time.monotonic() - ms / 1000, ms))
            self.poll_status[status] = self.poll_status.get(status, 0) + 1

    def record_answer(self, ms, status):
        with self.lock:
            self.answers_ms.append(ms)
            self.answer_codes[status] = self.answer_codes.get(status, 0) + 1

    def ready(self, joined: bool):
        with self.lock:
            self.arrived += 1
            if joined:
                self.joined += 1
                now = time.monotonic()
                self.first_join = self.first_join or now
                self.last_join = now

    def opened_page(self):
        with self.lock:
            self.opened += 1

    def acknowledged(self, at):
        with self.lock:
            self.acks.append(at)

    def projector(self):
        url = f"{self.base}/en/teach/live/{self.session}/state.json"
        cookie = f"sessionid={self.teacher_cookie}"
        while not self.stop.is_set():
            t0 = time.monotonic()
            try:
                status, body = light_get(self.port, url[len(self.base) :], cookie)
                self.record_poll("projector", 1000 * (time.monotonic() - t0), status)
                if status == 200:
                    self.projector_seen.append((time.monotonic(), json.loads(body)["answers"]))
            except OSError:
                self.record_poll("projector", 1000 * (time.monotonic() - t0), 0)
            self.stop.wait(max(0.0, self.interval - (time.monotonic() - t0)))

    def open_question(self):
        """The projector's "Ask the first question" button: GET the page, POST its form."""
        http = requests.Session()
        page = http.get(
            f"{self.base}/en/teach/live/{self.session}/",
            headers={"Cookie": f"sessionid={self.teacher_cookie}"},
            timeout=10,
        )
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        revision = re.search(r'name="revision" value="(\d+)"', page.text).group(1)
        csrf_cookie = secrets.token_hex(16)
        r = http.post(
            f"{self.base}/en/teach/live/{self.session}/open/",
            data={"csrfmiddlewaretoken": csrf_cookie, "revision": revision},
            headers={"Cookie": f"sessionid={self.teacher_cookie}; csrftoken={csrf_cookie}"},
            allow_redirects=False,
            timeout=10,
        )
        del token  # the page's own token works too; the cookie's secret is simpler here
        if r.status_code != 302:
            raise SystemExit(f"opening the question failed: {r.status_code} {r.text[:300]}")

    def count_lag(self) -> float:
        """The longest time between the k-th acknowledged answer and the projector's first
        poll that counted at least k answers."""
        acks = sorted(self.acks)
        seen = sorted(self.projector_seen)
        worst = 0.0
        j = 0
        for k, at in enumerate(acks, start=1):
            while j < len(seen) and (seen[j][1] < k or seen[j][0] < at):
                j += 1
            if j == len(seen):
                return float("inf")
            worst = max(worst, seen[j][0] - at)
        return worst


def server_times(path: Path) -> dict:
    """p50/p99 of the server's own time (gunicorn's access log) for the polls and the answers."""
    polls, answers = [], []
    for line in path.read_text().splitlines() if path.exists() else []:
        parts = line.split()
        if len(parts) != 3:
            continue
        url, _status, ms = parts
        if url.endswith("/live/state.json"):
            polls.append(float(ms))
        elif url.endswith("/live/answer/"):
            answers.append(float(ms))
    return {
        name: {
            "n": len(values),
            "p50": round(percentile(values, 50), 1),
            "p99": round(percentile(values, 99), 1),
        }
        for name, values in (("phone polls", polls), ("answers", answers))
    }


def phase_percentiles(bench) -> dict:
    """Poll latencies by phase: while the 300 phones open their live page ("pages"), the lobby,
    while the question is answered, after the last answer."""
    names = list(bench.phases)
    bounds = [bench.phases[n] for n in names] + [float("inf")]
    split: dict[str, list[float]] = {n: [] for n in names}
    for start, ms in bench.poll_times:
        for i, name in enumerate(names):
            if bounds[i] <= start < bounds[i + 1]:
                split[name].append(ms)
                break
    return {
        name: {
            "polls": len(values),
            "p50": round(percentile(values, 50), 1),
            "p99": round(percentile(values, 99), 1),
        }
        for name, values in split.items()
    }


def run_one(kind: str, database_url: str, args) -> dict:
    env = base_env()
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SECURE_COOKIES="0",
    )
    print(f"[classroom] {kind}: migrate", flush=True)
    manage(env, "migrate", "-v", "0")
    setup = shell(env, SETUP)
    access_log = OUT / f"classroom-{kind}-access.log"
    access_log.unlink(missing_ok=True)
    # The server's own time per request (%(M)s: milliseconds from the request read to the
    # answer written), to tell the server's time from time spent waiting for a free worker.
    server = Gunicorn(
        env,
        args.workers,
        f"classroom-{kind}",
        ("--access-logfile", str(access_log), "--access-logformat", "%(U)s %(s)s %(M)s"),
    )
    base = f"http://127.0.0.1:{server.port}"
    try:
        t0 = time.monotonic()
        bench = Bench(base, setup, args.interval, args.spread, args.arrivals)
        phones = [Phone(bench, n) for n in range(args.students)]
        projector = threading.Thread(target=bench.projector, daemon=True)
        bench.phases["arrivals"] = time.monotonic()
        projector.start()
        for phone in phones:
            phone.start()
        while time.monotonic() - t0 < args.arrivals + 600:
            with bench.lock:
                if bench.arrived == len(phones) and bench.opened == bench.joined:
                    break
            time.sleep(0.2)
        join_s = time.monotonic() - t0
        statuses = {}
        for phone in phones:
            statuses[phone.join_status] = statuses.get(phone.join_status, 0) + 1
        how = {"api": bench.joined, "api_status": statuses}
        print(
            f"[classroom] {kind}: {bench.joined} joined and opened their page within "
            f"{join_s:.1f} s ({how})",
            flush=True,
        )
        phones = [p for p in phones if p.cookie]
        bench.phases["lobby"] = time.monotonic()
        time.sleep(args.lobby)
        bench.open_question()
        opened = time.monotonic()
        bench.phases["question"] = opened
        deadline = opened + args.spread + 3 * args.interval + 30
        while time.monotonic() < deadline:
            if all(p.answered_at is not None for p in phones):
                break
            time.sleep(0.5)
        bench.phases["after"] = time.monotonic()
        time.sleep(args.tail)
        bench.stop.set()
        projector.join(timeout=15)
        for phone in phones:
            phone.join(timeout=15)
        rows = shell(env, COUNT_ROWS)
    finally:
        server.stop()
    polls = bench.polls["phone"] + bench.polls["projector"]
    result = {
        "database": kind,
        "students": len(phones),
        "joined": how,
        "arrivals_s": args.arrivals,
        "join_seconds": round(join_s, 1),
        "poll_interval_s": args.interval,
        "polls": len(polls),
        "poll_status": bench.poll_status,
        "poll_ms": {
            "p50": round(percentile(polls, 50), 1),
            "p95": round(percentile(polls, 95), 1),
            "p99": round(percentile(polls, 99), 1),
            "max": round(max(polls), 1) if polls else None,
        },
        "poll_ms_by_phase": phase_percentiles(bench),
        "server_ms": server_times(access_log),
        "projector_poll_p99_ms": round(percentile(bench.polls["projector"], 99), 1),
        "answers_sent": len(bench.answers_ms),
        "answer_status": bench.answer_codes,
        "answer_ms_p99": round(percentile(bench.answers_ms, 99), 1),
        "rows": rows,
        "count_lag_s": round(bench.count_lag(), 2),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    doubles = sum(1 for p in phones if p.n % 10 == 0)
    result["checks"] = {
        f"all {args.students} joined": len(phones) == args.students,
        "every answer stored once": rows["rows"] == len(phones)
        and rows["members_with_two_rows"] == 0,
        "every second answer refused": bench.answer_codes.get(201, 0) <= len(phones)
        and bench.answer_codes.get(409, 0) >= doubles,
        f"poll p99 < {P99_TARGET_MS:.0f} ms": result["poll_ms"]["p99"] < P99_TARGET_MS,
        f"projector count within {COUNT_LAG_TARGET_S:.0f} s": result["count_lag_s"]
        <= COUNT_LAG_TARGET_S,
        "no refused or failed poll": set(bench.poll_status) == {200},
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=STUDENTS)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--interval", type=float, default=2.0, help="poll period (s)")
    parser.add_argument("--spread", type=float, default=15.0, help="answers spread over (s)")
    parser.add_argument("--lobby", type=float, default=8.0, help="lobby phase (s)")
    parser.add_argument(
        "--arrivals",
        type=float,
        default=30.0,
        help="students arrive (join, open the page) at random moments within this many s",
    )
    parser.add_argument("--tail", type=float, default=6.0, help="polling after the answers (s)")
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    env = base_env()
    collectstatic(env)
    targets = []
    if args.only in (None, "sqlite"):
        path = OUT / "classroom-bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        targets.append(("SQLite", f"sqlite:///{path}"))
    url = os.environ.get("DATABASE_URL", "")
    if args.only in (None, "postgres") and url.startswith(("postgres://", "postgresql://")):
        dbs = PostgresDatabases(url)
        name = f"{dbs.base}_bench_classroom"
        dbs._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        dbs._admin(f'CREATE DATABASE "{name}"')
        targets.append(("PostgreSQL", dbs.url_for(name)))
    elif args.only == "postgres":
        raise SystemExit("--only postgres needs DATABASE_URL=postgres://…")
    results = [run_one(kind, u, args) for kind, u in targets]
    report = {"machine": machine(), "results": results}
    (OUT / "classroom.json").write_text(json.dumps(report, indent=2))
    print(
        f"\nLive check-in, a class of {args.students} arriving within {args.arrivals:g} s "
        f"(polls every {args.interval:g} s):"
    )
    for r in results:
        ms = r["poll_ms"]
        print(
            f"  {r['database']:<10} polls {r['polls']:>6}  p50 {ms['p50']:>6} ms  p95 "
            f"{ms['p95']:>6} ms  p99 {ms['p99']:>6} ms  answers {r['rows']['rows']}/"
            f"{r['students']} (status {r['answer_status']})  projector lag "
            f"{r['count_lag_s']} s  load {r['load_average']}"
        )
        phases = "  ".join(
            f"{name}: {v['polls']} polls p50 {v['p50']} p99 {v['p99']} ms"
            for name, v in r["poll_ms_by_phase"].items()
        )
        print(f"    by phase — {phases}")
        inside = "  ".join(
            f"{name}: {v['n']} p50 {v['p50']} p99 {v['p99']} ms"
            for name, v in r["server_ms"].items()
        )
        print(f"    the server's own time (gunicorn's access log) — {inside}")
        for check, ok in r["checks"].items():
            print(f"    {'PASS' if ok else 'FAIL'}  {check}")
    if not all(ok for r in results for ok in r["checks"].values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
