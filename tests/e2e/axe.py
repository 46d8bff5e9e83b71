"""axe-core (axe-playwright-python) on a page: serious and critical violations fail, others print."""

from collections import Counter

from axe_playwright_python.sync_playwright import Axe

BLOCKING = ("serious", "critical")
IMPACTS = ("critical", "serious", "moderate", "minor")
_AXE = Axe()


def axe_violations(page, *, exclude=()):
    """Run axe on the page as it is; `exclude` lists CSS selectors left out, each with a reason
    at the call site (markup of a library we do not own)."""
    context = {"exclude": [[selector] for selector in exclude]} if exclude else None
    results = _AXE.run(page, context=context)
    return results.response["violations"]


def describe(violations) -> str:
    lines = []
    for v in violations:
        targets = "; ".join(", ".join(node["target"]) for node in v["nodes"][:5])
        lines.append(f"  {v['impact']}: {v['id']} ({len(v['nodes'])}×) {v['help']} → {targets}")
    return "\n".join(lines)


def counts(violations) -> str:
    by_impact = Counter(v["impact"] for v in violations)
    return ", ".join(f"{impact} {by_impact.get(impact, 0)}" for impact in IMPACTS)


def blocking_report(name, page, *, exclude=()) -> str:
    """Run axe; print the page's counts by impact and its non-blocking violations; return a
    report of the serious and critical ones ("" when there are none)."""
    violations = axe_violations(page, exclude=exclude)
    print(f"axe {name} ({page.url}): {counts(violations)}")
    others = [v for v in violations if v["impact"] not in BLOCKING]
    if others:
        print(describe(others))
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    return f"{name} ({page.url}):\n{describe(blocking)}" if blocking else ""


def assert_accessible(page, *, name="page", exclude=()):
    """No serious or critical axe violation on `page`; minor and moderate ones are printed."""
    report = blocking_report(name, page, exclude=exclude)
    assert not report, f"axe: {report}"
