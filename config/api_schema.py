"""OpenAPI post-processing: document the one error shape on every operation."""

ERROR_COMPONENT = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message", "fields"],
            "properties": {
                "status": {"type": "integer", "description": "The HTTP status code."},
                "code": {"type": "string", "description": "A stable machine-readable code."},
                "message": {"type": "string", "description": "What went wrong, for people."},
                "fields": {
                    "type": "object",
                    "description": "Per-field messages (400), keyed by field name.",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
        }
    },
}

ERRORS = {
    "400": "Invalid input: `fields` names each bad field.",
    "401": "Authentication required (send a token or a session cookie).",
    "403": "Authenticated, but not allowed.",
    "404": "No such object (or not visible to you).",
    "405": "Method not allowed on this resource.",
    "406": "Cannot produce the requested media type.",
    "413": "Request body too large.",
    "415": "Unsupported media type: send JSON.",
    "429": "Too many requests: retry after the number of seconds in Retry-After.",
}
WRITE_ONLY = {"413", "415"}


def add_error_responses(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOK: every operation documents the error shape."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_COMPONENT
    ref = {"$ref": "#/components/schemas/Error"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete", "head", "options"}:
                continue
            # Reads are public: authentication is optional there (an empty requirement).
            if (
                method in {"get", "head"}
                and "security" in operation
                and {} not in operation["security"]
            ):
                operation["security"].append({})
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                if code in WRITE_ONLY and method in {"get", "head", "delete", "options"}:
                    continue
                responses.setdefault(
                    code,
                    {"description": description, "content": {"application/json": {"schema": ref}}},
                )
    return result


LANG_PARAMETERS = [
    {
        "name": "lang",
        "in": "query",
        "required": False,
        "description": "Language of the answer's texts: `fr` or `en`. Overrides Accept-Language; "
        "an unknown value is ignored.",
        "schema": {"type": "string", "enum": ["fr", "en"]},
    },
    {
        "name": "Accept-Language",
        "in": "header",
        "required": False,
        "description": "Preferred languages (e.g. `fr-FR,fr;q=0.9,en;q=0.5`). Without it, and "
        "without `lang`, the API answers in French. A text missing in the chosen language "
        "is given in the other one. Writes (teachers) go to the chosen language's fields.",
        "schema": {"type": "string"},
    },
]
CONTENT_LANGUAGE = {
    "description": "The language of the texts in this answer (`fr` or `en`).",
    "schema": {"type": "string", "enum": ["fr", "en"]},
}


def add_language_parameters(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOK: every operation takes ``lang``/``Accept-Language``
    and says its language in ``Content-Language``; caches and ETags vary by it."""
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete", "head"}:
                continue
            params = operation.setdefault("parameters", [])
            names = {(p.get("name"), p.get("in")) for p in params}
            params.extend(p for p in LANG_PARAMETERS if (p["name"], p["in"]) not in names)
            for code, response in operation.get("responses", {}).items():
                if str(code).startswith("2"):
                    response.setdefault("headers", {})["Content-Language"] = CONTENT_LANGUAGE
    return result
