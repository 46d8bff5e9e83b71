"""OpenAPI post-processing: document the one error shape on every operation."""

import json
import re

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


# --- Issue 18: tags, padlocks, summaries, examples ----------------------------------------------

METHODS = ("get", "post", "put", "patch", "delete")


def _tag_for(path: str) -> str:
    from config.api_docs import TAG_BY_PREFIX

    if not path.startswith("/api/v1/"):
        return "Start here"
    first = path[len("/api/v1/") :].split("/", 1)[0]
    return TAG_BY_PREFIX.get(first, "Start here")


# Operations open to anyone that change nothing of anyone else's: no padlock.
PUBLIC_WRITES = {("post", "/api/v1/simulations/{slug}/runs/")}
# Reads where credentials decide what you see (your attempts): the padlock stays.
PERSONAL_READS = {
    ("get", "/api/v1/attempts/"),
    ("get", "/api/v1/attempts/{public_id}/"),
}

RESOURCE_NAMES = {
    "cases": ("a case study", "case studies"),
    "themes": ("a theme", "themes"),
    "sources": ("a source", "sources"),
    "key-facts": ("a key fact", "key facts"),
    "quizzes": ("a quiz", "quizzes"),
}
VERBS = {
    "post": "Create {one} (teachers)",
    "put": "Replace {one} (teachers)",
    "patch": "Update {one} (teachers)",
    "delete": "Delete {one} (teachers)",
}


def _fallback_summary(method: str, path: str) -> str:
    resource = path[len("/api/v1/") :].split("/", 1)[0]
    one, many = RESOURCE_NAMES.get(resource, ("the resource", "resources"))
    if method == "get":
        return f"One {one.split(' ', 1)[1]}" if "{" in path else f"List {many}"
    return VERBS[method].format(one=one)


def organise_operations(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOK: one tag per group of resources, a summary on every
    operation, the padlock only where credentials matter, real examples, deprecations."""
    from config.api_deprecation import DEPRECATIONS
    from config.api_docs import API_TAGS
    from config.api_examples import examples_for

    result["tags"] = [{"name": name, "description": text} for name, text in API_TAGS]
    # One copy of each example (a case read, created and replaced is the same case), by $ref.
    components = result.setdefault("components", {}).setdefault("examples", {})
    names_by_value: dict[str, str] = {}

    def shared(examples: dict, path: str) -> dict:
        refs = {}
        for name, example in examples.items():
            text = json.dumps(example["value"], sort_keys=True)
            if text not in names_by_value:
                where = path.removeprefix("/api/v1/").removeprefix("/api/") or "root"
                base = re.sub(r"[^A-Za-z0-9]+", "_", f"{where}_{name}").strip("_")
                candidate, n = base, 1
                while candidate in components:
                    n += 1
                    candidate = f"{base}_{n}"
                components[candidate] = example
                names_by_value[text] = candidate
            refs[name] = {"$ref": f"#/components/examples/{names_by_value[text]}"}
        return refs

    for path, path_item in result.get("paths", {}).items():
        for method in METHODS:
            operation = path_item.get(method)
            if operation is None:
                continue
            operation["tags"] = [_tag_for(path)]
            operation.setdefault("summary", _fallback_summary(method, path))
            public_op = (method == "get" and (method, path) not in PERSONAL_READS) or (
                method,
                path,
            ) in PUBLIC_WRITES
            if public_op:
                operation["security"] = []  # no credentials: no padlock
            elif (method, path) in PERSONAL_READS:
                operation["security"] = [s for s in operation.get("security", []) if s]
            request_example, response_example = examples_for(method, path)
            if request_example is not None:
                for media in operation.get("requestBody", {}).get("content", {}).values():
                    media["examples"] = shared(request_example, path)
            if response_example is not None:
                for code, response in operation.get("responses", {}).items():
                    if str(code).startswith("2"):
                        for name, media in response.get("content", {}).items():
                            if name == "application/json":
                                media["examples"] = shared(response_example, path)
            if (method, path) in DEPRECATIONS:
                operation["deprecated"] = True
    return result
