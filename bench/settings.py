"""Samen's settings with the bench's routes: the project's URLs plus the trivial view of bench/urls.py.

For a server started by a bench script (`DJANGO_SETTINGS_MODULE=bench.settings`, see bench/throughput.py).
Everything else is samen/settings.py as the environment makes it, so the server runs as production would.
"""

from samen.settings import *  # noqa: F403 -- this module is samen.settings with one change

ROOT_URLCONF = "bench.urls"
