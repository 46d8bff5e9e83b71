"""What a student may do and see with one attempt, decided by the context the attempt was made in.

The quiz app knows no context of its own: an attempt at a public quiz follows today's rules
(`AttemptRules()`: check each answer when the quiz says so, everything shown after submitting,
the quiz's attempts limit). Another app (the classroom: an attempt made for a class assignment)
registers a provider that returns other rules for the attempts it governs; the quiz pages, the
check endpoint and the services consult `rules_for(attempt)` each time, so a student who reloads
a page after a date has passed sees what the new moment allows.

A provider is an object with:
- ``rules(attempt, now) -> AttemptRules | None`` (None: not one of its attempts);
- ``check_submission(attempt, now) -> bool``, called inside submit_attempt's transaction: raises
  ValidationError (code "late" — the answers are shown back, nothing is lost — or "closed")
  when the submission must be refused, returns True when it governs the attempt (then the
  quiz's own attempts limit does not apply), False otherwise;
- optionally ``start_attempt(quiz=, request=, **context) -> Attempt | None``: the API's start of
  an attempt in a context (``{"assignment": id}``), None when the context is not its own.
"""

from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class AttemptRules:
    check_each: bool = True  # the per-question check (for quizzes with feedback after each)
    score: bool = True  # the score, and whether each answer is right
    feedback: bool = True  # per-choice and general feedback
    right_answers: bool = True  # the right answer of each question
    can_retake: bool | None = None  # None: the quiz's own attempts limit decides
    governs_limit: bool = False  # True: `attempts_left` replaces the quiz's attempts limit
    attempts_left: int | None = None
    note: str = ""  # shown to the student (what this attempt counts for, what is hidden now)
    back_url: str = ""  # where the student goes back to (their class page)
    back_label: str = ""

    @property
    def shows_everything(self) -> bool:
        return self.score and self.feedback and self.right_answers


DEFAULT_RULES = AttemptRules()
_providers: list = []


def register(provider) -> None:
    if not any(type(p) is type(provider) for p in _providers):
        _providers.append(provider)


def rules_for(attempt, now=None) -> AttemptRules:
    if attempt is None or attempt.pk is None:
        return DEFAULT_RULES
    now = now or timezone.now()
    for provider in _providers:
        rules = provider.rules(attempt, now)
        if rules is not None:
            return rules
    return DEFAULT_RULES


def check_submission(attempt, now=None) -> bool:
    """Raise ValidationError if a provider refuses this submission; True if one governs it."""
    now = now or timezone.now()
    return any(provider.check_submission(attempt, now) for provider in _providers)


def start_attempt(*, quiz, request, **context):
    """The attempt a provider starts (or resumes) in `context`; None if no provider knows it."""
    for provider in _providers:
        starter = getattr(provider, "start_attempt", None)
        attempt = starter(quiz=quiz, request=request, **context) if starter else None
        if attempt is not None:
            return attempt
    return None
