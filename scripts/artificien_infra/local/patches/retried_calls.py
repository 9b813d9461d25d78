"""A retried attempt of a call the emulator already answered gets that answer again, for moto 5.2.

The AWS SDKs retry a call whose answer did not reach them: a dropped connection, a read that timed
out. Every attempt of one call carries the same ``amz-sdk-invocation-id`` header and counts itself
in ``amz-sdk-request: attempt=N`` (the Go SDK in Terraform's AWS provider and botocore both send
them). moto runs each attempt afresh, so a retried create fails on the object its first attempt
made. Seen on a fresh-clone ``make test`` with every part running side by side on two cores: the
emulator answered the provider's Route 53 ChangeResourceRecordSets 200, the provider sent the same
change 0.2 s later, and the apply stopped on ``InvalidChangeBatch ... but it already exists`` (an
earlier run saw the same with Lambda CreateFunction).

Here the emulator keeps the answers of its recent changing calls (not GET/HEAD/OPTIONS) that
succeeded, keyed by invocation id, method and path; a later attempt of the same call gets the kept
answer instead of running again, and one that arrives while its first attempt still runs waits
for that attempt (up to two minutes, then it runs too). Calls without an invocation id, and
answers that were errors, run as before.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from moto.moto_server.werkzeug_app import DomainDispatcherApplication

_PATCHED = "_artificien_retried_calls_patched"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# answers kept (the oldest go first): a platform apply makes about 400 changing calls, and an SDK
# retries within seconds; with MAX_KEPT_BODY this bounds the kept answers to 64 MiB
KEEP_ANSWERS = 1024
# an answer larger than this is not kept: the answers to creates and changes are a few KB
MAX_KEPT_BODY = 64 << 10
# how long a retry waits for its first attempt to finish before it runs itself
WAIT_FOR_FIRST_SECONDS = 120.0
_ATTEMPT = re.compile(r"(?:^|;)\s*attempt=(\d+)")
# the service of a signed call: Credential=<key>/<date>/<region>/<service>/aws4_request
_SERVICE = re.compile(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/")

log = logging.getLogger("artificien.emulator")

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True)
class Answer:
    status: str
    headers: list[tuple[str, str]]
    body: bytes


class RetriedCalls:
    """The kept answers, and the calls whose first attempt is still running."""

    def __init__(
        self,
        keep: int = KEEP_ANSWERS,
        wait_seconds: float = WAIT_FOR_FIRST_SECONDS,
        new_event: Callable[[], threading.Event] = threading.Event,
    ):
        self._keep = keep
        self._wait_seconds = wait_seconds
        self._new_event = new_event
        self._lock = threading.Lock()
        self._answers: OrderedDict[tuple[str, str, str], Answer] = OrderedDict()
        self._running: dict[tuple[str, str, str], threading.Event] = {}

    @property
    def running(self) -> int:
        """How many calls' first attempts are running (for tests)."""
        with self._lock:
            return len(self._running)

    def serve(
        self, app: WsgiApp, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        invocation = environ.get("HTTP_AMZ_SDK_INVOCATION_ID", "")
        method = environ.get("REQUEST_METHOD", "GET").upper()
        if not invocation or method in SAFE_METHODS:
            return app(environ, start_response)
        path = environ.get("PATH_INFO", "")
        query = environ.get("QUERY_STRING", "")
        key = (invocation, method, f"{path}?{query}")
        attempt = _attempt(environ.get("HTTP_AMZ_SDK_REQUEST", ""))

        kept, event, ours = self._kept_or_claim(key)
        while kept is None and not ours:  # the first attempt is still running: wait for it
            if not event.wait(self._wait_seconds):
                log.info(
                    "attempt %d of %s: its first attempt still runs after %.0f s; running it",
                    attempt,
                    _label(environ),
                    self._wait_seconds,
                )
                return app(environ, start_response)
            kept, event, ours = self._kept_or_claim(key)
        if kept is not None:
            log.info(
                "attempt %d of %s: answered as its first attempt was (%s)",
                attempt,
                _label(environ),
                kept.status,
            )
            start_response(kept.status, list(kept.headers))
            return [kept.body]
        if attempt > 1:
            log.info(
                "attempt %d of %s: no earlier answer kept, running it", attempt, _label(environ)
            )
        return self._run(app, key, event, environ, start_response)

    def _kept_or_claim(
        self, key: tuple[str, str, str]
    ) -> tuple[Answer | None, threading.Event | None, bool]:
        """(the kept answer, None, False); or (None, the running attempt's event, False): wait on
        it; or (None, a new event, True): this call now holds the key, runs, and sets the event."""
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key], None, False
            if key in self._running:
                return None, self._running[key], False
            event = self._running[key] = self._new_event()
            return None, event, True

    def _run(
        self,
        app: WsgiApp,
        key: tuple[str, str, str],
        claimed: threading.Event,
        environ: dict[str, Any],
        start_response: Callable[..., Any],
    ) -> Iterable[bytes]:
        sent: dict[str, Any] = {}
        written: list[bytes] = []

        def capture(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], None]:
            # the answer is sent once it is whole (below), so a later call replaces an earlier
            sent.update(status=status, headers=list(headers))
            return written.append  # the WSGI write() of apps that write instead of returning

        answer: Answer | None = None
        try:
            chunks = app(environ, capture)
            try:
                body = b"".join([*written, *chunks])
            finally:
                if hasattr(chunks, "close"):
                    chunks.close()
            answer = Answer(sent["status"], sent["headers"], body)
        finally:
            with self._lock:
                if answer is not None and _keepable(answer):
                    self._answers[key] = answer
                    while len(self._answers) > self._keep:
                        self._answers.popitem(last=False)
                if self._running.get(key) is claimed:
                    del self._running[key]
            claimed.set()
        start_response(answer.status, list(answer.headers))
        return [answer.body]


def _label(environ: dict[str, Any]) -> str:
    """The call, for the log: method, path, the service that signed it and the JSON protocols'
    operation (``X-Amz-Target``)."""
    service = _SERVICE.search(environ.get("HTTP_AUTHORIZATION", ""))
    parts = [service.group(1)] if service else []
    parts += [environ["HTTP_X_AMZ_TARGET"]] if environ.get("HTTP_X_AMZ_TARGET") else []
    call = f"{environ.get('REQUEST_METHOD', '')} {environ.get('PATH_INFO', '')}"
    return f"{call} ({' '.join(parts)})" if parts else call


def _attempt(header: str) -> int:
    match = _ATTEMPT.search(header)
    return int(match.group(1)) if match else 1


def _keepable(answer: Answer) -> bool:
    return answer.status[:1] == "2" and len(answer.body) <= MAX_KEPT_BODY


def register() -> None:
    """Route every request of the emulator's WSGI application through one RetriedCalls."""
    if getattr(DomainDispatcherApplication, _PATCHED, False):
        return
    original = DomainDispatcherApplication.__call__
    calls = RetriedCalls()

    def __call__(self: Any, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        return calls.serve(lambda e, s: original(self, e, s), environ, start_response)

    DomainDispatcherApplication.__call__ = __call__  # type: ignore[method-assign]
    setattr(DomainDispatcherApplication, _PATCHED, True)
