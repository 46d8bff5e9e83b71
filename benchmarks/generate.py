"""Build the benchmark databases: SMALL (the real fixtures) and LARGE (fixtures + generated rows).

Usage (run.py calls this in a subprocess, with DATABASE_URL pointing at a benchmark database)::

    DATABASE_URL=sqlite:///benchmarks/out/bench-large.sqlite3 \\
        .venv/bin/python benchmarks/generate.py --size large

SMALL is ``migrate`` + ``load_initial_content`` + one stored simulation run (for the permalink).
LARGE adds 10,000 cases (sources, key facts, timeline events, themes, countries, related cases),
200 quizzes (8 questions each, with choices) and 100,000 attempts with their answers, spread
over every published quiz, by ``bulk_create`` in batches. Rows are built from the real models so
the shapes match what the site writes; Markdown is rendered by the site's own
``render_markdown``, once per paragraph of a fixed pool (rendering 10,000 bodies one by one
would only measure Markdown). Edit history (django-simple-history) is not generated: no public
page reads it. A fixed random seed makes every build identical.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

N_CASES = 10_000
N_QUIZZES = 200
N_ATTEMPTS = 100_000
N_STUDENTS = 2_000
QUESTIONS_PER_QUIZ = 8
BATCH = 2_000
SEED = 20_261_125

WORDS = (
    "algorithm audit bias camera classifier consent court credit data deployment detection "
    "dataset drift error face fairness feedback forecast fraud gender hiring image label "
    "language loan model municipal network parole patrol police prediction privacy proxy "
    "recidivism risk school score screening sensor surveillance system tenant training "
    "transparency vendor welfare warehouse benefit border insurance housing triage"
).split()
ORGS = [
    "City police department",
    "Ministry of the Interior",
    "National employment agency",
    "Regional health authority",
    "A large retailer",
    "A university hospital",
    "A credit bureau",
    "A school district",
    "Border agency",
    "Social welfare office",
]
VENDORS = ["Acme Analytics", "Palantir-like vendor", "In-house team", "University lab", "Startup"]
PUBLISHERS = ["The Guardian", "ProPublica", "Nature", "Court of Justice", "Amnesty", "Wired"]
MARKDOWN_PARAGRAPHS = [
    "The system was sold as an objective way to {verb} {noun}, trained on {years} years of "
    "historical records [1]. Independent reviewers later found that the records themselves "
    "reflected where staff had looked, not where problems were [2].",
    "## What went wrong\n\nThe model's **{noun}** scores were used to decide who got attention "
    "first. Groups that were already over-represented in the data were flagged {factor} times "
    "more often [1].",
    "- The vendor claimed {pct}% accuracy on a test set drawn from the same period.\n"
    "- No evaluation was done on the population it was used on.\n"
    "- Appeals had to go through the same office that bought the system [3].",
    "Journalists obtained the contract under freedom-of-information law; it shows the buyer "
    "could not audit the {noun} model and that the error rate was never reported [2].",
    "## Why it matters for ML practice\n\nA model trained on decisions learns the decisions, "
    "including their mistakes. Measuring accuracy overall hides how errors fall on small "
    "groups; report them *per group* and compare base rates before trusting a score.",
    "After {years} years the programme was {fate}. Critics note that {pct}% of the flagged "
    "cases were never reviewed by a person, and that the {noun} feature acted as a proxy for "
    "protected characteristics [1] [3].",
    "> \u201cThe computer said so\u201d became the justification for decisions nobody could "
    "explain. \u2014 testimony before the committee [2]",
]
FATES = ["suspended", "abandoned", "expanded", "banned by a court", "quietly renewed"]
VERBS = ["rank", "predict", "detect", "score", "screen"]


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def log(message: str, started: float) -> None:
    print(f"  [{time.perf_counter() - started:6.1f} s] {message}", flush=True)


def build_small() -> None:
    """Schema, the real content, and one stored simulation run."""
    from django.core.management import call_command

    call_command("migrate", "--no-input", verbosity=0)
    call_command("load_initial_content", verbosity=0)
    store_simulation_run()


def store_simulation_run() -> None:
    from simulations import engine
    from simulations.services import get_or_run

    simulation = engine.all_simulations()[0]
    get_or_run(slug=simulation.slug, params={}, seed=1)


def _paragraph_pool(rng: random.Random) -> list[tuple[str, str]]:
    """(markdown, sanitised html) pairs, each rendered once by the site's renderer."""
    from kb.markdown import render_markdown

    pool = []
    for template in MARKDOWN_PARAGRAPHS:
        for _ in range(6):
            text = template.format(
                verb=rng.choice(VERBS),
                noun=rng.choice(WORDS),
                years=rng.randint(2, 12),
                factor=rng.randint(2, 9),
                pct=rng.randint(60, 99),
                fate=rng.choice(FATES),
            )
            pool.append((text, render_markdown(text)))
    return pool


