"""One shape for every relation in the API (issue 18).

Rule: a relation to another thing (a case, theme, country, quiz, simulation or source) is read
as the same small object, ``{"slug", "title", "url", "html_url"}`` (a source, which has no slug,
carries ``id`` instead of ``slug``); ``url`` is the thing's API resource and ``html_url`` its page,
both absolute. Writes name the related thing by its slug (a source by its id).

A country has no resource of its own: its ``url`` is the API's case list filtered by the country
and its ``html_url`` the site's case list filtered the same way.
"""

from urllib.parse import urlencode

from django.urls import reverse
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers


def absolute(request, path: str) -> str:
    return request.build_absolute_uri(path) if request is not None else path


def _obj(request, key: str, value, title: str, api_path: str, html_path: str) -> dict:
    return {
        key: value,
        "title": title,
        "url": absolute(request, api_path),
        "html_url": absolute(request, html_path),
    }


def case_relation(case, request) -> dict:
    return _obj(
        request,
        "slug",
        case.slug,
        case.title,
        reverse("api:case-detail", kwargs={"slug": case.slug}),
        case.get_absolute_url(),
    )


def theme_relation(theme, request) -> dict:
    return _obj(
        request,
        "slug",
        theme.slug,
        theme.name,
        reverse("api:theme-detail", kwargs={"slug": theme.slug}),
        theme.get_absolute_url(),
    )


def country_relation(country, request) -> dict:
    query = "?" + urlencode({"country": country.slug})
    return _obj(
        request,
        "slug",
        country.slug,
        country.name,
        reverse("api:case-list") + query,
        reverse("kb:case-list") + query,
    )


def quiz_relation(quiz, request) -> dict:
    return _obj(
        request,
        "slug",
        quiz.slug,
        quiz.title,
        reverse("api:quiz-detail", kwargs={"slug": quiz.slug}),
        quiz.get_absolute_url(),
    )


def simulation_relation(slug: str, title: str, request, preset: str = "") -> dict:
    html = reverse("simulations:simulation-detail", kwargs={"slug": slug})
    if preset:
        html += "?" + urlencode({"preset": preset})
    return _obj(
        request,
        "slug",
        slug,
        str(title),
        reverse("api:simulation-detail", kwargs={"slug": slug}),
        html,
    )


def source_relation(source, request) -> dict:
    """A source's page is its case's page, at the list of sources."""
    case_slug = source.case.slug
    return _obj(
        request,
        "id",
        source.pk,
        source.title,
        reverse("api:source-detail", kwargs={"pk": source.pk}),
        reverse("kb:case-detail", kwargs={"slug": case_slug}) + "#sources",
    )


RELATIONS = {
    "case": case_relation,
    "theme": theme_relation,
    "country": country_relation,
    "quiz": quiz_relation,
    "source": source_relation,
}


class RelationSerializer(serializers.Serializer):
    """Schema of a relation (the responses build it with the functions above)."""

    slug = serializers.SlugField(help_text="The related thing's identifier.")
    title = serializers.CharField(help_text="Its title in the answer's language.")
    url = serializers.URLField(help_text="Its API resource (absolute).")
    html_url = serializers.URLField(help_text="Its page on the site (absolute).")

    class Meta:
        ref_name = "Relation"


class SourceRelationSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The source's identifier.")
    title = serializers.CharField()
    url = serializers.URLField(help_text="The source's API resource (absolute).")
    html_url = serializers.URLField(help_text="Its case's page, at the list of sources.")

    class Meta:
        ref_name = "SourceRelation"


class RelationField(serializers.RelatedField):
    """Reads as the small relation object; writes take the slug (a source: its id)."""

    def __init__(self, kind: str, **kwargs):
        self.kind = kind
        self.lookup = "pk" if kind == "source" else "slug"
        super().__init__(**kwargs)

    def to_representation(self, value):
        return RELATIONS[self.kind](value, self.context.get("request"))

    # DRF's own messages (translated by DRF's catalogue).
    default_error_messages = {
        "does_not_exist": serializers.SlugRelatedField.default_error_messages["does_not_exist"],
        "incorrect_type": serializers.PrimaryKeyRelatedField.default_error_messages[
            "incorrect_type"
        ],
        "invalid": serializers.SlugRelatedField.default_error_messages["invalid"],
    }

    def to_internal_value(self, data):
        queryset = self.get_queryset()
        if self.lookup == "pk":
            if isinstance(data, str) and data.isdigit():
                data = int(data)
            if isinstance(data, bool) or not isinstance(data, int):
                self.fail("incorrect_type", data_type=type(data).__name__)
            if not 0 < data < 2**63:  # beyond any id (and beyond what the database takes)
                self.fail("does_not_exist", slug_name="id", value=data)
        elif not isinstance(data, str):
            self.fail("invalid")
        try:
            return queryset.get(**{self.lookup: data})
        except queryset.model.DoesNotExist:
            self.fail(
                "does_not_exist", slug_name="id" if self.lookup == "pk" else "slug", value=data
            )
        except (TypeError, ValueError):
            self.fail("invalid")


class RelationFieldExtension(OpenApiSerializerFieldExtension):
    """In the schema: the relation object in responses, the slug (or id) in requests."""

    target_class = RelationField

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            if self.target.kind == "source":
                return build_basic_type(OpenApiTypes.INT)
            return {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}
        serializer = (
            SourceRelationSerializer if self.target.kind == "source" else RelationSerializer
        )
        component = auto_schema.resolve_serializer(serializer, direction)
        return component.ref
