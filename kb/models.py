"""Knowledge-base content: themes (ML problems), case studies, their sources, key facts and timelines."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models
from django.db.models import Count, Prefetch, Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language, gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from config.translation_support import render_each_language

from . import search as search_index
from .markdown import normalize_newlines, render_markdown

MIN_YEAR = 1900
MAX_YEAR = 2100

END_BEFORE_START = _("The end year cannot be before the start year.")
PUBLISHED_NEEDS_SOURCE = _(
    "A published case needs at least one source. Add a source, or leave it as a draft."
)
FACT_SOURCE_OTHER_CASE = _("Pick a source of this same case.")
VERIFIED_NEEDS_ORIGINAL = _(
    "Only a fact read in the original document can be marked verified: this source is a {origin}. "
    "Link the original document, or mark the fact as secondary."
)
# Django date format of the dates in a citation: the translation gives French its own.
CITATION_DATE_FORMAT = pgettext_lazy("date format of a citation", "d F Y")
STATUS_NEEDS_AS_OF = _("Give the date of the latest source you checked for this status.")


class DatePrecision(models.TextChoices):
    YEAR = "year", _("Year")
    MONTH = "month", _("Month")
    DAY = "day", _("Day")


def format_date(value: datetime.date | None, precision: str) -> str:
    """A date shown only as precisely as it is known, in the active language: '2019',
    'March 2019' / 'mars 2019', '14 March 2019' / '14 mars 2019' ('1er mars 2019')."""
    if value is None:
        # Translators: "no date", as in a bibliography.
        return gettext("n.d.")
    if precision == DatePrecision.YEAR:
        return str(value.year)
    month_year = date_format(value, "F Y")
    if precision == DatePrecision.MONTH:
        return month_year
    if value.day == 1 and (get_language() or "").startswith("fr"):
        return f"1er {month_year}"  # French writes the first of the month as an ordinal
    return f"{value.day} {month_year}"


def iso_date(value: datetime.date | None, precision: str) -> str:
    """The date for a <time datetime> attribute, only as precise as it is known: 2019, 2019-03."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


class SlugNaturalKeyManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class ThemeQuerySet(models.QuerySet):
    def search(self, q: str):
        """Themes whose name or definition, in French or English, holds every word of `q`
        (the first 10), ignoring case: "surapprentissage" and "overfitting" both find the
        overfitting theme. Themes are few: LIKE on the four columns is enough."""
        words = (q or "").split()[:10]
        if not words:
            return self.none()
        matches = self
        for word in words:
            anywhere = Q()
            for field in ("name", "definition"):
                for code in search_index.LANGUAGES:
                    anywhere |= Q(**{f"{field}_{code}__icontains": word})
            matches = matches.filter(anywhere)
        return matches

    def named(self, words):
        """Themes whose name, in French or English, holds every word (ignoring case)."""
        words = [word for word in words if word]
        if not words:
            return self.none()
        matches = self
        for word in words:
            anywhere = Q()
            for code in search_index.LANGUAGES:
                anywhere |= Q(**{f"name_{code}__icontains": word})
            matches = matches.filter(anywhere)
        return matches

    def with_published_case_counts(self):
        """Annotate `published_case_count`: how many published cases illustrate each theme."""
        return self.annotate(
            published_case_count=Count("cases", filter=Q(cases__is_published=True), distinct=True)
        )


class ThemeManager(SlugNaturalKeyManager.from_queryset(ThemeQuerySet)):
    pass