def _title(rng: random.Random, n: int) -> str:
    words = rng.sample(WORDS, 3)
    return f"{words[0].capitalize()} {words[1]} {words[2]} case {n}"


def build_large() -> None:
    """SMALL, then 10,000 cases, 200 quizzes and 100,000 attempts."""
    from django.db import transaction

    started = time.perf_counter()
    build_small()
    log("schema, fixtures and a simulation run", started)
    rng = random.Random(SEED)
    with transaction.atomic():
        generate_cases(rng, started)
    with transaction.atomic():
        generate_quizzes(rng, started)
    with transaction.atomic():
        generate_attempts(rng, started)
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    log("analyzed", started)


def generate_cases(rng: random.Random, started: float) -> None:
    from kb.models import (
        CaseStatus,
        CaseStudy,
        Country,
        DatePrecision,
        FactStatus,
        KeyFact,
        Sector,
        Source,
        SourceKind,
        Theme,
        TimelineEvent,
    )

    pool = _paragraph_pool(rng)
    discussion_md = "1. Who checked the training data?\n2. Who could appeal, and how?"
    from kb.markdown import render_markdown

    discussion_html = render_markdown(discussion_md)
    theme_ids = list(Theme.objects.values_list("pk", flat=True))
    country_ids = list(Country.objects.values_list("pk", flat=True))
    sectors = [value for value, _ in Sector.choices]
    statuses = [value for value, _ in CaseStatus.choices]
    now = datetime.now(UTC)

    cases = []
    for n in range(1, N_CASES + 1):
        paragraphs = rng.sample(pool, rng.randint(4, 7))
        start = rng.randint(1995, 2025)
        published = rng.random() < 0.95
        cases.append(
            CaseStudy(
                slug=f"bench-case-{n:05d}",
                title=_title(rng, n),
                summary=f"A {rng.choice(WORDS)} model used to {rng.choice(VERBS)} "
                f"{rng.choice(WORDS)} decisions, and what it got wrong.",
                body="\n\n".join(md for md, _ in paragraphs),
                body_html="\n".join(html for _, html in paragraphs),
                discussion_questions=discussion_md,
                discussion_html=discussion_html,
                sector=rng.choice(sectors),
                deployer=rng.choice(ORGS),
                developer=rng.choice(VENDORS),
                start_year=start,
                end_year=start + rng.randint(0, 6) if rng.random() < 0.4 else None,
                status=rng.choice(statuses),
                is_published=published,
                is_featured=published and rng.random() < 0.002,
                published_at=now - timedelta(days=rng.randint(0, 2000)) if published else None,
            )
        )
    CaseStudy.objects.bulk_create(cases, batch_size=BATCH)
    cases = list(CaseStudy.objects.filter(slug__startswith="bench-case-").order_by("pk"))
    # Spread "last updated" over ~4 years so sorting by it means something (auto_now would
    # give every row the same instant): 200 groups, one UPDATE each.
    ids = [case.pk for case in cases]
    rng.shuffle(ids)
    for group in range(200):
        CaseStudy.objects.filter(pk__in=ids[group::200]).update(
            updated_at=now - timedelta(minutes=rng.randint(0, 2_000_000))
        )
    log(f"{len(cases)} cases", started)

    themes_through = CaseStudy.themes.through
    countries_through = CaseStudy.countries.through
    related_through = CaseStudy.related.through
    theme_rows, country_rows, related_pairs = [], [], set()
    for case in cases:
        for theme_id in rng.sample(theme_ids, rng.randint(1, 3)):
            theme_rows.append(themes_through(casestudy_id=case.pk, theme_id=theme_id))
        for country_id in rng.sample(country_ids, rng.randint(1, 2)):
            country_rows.append(countries_through(casestudy_id=case.pk, country_id=country_id))
        for _ in range(rng.randint(0, 2)):
            other = rng.choice(cases).pk
            if other != case.pk:
                related_pairs.add((case.pk, other))
                related_pairs.add((other, case.pk))
    themes_through.objects.bulk_create(theme_rows, batch_size=BATCH)
    countries_through.objects.bulk_create(country_rows, batch_size=BATCH)
    related_through.objects.bulk_create(
        [related_through(from_casestudy_id=a, to_casestudy_id=b) for a, b in related_pairs],
        batch_size=BATCH,
    )
    log(f"{len(theme_rows)} case themes, {len(related_pairs)} related links", started)

    sources = []
    kinds = [value for value, _ in SourceKind.choices]
    for case in cases:
        for order in range(rng.randint(3, 6)):
            sources.append(
                Source(
                    case_id=case.pk,
                    title=f"{_title(rng, case.pk)}: investigation",
                    publisher=rng.choice(PUBLISHERS),
                    authors="A. Writer, B. Reporter",
                    published_on=date(rng.randint(1996, 2025), rng.randint(1, 12), 1),
                    date_precision=rng.choice([DatePrecision.DAY, DatePrecision.MONTH]),
                    url=f"https://sources.bench.test/{case.slug}/{order}",
                    kind=rng.choice(kinds),
                    supports="The figures quoted in the body.",
                    order=order,
                )
            )
    Source.objects.bulk_create(sources, batch_size=BATCH)
    by_case: dict[int, list[int]] = {}
    for case_id, source_id in Source.objects.filter(case__in=cases).values_list("case_id", "pk"):
        by_case.setdefault(case_id, []).append(source_id)
    facts, events = [], []
    fact_statuses = [value for value, _ in FactStatus.choices]
    for case in cases:
        for order in range(rng.randint(2, 4)):
            facts.append(
                KeyFact(
                    case_id=case.pk,
                    statement=f"{rng.randint(10, 99)}% of flagged {rng.choice(WORDS)} cases "
                    f"were false positives",
                    source_id=rng.choice(by_case[case.pk]),
                    location=f"p. {rng.randint(1, 80)}",
                    status=rng.choice(fact_statuses),
                    order=order,
                )
            )
        for _ in range(rng.randint(2, 4)):
            events.append(
                TimelineEvent(
                    case_id=case.pk,
                    date=date(case.start_year + rng.randint(0, 5), rng.randint(1, 12), 1),
                    precision=DatePrecision.MONTH,
                    text=f"The {rng.choice(WORDS)} programme is {rng.choice(FATES)}.",
                )
            )
    KeyFact.objects.bulk_create(facts, batch_size=BATCH)
    TimelineEvent.objects.bulk_create(events, batch_size=BATCH)
    log(f"{len(sources)} sources, {len(facts)} key facts, {len(events)} timeline events", started)


