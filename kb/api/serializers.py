"""Serializers of the knowledge-base API: explicit fields, slugs as identifiers, relations as
the one small object of config.api_relations."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api_relations import (
    RelationField,
    RelationSerializer,
    absolute,
    quiz_relation,
    simulation_relation,
)
from kb.models import (
    END_BEFORE_START,
    FACT_SOURCE_OTHER_CASE,
    PUBLISHED_NEEDS_SOURCE,
    STATUS_NEEDS_AS_OF,
    VERIFIED_NEEDS_ORIGINAL,
    CaseStudy,
    Country,
    DatePrecision,
    FactStatus,
    KeyFact,
    Source,
    SourceOrigin,
    Theme,
    TimelineEvent,
)


@extend_schema_field({"type": "string", "format": "uri", "readOnly": True})
class HtmlUrlField(serializers.Field):
    """``html_url``: the object's page on the site, absolute (in the answer's language)."""

    def __init__(self, path=None, **kwargs):
        self.path = path
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        path = self.path(value) if self.path else value.get_absolute_url()
        return absolute(self.context.get("request"), path)


class ThemeSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:theme-detail", lookup_field="slug")
    html_url = HtmlUrlField()
    title = serializers.CharField(source="name", max_length=120)
    explanation_html = serializers.CharField(read_only=True)

    class Meta:
        model = Theme
        fields = [
            "slug",
            "title",
            "definition",
            "explanation",
            "explanation_html",
            "order",
            "url",
            "html_url",
        ]


def _source_page(source) -> str:
    return reverse("kb:case-detail", kwargs={"slug": source.case.slug}) + "#sources"


def _fact_page(fact) -> str:
    return reverse("kb:case-detail", kwargs={"slug": fact.case.slug}) + "#key-facts"


class SourceSerializer(serializers.ModelSerializer):
    case = RelationField("case", queryset=CaseStudy.objects.all())
    date = serializers.DateField(
        source="published_on",
        required=False,
        allow_null=True,
        help_text="Publication date (ISO 8601); only the part `date_precision` names is known.",
    )
    date_display = serializers.CharField(read_only=True)
    document_url = serializers.URLField(
        source="url", max_length=500, help_text="The source document itself."
    )
    url = serializers.HyperlinkedIdentityField(view_name="api:source-detail")
    html_url = HtmlUrlField(path=_source_page)

    class Meta:
        model = Source
        fields = [
            "id",
            "case",
            "title",
            "publisher",
            "authors",
            "date",
            "date_precision",
            "date_display",
            "document_url",
            "archived_url",
            "kind",
            "origin",
            "supports",
            "order",
            "url",
            "html_url",
        ]


class KeyFactSerializer(serializers.ModelSerializer):
    case = RelationField("case", queryset=CaseStudy.objects.all())
    source = RelationField("source", queryset=Source.objects.select_related("case"))
    url = serializers.HyperlinkedIdentityField(view_name="api:key-fact-detail")
    html_url = HtmlUrlField(path=_fact_page)

    class Meta:
        model = KeyFact
        fields = [
            "id",
            "case",
            "statement",
            "source",
            "location",
            "status",
            "note",
            "order",
            "url",
            "html_url",
        ]

    def to_representation(self, instance):
        # The source belongs to the fact's case: reuse the loaded case (no query per fact).
        if (
            instance.source_id is not None
            and KeyFact.source.is_cached(instance)
            and KeyFact.case.is_cached(instance)
            and instance.source.case_id == instance.case_id
        ):
            instance.source.case = instance.case
        return super().to_representation(instance)

    def validate(self, attrs):
        case = attrs.get("case", getattr(self.instance, "case", None))
        source = attrs.get("source", getattr(self.instance, "source", None))
        if case and source and source.case_id != case.pk:
            raise serializers.ValidationError({"source": [FACT_SOURCE_OTHER_CASE]})
        status = attrs.get("status", getattr(self.instance, "status", None))
        if source and status == FactStatus.VERIFIED and source.origin != SourceOrigin.ORIGINAL:
            raise serializers.ValidationError(
                {
                    "status": [
                        VERIFIED_NEEDS_ORIGINAL.format(origin=source.get_origin_display().lower())
                    ]
                }
            )
        return attrs


class TimelineEventSerializer(serializers.ModelSerializer):
    date_precision = serializers.ChoiceField(source="precision", choices=DatePrecision.choices)
    date_display = serializers.CharField(read_only=True)

    class Meta:
        model = TimelineEvent
        fields = ["date", "date_precision", "date_display", "text"]


class CaseStudyListSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:case-detail", lookup_field="slug")
    html_url = HtmlUrlField()
    themes = RelationField("theme", many=True, read_only=True)
    countries = RelationField("country", many=True, read_only=True)

    class Meta:
        model = CaseStudy
        fields = [
            "slug",
            "title",
            "summary",
            "sector",
            "status",
            "status_as_of",
            "countries",
            "start_year",
            "end_year",
            "themes",
            "is_published",
            "created_at",
            "updated_at",
            "url",
            "html_url",
        ]


class CaseSimulationSerializer(RelationSerializer):
    question = serializers.CharField()
    presets = serializers.ListField(
        child=serializers.SlugField(), help_text="Slugs of the presets made for this case."
    )

    class Meta:
        ref_name = "CaseSimulation"


class CaseStudyDetailSerializer(CaseStudyListSerializer):
    sources = SourceSerializer(many=True, read_only=True)
    key_facts = KeyFactSerializer(many=True, read_only=True)
    timeline = TimelineEventSerializer(many=True, read_only=True)
    related = RelationField("case", many=True, read_only=True)
    simulations = serializers.SerializerMethodField()
    quizzes = serializers.SerializerMethodField()

    class Meta(CaseStudyListSerializer.Meta):
        fields = [
            *CaseStudyListSerializer.Meta.fields,
            "deployer",
            "developer",
            "body",
            "body_html",
            "discussion_questions",
            "discussion_html",
            "sources",
            "key_facts",
            "timeline",
            "related",
            "simulations",
            "quizzes",
        ]

    @extend_schema_field(CaseSimulationSerializer(many=True))
    def get_simulations(self, case) -> list[dict]:
        # From the engine's in-memory registry: no query.
        request = self.context.get("request")
        return [
            {**simulation_relation(sim["slug"], sim["title"], request), **extra}
            for sim in self.context.get("simulations_by_case", {}).get(case.slug, [])
            for extra in [{"question": sim["question"], "presets": sim["presets"]}]
        ]

    @extend_schema_field(RelationSerializer(many=True))
    def get_quizzes(self, case) -> list[dict]:
        request = self.context.get("request")
        return [
            quiz_relation(quiz, request)
            for quiz in self.context.get("quizzes_by_case", {}).get(case.slug, [])
        ]


class CaseStudyWriteSerializer(serializers.ModelSerializer):
    """Teachers' writes: themes, countries and related cases by slug."""

    themes = RelationField("theme", many=True, queryset=Theme.objects.all(), required=False)
    countries = RelationField("country", many=True, queryset=Country.objects.all(), required=False)
    related = RelationField("case", many=True, queryset=CaseStudy.objects.all(), required=False)
    url = serializers.HyperlinkedIdentityField(view_name="api:case-detail", lookup_field="slug")
    html_url = HtmlUrlField()

    class Meta:
        model = CaseStudy
        fields = [
            "slug",
            "title",
            "summary",
            "body",
            "countries",
            "sector",
            "deployer",
            "developer",
            "start_year",
            "end_year",
            "status",
            "status_as_of",
            "themes",
            "related",
            "discussion_questions",
            "is_published",
            "is_featured",
            "url",
            "html_url",
        ]

    def validate(self, attrs):
        start = attrs.get("start_year", getattr(self.instance, "start_year", None))
        end = attrs.get("end_year", getattr(self.instance, "end_year", None))
        if start and end and end < start:
            raise serializers.ValidationError({"end_year": [END_BEFORE_START]})
        as_of = attrs.get("status_as_of", getattr(self.instance, "status_as_of", None))
        if as_of is None:
            raise serializers.ValidationError({"status_as_of": [STATUS_NEEDS_AS_OF]})
        publishing = attrs.get("is_published", getattr(self.instance, "is_published", False))
        if publishing and (self.instance is None or not self.instance.sources.exists()):
            raise serializers.ValidationError({"is_published": [PUBLISHED_NEEDS_SOURCE]})
        return attrs


class CaseExportSerializer(serializers.Serializer):
    exported_at = serializers.DateTimeField()
    count = serializers.IntegerField()
    cases = CaseStudyDetailSerializer(many=True)
