"""One cached ``build(environ)`` per function: dependencies are built once per environment.

The Lambda runtime calls ``build(os.environ)`` on every invocation and gets the same object from
the second call on; the trigger runner and tests pass another mapping and get their own.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TypeVar

T = TypeVar("T")


def cached(fn: Callable[[Mapping[str, str]], T]) -> Callable[[Mapping[str, str]], T]:
    """Memoise ``fn(environ)`` on the frozen items of the mapping."""
    cache: dict[frozenset[tuple[str, str]], T] = {}

    @functools.wraps(fn)
    def build(environ: Mapping[str, str]) -> T:
        key = frozenset(environ.items())
        if key not in cache:
            cache[key] = fn(environ)
        return cache[key]

    build.cache_clear = cache.clear  # type: ignore[attr-defined]
    return build
