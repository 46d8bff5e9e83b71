"""The API's documentation text: the schema's introduction and its tags (issue 18).

Plain data (no Django import): config.settings reads it for drf-spectacular.
"""

API_DESCRIPTION = """\
Sourced case studies of machine learning in the real world, reproducible simulations of the
mechanisms behind them, and quizzes. This page is the whole contract: a client needs nothing
else. Every example below is real content (the PredPol case, the base-rate simulation).

## Start here

```sh
curl https://HOST/api/v1/                       # every resource
curl https://HOST/api/v1/cases/predpol/         # one case with its key facts and sources
curl -X POST https://HOST/api/v1/simulations/base-rate/runs/ \\
     -H 'Content-Type: application/json' -d '{"params": {"travellers": 100000}, "seed": 7}'
```

A Python client that pulls every case and its key facts into a pandas DataFrame (pagination,
ETags) is in the repository: `docs/api_client_example.py`.

## One shape for one thing

- **Identifiers**: slugs (`predpol`, `feedback-loops`, `base-rate`); sources, key facts and
  questions by integer `id`; a run by its `key`; an attempt by its UUID `id`.
- **Relations** (a case's themes, countries and related cases, a key fact's case and source, a
  quiz's cases, a run's simulation, …) are always the same small object
  `{"slug", "title", "url", "html_url"}` (a source: `{"id", "title", "url", "html_url"}`).
  Writes name them by slug (a source by its id).
- **Names**: every thing has a `title` (never `name`).
- **Links** are absolute: `url` is the API resource, `html_url` the page on the site (in the
  answer's language). A source's own document is `document_url` (and `archived_url`).
- **Dates**: `date` (ISO 8601, `YYYY-MM-DD`) with `date_precision` (`year`, `month`, `day`:
  how much of the date is known) and `date_display` (the date as shown, e.g. `2016` or
  `March 2019`). Timestamps (`created_at`, `updated_at`, …) are ISO 8601 in UTC.
- **Numbers** are JSON numbers, never strings: points and scores to two decimals as stored;
  `percent` is 0–100 rounded to one decimal.

## Authentication and permissions

Reading is public and needs no credentials: every `GET`, running a simulation and submitting a
quiz attempt. Operations marked with a padlock need credentials:

- **Teachers** write cases, themes, sources, key facts and quiz settings, with the same
  permissions as in the admin. Send `Authorization: Token <token>` (a teacher gets one from the
  site's administrator: `manage.py drf_create_token USERNAME`), or use the session cookie of a
  logged-in browser (then with the `X-CSRFToken` header).
- **Students** read their own attempts (`/api/v1/attempts/`) with their token or session. An
  attempt submitted anonymously belongs to the session that submitted it: keep the cookie.

`401` means credentials are missing or wrong, `403` that they do not allow this.

## Budgets (throttles)

Running a simulation and submitting a quiz attempt are rationed per client (its address, or its
account once logged in), and the site's pages and the API spend the same budget: by default 30
runs and 30 submissions a minute. Beyond that the answer is `429` with a `Retry-After` header
(seconds). A run that would take the server's last free run slot is `503 simulation_busy`, also
with `Retry-After`; a run past the time limit is `503 simulation_timeout`. Request bodies are
limited to 256 KiB (`413`), search terms to 200 characters.

## Errors

Every error has one shape, whatever the status:

```json
{"error": {"status": 400, "code": "invalid", "message": "Invalid input.",
           "fields": {"seed": ["Ensure this value is greater than or equal to 0."],
                      "params.travellers": ["Must be between 10 and 1000000; got 3"]}}}
```

`fields` names every bad field of the request at once (a simulation's parameters as
`params.<name>`); `code` is stable, `message` is for people, in the answer's language.

## Caching and ETags

Reads send `ETag` (and `Last-Modified` on a single object) and `Cache-Control`
(`public, max-age=60` when anonymous; a stored run, which never changes, a day). Send the ETag
back as `If-None-Match` and an unchanged resource answers `304 Not Modified` with no body.
Answers vary by `Accept`, `Accept-Language`, `Cookie` and `Authorization`.

## Pagination

Lists of cases, sources, key facts, quizzes and attempts are paged, 20 to a page:
`{"count", "next", "previous", "results"}`; follow `next` (an absolute URL, `null` on the last
page) or ask for `?page=N`. Themes, simulations and the export are not paged.

## Languages

Every text exists in French and English. Choose with `Accept-Language` or `?lang=fr|en` (which
wins); without either, the answer is in French. `Content-Language` says which you got; a text
missing in that language is given in the other.

## Light runs

A run's `result` holds its `metrics`, `findings` (sentences) and `checks` (against the
reference). Its data `tables` and its `charts` (Vega-Lite specifications) are most of the bytes
and come only when asked for: `?include=tables`, `?include=charts` or `?include=tables,charts`
(on the `POST` that runs it and on `GET /api/v1/runs/{key}/`). The feedback-loop run is 3 KB
without them, 93 KB with both.

## Versioning and change policy

This is version 1, under `/api/v1/`. Within a version, changes only add (a new field, a new
endpoint, a new optional parameter); clients must ignore fields they do not know. Anything
removed or changed incompatibly is first **deprecated**: it keeps working and its answers carry
`Deprecation: @<unix time>` (RFC 9745), `Sunset: <HTTP date>` (RFC 8594) and
`Link: <…>; rel="deprecation"`, for at least 6 months before it goes. Every change is listed in
the repository's `CHANGELOG.md`, and the schema you are reading is compared with a committed
copy in the test suite, so no change to the contract is accidental.

## Machine-readable facts

`GET /api/v1/cases/{slug}/` with `Accept: application/ld+json` answers the case as schema.org
JSON-LD (an `Article` citing its sources, each key fact a `Claim`), the same data the case page
embeds.
"""

# Tag name → description, in the order the documentation shows them.
API_TAGS = [
    ("Start here", "The API's roots: every resource of the version, the schema and the docs."),
    ("Cases", "Case studies: what was claimed, what went wrong, and why it matters for ML."),
    ("Themes", "The machine-learning problems the cases illustrate."),
    (
        "Sources and key facts",
        "Each case's sources, and its key facts, each tied to one source with a status.",
    ),
    (
        "Simulations and runs",
        "Simulations of the cases' mechanisms: parameters as JSON Schema, presets, and "
        "reproducible runs (same inputs, same key, same result).",
    ),
    (
        "Quizzes and attempts",
        "Quizzes without their answers; submitting an attempt returns it graded with feedback.",
    ),
    ("Classes", "A teacher's classes: join codes, dated assignments, results per class; joining with a nickname."),
    ("Export", "Every published case in one document, JSON or CSV, for researchers."),
]

# Path prefix (after /api/v1/) → tag; the longest matching prefix wins.
TAG_BY_PREFIX = {
    "": "Start here",
    "cases": "Cases",
    "themes": "Themes",
    "sources": "Sources and key facts",
    "key-facts": "Sources and key facts",
    "simulations": "Simulations and runs",
    "runs": "Simulations and runs",
    "quizzes": "Quizzes and attempts",
    "attempts": "Quizzes and attempts",
    "classes": "Classes",
    "export": "Export",
}
