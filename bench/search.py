# ruff: noqa: S603 - every command here is built from constants, none from input.
"""Search and the open-data API under the bench's load: its own rows in the report.

Driven by run.py inside each scale's gunicorn (`run(env, port)`), or alone against a
database that already has the demo and the volume:

    DATABASE_URL=… REDIS_URL=… python -m bench.search --alone

which starts gunicorn itself (production settings, 2 workers), measures and prints the
rows. Each row: wrk's requests/s, median and p95 under 8 connections, and the queries one
request makes (counted in a process of its own, uncached). The target for search is a p95
under 50 ms at scale 10; the API rows are for comparison (no target).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

P95_TARGET_MS = 50
ROWS = [
    # (label, path, has the p95 target)
    ("Sök: bibliotek", "/sok/?q=bibliotek", True),
    ("Sök: kultur (many hits)", "/sok/?q=kultur", True),
    ("Sök: läsfrämjande -barn", "/sok/?q=l%C3%A4sfr%C3%A4mjande+-barn", True),
    ("Sök: kultruplanen (a slip)", "/sok/?q=kultruplanen", True),
    ("Sök: kultur, newest first", "/sok/?q=kultur&ordning=nyast", True),
    ("API: organisations, 50", "/api/v1/organisations/?limit=50", False),
    ("API: meetings, 50", "/api/v1/meetings/?limit=50", False),
]


def run(env: dict, port: int) -> dict:
    """The rows' figures against a running gunicorn on `port`."""
    from bench.drive import load

    queries = _count_queries(env)
    figures = {}
    for label, path, _target in ROWS:
        figures[label] = {"path": path, "queries": queries.get(path), **load(port, path, None)}
        print(f"  {path:40} {_summary(figures[label])}", flush=True)
    return figures


def _summary(f: dict) -> str:
    if f.get("status") != 200:
        return f"status {f.get('status')}"
    return f"{f['rps']:.0f} req/s, p95 {f['p95_ms']:.1f} ms, {f['queries']} queries"


def _count_queries(env: dict) -> dict:
    out = ROOT / "var" / "bench" / "search-queries.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "bench.search", "--count", str(out)], cwd=ROOT, env=env, check=True
    )
    return json.loads(out.read_text(encoding="utf-8"))


def count(out_path: str) -> None:
    """Inside Django: the queries of one uncached anonymous request per row."""
    import django

    django.setup()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    counted = {}
    for _label, path, _target in ROWS:
        client.get(path)
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        counted[path] = len([q for q in captured if "kulturportal_cache" not in q["sql"]])
    Path(out_path).write_text(json.dumps(counted), encoding="utf-8")


def section(run_: dict) -> list[str]:
    """The report's rows: one table, both scales."""
    lines = [
        "## Search and the open-data API",
        "",
        f"Anonymous requests under the same load as the pages (target for search: p95 under "
        f"{P95_TARGET_MS} ms at scale 10). bench/search.py.",
        "",
        "| request | scale | req/s | median ms | p95 ms | queries | |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for scale, figures in sorted((run_.get("scales") or {}).items()):
        for label, path, target in ROWS:
            f = (figures.get("search") or {}).get(label)
            if not f:
                continue
            if f.get("status") != 200:
                lines.append(f"| `{path}` | {scale} | status {f.get('status')} | | | | ❌ |")
                continue
            mark = "✅" if not target or f["p95_ms"] < P95_TARGET_MS else "❌"
            lines.append(
                f"| `{path}` | {scale} | {f['rps']:.0f} | {f['median_ms']:.1f} | "
                f"{f['p95_ms']:.1f} | {f['queries']} | {mark if target else ''} |"
            )
    return [*lines, ""]


def alone() -> None:
    """Against the database in DATABASE_URL, with a gunicorn of its own."""
    import secrets

    from bench.servers import gunicorn

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "API_RATE_LIMIT": "100000000",
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    with gunicorn(env, "search") as port:
        figures = run(env, port)
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--count"]:
        count(sys.argv[2])
    elif sys.argv[1:2] == ["--alone"]:
        alone()
    else:
        raise SystemExit(__doc__)