def generate_quizzes(rng: random.Random, started: float) -> None:
    from kb.markdown import render_markdown
    from kb.models import CaseStudy, Theme
    from quiz.models import Choice, FeedbackTiming, Question, QuestionOrder, QuestionType, Quiz

    case_ids = list(CaseStudy.objects.published().values_list("pk", flat=True))
    theme_ids = list(Theme.objects.values_list("pk", flat=True))
    prompt_md = "Which of these explains why the **{noun}** model flagged more people in group B?"
    feedback_md = "Look at the base rates first: a score learned from past decisions repeats them."
    feedback_html = render_markdown(feedback_md)
    quizzes = [
        Quiz(
            slug=f"bench-quiz-{n:03d}",
            title=f"{rng.choice(WORDS).capitalize()} and {rng.choice(WORDS)}: quiz {n}",
            description="Check what you learned from the cases.",
            description_html=render_markdown("Check what you learned from the cases."),
            is_published=n % 20 != 0,
            question_order=rng.choice([QuestionOrder.FIXED, QuestionOrder.SHUFFLED]),
            shuffle_choices=rng.random() < 0.5,
            feedback_timing=rng.choice([FeedbackTiming.END, FeedbackTiming.EACH]),
        )
        for n in range(1, N_QUIZZES + 1)
    ]
    Quiz.objects.bulk_create(quizzes, batch_size=BATCH)
    quizzes = list(Quiz.objects.filter(slug__startswith="bench-quiz-").order_by("pk"))
    quiz_cases, quiz_themes = Quiz.cases.through, Quiz.themes.through
    quiz_cases.objects.bulk_create(
        [
            quiz_cases(quiz_id=quiz.pk, casestudy_id=case_id)
            for quiz in quizzes
            for case_id in rng.sample(case_ids, 2)
        ],
        batch_size=BATCH,
    )
    quiz_themes.objects.bulk_create(
        [
            quiz_themes(quiz_id=quiz.pk, theme_id=theme_id)
            for quiz in quizzes
            for theme_id in rng.sample(theme_ids, 2)
        ],
        batch_size=BATCH,
    )
    types = [QuestionType.SINGLE] * 4 + [
        QuestionType.MULTIPLE,
        QuestionType.MULTIPLE,
        QuestionType.TRUEFALSE,
        QuestionType.NUMERIC,
    ]
    prompts = {noun: render_markdown(prompt_md.format(noun=noun)) for noun in WORDS}
    questions = []
    for quiz in quizzes:
        for order, qtype in enumerate(types):
            noun = rng.choice(WORDS)
            questions.append(
                Question(
                    quiz_id=quiz.pk,
                    type=qtype,
                    prompt=prompt_md.format(noun=noun),
                    prompt_html=prompts[noun],
                    general_feedback=feedback_md,
                    general_feedback_html=feedback_html,
                    numeric_value=42.0 if qtype == QuestionType.NUMERIC else None,
                    numeric_tolerance=2.0 if qtype == QuestionType.NUMERIC else None,
                    case_id=rng.choice(case_ids) if rng.random() < 0.3 else None,
                    order=order,
                )
            )
    Question.objects.bulk_create(questions, batch_size=BATCH)
    questions = list(Question.objects.filter(quiz__in=quizzes).order_by("pk"))
    choices = []
    for question in questions:
        if question.type == QuestionType.NUMERIC:
            continue
        if question.type == QuestionType.TRUEFALSE:
            options = [("True", True), ("False", False)]
        elif question.type == QuestionType.MULTIPLE:
            options = [
                ("The labels", True),
                ("The proxy", True),
                ("Chance", False),
                ("Size", False),
            ]
        else:
            options = [("Base rates", True), ("Chance", False), ("Size", False), ("Noise", False)]
        for order, (text, correct) in enumerate(options):
            choices.append(
                Choice(
                    question_id=question.pk,
                    text=text,
                    is_correct=correct,
                    feedback="Right." if correct else "Not this one.",
                    feedback_html="<p>Right.</p>" if correct else "<p>Not this one.</p>",
                    misconception="" if correct else "confuses correlation with cause",
                    order=order,
                )
            )
    Choice.objects.bulk_create(choices, batch_size=BATCH)
    log(f"{len(quizzes)} quizzes, {len(questions)} questions, {len(choices)} choices", started)


