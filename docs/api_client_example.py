"""Every case of Reality Check with its key facts, in a pandas DataFrame (one row per key fact).

    pip install requests pandas
    python docs/api_client_example.py https://HOST/api/v1/ facts.csv

It follows the pagination (`next`) and keeps each answer with its ETag in a small cache file:
the next run sends `If-None-Match`, and an unchanged case answers `304` with no body.
"""

import json
import sys
from pathlib import Path

import pandas as pd
import requests

CACHE = Path(".reality-check-cache.json")


def get(session, url, cache):
    """GET a JSON answer, revalidated with its ETag when we have it."""
    headers = {"Accept": "application/json", "Accept-Language": "en"}
    if url in cache:
        headers["If-None-Match"] = cache[url]["etag"]
    response = session.get(url, headers=headers, timeout=30)
    if response.status_code == 304:  # unchanged since last time: reuse it
        return cache[url]["data"]
    response.raise_for_status()
    data = response.json()
    if "ETag" in response.headers:
        cache[url] = {"etag": response.headers["ETag"], "data": data}
    return data


def key_facts(api="http://127.0.0.1:8000/api/v1/", cache_file=CACHE) -> pd.DataFrame:
    cache = json.loads(cache_file.read_text()) if cache_file.exists() else {}
    rows = []
    with requests.Session() as session:
        url = api + "cases/"
        while url:  # every page of the case list
            page = get(session, url, cache)
            for summary in page["results"]:
                case = get(session, summary["url"], cache)  # the case with its key facts
                for fact in case["key_facts"]:
                    rows.append(
                        {
                            "case": case["slug"],
                            "case_title": case["title"],
                            "status_of_case": case["status"],
                            "themes": ", ".join(t["slug"] for t in case["themes"]),
                            "statement": fact["statement"],
                            "fact_status": fact["status"],
                            "source": fact["source"]["title"],
                            "source_url": fact["source"]["url"],
                            "case_page": case["html_url"],
                        }
                    )
            url = page["next"]
    cache_file.write_text(json.dumps(cache))
    return pd.DataFrame(rows)


if __name__ == "__main__":
    frame = key_facts(*sys.argv[1:2])
    print(frame.groupby("fact_status").size())
    if len(sys.argv) > 2:
        frame.to_csv(sys.argv[2], index=False)
