"""Serializers of the knowledge-base API: explicit fields, slugs as identifiers."""

from rest_framework import serializers

from kb.models import (
    END_BEFORE_START,
    FACT_SOURCE_OTHER_CASE,
    PUBLISHED_NEEDS_SOURCE,
    STATUS_NEEDS_AS_OF,
    VERIFIED_NEEDS_ORIGINAL,
    CaseStudy,
    Country,
    FactStatus,
    KeyFact,
    Source,
    SourceOrigin,
    Theme,
    TimelineEvent,
)


class ThemeSummarySerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:theme-detail", lookup_field="slug")

    class Meta:
        model = Theme
        fields = ["slug", "name", "definition", "url"]


class ThemeSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:theme-detail", lookup_field="slug")
    explanation_html = serializers.CharField(read_only=True)

    class Meta:
        model = Theme
        fields = ["slug", "name", "definition", "explanation", "explanation_html", "order", "url"]


class SourceSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(slug_field="slug", queryset=CaseStudy.objects.all())
    date = serializers.CharField(source="date_display", read_only=True)

    class Meta:
        model = Source
        fields = [
            "id",
            "case",
            "title",
            "publisher",
            "authors",
            "published_on",
            "date_precision",
            "date",
            "url",
            "archived_url",
            "kind",
            "origin",
            "supports",
            "order",
        ]


class KeyFactSerializer(serializers.ModelSerializer):
    case = serializers.SlugRelatedField(slug_field="slug", queryset=CaseStudy.objects.all())
    source = serializers.PrimaryKeyRelatedField(queryset=Source.objects.all())

    class Meta:
        model = KeyFact
        fields = ["id", "case", "statement", "source", "location", "status", "note", "order"]

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
    date_display = serializers.CharField(read_only=True)

    class Meta:
        model = TimelineEvent
        fields = ["date", "precision", "date_display", "text"]


class RelatedCaseSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:case-detail", lookup_field="slug")

    class Meta:
        model = CaseStudy
        fields = ["slug", "title", "summary", "url"]


class CaseStudyListSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:case-detail", lookup_field="slug")
    page_url = serializers.CharField(source="get_absolute_url", read_only=True)
    themes = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    countries = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

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
            "page_url",
        ]


class CaseStudyDetailSerializer(CaseStudyListSerializer):
    themes = ThemeSummarySerializer(many=True, read_only=True)
    sources = SourceSerializer(many=True, read_only=True)
    key_facts = KeyFactSerializer(many=True, read_only=True)
    timeline = TimelineEventSerializer(many=True, read_only=True)
    related = RelatedCaseSerializer(many=True, read_only=True)
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

    def get_simulations(self, case) -> list[dict]:
        # From the engine's in-memory registry: no query.
        return self.context.get("simulations_by_case", {}).get(case.slug, [])

    def get_quizzes(self, case) -> list[dict]:
        return self.context.get("quizzes_by_case", {}).get(case.slug, [])


class CaseStudyWriteSerializer(serializers.ModelSerializer):
    """Teachers' writes: themes, countries and related cases by slug."""

    themes = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=Theme.objects.all(), required=False
    )
    countries = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=Country.objects.all(), required=False
    )
    related = serializers.SlugRelatedField(
        slug_field="slug", many=True, queryset=CaseStudy.objects.all(), required=False
    )
    url = serializers.HyperlinkedIdentityField(view_name="api:case-detail", lookup_field="slug")

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
