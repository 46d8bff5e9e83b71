"""Time a GIFT import of the largest allowed file (review M6: 144 s for 16,383 questions).

Usage::

    .venv/bin/python benchmarks/import_gift.py [--keep]

Builds a file just under quiz.services.IMPORT_MAX_BYTES with QUIZ_MAX_QUESTIONS questions of
QUESTION_MAX_CHOICES choices each (Markdown prompts, feedback on every choice), migrates a
throwaway SQLite database in a temporary directory, and times ``import_questions`` (parse,
check, bulk write with history) in one transaction: the time SQLite's write lock is held.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def build_file(max_bytes: int, questions: int, choices: int) -> str:
    def block(i: int, prompt_len: int) -> str:
        prompt = f"::Q{i}:: **Question {i}**: " + ("which of these holds? " * 60)[:prompt_len]
        lines = [f"{prompt} {{"]
        for c in range(choices):
            marker = "=" if c == 0 else "~"
            lines.append(f"\t{marker}Choice {c} of question {i}, worded at some length#why {c}")
        lines.append("\t####The *explanation* of the answer.")
        lines.append("}")
        return "\n".join(lines)

    prompt_len = 2000
    while prompt_len > 0:
        text = "\n\n".join(block(i, prompt_len) for i in range(questions)) + "\n"
        if len(text.encode("utf-8")) <= max_bytes:
            return text
        prompt_len -= 50
    raise SystemExit("cannot fit the questions in the size limit")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="rc-import-bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from quiz.models import QUESTION_MAX_CHOICES, QUIZ_MAX_QUESTIONS, Choice, Quiz
    from quiz.services import IMPORT_MAX_BYTES, import_questions

    text = build_file(IMPORT_MAX_BYTES, QUIZ_MAX_QUESTIONS, QUESTION_MAX_CHOICES)
    quiz = Quiz.objects.create(slug="bench-import", title="Import benchmark")
    started = time.perf_counter()
    saved = import_questions(quiz=quiz, text=text, fmt="gift")
    seconds = time.perf_counter() - started
    rows = Choice.objects.filter(question__quiz=quiz).count()
    print(
        f"GIFT import: {len(text.encode('utf-8')) / 1024:.0f} KiB, {len(saved)} questions, "
        f"{rows} choices in {seconds:.2f} s (SQLite, one transaction)"
    )
    if not args.keep:
        for path in tmp.iterdir():
            path.unlink()
        tmp.rmdir()


if __name__ == "__main__":
    main()
