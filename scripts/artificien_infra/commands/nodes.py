"""`artificien-infra nodes ...`: start, stop, inspect and reconcile the per-app PyGrid nodes.

The node manager is ``lambdas/node_manager``, loaded by path exactly as the Lambda runtime imports
it (:func:`import_lambda_module`). Without ``--remote`` its code runs here, configured from the
env's Terraform output ``pygrid_node_manager`` and with the caller's credentials. With
``--remote`` the deployed function does the work with its own role: on AWS the command invokes it
(RequestResponse); the local emulator stores Lambda code but cannot run it, so on ``local`` the
function's handler runs in-process with the function's deployed environment (read back with
GetFunctionConfiguration) plus the emulator's endpoint and credentials, as the trigger runner
does for the sample-data function.

Results are JSON on stdout, progress and errors on stderr. Exit codes: 0 done, 1 error (a refused
request, a function error, or a ``down --all`` that could not stop every node), 2 ``reconcile``
found problems it did not fix.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
import uuid
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import boto3
import click
from botocore.config import Config
from click.core import ParameterSource

from artificien_infra.commands.common import Group
from artificien_infra.core.config import (
    ENVIRONMENTS,
    LOCAL,
    LOCAL_CREDENTIALS,
    Settings,
)
from artificien_infra.core.deploy import read_outputs
from artificien_infra.errors import UserError
from artificien_infra.local import processes as local
from artificien_infra.local.lambdas import import_lambda_module

# The node manager imports its shared plumbing as `shared`, as in the Lambda zip.
_shared_config = import_lambda_module("shared.config")
_config = import_lambda_module("node_manager.config")
_errors = import_lambda_module("node_manager.errors")
_logic = import_lambda_module("node_manager.logic")
_request = import_lambda_module("node_manager.request")

DEFAULT_WAIT_TIMEOUT = _logic.DEFAULT_WAIT_TIMEOUT
FUNCTION_OUTPUT = "node_manager_function_name"
# Longer than any invocation may run (Lambda stops one at 900 s): the answer is always awaited.
INVOKE_READ_TIMEOUT = 960
wait_services_stable = _logic.wait_services_stable
no_wait = _logic.no_wait


class FunctionError(UserError):
    """The deployed function failed, or refused the request."""


def load_outputs(env: str) -> dict[str, Any]:
    """Root Terraform outputs of ``env`` (name -> value). Replaced by a fake in tests."""
    return read_outputs(env)


def _local_url() -> str:
    return os.environ.get("AWS_ENDPOINT_URL") or local.endpoint_url(Settings.from_env().local_port)


def make_clients(env: str, region: str) -> dict[str, Any]:
    """The ecs, elbv2 and dynamodb clients for ``env``. Replaced by moto-backed ones in tests.

    ``local`` talks to the emulator (AWS_ENDPOINT_URL, else its loopback port) with the
    emulator's placeholder credentials, so real ones are never sent to it; other envs use the
    default credential chain.
    """
    if env != LOCAL:
        session = boto3.Session(region_name=region)
        return {name: session.client(name) for name in ("ecs", "elbv2", "dynamodb")}
    url = _local_url()
    return {name: local.client(name, url) for name in ("ecs", "elbv2", "dynamodb")}


def make_database_clients(env: str, region: str, config: Any) -> dict[str, Any]:
    """The clients of the nodes' database credentials: Secrets Manager (each node's secret) and,
    when the env runs the role function, Lambda to invoke it. Replaced in tests, like
    :func:`make_clients` (the same endpoint and credentials rules)."""
    if env != LOCAL:
        session = boto3.Session(region_name=region)
        clients = {"secretsmanager": session.client("secretsmanager")}
        if config.database_role_function:
            clients["lambda_client"] = session.client("lambda")
        return clients
    url = _local_url()
    clients = {"secretsmanager": local.client("secretsmanager", url)}
    if config.database_role_function:
        clients["lambda_client"] = local.client("lambda", url)
    return clients


def make_lambda_client(env: str, region: str) -> Any:
    """The Lambda client for ``env`` (the emulator's on local). Replaced by a fake in tests."""
    if env == LOCAL:
        return local.client("lambda", _local_url())
    config = Config(read_timeout=INVOKE_READ_TIMEOUT, retries={"total_max_attempts": 1})
    return boto3.Session(region_name=region).client("lambda", config=config)


def emulator_access(region: str) -> dict[str, str]:
    """What a function's environment gains on the emulator: endpoint, region, placeholder keys.

    Replaced in tests, where moto intercepts the default endpoints instead.
    """
    return {
        "AWS_ENDPOINT_URL": _local_url(),
        "AWS_REGION": region,
        "AWS_DEFAULT_REGION": region,
        **LOCAL_CREDENTIALS,
    }


def _checked_config(env: str, outputs: dict[str, Any]) -> Any:
    config = _config.NodeManagerConfig.from_outputs(outputs)
    if config.environment != env:
        raise _errors.NodeError(f"outputs are for env '{config.environment}', not '{env}'")
    return config


def _manager(env: str, **kwargs: Any) -> Any:
    config = _checked_config(env, load_outputs(env))
    return _logic.NodeManager(
        config,
        **make_clients(env, config.region),
        **make_database_clients(env, config.region, config),
        progress=lambda message: click.echo(message, err=True),
        **kwargs,
    )


# --remote -----------------------------------------------------------------------------------------


def run_deployed_locally(env: str, function_name: str, region: str, event: Any) -> Any:
    """The deployed function's handler, in-process, with the function's deployed environment."""
    configuration = make_lambda_client(env, region).get_function_configuration(
        FunctionName=function_name
    )
    environ = {
        **configuration.get("Environment", {}).get("Variables", {}),
        **emulator_access(region),
    }
    deadline = time.monotonic() + int(configuration.get("Timeout", 900))
    context = SimpleNamespace(
        function_name=function_name,
        invoked_function_arn=configuration.get("FunctionArn", function_name),
        memory_limit_in_mb=configuration.get("MemorySize", 128),
        aws_request_id=str(uuid.uuid4()),
        get_remaining_time_in_millis=lambda: int((deadline - time.monotonic()) * 1000),
    )
    handler = import_lambda_module("node_manager.handler")
    answer = handler.handle(handler.build(environ), event, context)
    return json.loads(json.dumps(answer))  # exactly what an invocation would have returned


def invoke_deployed(env: str, function_name: str, region: str, event: Any) -> Any:
    """Invoke the deployed function and wait for its answer; a function error raises."""
    response = make_lambda_client(env, region).invoke(
        FunctionName=function_name,
        InvocationType="RequestResponse",
        Payload=json.dumps(event).encode("utf-8"),
    )
    raw = response["Payload"].read()
    try:
        payload = json.loads(raw or b"null")
    except json.JSONDecodeError as exc:
        raise FunctionError(f"function {function_name} answered no JSON: {raw[:200]!r}") from exc
    if response.get("FunctionError"):
        detail = payload.get("errorMessage", payload) if isinstance(payload, dict) else payload
        raise FunctionError(
            f"function {function_name} failed ({response['FunctionError']}): {detail}"
        )
    return payload


def _remote(env: str, request: Any) -> Any:
    outputs = load_outputs(env)
    config = _checked_config(env, outputs)
    function_name = outputs.get(FUNCTION_OUTPUT)
    if not function_name:
        raise _shared_config.ConfigError(
            f"Terraform output '{FUNCTION_OUTPUT}' is missing: apply the environment first"
        )
    run = run_deployed_locally if env == LOCAL else invoke_deployed
    answer = run(env, function_name, config.region, request.to_event())
    if not isinstance(answer, dict) or "ok" not in answer:
        raise FunctionError(
            f"function {function_name} answered {answer!r}, not a node manager answer"
        )
    for line in answer.get("progress", []):
        click.echo(line, err=True)
    if not answer["ok"]:
        raise FunctionError(
            f"{answer.get('message')} ({answer.get('error')}, status {answer.get('statusCode')})"
        )
    return answer["result"]


# commands -----------------------------------------------------------------------------------------


def _emit(payload: Any) -> None:
    click.echo(json.dumps(payload, indent=2, sort_keys=True, default=str))


def _run(action: Callable[[], Any]) -> Any:
    try:
        return action()
    except (_errors.NodeError, _shared_config.ConfigError) as exc:
        # the node manager's own errors (it cannot import the wrapper) are the operator's to act on
        error = UserError(str(exc))
        for note in getattr(exc, "__notes__", []):
            error.add_note(note)
        raise error from exc


def _execute(env: str, request: Any, remote: bool, **manager_options: Any) -> Any:
    """The request's result as JSON values, from this process or from the deployed function."""
    # The node manager logs JSON to stdout (CloudWatch, in Lambda) once its handler is loaded;
    # here stdout carries only the result.
    with contextlib.redirect_stdout(sys.stderr):
        if remote:
            return _run(lambda: _remote(env, request))
        return _run(lambda: _logic.perform(_manager(env, **manager_options), request))


env_option = click.option(
    "--env",
    "env",
    type=click.Choice(ENVIRONMENTS),
    default="local",
    show_default=True,
    help="Environment whose Terraform outputs configure the manager.",
)
remote_option = click.option(
    "--remote",
    is_flag=True,
    help="Let the deployed node-manager function do it (on local: its handler, in-process).",
)


@click.group(cls=Group)
def nodes() -> None:
    """Per-app PyGrid nodes behind the shared load balancer."""


@nodes.command()
@env_option
@click.argument("app")
@click.option(
    "--timeout",
    type=click.IntRange(min=1),
    default=DEFAULT_WAIT_TIMEOUT,
    show_default=True,
    help="Seconds to wait for the node's service to be stable before rolling back.",
)
@click.option(
    "--wait/--no-wait",
    default=True,
    show_default=True,
    help="Wait for the service to be stable (--no-wait: return once it exists; poll status).",
)
@remote_option
def up(env: str, app: str, timeout: int, wait: bool, remote: bool) -> None:
    """Start APP's node (idempotent) and record its host name on the app's dataset item."""
    source = click.get_current_context().get_parameter_source("timeout")
    if remote and source is ParameterSource.COMMANDLINE:
        raise click.UsageError(
            "--timeout does not apply with --remote: the function waits up to its own "
            "WAIT_TIMEOUT (modules/node_manager wait_timeout)"
        )
    request = _request.Request("up", app, wait=wait)
    waiter = wait_services_stable if wait else no_wait
    _emit(_execute(env, request, remote, waiter=waiter, wait_timeout=timeout))


@nodes.command()
@env_option
@click.argument("app", required=False)
@click.option(
    "--all",
    "all_apps",
    is_flag=True,
    help="Stop every node of the environment, one app at a time (instead of APP).",
)
@remote_option
def down(env: str, app: str | None, all_apps: bool, remote: bool) -> None:
    """Stop APP's node and clear hasNode/nodeURL on its dataset item (or every node: --all)."""
    if all_apps == (app is not None):
        raise click.UsageError("give either APP or --all")
    if not all_apps:
        _emit(_execute(env, _request.Request("down", app), remote))
        return
    results = _execute(env, _request.Request("down", all_apps=True), remote)
    _emit(results)
    for entry in results:
        node = f"app={entry['app_id']!r} slug={entry['slug']}"
        if entry["ok"]:
            click.echo(f"stopped: {node} changed={entry['changed']}", err=True)
        else:
            click.echo(f"failed: {node}: {entry['message']}", err=True)
    failed = [entry for entry in results if not entry["ok"]]
    if failed:
        raise UserError(
            f"{len(failed)} of {len(results)} node(s) were not stopped: "
            + ", ".join(repr(entry["app_id"] or entry["slug"]) for entry in failed)
            + "; run nodes down --all again once they are free"
        )


@nodes.command()
@env_option
@click.argument("app")
@remote_option
def status(env: str, app: str, remote: bool) -> None:
    """Show APP's node resources and what its dataset item says."""
    _emit(_execute(env, _request.Request("status", app), remote))


@nodes.command(name="list")
@env_option
@remote_option
def list_nodes(env: str, remote: bool) -> None:
    """List every node of the environment."""
    _emit(_execute(env, _request.Request("list"), remote))


@nodes.command()
@env_option
@click.option(
    "--fix",
    is_flag=True,
    help="Restore the claims of complete nodes, remove incomplete or untagged ones, clear "
    "dangling claims.",
)
@click.option(
    "--remove-orphans",
    is_flag=True,
    help="With --fix: also remove complete nodes whose app's dataset item is gone.",
)
@click.option(
    "--min-age",
    type=click.IntRange(min=0),
    default=None,
    help="Leave nodes younger than this many seconds alone (an up may still be waiting for "
    f"them). Default: the wait timeout, {DEFAULT_WAIT_TIMEOUT} s.",
)
@remote_option
def reconcile(env: str, fix: bool, remove_orphans: bool, min_age: int | None, remote: bool) -> None:
    """Compare the nodes (their resources and tags) with the dataset items' claims."""
    if remove_orphans and not fix:
        raise click.UsageError("--remove-orphans needs --fix")
    if remote and min_age is not None:
        raise click.UsageError(
            "--min-age does not apply with --remote: the function leaves nodes younger than "
            "its own WAIT_TIMEOUT alone"
        )
    request = _request.Request("reconcile", fix=fix, remove_orphans=remove_orphans)
    options = {} if min_age is None else {"min_age": min_age}
    findings = _execute(env, request, remote, **options)
    _emit(findings)
    for finding in findings:
        state = "fixed" if finding["fixed"] else "found"
        click.echo(
            f"{state}: {finding['kind']} app={finding['app_id']!r} slug={finding['slug']}: "
            f"{finding['detail']}",
            err=True,
        )
    if any(not f["fixed"] for f in findings):
        click.get_current_context().exit(2)
