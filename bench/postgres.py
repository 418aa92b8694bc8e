"""A throwaway PostgreSQL database on the local server for a bench run (`--postgres`), and Django set up on it.

    name = setup_postgres("dilemmas")   # before Django is set up: the settings read DATABASE_URL once
    setup_django_postgres()
    try: … finally: drop_postgres(name)

Only 127.0.0.1:5432 (trust, user postgres) is ever used; the database is named after the bench and the process.
"""

import os

SERVER = "postgresql://postgres@127.0.0.1:5432"


def setup_postgres(bench: str) -> str:
    """A fresh database for `bench`; returns its name and points DATABASE_URL at it."""
    import psycopg

    name = f"samen_bench_{bench}_{os.getpid()}"
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = f"{SERVER}/{name}"
    return name


def drop_postgres(name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def setup_django_postgres() -> None:
    """bench/run.py's setup_django, keeping the DATABASE_URL setup_postgres chose."""
    os.environ.setdefault("DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "samen.settings"
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = "bench.urls"
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
