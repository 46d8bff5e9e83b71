"""factory_boy factories for kb models (other apps' tests import these too)."""

import datetime

import factory
from django.utils.text import slugify
from factory.django import DjangoModelFactory

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


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name)[:50])
    definition = factory.LazyAttribute(lambda o: f"{o.name}: a one-sentence definition.")
    explanation = factory.LazyAttribute(lambda o: f"Why **{o.name}** matters.")
    order = factory.Sequence(lambda n: n)


class CountryFactory(DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Country {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name)[:50])


class CaseStudyFactory(DjangoModelFactory):
    """A published case (pass is_published=False for a draft). Sources are not created: add them
    with SourceFactory(case=...) or use `with_sources=3`."""

    class Meta:
        model = CaseStudy
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Case study {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.title)[:50])
    summary = factory.LazyAttribute(lambda o: f"What went wrong with {o.title}.")
    body = "A system was **deployed**, and it went wrong.\n\nIt matters for ML practice."
    sector = Sector.POLICING
    status = CaseStatus.DEPLOYED
    status_as_of = datetime.date(2019, 6, 1)
    start_year = 2015
    end_year = 2019
    discussion_questions = "- Who was harmed?\n- What should have been measured?"
    is_published = True

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.add(*extracted)

    @factory.post_generation
    def countries(self, create, extracted, **kwargs):
        if create and extracted:
            self.countries.add(*extracted)

    @factory.post_generation
    def with_sources(self, create, extracted, **kwargs):
        if create and extracted:
            SourceFactory.create_batch(extracted, case=self)


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source

    case = factory.SubFactory(CaseStudyFactory)
    title = factory.Sequence(lambda n: f"Source title {n}")
    publisher = "The Example Gazette"
    authors = "A. Author"
    published_on = datetime.date(2018, 3, 14)
    date_precision = DatePrecision.DAY
    url = factory.Sequence(lambda n: f"https://news.test/articles/{n}")
    kind = SourceKind.NEWS
    supports = "The deployment dates."
    order = factory.Sequence(lambda n: n)


class KeyFactFactory(DjangoModelFactory):
    class Meta:
        model = KeyFact

    case = factory.SubFactory(CaseStudyFactory)
    source = factory.LazyAttribute(lambda o: SourceFactory(case=o.case))
    statement = factory.Sequence(lambda n: f"Tested on {n + 30} people, 76% accuracy")
    location = "p. 4, table 2"
    status = FactStatus.VERIFIED
    order = factory.Sequence(lambda n: n)


class TimelineEventFactory(DjangoModelFactory):
    class Meta:
        model = TimelineEvent

    case = factory.SubFactory(CaseStudyFactory)
    date = datetime.date(2016, 5, 1)
    precision = DatePrecision.MONTH
    text = factory.Sequence(lambda n: f"Event number {n}")
