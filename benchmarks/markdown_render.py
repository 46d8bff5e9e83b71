"""Time render_markdown on inputs that are slow for Python-Markdown (review L8).

Usage::

    .venv/bin/python benchmarks/markdown_render.py [--sizes 4000,8000,32000] [--timeout 60]

Each pattern is repeated n times and rendered once in a fresh process (so a quadratic case
can be stopped at --timeout without stopping the rest); the table gives seconds per size.
The bracket patterns are the review's; the others (emphasis, block quotes, code spans) are
Markdown's own costs, for comparison.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PATTERNS = {
    "nested [[a]]": "'[' * n + 'a' + ']' * (n - 100)",
    "unclosed [a": "'[a' * n",
    "open links [a](": "'[a](' * n",
    "references [a][": "'[a][' * n",
    "balanced [a]": "'[a]' * n",
    "emphasis *a": "'*a' * n",
    "quotes >": "'>' * n",
    "code `a": "'`a' * n",
}
CHILD = """
import os, sys, time
sys.path.insert(0, {root!r})
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
import django
django.setup()
from kb.markdown import render_markdown
n = {n}
text = {expr}
started = time.perf_counter()
render_markdown(text)
print(f"{{time.perf_counter() - started:.2f}}")
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="4000,8000,32000")
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{'pattern (n repeats)':<22}" + "".join(f"{n:>10}" for n in sizes))
    for name, expr in PATTERNS.items():
        cells = []
        for n in sizes:
            code = CHILD.format(root=str(ROOT), n=n, expr=expr)
            try:
                done = subprocess.run(
                    [sys.executable, "-c", code],
                    capture_output=True,
                    text=True,
                    timeout=args.timeout,
                    env={**os.environ, "PYTHONHASHSEED": "0"},
                    check=True,
                )
                cells.append(f"{done.stdout.strip()} s")
            except subprocess.TimeoutExpired:
                cells.append(f">{args.timeout:g} s")
        print(f"{name:<22}" + "".join(f"{c:>10}" for c in cells), flush=True)


if __name__ == "__main__":
    main()