class Theme(models.Model):
    slug = models.SlugField(
        verbose_name=_("slug"),
        unique=True,
        help_text=_("Short name used in the address, e.g. feedback-loops."),
    )
    name = models.CharField(
        verbose_name=_("name"),
        max_length=120,
        help_text=_("The ML problem, as a student would name it."),
    )
    definition = models.CharField(
        verbose_name=_("definition"),
        max_length=300,
        help_text=_("One plain-language sentence. Shown as a tooltip wherever the theme appears."),
    )
    explanation = models.TextField(
        verbose_name=_("explanation"),
        help_text=_("Markdown. What the problem is, why it happens, and how the cases show it."),
    )
    explanation_html = models.TextField(
        verbose_name=_("explanation html"), editable=False, default=""
    )
    order = models.PositiveIntegerField(
        verbose_name=_("order"), default=0, help_text=_("Lower numbers come first in lists.")
    )
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    objects = ThemeManager()
    # history: registered in kb/translation.py, after the translated columns exist

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["order", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        render_each_language(
            self, "explanation", "explanation_html", render_markdown, normalize_newlines
        )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("kb:theme-detail", kwargs={"slug": self.slug})

    def natural_key(self):
        return (self.slug,)


class Country(models.Model):
    slug = models.SlugField(verbose_name=_("slug"), unique=True)
    name = models.CharField(verbose_name=_("name"), max_length=100, unique=True)

    objects = SlugNaturalKeyManager()

    class Meta:
        verbose_name = _("country")
        ordering = ["name"]
        verbose_name_plural = _("countries")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class GlossaryTerm(models.Model):
    """A term of the course's vocabulary, in French and English (kb/translation.py), with the
    theme that explains it. The glossary page lists the theme's simulations and quizzes."""

    slug = models.SlugField(
        unique=True, help_text="The term's anchor on the glossary page, e.g. overfitting."
    )
    term = models.CharField(max_length=120, help_text="The term as a student meets it in class.")
    definition = models.TextField(
        max_length=600, help_text="One or two plain sentences: what the term means."
    )
    theme = models.ForeignKey(
        Theme,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="glossary_terms",
        help_text="The theme that explains the term; its simulations and quizzes are listed "
        "with the term.",
    )

    objects = SlugNaturalKeyManager()

    class Meta:
        ordering = ["slug"]  # the page sorts by the term in its own language

    def __str__(self):
        return self.term

    def get_absolute_url(self):
        return f"{reverse('kb:glossary')}#{self.slug}"

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["kb.theme"]


class Sector(models.TextChoices):
    POLICING = "policing", _("Policing")
    CRIMINAL_JUSTICE = "criminal-justice", _("Criminal justice")
    BORDER_CONTROL = "border-control", _("Border control")
    SURVEILLANCE = "surveillance", _("Surveillance")
    EMPLOYMENT = "employment", _("Employment")
    RESEARCH = "research", _("Research")
    CONSUMER_SERVICES = "consumer-services", _("Consumer services")
    MILITARY = "military", _("Military")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    FINANCE = "finance", _("Finance")
    PUBLIC_SERVICES = "public-services", _("Public services")


class CaseStatus(models.TextChoices):
    RESEARCH_CLAIM = "research-claim", _("Research claim")
    PILOT = "pilot", _("Pilot")
    DEPLOYED = "deployed", _("Deployed")
    SUSPENDED = "suspended", _("Suspended")
    ABANDONED = "abandoned", _("Abandoned")
    BANNED = "banned", _("Banned")
    ONGOING = "ongoing", _("Ongoing")
    UNDER_NEGOTIATION = "under-negotiation", _("Under negotiation")
    UNKNOWN = "unknown", _("Unknown")


class CaseStudyQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def visible_to(self, user):
        """Published cases, plus drafts for people who may edit them."""
        if user.is_authenticated and user.has_perm("kb.change_casestudy"):
            return self.all()
        return self.published()

    def for_listing(self):
        """Everything the list page, feed and API list touch, in a fixed number of queries."""
        return self.prefetch_related("themes", "countries").defer(
            "body", "body_html", "discussion_questions", "discussion_html"
        )

    def search(self, q: str):
        """Cases whose title, summary or body match the words of `q`, in French or in English,
        and the cases of a theme whose name holds them ("surapprentissage" finds the cases of
        the overfitting theme even where their text does not use the word).

        PostgreSQL: full-text search, the French columns stemmed as French and the English ones
        as English (a word matches in either), best match first via `search_rank` (a case found
        by its theme alone ranks 0, after those its text matches).
        Elsewhere (SQLite): every word (the first 10) must appear, ignoring case, in one of the
        six columns (contains_all).
        """
        words = (q or "").split()
        if not words:
            return self
        themed = CaseStudy.themes.through.objects.filter(
            theme__in=Theme.objects.named(words[:10]).values("pk")
        ).values("casestudy_id")
        connection = connections[self.db]
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchRank

            # The stored, GIN-indexed vector of title (A), summary (B) and body (C) (kb.search).
            document = search_index.SearchDocument()
            query = search_index.postgres_query(" ".join(words))
            by_text = (
                CaseStudy.objects.alias(search_document=search_index.SearchDocument())
                .filter(search_document=query)
                .order_by()
                .values("pk")
            )
            return (
                self.alias(search_document=document)
                .annotate(search_rank=SearchRank(document, query))
                .filter(pk__in=by_text.union(themed))  # each read from its own index
                .order_by("-search_rank", "title")
            )
        by_text = self.contains_all(words[:10])  # bounded: one lookup per word
        return self.filter(Q(pk__in=by_text.order_by().values("pk")) | Q(pk__in=themed))

    def contains_all(self, terms):
        """Cases in which every term occurs, ignoring case, in the title, summary or body, in
        French or English (each term may be in either language).

        On SQLite with the trigram index (kb.search), terms of three characters or more are
        looked up in the index (which also folds non-ASCII case: "é" finds "É"); shorter terms,
        and other databases, use LIKE (icontains) on the six columns.
        """
        terms = [term for term in terms if term]
        matches = self
        connection = connections[self.db]
        indexed = []
        if connection.vendor == "sqlite" and search_index.index_ready(connection):
            indexed = [t for t in terms if len(t) >= search_index.MIN_INDEXED_CHARS]
        if indexed:
            matches = matches.filter(
                pk__in=RawSQL(
                    search_index.matching_ids_sql(), [search_index.match_expression(indexed)]
                )
            )
        for term in terms:
            if term not in indexed:
                anywhere = Q()
                for column in search_index.COLUMNS:
                    anywhere |= Q(**{f"{column}__icontains": term})
                matches = matches.filter(anywhere)
        return matches

    def in_decade(self, decade: int):
        """Cases that started in the decade beginning with `decade` (e.g. 2010 → 2010–2019)."""
        return self.filter(start_year__gte=decade, start_year__lt=decade + 10)

    def featured_or_recent(self, limit: int = 6):
        """Published featured cases; when none is featured, the most recently updated ones."""
        base = self.published().for_listing()
        featured = list(base.filter(is_featured=True).order_by("-updated_at")[:limit])
        return featured or list(base.order_by("-updated_at")[:limit])

    def for_detail(self):
        """Everything the detail page touches, in a fixed number of queries."""
        return self.prefetch_related(
            "themes",
            "countries",
            Prefetch("sources", queryset=Source.objects.order_by("order", "id")),
            Prefetch("key_facts", queryset=KeyFact.objects.select_related("source")),
            "timeline",
            Prefetch("related", queryset=CaseStudy.objects.published().prefetch_related("themes")),
        )


class CaseStudyManager(models.Manager.from_queryset(CaseStudyQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class CaseStudy(models.Model):
    slug = models.SlugField(
        verbose_name=_("slug"),
        unique=True,
        help_text=_("Short name used in the address, e.g. predpol."),
    )
    title = models.CharField(verbose_name=_("title"), max_length=200)
    summary = models.CharField(
        verbose_name=_("summary"),
        max_length=300,
        help_text=_("One line: what the system was and what went wrong."),
    )
    body = models.TextField(
        verbose_name=_("body"),
        help_text=_(
            "Markdown. What was claimed, how it worked, what went wrong, the outcome, "
            "and why it matters for ML practice. Cite sources by number, e.g. [1]."
        ),
    )
    body_html = models.TextField(verbose_name=_("body html"), editable=False, default="")
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), blank=True, related_name="cases"
    )
    sector = models.CharField(
        verbose_name=_("sector"), max_length=30, choices=Sector, db_index=True
    )
    deployer = models.CharField(
        verbose_name=_("deployer"),
        max_length=300,
        blank=True,
        help_text=_("Who used the system (police force, company, state…)."),
    )
    developer = models.CharField(
        verbose_name=_("developer"),
        max_length=300,
        blank=True,
        help_text=_("Who built it (vendor, lab, consortium…)."),
    )
    start_year = models.PositiveSmallIntegerField(
        verbose_name=_("start year"),
        null=True,
        blank=True,
        db_index=True,
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)],
        help_text=_("Year the system was first built, tested or used."),
    )
    end_year = models.PositiveSmallIntegerField(
        verbose_name=_("end year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)],
        help_text=_(
            "Year it was stopped. Leave empty if it is still in use or its fate is unknown."
        ),
    )
    status = models.CharField(
        verbose_name=_("status"),
        max_length=30,
        choices=CaseStatus,
        db_index=True,
        help_text=_("Where the system stands today."),
    )
    status_as_of = models.DateField(
        verbose_name=_("status as of"),
        null=True,
        blank=True,
        help_text=_(
            "Date of the latest source you checked for this status; shown as "
            "“as of” month and year, since a status can change."
        ),
    )
    themes = models.ManyToManyField(
        Theme,
        verbose_name=_("themes"),
        related_name="cases",
        blank=True,
        help_text=_("The ML problems this case illustrates."),
    )
    related = models.ManyToManyField(
        "self", verbose_name=_("related"), blank=True, symmetrical=True
    )
    discussion_questions = models.TextField(
        verbose_name=_("discussion questions"),
        blank=True,
        help_text=_("Markdown list of questions for class discussion."),
    )
    discussion_html = models.TextField(
        verbose_name=_("discussion html"), editable=False, default=""
    )
    is_published = models.BooleanField(
        verbose_name=_("published"),
        default=False,
        db_index=True,
        help_text=_("Only published cases are visible to the public."),
    )
    is_featured = models.BooleanField(
        verbose_name=_("featured"), default=False, help_text=_("Shown on the home page.")
    )
    published_at = models.DateTimeField(
        verbose_name=_("published at"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True, db_index=True)

    objects = CaseStudyManager()
    # history: registered in kb/translation.py, after the translated columns exist

    class Meta:
        ordering = ["title"]
        verbose_name = _("case study")
        verbose_name_plural = _("case studies")
        # The case list's default order (title, then id): read in index order, no sort.
        indexes = [models.Index(fields=["title", "id"], name="kb_case_title_id_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__isnull=True)
                | Q(start_year__isnull=True)
                | Q(end_year__gte=models.F("start_year")),
                name="kb_case_end_after_start",
            ),
        ]

    # The admin sets this: its Source inline formset checks the sources being saved with the case
    # (inlines are saved after the case itself, so the database does not have them yet).
    sources_checked_elsewhere = False

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        render_each_language(self, "body", "body_html", render_markdown, normalize_newlines)
        render_each_language(
            self, "discussion_questions", "discussion_html", render_markdown, normalize_newlines
        )
        if self.is_published and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("kb:case-detail", kwargs={"slug": self.slug})

    def clean(self):
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": END_BEFORE_START})
        if self.status and self.status_as_of is None:
            raise ValidationError({"status_as_of": STATUS_NEEDS_AS_OF})
        if (
            self.is_published
            and self.pk
            and not self.sources_checked_elsewhere
            and not self.sources.exists()
        ):
            raise ValidationError({"is_published": PUBLISHED_NEEDS_SOURCE})

    def natural_key(self):
        return (self.slug,)

    def citation_text(self, url: str, *, accessed: datetime.date | None = None) -> str:
        """A plain-text reference to this case page, e.g. for a bibliography, in the active
        language ('02 January 2026'; French '2 janvier 2026')."""
        accessed = accessed or timezone.now().date()
        updated = timezone.localdate(self.updated_at) if self.updated_at else accessed
        return _(
            "Reality Check. “{title}.” Case study, last updated {updated}. "
            "{url} (accessed {accessed})."
        ).format(
            title=self.title,
            updated=date_format(updated, CITATION_DATE_FORMAT),
            url=url,
            accessed=date_format(accessed, CITATION_DATE_FORMAT),
        )

    def citation_bibtex(self, url: str, *, accessed: datetime.date | None = None) -> str:
        """A BibTeX @misc entry for this case page."""
        accessed = accessed or timezone.now().date()
        updated = timezone.localdate(self.updated_at) if self.updated_at else accessed
        key = "realitycheck-" + "".join(c if c.isalnum() else "-" for c in self.slug)
        return (
            f"@misc{{{key},\n"
            f"  author = {{{{Reality Check}}}},\n"
            f"  title = {{{{{bibtex_escape(self.title)}}}}},\n"
            f"  year = {{{updated.year}}},\n"
            f"  howpublished = {{\\url{{{bibtex_escape(url, url=True)}}}}},\n"
            "  note = {"
            + _("Case study, last updated {updated}; accessed {accessed}").format(
                updated=f"{updated:%Y-%m-%d}", accessed=f"{accessed:%Y-%m-%d}"
            )
            + "},\n"
            "}\n"
        )

    def numbered_key_facts(self) -> list["KeyFact"]:
        """Key facts, each with `source_number`: its source's number in the list of sources.

        Uses the prefetched sources and key facts of `for_detail()`: no extra query.
        """
        numbers = {source.pk: n for n, source in enumerate(self.sources.all(), start=1)}
        facts = list(self.key_facts.all())
        for fact in facts:
            fact.source_number = numbers.get(fact.source_id)
        return facts

    @property
    def years(self) -> str:
        if not self.start_year:
            return ""
        if self.end_year == self.start_year:
            return str(self.start_year)
        return f"{self.start_year}–{self.end_year or ''}"


BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bibtex_escape(text: str, *, url: bool = False) -> str:
    """Escape LaTeX specials so a title or URL cannot break (or inject into) a BibTeX entry."""
    if url:  # inside \url{} only braces, backslashes and % are a problem
        return "".join(f"\\{c}" if c in "{}%\\" else c for c in text)
    return "".join(BIBTEX_SPECIAL.get(c, c) for c in text)


class SourceKind(models.TextChoices):
    NEWS = "news", _("News")
    ACADEMIC = "academic", _("Academic")
    OFFICIAL = "official", _("Official")
    COURT = "court", _("Court")
    NGO = "ngo", _("NGO")
    COMPANY = "company", _("Company")
    BLOG = "blog", _("Blog or essay")


class SourceOrigin(models.TextChoices):
    """Whether the linked document is where the fact originates. Only an original can verify."""

    ORIGINAL = "original", _("Original document")
    REPORT = "report", _("Report of another document")
    COPY = "copy", _("Copy, mirror or syndication")


class Source(models.Model):
    case = models.ForeignKey(
        CaseStudy, verbose_name=_("case"), on_delete=models.CASCADE, related_name="sources"
    )
    title = models.CharField(verbose_name=_("title"), max_length=400)
    publisher = models.CharField(
        verbose_name=_("publisher"), max_length=200, help_text=_("Outlet, journal or organisation.")
    )
    authors = models.CharField(verbose_name=_("authors"), max_length=400, blank=True)
    published_on = models.DateField(
        verbose_name=_("published on"), null=True, blank=True, help_text=_("Publication date.")
    )
    date_precision = models.CharField(
        verbose_name=_("date precision"),
        max_length=5,
        choices=DatePrecision,
        default=DatePrecision.DAY,
        help_text=_("How precisely the date is known; only that much is shown."),
    )
    url = models.URLField(
        verbose_name=_("URL"),
        max_length=500,
        help_text=_("The original publisher's address, not a mirror."),
    )
    archived_url = models.URLField(
        verbose_name=_("archived URL"),
        max_length=500,
        blank=True,
        help_text=_("Optional archive copy."),
    )
    kind = models.CharField(verbose_name=_("kind"), max_length=10, choices=SourceKind)
    origin = models.CharField(
        verbose_name=_("origin"),
        max_length=10,
        choices=SourceOrigin,
        default=SourceOrigin.ORIGINAL,
        help_text=_(
            "Original: the paper, ruling, official document or article where the facts it "
            "supports first appeared. Report: an article relaying or summarising another document. "
            "Copy: a mirror or syndicated copy (prefer the original)."
        ),
    )
    language = models.CharField(
        verbose_name=_("language"),
        max_length=12,
        default="en",
        help_text=_(
            "Language the source is written in (a code such as en, fr, de): its title "
            "stays in that language and the link says so."
        ),
    )
    supports = models.TextField(
        verbose_name=_("supports"),
        blank=True,
        help_text=_("What in the case this source supports."),
    )
    order = models.PositiveIntegerField(
        verbose_name=_("order"), default=0, help_text=_("Sources are numbered in this order.")
    )

    # history: registered in kb/translation.py

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["case", "order", "id"]

    def __str__(self):
        return f"{self.publisher}: {self.title}"

    @property
    def date_display(self) -> str:
        return format_date(self.published_on, self.date_precision)

    @property
    def date_iso(self) -> str:
        return iso_date(self.published_on, self.date_precision)


class FactStatus(models.TextChoices):
    VERIFIED = "verified", _("Verified in the primary source")
    SECONDARY = "secondary", _("Secondary source only")
    DISPUTED = "disputed", _("Disputed")


class KeyFact(models.Model):
    case = models.ForeignKey(
        CaseStudy, verbose_name=_("case"), on_delete=models.CASCADE, related_name="key_facts"
    )
    statement = models.CharField(
        verbose_name=_("statement"),
        max_length=500,
        help_text=_('The claim with its number, e.g. "tested on 32 people, 76% accuracy".'),
    )
    source = models.ForeignKey(
        Source,
        verbose_name=_("source"),
        on_delete=models.PROTECT,
        related_name="key_facts",
        help_text=_("The source the statement comes from (a source of this case)."),
    )
    location = models.CharField(
        verbose_name=_("location"),
        max_length=200,
        blank=True,
        help_text=_("Where in the source: page, table, section."),
    )
    status = models.CharField(verbose_name=_("status"), max_length=10, choices=FactStatus)
    note = models.CharField(
        verbose_name=_("note"),
        max_length=500,
        blank=True,
        help_text=_("Why disputed, or what conflicts."),
    )
    order = models.PositiveIntegerField(verbose_name=_("order"), default=0)

    # history: registered in kb/translation.py

    class Meta:
        verbose_name = _("key fact")
        verbose_name_plural = _("key facts")
        ordering = ["case", "order", "id"]

    def __str__(self):
        return self.statement

    def clean(self):
        if self.source_id and self.case_id and self.source.case_id != self.case_id:
            raise ValidationError({"source": FACT_SOURCE_OTHER_CASE})
        if (
            self.source_id
            and self.status == FactStatus.VERIFIED
            and self.source.origin != SourceOrigin.ORIGINAL
        ):
            raise ValidationError(
                {
                    "status": VERIFIED_NEEDS_ORIGINAL.format(
                        origin=self.source.get_origin_display().lower()
                    )
                }
            )


class TimelineEvent(models.Model):
    case = models.ForeignKey(
        CaseStudy, verbose_name=_("case"), on_delete=models.CASCADE, related_name="timeline"
    )
    date = models.DateField(
        verbose_name=_("date"),
        help_text=_("For a year or month only, pick its first day and set the precision."),
    )
    precision = models.CharField(
        verbose_name=_("precision"), max_length=5, choices=DatePrecision, default=DatePrecision.DAY
    )
    text = models.CharField(verbose_name=_("text"), max_length=500)

    # history: registered in kb/translation.py

    class Meta:
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        ordering = ["case", "date", "id"]

    def __str__(self):
        return f"{self.date_display}: {self.text}"

    @property
    def date_display(self) -> str:
        return format_date(self.date, self.precision)

    @property
    def date_iso(self) -> str:
        return iso_date(self.date, self.precision)
