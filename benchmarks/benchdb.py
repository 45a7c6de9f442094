"""Where a benchmark keeps its data.

``BENCH_DATABASE_URL``, when set, names the database (the script empties it first). Otherwise,
with ``DATABASE_URL`` on PostgreSQL, a database of that server named after DATABASE_URL's own
with ``_bench_<purpose>`` appended (created if missing), so that a shared server shows whose it
is and the development database is never touched; without PostgreSQL, a SQLite file in the
script's temporary folder.
"""

import os
from urllib.parse import urlsplit, urlunsplit


def on_postgresql(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def bench_name(server_url: str, purpose: str) -> str:
    return f"{urlsplit(server_url).path.lstrip('/') or 'mediation'}_bench_{purpose}"


def database_url(purpose: str, workdir: str) -> str:
    explicit = os.environ.get("BENCH_DATABASE_URL", "")
    if explicit:
        return explicit
    server = os.environ.get("DATABASE_URL", "")
    if not on_postgresql(server):
        return f"sqlite:///{workdir}/bench.sqlite3"
    import psycopg

    parts = urlsplit(server)
    name = bench_name(server, purpose)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def name_test_database(connection, purpose: str) -> None:
    """For scripts that build a test database next to DATABASE_URL's: on PostgreSQL, name it
    after that database rather than Django's ``test_<name>``."""
    if connection.vendor == "postgresql":
        settings = connection.settings_dict
        settings.setdefault("TEST", {})["NAME"] = f"{settings['NAME']}_bench_{purpose}"
