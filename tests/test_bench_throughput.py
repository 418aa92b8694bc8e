"""The throughput bench's own pieces: its server settings and how it pools latencies (no timings)."""

from django.urls import resolve

import bench.settings
from bench.throughput import Slice, pooled_percentile
from bench.urls import trivial


def test_the_bench_server_serves_the_project_and_the_trivial_view() -> None:
    assert bench.settings.ROOT_URLCONF == "bench.urls"
    assert resolve("/bench-trivial/", urlconf="bench.urls").func is trivial
    assert resolve("/o/some-organisation/", urlconf="bench.urls").view_name == "organisations:dashboard"


def test_latencies_of_slices_are_pooled_by_their_requests() -> None:
    # A slice of 300 requests, all at 10 ms, and one of 100 at 50 ms: a quarter of the requests are slow.
    fast = Slice(ok=300, errors=0, seconds=1, statuses={}, latencies_ms=[(p, 10.0) for p in (25, 50, 75, 100)])
    slow = Slice(ok=100, errors=0, seconds=1, statuses={}, latencies_ms=[(p, 50.0) for p in (25, 50, 75, 100)])
    failed = Slice(ok=0, errors=5, seconds=1, statuses={"status 500": 5}, latencies_ms=[(50, 999.0)])

    assert pooled_percentile([fast, slow, failed], 50) == 10.0
    assert pooled_percentile([fast, slow, failed], 70) == 10.0
    assert pooled_percentile([fast, slow, failed], 80) == 50.0
    assert pooled_percentile([failed], 50) is None
