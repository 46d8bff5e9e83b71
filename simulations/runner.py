"""Computing a run within the machine's budget: a bounded number at once, each within a time limit.

Slots. The web workers of one machine share ``SIMULATIONS["MAX_CONCURRENT"]`` slots, one lock file
each in ``SIMULATIONS["LOCK_DIR"]``. A run takes a free slot (``flock`` without waiting) or fails
at once with :class:`SimulationsBusy` (the pages and the API answer 503 with Retry-After). The
kernel releases a lock when its process ends, however it ends, so a killed worker never keeps a
slot. The command line does not take a slot: a teacher's command waits for nobody.

Time limit. The run is computed in a child process forked from the worker (the engine and its
libraries are already imported, so the fork costs milliseconds). The worker waits for the result
up to ``SIMULATIONS["TIME_LIMIT"]`` seconds; past that it kills the child (SIGKILL) and raises
:class:`SimulationTimeout`. Killing a process really stops a computation, even one inside numpy
or scikit-learn, and its memory is returned to the system. The child only computes: it touches
no database connection and ends with ``os._exit`` (no atexit handler, nothing inherited closed).
The result comes back as the plain dict the run stores, so it is byte-identical to an inline
run. ``TIME_LIMIT`` 0 computes in the worker itself, without a limit.

BLAS and OpenMP use one thread per process (config/__init__.py): a run never starts more compute
threads than the slot it holds.

Look-ahead. The explorable pages ask, while the student reads a chart, for the slider's next
positions (simulations.preview, ``X-Lookahead: 1``). Those computations take a slot of their own
pool (``SIMULATIONS["LOOKAHEAD_SLOTS"]``, lock files ``lookahead-N.lock``), never a run slot,
and their child process runs at the lowest CPU priority (``nice`` 19): they use the time the
machine would spend idle, and any run or page asked meanwhile goes first.
"""

from __future__ import annotations

import fcntl
import multiprocessing
import os
import time
import traceback
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext, ngettext

from .engine import Simulation


class SimulationsBusy(Exception):
    """Every slot is taken: try again in ``retry_after`` seconds."""

    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(
            ngettext(
                "The server is running as many simulations as it can at once. "
                "Try again in {seconds} second.",
                "The server is running as many simulations as it can at once. "
                "Try again in {seconds} seconds.",
                retry_after,
            ).format(seconds=retry_after)
        )


class SimulationTimeout(Exception):
    """The run went past the time limit and was stopped."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(
            gettext(
                "This run took longer than the {seconds} seconds a run may take and was "
                "stopped. Try smaller sizes (fewer people, steps or repetitions)."
            ).format(seconds=f"{seconds:g}")
        )


class SimulationCrashed(RuntimeError):
    """The engine raised in the child process (a bug): the child's traceback is the message."""


def _config() -> dict:
    defaults = {
        "MAX_CONCURRENT": 1,
        "LOOKAHEAD_SLOTS": 1,
        "TIME_LIMIT": 10.0,
        "RETRY_AFTER": 5,
        "LOCK_DIR": "",
    }
    return defaults | getattr(settings, "SIMULATIONS", {})


def form_slot_wait() -> float:
    """Seconds a run posted through the page's form waits for a slot (SIMULATION_SLOT_WAIT):
    a preview of the explorable page may hold the slot for a moment (simulations.preview)."""
    return float(_config().get("FORM_SLOT_WAIT", 0))


def lookahead_enabled() -> bool:
    """Whether previews may be asked ahead of the student (LOOKAHEAD_SLOTS above 0)."""
    return int(_config()["LOOKAHEAD_SLOTS"]) > 0


LOOKAHEAD = "lookahead"
LOOKAHEAD_NICE = 19  # the lowest priority: a look-ahead only gets the CPU nobody else wants


def _free_slot(directory: Path, count: int, prefix: str = "slot") -> int | None:
    for index in range(count):
        fd = os.open(directory / f"{prefix}-{index}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        return fd
    return None


@contextmanager
def slot(wait: float = 0.0, pool: str = "run"):
    """Hold one of the machine's run slots for the duration, or raise :class:`SimulationsBusy`
    (at once, or after ``wait`` seconds of trying every 50 ms). ``pool=LOOKAHEAD``: a slot of
    the look-ahead pool instead (LOOKAHEAD_SLOTS; 0 turns look-ahead off: always busy)."""
    config = _config()
    prefix = "slot"
    count = int(config["MAX_CONCURRENT"])
    if pool == LOOKAHEAD:
        prefix, count = LOOKAHEAD, int(config["LOOKAHEAD_SLOTS"])
        if count <= 0:
            raise SimulationsBusy(int(config["RETRY_AFTER"]))
    elif count <= 0:  # 0: no cap
        yield
        return
    directory = Path(config["LOCK_DIR"])
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    deadline = time.monotonic() + max(0.0, wait)
    fd = _free_slot(directory, count, prefix)
    while fd is None and time.monotonic() < deadline:
        time.sleep(0.05)
        fd = _free_slot(directory, count, prefix)
    if fd is not None:
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
        return
    raise SimulationsBusy(int(config["RETRY_AFTER"]))


def _child(simulation: Simulation, values: dict, seed: int, conn, nice: int = 0) -> None:
    try:
        if nice:
            os.nice(nice)
        payload = ("ok", simulation.run(values, seed=seed).to_dict())
    except BaseException:  # noqa: BLE001 - everything goes back to the parent as text
        payload = ("error", traceback.format_exc())
    try:
        conn.send(payload)
    finally:
        conn.close()


def compute(simulation: Simulation, values: dict[str, Any], seed: int, nice: int = 0) -> dict:
    """The run's result dict (what ``SimulationRun.result`` stores), within the time limit;
    ``nice``: the child's CPU priority is lowered by that much (a look-ahead)."""
    limit = float(_config()["TIME_LIMIT"])
    if limit <= 0:
        return simulation.run(values, seed=seed).to_dict()
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(simulation, values, seed, sender, nice), daemon=True
    )
    process.start()
    sender.close()
    answered = False
    try:
        if not receiver.poll(limit):
            raise SimulationTimeout(limit)
        try:
            status, payload = receiver.recv()
        except EOFError:  # the child died without answering (killed, out of memory)
            raise SimulationCrashed(
                f"The simulation process ended without a result (exit code {process.exitcode})."
            ) from None
        answered = True
    finally:
        receiver.close()
        if answered:
            process.join(timeout=5)  # it has sent everything and is exiting
        if process.is_alive():
            process.kill()
        process.join()
        process.close()
    if status != "ok":
        raise SimulationCrashed(payload)
    return payload
