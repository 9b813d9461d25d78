"""shared.logs: one JSON line per record, with the invocation's request id and cold start."""

import json
import logging
from types import SimpleNamespace

from shared import logs


def test_handler_and_module_lines_carry_the_invocation(capsys):
    log = logs.logger("svc_logs_test")

    @logs.inject(log)
    def handler(event, context):
        logging.getLogger("svc_logs_test.logic").warning("from a module", extra={"user_id": "u1"})
        log.info("from the handler")
        return event

    # WHEN it is invoked with a partial context (as the trigger runner passes)
    assert handler({"x": 1}, SimpleNamespace(aws_request_id="req-7")) == {"x": 1}
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]

    # THEN both lines are JSON with the service, request id, cold start and emitting logger
    assert [line["message"] for line in lines] == ["from a module", "from the handler"]
    assert [line["logger"] for line in lines] == ["svc_logs_test.logic", "svc_logs_test"]
    assert {line["service"] for line in lines} == {"svc_logs_test"}
    assert {line["function_request_id"] for line in lines} == {"req-7"}
    assert all(isinstance(line["cold_start"], bool) for line in lines)
    assert lines[0]["user_id"] == "u1"
    assert lines[0]["level"] == "WARNING"


def test_keys_of_one_invocation_do_not_leak_into_the_next(capsys):
    log = logs.logger("svc_logs_state")

    @logs.inject(log)
    def handler(event, context):
        if event:
            log.append_keys(dataset_id="d1")
        log.info("done")

    handler(True, SimpleNamespace(aws_request_id="a"))
    handler(False, None)
    first, second = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert first["dataset_id"] == "d1"
    assert "dataset_id" not in second
    assert second["function_request_id"] == "UNDEFINED"


def test_a_full_lambda_context_is_passed_through_unchanged():
    context = SimpleNamespace(
        function_name="f", memory_limit_in_mb=256, invoked_function_arn="arn", aws_request_id="r"
    )
    assert logs.complete_context(context) is context
    assert logs.complete_context(None).aws_request_id == "UNDEFINED"
