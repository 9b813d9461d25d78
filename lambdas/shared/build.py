"""One cached ``build(environ)`` per function: dependencies are built once per environment.

The Lambda runtime calls ``build(os.environ)`` on every invocation and gets the same object from
the second call on; the trigger runner and tests pass another mapping and get their own.
"""

from __future__ import annotations

import functools
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import TypeVar

T = TypeVar("T")

# The runtime rewrites these in os.environ for every invocation; keying on them would rebuild the
# clients on each call. No build may read them.
PER_INVOCATION = frozenset({"_X_AMZN_TRACE_ID"})
# A Lambda container sees one environment; tests and the trigger runner a handful. The bound only
# stops a caller that varies the environment forever from growing the cache without limit.
MAX_ENTRIES = 16


def _key(environ: Mapping[str, str]) -> frozenset[tuple[str, str]]:
    return frozenset((k, v) for k, v in environ.items() if k not in PER_INVOCATION)


def cached(fn: Callable[[Mapping[str, str]], T]) -> Callable[[Mapping[str, str]], T]:
    """Memoise ``fn(environ)`` on the frozen items of the mapping (thread-safe).

    A build that raises is not cached: the next call tries again and raises again.
    """
    cache: OrderedDict[frozenset[tuple[str, str]], T] = OrderedDict()
    lock = threading.Lock()

    @functools.wraps(fn)
    def build(environ: Mapping[str, str]) -> T:
        key = _key(environ)
        with lock:
            if key in cache:
                cache.move_to_end(key)
                return cache[key]
            built = fn(environ)
            cache[key] = built
            while len(cache) > MAX_ENTRIES:
                cache.popitem(last=False)
            return built

    build.cache_clear = cache.clear  # type: ignore[attr-defined]
    return build


def warm(build: Callable[[Mapping[str, str]], object]) -> None:
    """Build once at import, but only inside the Lambda runtime (``AWS_LAMBDA_RUNTIME_API``).

    The work then happens in the container's init phase, before the first request waits on it
    (Lambda's advice for SDK clients), and a bad configuration fails the cold start naming the
    variable. Anywhere else (tests, the trigger runner) importing a handler reads and builds
    nothing.
    """
    if os.environ.get("AWS_LAMBDA_RUNTIME_API"):
        build(os.environ)
