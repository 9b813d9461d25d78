"""shared.build: one build per environment, and none at import outside the Lambda runtime."""

import threading

import pytest

from shared import build as builds


def _counting():
    calls = []

    @builds.cached
    def build(environ):
        calls.append(dict(environ))
        return object()

    return build, calls


def test_the_same_values_give_the_same_object():
    build, calls = _counting()
    first = build({"A": "1", "B": "2"})
    assert build({"B": "2", "A": "1"}) is first
    assert len(calls) == 1


def test_other_values_build_again_and_the_trace_id_does_not():
    build, calls = _counting()
    first = build({"A": "1"})
    assert build({"A": "1", "_X_AMZN_TRACE_ID": "Root=1-a"}) is first
    assert build({"A": "1", "_X_AMZN_TRACE_ID": "Root=1-b"}) is first
    assert build({"A": "2"}) is not first
    assert len(calls) == 2


def test_a_failed_build_is_not_cached():
    attempts = []

    @builds.cached
    def build(environ):
        attempts.append(1)
        raise RuntimeError("no table")

    for _ in range(2):
        with pytest.raises(RuntimeError, match="no table"):
            build({})
    assert len(attempts) == 2


def test_the_cache_is_bounded():
    build, calls = _counting()
    for index in range(builds.MAX_ENTRIES + 5):
        build({"N": str(index)})
    build({"N": "0"})  # evicted long ago: built again
    assert len(calls) == builds.MAX_ENTRIES + 6
    last = build({"N": str(builds.MAX_ENTRIES + 4)})
    assert build({"N": str(builds.MAX_ENTRIES + 4)}) is last
    assert len(calls) == builds.MAX_ENTRIES + 6


def test_concurrent_first_calls_build_once():
    build, calls = _counting()
    barrier = threading.Barrier(8)
    results = []

    def call():
        barrier.wait()
        results.append(build({"A": "1"}))

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1
    assert len({id(r) for r in results}) == 1


def test_warm_builds_only_inside_the_lambda_runtime(monkeypatch):
    build, calls = _counting()
    monkeypatch.delenv("AWS_LAMBDA_RUNTIME_API", raising=False)
    builds.warm(build)
    assert calls == []
    monkeypatch.setenv("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001")
    builds.warm(build)
    assert len(calls) == 1
    assert calls[0]["AWS_LAMBDA_RUNTIME_API"] == "127.0.0.1:9001"
