"""``manage.py simulate``: list the simulations, or run one and print its findings (or JSON).

Runs go through :func:`simulations.services.get_or_run`, so each is stored and has a permalink
(printed in text mode, ``permalink`` in JSON); ``--no-store`` computes without touching the
database. The default seed is 0, so a bare ``simulate SLUG`` is reproducible.
"""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandError

from simulations import engine
from simulations.engine import ParamError
from simulations.services import (
    DEFAULT_SEED,
    UnknownSimulation,
    get_or_run,
    get_simulation,
    parse_seed,
    split_checks,
)
from simulations.templatetags.sim_tags import format_metric

USAGE_ERROR = 2


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE_ERROR)


def _param_errors(exc: ParamError) -> str:
    lines = []
    for name, messages in exc.errors.items():
        label = "parameters" if name == "__all__" else name
        lines.append(f"{label}: {' '.join(messages)}")
    return "Invalid input:\n  " + "\n  ".join(lines)


class Command(BaseCommand):
    help = (
        "List the simulations (--list), or run one: simulate SLUG [--preset NAME] "
        "[--param NAME=VALUE ...] [--seed N] [--json]. The default seed is 0. Runs are "
        "stored and get a permalink unless --no-store is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", nargs="?", help="The simulation to run (see --list).")
        parser.add_argument("--list", action="store_true", help="List simulations and exit.")
        parser.add_argument("--preset", help="Start from this preset's parameters.")
        parser.add_argument(
            "--param",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="Set one parameter (repeatable); on top of the defaults and the preset.",
        )
        parser.add_argument(
            "--seed", default=str(DEFAULT_SEED), help=f"Random seed (default {DEFAULT_SEED})."
        )
        parser.add_argument(
            "--json", action="store_true", help="Print one JSON object instead of text."
        )
        parser.add_argument(
            "--no-store",
            action="store_true",
            help="Compute without storing the run (no permalink).",
        )

    def handle(self, *args, **options):
        if options["list"]:
            return self._list(as_json=options["json"])
        if not options["slug"]:
            raise _fail("Name a simulation to run, or use --list to see them.")
        try:
            simulation = get_simulation(options["slug"])
        except UnknownSimulation as exc:
            raise _fail(str(exc)) from None
        params = self._parse_params(options["param"])
        try:
            if options["no_store"]:
                payload = self._compute(simulation, params, options)
            else:
                payload = self._get_or_run(simulation, params, options)
        except ParamError as exc:
            raise _fail(_param_errors(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
        else:
            self._print_text(simulation, payload)

    def _parse_params(self, pairs: list[str]) -> dict[str, str]:
        params: dict[str, str] = {}
        for pair in pairs:
            name, sep, value = pair.partition("=")
            if not sep or not name.strip():
                raise _fail(f"--param expects NAME=VALUE; got {pair!r}.")
            params[name.strip()] = value
        return params

    def _get_or_run(self, simulation, params, options) -> dict:
        run, created = get_or_run(
            slug=simulation.slug,
            params=params,
            seed=options["seed"],
            preset=options["preset"],
        )
        return {
            "simulation": run.slug,
            "version": run.version,
            "params": run.params,
            "seed": run.seed,
            "preset": run.preset,
            "result": run.result,
            "duration_ms": run.duration_ms,
            "key": run.key,
            "permalink": run.get_absolute_url(),
            "stored": "new" if created else "existing",
        }

    def _compute(self, simulation, params, options) -> dict:
        seed = parse_seed(options["seed"])
        values = simulation.validate(params, preset=options["preset"])
        started = time.perf_counter()
        result = simulation.run(values, seed=seed)
        return {
            "simulation": simulation.slug,
            "version": simulation.version,
            "params": values,
            "seed": seed,
            "preset": options["preset"] or "",
            "result": result.to_dict(),
            "duration_ms": round((time.perf_counter() - started) * 1000),
        }

    def _list(self, *, as_json: bool) -> None:
        simulations = engine.all_simulations()
        if as_json:
            self.stdout.write(json.dumps([s.describe() for s in simulations], ensure_ascii=False))
            return
        if not simulations:
            self.stdout.write("No simulation is installed.")
            return
        width = max(len(s.slug) for s in simulations)
        for simulation in simulations:
            self.stdout.write(f"{simulation.slug.ljust(width)}  {simulation.title}")
            self.stdout.write(f"{' ' * width}  {simulation.question}")
            if simulation.presets:
                names = ", ".join(p.slug for p in simulation.presets)
                self.stdout.write(f"{' ' * width}  presets: {names}")

    def _print_text(self, simulation, payload: dict) -> None:
        write = self.stdout.write
        result = payload["result"]
        write(f"{simulation.title} (v{payload['version']})")
        write(simulation.question)
        write("")
        preset = f", preset {payload['preset']}" if payload["preset"] else ""
        write(f"Seed {payload['seed']}{preset}. Parameters:")
        for name, value in payload["params"].items():
            write(f"  {name} = {value}")
        write("")
        write("Findings:")
        for finding in result.get("findings", []):
            write(f"  - {finding}")
        metrics = result.get("metrics", [])
        if metrics:
            write("")
            write("Metrics:")
            width = max(len(m["label"]) for m in metrics)
            for metric in metrics:
                value = format_metric(metric["value"], metric.get("unit", ""))
                write(f"  {metric['label'].ljust(width)}  {value}")
        split = split_checks(result.get("checks", []))
        for title, checks in (
            ("Reference checks", split["reference_checks"]),
            ("Consistency notes (the sample against the rates it was drawn from)",
             split["consistency_checks"]),
        ):
            if not checks:
                continue
            write("")
            passed = sum(1 for c in checks if c["passed"])
            write(f"{title}: {passed} of {len(checks)} passed")
            for check in checks:
                mark = "PASS" if check["passed"] else "FAIL"
                write(f"  [{mark}] {check['label']}")
                write(f"         expected {check['expected']}; observed {check['observed']}")
                write(f"         reference: {check['reference']}")
        write("")
        write(f"Computed in {payload['duration_ms']} ms.")
        if "permalink" in payload:
            stored = "stored" if payload["stored"] == "new" else "already stored"
            write(f"Permalink ({stored}): {payload['permalink']}")
