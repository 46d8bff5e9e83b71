"""API test fixtures: an APIClient per role and a small published case with its ledger."""

import datetime

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from kb.models import CaseStudy, Country, KeyFact, Source, Theme, TimelineEvent
from kb.teachers import TEACHERS_GROUP


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def make_case(db):
    """make_case(slug, published=True, n_sources=2) → a case with sources, facts and events."""

    theme, _ = Theme.objects.get_or_create(
        slug="feedback-loops",
        defaults={
            "name": "Feedback loops",
            "definition": "Outputs feed the next inputs.",
            "explanation": "A model's outputs shape the data it is retrained on.",
        },
    )
    country, _ = Country.objects.get_or_create(
        slug="united-states", defaults={"name": "United States"}
    )

    def make(slug, *, published=True, n_sources=2, **fields):
        case = CaseStudy.objects.create(
            slug=slug,
            title=fields.pop("title", f"Case {slug}"),
            summary=fields.pop("summary", f"Summary of {slug}."),
            body=fields.pop("body", f"Body of **{slug}**."),
            sector=fields.pop("sector", "policing"),
            status=fields.pop("status", "deployed"),
            status_as_of=fields.pop("status_as_of", datetime.date(2020, 1, 1)),
            start_year=fields.pop("start_year", 2011),
            **fields,
        )
        case.themes.add(theme)
        case.countries.add(country)
        for i in range(n_sources):
            source = Source.objects.create(
                case=case,
                title=f"Report {i}",
                publisher="The Publisher",
                kind="news",
                url=f"https://news.test/{slug}/{i}",
                published_on=datetime.date(2019, 3, 1),
                order=i,
            )
            KeyFact.objects.create(
                case=case, statement=f"Fact {i} (76%)", source=source, status="verified", order=i
            )
            TimelineEvent.objects.create(
                case=case, date=datetime.date(2010 + i, 1, 1), precision="year", text=f"Event {i}"
            )
        if published:
            case.is_published = True
            case.save()
        return case

    return make


def _user(django_user_model, username, **extra):
    return django_user_model.objects.create_user(username=username, password="pw-123456!x", **extra)


@pytest.fixture
def roles(django_user_model):
    """Clients for anonymous, student, teacher and superuser."""
    teacher = _user(django_user_model, "t", is_staff=True)
    teacher.groups.add(Group.objects.get(name=TEACHERS_GROUP))
    users = {
        "anonymous": None,
        "student": _user(django_user_model, "s"),
        "teacher": teacher,
        "superuser": django_user_model.objects.create_superuser("root", "root@test.invalid", "pw"),
    }
    clients = {}
    for role, user in users.items():
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        clients[role] = client
    return clients
