"""The emulator patch that answers a retried attempt of a call as its first attempt was answered."""

from __future__ import annotations

import threading

import boto3
import pytest
import urllib3
from botocore.exceptions import ConnectionClosedError
from moto.moto_server.threaded_moto_server import ThreadedMotoServer

from artificien_infra.local.patches import retried_calls
from artificien_infra.local.patches.retried_calls import RetriedCalls


class CountingApp:
    """A WSGI app that answers each call with a new body, or with ``status`` when given one."""

    def __init__(self, status: str = "200 OK", release: threading.Event | None = None):
        self.status = status
        self.calls = 0
        self.release = release

    def __call__(self, environ, start_response):
        self.calls += 1
        number = self.calls
        if self.release is not None and number == 1:  # only the first call is held
            self.release.wait(5)
        start_response(self.status, [("Content-Type", "text/xml")])
        return [f"answer {number}".encode()]


def call(calls: RetriedCalls, app, *, method="POST", path="/rrset", invocation="id-1", attempt=1):
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": ""}
    if invocation:
        environ["HTTP_AMZ_SDK_INVOCATION_ID"] = invocation
        environ["HTTP_AMZ_SDK_REQUEST"] = f"ttl=20261201T000000Z; attempt={attempt}; max=25"
    sent = {}

    def start_response(status, headers, exc_info=None):
        sent.update(status=status, headers=headers)

    body = b"".join(calls.serve(app, environ, start_response))
    return sent["status"], body


def test_a_retried_attempt_gets_the_first_answer_and_does_not_run_again():
    calls, app = RetriedCalls(), CountingApp()
    assert call(calls, app) == ("200 OK", b"answer 1")
    assert call(calls, app, attempt=2) == ("200 OK", b"answer 1")
    assert app.calls == 1


def test_other_calls_run_every_time():
    calls, app = RetriedCalls(), CountingApp()
    call(calls, app)
    assert call(calls, app, invocation="id-2")[1] == b"answer 2"  # another call
    assert call(calls, app, path="/other", attempt=2)[1] == b"answer 3"  # same id, other path
    assert call(calls, app, method="GET", attempt=2)[1] == b"answer 4"  # reads always run
    assert call(calls, app, invocation="")[1] == b"answer 5"  # not from an AWS SDK
    assert call(calls, app, invocation="")[1] == b"answer 6"
    assert app.calls == 6


def test_an_error_is_not_kept_so_the_retry_runs():
    calls, app = RetriedCalls(), CountingApp(status="500 Internal Server Error")
    call(calls, app)
    assert call(calls, app, attempt=2) == ("500 Internal Server Error", b"answer 2")
    assert app.calls == 2


class WatchedEvent(threading.Event):
    """An Event that says when someone starts waiting on it."""

    waiting = threading.Event()

    def wait(self, timeout=None):
        WatchedEvent.waiting.set()
        return super().wait(timeout)


def _in_thread(target):
    results = []
    thread = threading.Thread(target=lambda: results.append(target()), daemon=True)
    thread.start()
    return thread, results


def test_a_retry_that_arrives_while_the_first_attempt_runs_waits_for_its_answer():
    WatchedEvent.waiting.clear()
    release = threading.Event()
    calls, app = RetriedCalls(new_event=WatchedEvent), CountingApp(release=release)
    first, first_answer = _in_thread(lambda: call(calls, app))
    while app.calls == 0:
        threading.Event().wait(0.01)
    second, second_answer = _in_thread(lambda: call(calls, app, attempt=2))
    assert WatchedEvent.waiting.wait(5), "the retry never waited for the first attempt"
    release.set()
    first.join(5)
    second.join(5)
    assert first_answer == second_answer == [("200 OK", b"answer 1")]
    assert app.calls == 1
    assert calls.running == 0


def test_a_retry_that_waited_too_long_runs_and_the_first_attempt_still_answers():
    release = threading.Event()
    calls, app = RetriedCalls(wait_seconds=0.1), CountingApp(release=release)
    first, first_answer = _in_thread(lambda: call(calls, app))
    while app.calls == 0:
        threading.Event().wait(0.01)
    assert call(calls, app, attempt=2) == ("200 OK", b"answer 2")
    release.set()
    first.join(5)
    assert first_answer == [("200 OK", b"answer 1")]  # not a KeyError turned into a 500
    assert app.calls == 2
    assert calls.running == 0


def test_only_the_newest_answers_are_kept():
    calls, app = RetriedCalls(keep=2), CountingApp()
    for invocation in ("a", "b", "c"):
        call(calls, app, invocation=invocation)
    assert call(calls, app, invocation="c", attempt=2)[1] == b"answer 3"
    assert call(calls, app, invocation="a", attempt=2)[1] == b"answer 4"  # forgotten: runs


def test_a_call_that_raises_releases_its_retries():
    calls = RetriedCalls(wait_seconds=60)

    def broken(environ, start_response):
        raise RuntimeError("moto failed")

    with pytest.raises(RuntimeError):
        call(calls, broken)
    assert calls.running == 0
    app = CountingApp()
    retry, answer = _in_thread(lambda: call(calls, app, attempt=2))
    retry.join(5)
    assert not retry.is_alive(), "the retry waits for a first attempt that ended long ago"
    assert answer == [("200 OK", b"answer 1")]


def test_an_app_that_writes_instead_of_returning_is_answered_whole():
    calls = RetriedCalls()

    def writer(environ, start_response):
        write = start_response("200 OK", [])
        write(b"head ")
        return [b"tail"]

    assert call(calls, writer) == ("200 OK", b"head tail")
    assert call(calls, writer, attempt=2) == ("200 OK", b"head tail")


@pytest.fixture
def emulator(monkeypatch):
    """The real emulator application (moto's server, this patch applied) on a free port."""
    for name, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    retried_calls.register()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    yield url
    urllib3.request("POST", f"{url}/moto-api/reset")
    server.stop()


def test_a_route53_change_whose_answer_was_lost_is_not_made_twice(emulator, caplog):
    """The failure seen on CI: the first attempt reaches the emulator, its answer does not reach
    the client, and the SDK sends the same change again."""
    client = boto3.client("route53", endpoint_url=emulator, region_name="us-east-1")
    zone = client.create_hosted_zone(Name="artificien.com", CallerReference="ref")
    zone_id = zone["HostedZone"]["Id"].split("/")[-1]
    http = urllib3.PoolManager()

    def lose_the_first_answer(request, **kwargs):
        if "attempt=1;" in request.headers.get("amz-sdk-request", b"").decode():
            http.request(request.method, request.url, body=request.body, headers=request.headers)
            raise ConnectionClosedError(endpoint_url=request.url)
        return None

    client.meta.events.register(
        "before-send.route53.ChangeResourceRecordSets", lose_the_first_answer
    )
    change = {
        "Action": "CREATE",
        "ResourceRecordSet": {
            "Name": "*.nodes.artificien.com",
            "Type": "A",
            "TTL": 60,
            "ResourceRecords": [{"Value": "10.0.0.1"}],
        },
    }
    caplog.set_level("INFO", logger="artificien.emulator")
    answer = client.change_resource_record_sets(
        HostedZoneId=zone_id, ChangeBatch={"Changes": [change]}
    )
    assert answer["ResponseMetadata"]["RetryAttempts"] == 1
    records = client.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]
    assert [r["Type"] for r in records if "nodes" in r["Name"]] == ["A"]
    # AND the emulator's log names the retried call
    assert (
        f"attempt 2 of POST /2013-04-01/hostedzone/{zone_id}/rrset/ (route53): answered"
        in caplog.text
    )
