"""axe-core (axe-playwright-python) on a page: serious and critical violations fail, others print."""

from axe_playwright_python.sync_playwright import Axe

BLOCKING = ("serious", "critical")
_AXE = Axe()


def axe_violations(page, *, exclude=()):
    """Run axe on the page as it is; `exclude` lists CSS selectors left out, each with a reason
    at the call site (vendored markup we do not own)."""
    context = {"exclude": [[selector] for selector in exclude]} if exclude else None
    results = _AXE.run(page, context=context)
    return results.response["violations"]


def describe(violations) -> str:
    lines = []
    for v in violations:
        targets = "; ".join(", ".join(node["target"]) for node in v["nodes"][:5])
        lines.append(f"{v['impact']}: {v['id']} ({len(v['nodes'])}×) {v['help']} → {targets}")
    return "\n".join(lines)


def assert_accessible(page, *, exclude=()):
    """No serious or critical axe violation on `page`; minor and moderate ones are printed."""
    violations = axe_violations(page, exclude=exclude)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    others = [v for v in violations if v["impact"] not in BLOCKING]
    if others:
        print(f"axe on {page.url}, not blocking:\n{describe(others)}")
    assert not blocking, f"axe on {page.url}:\n{describe(blocking)}"
    return violations
