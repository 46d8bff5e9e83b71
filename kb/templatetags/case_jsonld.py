"""{% case_jsonld case %}: the case as schema.org JSON-LD, in a data script element."""

from django import template

from kb.api.jsonld import case_jsonld as build
from kb.api.jsonld import jsonld_script

register = template.Library()


@register.simple_tag(takes_context=True)
def case_jsonld(context, case):
    return jsonld_script(build(case, context.get("request")))
