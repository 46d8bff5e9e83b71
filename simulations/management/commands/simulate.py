"""``manage.py simulate``: list the simulations, or run one and print its findings (or JSON).

Runs go through :func:`simulations.services.get_or_run`, so each is stored and has a permalink
(printed in text mode, ``permalink`` in JSON); ``--no-store`` computes without touching the
database. The default seed is 0, so a bare ``simulate SLUG`` is reproducible.
"""

from __future__ import annotations

import json
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from config.i18n import supported
from simulations import engine
from simulations.engine import ParamError
from simulations.i18n import local_simulation, localize, localize_api_result, localize_errors
from simulations.runner import SimulationTimeout, compute
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
TIMED_OUT = 3  # the run went past SIMULATION_TIME_LIMIT and was stopped


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE_ERROR)


def _param_errors(exc: ParamError) -> str:
    lines = []
    for name, messages in localize_errors(exc.errors).items():
        label = _("parameters") if name == "__all__" else name
        lines.append(f"{label}: {' '.join(messages)}")
    return _("Invalid input:") + "\n  " + "\n  ".join(lines)


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


class Command(BaseCommand):
    help = (
        "List the simulations (--list), or run one: simulate SLUG [--preset NAME] "
        "[--param NAME=VALUE ...] [--seed N] [--json]. The default seed is 0. Runs are "
        "stored and get a permalink unless --no-store is given. --lang fr|en chooses the "
        "language of the output (default: the site's default language)."
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
            "--lang",
            default=None,
            metavar="CODE",
            help=(
                f"Language of the output: {' or '.join(_languages())} "
                f"(default: the active language, {settings.LANGUAGE_CODE} from the shell)."
            ),
        )
        parser.add_argument(
            "--no-store",
            action="store_true",
            help="Compute without storing the run (no permalink).",
        )

    def handle(self, *args, **options):
        # Without --lang: the active language, which for `manage.py` is LANGUAGE_CODE.
        lang = (
            options.get("lang") or supported(translation.get_language()) or settings.LANGUAGE_CODE
        )
        if lang not in _languages():
            raise _fail(
                f"Unknown language {lang!r} for --lang. Languages: {', '.join(_languages())}."
            )
        with translation.override(lang):
            return self._handle(**options)

    def _handle(self, **options):
        if options["list"]:
            return self._list(as_json=options["json"])
        if not options["slug"]:
            raise _fail(_("Name a simulation to run, or use --list to see them."))
        try:
            simulation = get_simulation(options["slug"])
        except UnknownSimulation as exc:
            raise _fail(exc.message()) from None
        params = self._parse_params(options["param"])
        try:
            if options["no_store"]:
                payload = self._compute(simulation, params, options)
            else:
                payload = self._get_or_run(simulation, params, options)
        except ParamError as exc:
            raise _fail(_param_errors(exc)) from None
        except SimulationTimeout as exc:
            raise CommandError(str(exc), returncode=TIMED_OUT) from None
        payload["result"] = localize_api_result(payload["result"])
        if options["json"]:
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
        else:
            self._print_text(simulation, payload)

    def _parse_params(self, pairs: list[str]) -> dict[str, str]:
        params: dict[str, str] = {}
        for pair in pairs:
            name, sep, value = pair.partition("=")
            if not sep or not name.strip():
                raise _fail(_("--param expects NAME=VALUE; got {pair}.").format(pair=repr(pair)))
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
        result = compute(simulation, values, seed)
        return {
            "simulation": simulation.slug,
            "version": simulation.version,
            "params": values,
            "seed": seed,
            "preset": options["preset"] or "",
            "result": result,
            "duration_ms": round((time.perf_counter() - started) * 1000),
        }

    def _list(self, *, as_json: bool) -> None:
        simulations = engine.all_simulations()
        if as_json:
            self.stdout.write(
                json.dumps([localize(s.describe()) for s in simulations], ensure_ascii=False)
            )
            return
        if not simulations:
            self.stdout.write(_("No simulation is installed."))
            return
        width = max(len(s.slug) for s in simulations)
        for simulation in simulations:
            local = local_simulation(simulation)
            self.stdout.write(f"{simulation.slug.ljust(width)}  {local.title}")
            self.stdout.write(f"{' ' * width}  {local.question}")
            if simulation.presets:
                names = ", ".join(p.slug for p in simulation.presets)
                self.stdout.write(f"{' ' * width}  " + _("presets: {names}").format(names=names))

    def _print_text(self, simulation, payload: dict) -> None:
        write = self.stdout.write
        result = payload["result"]
        local = local_simulation(simulation)
        write(f"{local.title} (v{payload['version']})")
        write(local.question)
        write("")
        if payload["preset"]:
            write(
                _("Seed {seed}, preset {preset}. Parameters:").format(
                    seed=payload["seed"], preset=payload["preset"]
                )
            )
        else:
            write(_("Seed {seed}. Parameters:").format(seed=payload["seed"]))
        for name, value in payload["params"].items():
            write(f"  {name} = {value}")
        write("")
        write(_("Findings:"))
        for finding in result.get("findings", []):
            write(f"  - {finding}")
        metrics = result.get("metrics", [])
        if metrics:
            write("")
            write(_("Metrics:"))
            width = max(len(m["label"]) for m in metrics)
            for metric in metrics:
                value = format_metric(metric["value"], metric.get("unit", ""))
                write(f"  {metric['label'].ljust(width)}  {value}")
        split = split_checks(result.get("checks", []))
        for title, checks in (
            (_("Reference checks"), split["reference_checks"]),
            (
                _("Consistency notes (the sample against the rates it was drawn from)"),
                split["consistency_checks"],
            ),
        ):
            if not checks:
                continue
            write("")
            passed = sum(1 for c in checks if c["passed"])
            write(
                _("{title}: {passed} of {total} passed").format(
                    title=title, passed=passed, total=len(checks)
                )
            )
            for check in checks:
                mark = _("PASS") if check["passed"] else _("FAIL")
                write(f"  [{mark}] {check['label']}")
                write(
                    "         "
                    + _("expected {expected}; observed {observed}").format(
                        expected=check["expected"], observed=check["observed"]
                    )
                )
                write(
                    "         " + _("reference: {reference}").format(reference=check["reference"])
                )
        write("")
        write(_("Computed in {ms} ms.").format(ms=payload["duration_ms"]))
        if "permalink" in payload:
            if payload["stored"] == "new":
                write(_("Permalink (stored): {url}").format(url=payload["permalink"]))
            else:
                write(_("Permalink (already stored): {url}").format(url=payload["permalink"]))