def insert_rows(model, rows: list[dict]) -> None:
    """INSERT plain rows (attname -> Python value, explicit ids) with one executemany per batch.

    Answers and their choices are a million rows: building model instances for them would
    dominate the build time. Each value still goes through its field's get_db_prep_value, so
    UUIDs, decimals and datetimes are stored exactly as the ORM stores them.
    """
    from django.db import connection

    if not rows:
        return
    # Fields a row leaves out take their model default (a column added by a later migration
    # has no database default on PostgreSQL).
    missing = {
        f.attname: f.get_default()
        for f in model._meta.concrete_fields
        if f.attname not in rows[0] and f.has_default()
    }
    if missing:
        rows = [{**row, **missing} for row in rows]
    fields = [next(f for f in model._meta.concrete_fields if f.attname == n) for n in rows[0]]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    # Only UUIDs, decimals and datetimes need adapting; ints, floats, text and booleans go as is.
    adapt = [
        (f.attname, f.get_internal_type() in ("UUIDField", "DecimalField", "DateTimeField"), f)
        for f in fields
    ]
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH * 5):
            cursor.executemany(
                sql,
                [
                    [
                        f.get_db_prep_value(row[name], connection) if slow else row[name]
                        for name, slow, f in adapt
                    ]
                    for row in rows[start : start + BATCH * 5]
                ],
            )


def reset_sequences(*models) -> None:
    """After inserts with explicit ids, PostgreSQL's sequences must move past them."""
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def generate_attempts(rng: random.Random, started: float) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from quiz.models import Answer, AnswerChoice, Attempt, Question, QuestionType, Quiz

    User = get_user_model()
    password = make_password("bench-student-password")
    User.objects.bulk_create(
        [User(username=f"bench-student-{n:04d}", password=password) for n in range(N_STUDENTS)],
        batch_size=BATCH,
    )
    user_ids = list(
        User.objects.filter(username__startswith="bench-student-").values_list("pk", flat=True)
    )
    quizzes = list(Quiz.objects.published().order_by("pk"))
    questions: dict[int, list] = {}
    for question in (
        Question.objects.filter(quiz__in=quizzes, is_archived=False)
        .prefetch_related("choices")
        .order_by("order", "pk")
    ):
        question.choice_list = list(question.choices.all())
        question.right_text = question.right_answer_text(question.choice_list)
        questions.setdefault(question.quiz_id, []).append(question)
    quizzes = [q for q in quizzes if questions.get(q.pk)]
    anonymous_tokens = [secrets.token_hex(16) for _ in range(N_STUDENTS * 2)]
    now = datetime.now(UTC)
    attempt_id, answer_id, pick_id = _next_id(Attempt), _next_id(Answer), _next_id(AnswerChoice)

    made = 0
    while made < N_ATTEMPTS:
        size = min(BATCH * 5, N_ATTEMPTS - made)
        attempts, answers, picks = [], [], []
        for _ in range(size):
            quiz = rng.choice(quizzes)
            by_user = rng.random() < 0.6
            quiz_questions = questions[quiz.pk]
            submitted_at = None
            if rng.random() < 0.9:
                submitted_at = now - timedelta(minutes=rng.randint(0, 260_000))
            started_at = (submitted_at or now) - timedelta(minutes=rng.randint(2, 40))
            score = Decimal("0")
            for position, question in enumerate(quiz_questions, start=1):
                if submitted_at is None:
                    break
                right = rng.random() < 0.65
                number, chosen = None, []
                if question.type == QuestionType.NUMERIC:
                    number = float(question.numeric_value or 0) + (0 if right else 10)
                else:
                    correct = [c for c in question.choice_list if c.is_correct]
                    wrong = [c for c in question.choice_list if not c.is_correct]
                    chosen = correct if right or not wrong else [rng.choice(wrong)]
                points = question.points if right else Decimal("0")
                score += points
                answers.append(
                    {
                        "id": answer_id,
                        "attempt_id": attempt_id,
                        "question_id": question.pk,
                        "position": position,
                        "question_text": question.prompt,
                        "number": number,
                        "is_answered": True,
                        "is_correct": right,
                        "points": points,
                        "max_points": question.points,
                        "right_answer_text": question.right_text,
                        "answered_at": submitted_at,
                    }
                )
                for choice in chosen:
                    picks.append(
                        {
                            "id": pick_id,
                            "answer_id": answer_id,
                            "choice_id": choice.pk,
                            "choice_text": choice.text,
                            "was_correct": choice.is_correct,
                        }
                    )
                    pick_id += 1
                answer_id += 1
            attempts.append(
                {
                    "id": attempt_id,
                    "public_id": uuid.UUID(int=rng.getrandbits(128), version=4),
                    "quiz_id": quiz.pk,
                    "user_id": rng.choice(user_ids) if by_user else None,
                    "anonymous_owner": "" if by_user else rng.choice(anonymous_tokens),
                    "seed": rng.randrange(2**31),
                    "is_preview": False,
                    "started_at": started_at,
                    "submitted_at": submitted_at,
                    "score": score if submitted_at else None,
                    "max_score": sum((q.points for q in quiz_questions), Decimal("0"))
                    if submitted_at
                    else None,
                }
            )
            attempt_id += 1
        insert_rows(Attempt, attempts)
        insert_rows(Answer, answers)
        insert_rows(AnswerChoice, picks)
        made += size
        log(f"{made} attempts, {answer_id - 1} answers so far", started)
    reset_sequences(Attempt, Answer, AnswerChoice)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=["small", "large"], required=True)
    args = parser.parse_args()
    setup_django()
    started = time.perf_counter()
    build_small() if args.size == "small" else build_large()
    log(f"{args.size} database ready", started)


if __name__ == "__main__":
    main()
