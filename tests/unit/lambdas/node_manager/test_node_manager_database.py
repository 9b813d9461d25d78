"""Each node's own database credentials: the node manager's secret per node (moto's Secrets
Manager) and its calls to the role function (a stub: moto stores Lambda code but cannot run it;
tests/unit/lambdas/pygrid_db_role runs the real function against PostgreSQL)."""

from __future__ import annotations

import json
import string
from typing import Any

import pytest
from botocore.exceptions import ClientError
from node_manager_platform import (
    APP,
    DATABASE_HOST,
    KMS_KEY,
    ROLE_FUNCTION,
    SECRET_PREFIX,
    FailingClient,
    Platform,
)

from node_manager import handler
from node_manager.config import ConfigError
from node_manager.errors import (
    BadRequestError,
    DatabaseRoleError,
    NodeError,
    NodeNotStableError,
)
from node_manager.logic import NodeManager
from node_manager.request import parse_request
from shared.pygrid_database import database_url

SLUG = "artificien-health"
CREATED = ["task definition", "target group", "rule", "service"]


@pytest.fixture
def aws(platform: Platform) -> Platform:
    """The platform of an AWS env: its configuration names the role function."""
    return platform.with_role_function()


class Recording:
    """Delegates to a client and appends ``<service>.<method>`` to a shared journal."""

    def __init__(self, client: Any, service: str, journal: list[str], methods: set[str]) -> None:
        self._client, self._service, self._journal, self._methods = (
            client,
            service,
            journal,
            methods,
        )

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._client, name)
        if name not in self._methods:
            return attribute

        def call(**kwargs: Any) -> Any:
            self._journal.append(f"{self._service}.{name}")
            return attribute(**kwargs)

        return call


def _task_definition_secrets(platform: Platform) -> dict[str, str]:
    [arn] = platform.node_task_definitions()
    container = platform.ecs.describe_task_definition(taskDefinition=arn)["taskDefinition"][
        "containerDefinitions"
    ][0]
    return {s["name"]: s["valueFrom"] for s in container["secrets"]}


# up -----------------------------------------------------------------------------------------------


def test_up_gives_the_node_a_secret_of_its_own(platform: Platform) -> None:
    # GIVEN the local env (no role function) WHEN a node is started
    platform.manager().up(APP)

    # THEN one secret exists for it, named after its slug, under the platform key, tagged
    [secret] = platform.node_secrets()
    described = platform.secretsmanager.describe_secret(SecretId=secret["ARN"])
    assert described["Name"] == f"{SECRET_PREFIX}{SLUG}"
    assert described["KmsKeyId"] == KMS_KEY
    tags = {t["Key"]: t["Value"] for t in described["Tags"]}
    assert (tags["app_id"], tags["app_slug"], tags["managed_by"]) == (
        APP,
        SLUG,
        "artificien-node-manager",
    )
    # AND it holds the node's own role's credentials, and the URL the fork reads
    value = platform.secret_value(SLUG)
    password = value["password"]
    assert len(password) == 40
    assert set(password) <= set(string.ascii_letters + string.digits + string.punctuation)
    assert value == {
        "engine": "postgres",
        "host": DATABASE_HOST,
        "port": 5432,
        "username": "node_artificien_health",
        "password": password,
        "dbname": "artificienhealthdb",
        "url": database_url("node_artificien_health", password, DATABASE_HOST, 5432),
    }
    # AND the node's task reads DATABASE_URL from that secret's url key, nothing from the template
    assert _task_definition_secrets(platform)["DATABASE_URL"] == f"{secret['ARN']}:url::"
    # AND without a role function nothing was invoked (the local emulator cannot run one)
    assert platform.role_function.calls == []


def test_two_nodes_never_share_a_secret_or_a_role(platform: Platform) -> None:
    platform.put_app("Sleep Tracker")
    manager = platform.manager()
    manager.up(APP)
    manager.up("Sleep Tracker")
    first, second = platform.secret_value(SLUG), platform.secret_value("sleep-tracker")
    assert first["username"] != second["username"]
    assert first["password"] != second["password"]
    assert first["dbname"] != second["dbname"]


def test_up_asks_for_the_role_after_the_secret_and_before_the_service(aws: Platform) -> None:
    # GIVEN every call of the up journaled, across the clients
    journal: list[str] = []
    manager = aws.manager(
        secretsmanager=Recording(aws.secretsmanager, "secretsmanager", journal, {"create_secret"}),
        lambda_client=Recording(aws.role_function, "lambda", journal, {"invoke"}),
        ecs=Recording(aws.ecs, "ecs", journal, {"register_task_definition", "create_service"}),
    )

    # WHEN the node is started
    status = manager.up(APP)

    # THEN the secret came first, then the role function's node_up, then the task and service
    assert journal == [
        "secretsmanager.create_secret",
        "lambda.invoke",
        "ecs.register_task_definition",
        "ecs.create_service",
    ]
    assert aws.role_function.actions() == [("node_up", SLUG)]
    assert status.changed == ["database secret", "database role", *CREATED]


def test_up_again_asks_again_and_changes_nothing(aws: Platform) -> None:
    manager = aws.manager()
    manager.up(APP)
    before = aws.secret_value(SLUG)
    again = manager.up(APP)
    # node_up is idempotent: asked again, it made nothing; the secret kept its password
    assert aws.role_function.actions() == [("node_up", SLUG), ("node_up", SLUG)]
    assert again.changed == []
    assert aws.secret_value(SLUG) == before


def test_up_refuses_a_running_node_without_its_secret(platform: Platform) -> None:
    # GIVEN a node whose secret was deleted by hand (or that predates per-node secrets)
    manager = platform.manager()
    manager.up(APP)
    platform.secretsmanager.delete_secret(
        SecretId=f"{SECRET_PREFIX}{SLUG}", ForceDeleteWithoutRecovery=True
    )
    # WHEN up runs THEN it says what to do, and creates nothing
    with pytest.raises(NodeError, match=r"runs without its database secret.*down, then up"):
        manager.up(APP)
    assert platform.node_secrets() == []


def test_a_secret_scheduled_for_deletion_is_a_clear_error(platform: Platform) -> None:
    # GIVEN the node's secret name is held by a secret waiting out its recovery window
    platform.secretsmanager.create_secret(Name=f"{SECRET_PREFIX}{SLUG}", SecretString="{}")
    platform.secretsmanager.delete_secret(SecretId=f"{SECRET_PREFIX}{SLUG}", RecoveryWindowInDays=7)
    # WHEN up runs THEN it names the secret and the way out, and leaves nothing behind
    with pytest.raises(NodeError, match=r"scheduled for deletion.*force-delete-without-recovery"):
        platform.manager().up(APP)
    assert platform.nothing_managed()


# down ---------------------------------------------------------------------------------------------


def test_down_takes_the_role_down_then_deletes_the_secret_for_good(aws: Platform) -> None:
    manager = aws.manager()
    manager.up(APP)
    journal: list[str] = []
    stopping = aws.manager(
        secretsmanager=Recording(aws.secretsmanager, "secretsmanager", journal, {"delete_secret"}),
        lambda_client=Recording(aws.role_function, "lambda", journal, {"invoke"}),
    )

    # WHEN the node is stopped
    status = stopping.down(APP)

    # THEN the role lost its login (its database kept) before the secret was deleted
    assert journal == ["lambda.invoke", "secretsmanager.delete_secret"]
    assert aws.role_function.actions()[-1] == ("node_down", SLUG, False)
    assert status.changed[-2:] == ["database role", "database secret"]
    assert aws.nothing_managed()
    # AND the secret is gone without a recovery window: the app's next up can take its name
    with pytest.raises(ClientError, match="ResourceNotFoundException"):
        aws.secretsmanager.describe_secret(SecretId=f"{SECRET_PREFIX}{SLUG}")
    assert manager.up(APP).changed == ["database secret", "database role", *CREATED]
    assert aws.role_function.actions()[-1] == ("node_up", SLUG)


def test_down_drops_the_database_only_when_asked(aws: Platform) -> None:
    manager = aws.manager()
    manager.up(APP)
    manager.down(APP, drop_database=True)
    assert aws.role_function.actions()[-1] == ("node_down", SLUG, True)
    assert SLUG not in aws.role_function.databases


def test_down_with_drop_database_asks_even_once_the_node_is_gone(aws: Platform) -> None:
    # GIVEN a node that was stopped (its database kept)
    manager = aws.manager()
    manager.up(APP)
    manager.down(APP)
    # WHEN its database is dropped afterwards THEN the role function is asked to
    assert manager.down(APP, drop_database=True).changed == ["database role"]
    assert aws.role_function.actions()[-1] == ("node_down", SLUG, True)


def test_drop_database_without_a_role_function_is_refused_before_anything(
    platform: Platform,
) -> None:
    manager = platform.manager()
    manager.up(APP)
    with pytest.raises(BadRequestError, match="'drop_database' needs the role function"):
        manager.down(APP, drop_database=True)
    assert len(platform.services()) == 1
    assert len(platform.node_secrets()) == 1


# failures roll back -------------------------------------------------------------------------------


def test_a_refused_role_rolls_the_secret_back(aws: Platform) -> None:
    # GIVEN the role function refuses node_up (say, another app's node has the database name)
    aws.role_function.fail_on = "node_up"
    before = aws.item(APP)

    # WHEN up runs THEN the function's reason surfaces
    with pytest.raises(DatabaseRoleError, match="failed the node_up of node artificien-health"):
        aws.manager().up(APP)

    # AND the role was taken down (the function may have made it) and the secret deleted
    assert aws.role_function.actions() == [("node_up", SLUG), ("node_down", SLUG, False)]
    assert aws.nothing_managed()
    assert aws.item(APP) == before


UP_FAILURES = [
    ("ecs", "register_task_definition"),
    ("elbv2", "create_target_group"),
    ("elbv2", "create_rule"),
    ("ecs", "create_service"),
]


@pytest.mark.parametrize(("client", "method"), UP_FAILURES)
def test_a_failure_after_the_role_undoes_role_database_and_secret(
    aws: Platform, client: str, method: str
) -> None:
    # GIVEN a step after node_up fails
    broken = {client: FailingClient(getattr(aws, client), method)}
    before = aws.item(APP)
    with pytest.raises(ClientError, match="InjectedFailure"):
        aws.manager(**broken).up(APP)
    # THEN the database this call created is dropped with the role, and the secret deleted
    assert aws.role_function.actions() == [("node_up", SLUG), ("node_down", SLUG, True)]
    assert aws.role_function.roles == {}
    assert aws.nothing_managed()
    assert aws.item(APP) == before


def test_a_failed_secret_creates_nothing(aws: Platform) -> None:
    broken = FailingClient(aws.secretsmanager, "create_secret")
    with pytest.raises(ClientError, match="InjectedFailure"):
        aws.manager(secretsmanager=broken).up(APP)
    assert aws.role_function.calls == []
    assert aws.nothing_managed()


def test_a_rolled_back_up_keeps_a_database_it_did_not_create(aws: Platform) -> None:
    # GIVEN the app had a node whose database was kept on down
    manager = aws.manager()
    manager.up(APP)
    manager.down(APP)

    # WHEN the next node never becomes stable
    def never(ecs: Any, cluster: str, service: str, timeout: float) -> None:
        raise NodeNotStableError(f"{service} not stable")

    with pytest.raises(NodeNotStableError):
        aws.manager(waiter=never).up(APP)

    # THEN the rollback takes the role's login away but keeps that database
    assert aws.role_function.actions()[-1] == ("node_down", SLUG, False)
    assert SLUG in aws.role_function.databases
    assert aws.nothing_managed()


def test_a_failing_role_down_in_a_rollback_is_named_for_reconcile(aws: Platform) -> None:
    # GIVEN the role function refuses both actions
    aws.role_function.fail_on = "node_up"
    original = aws.role_function.invoke

    def fail_both(**kwargs: Any) -> Any:
        aws.role_function.fail_on = json.loads(kwargs["Payload"])["action"]
        return original(**kwargs)

    aws.role_function.invoke = fail_both  # type: ignore[method-assign]
    # WHEN up fails and its rollback cannot take the role down
    with pytest.raises(DatabaseRoleError) as raised:
        aws.manager().up(APP)
    # THEN the error says so, the rest of the rollback ran (the secret is gone)
    assert "rollback incomplete, run reconcile --fix: database role" in " ".join(
        raised.value.__notes__
    )
    assert aws.node_secrets() == []


# reconcile ----------------------------------------------------------------------------------------


def test_reconcile_removes_a_secret_left_by_a_crashed_up(aws: Platform) -> None:
    # GIVEN a crashed up left only the node's secret behind
    aws.manager().database.create_secret(APP, SLUG)
    manager = aws.manager()

    # WHEN reconciled THEN it is an incomplete node, and fixing removes it with its role's login
    [finding] = manager.reconcile()
    assert (finding.kind, finding.app_id, finding.remedy) == ("unclaimed-node", APP, "remove")
    assert "lacks service, rule, target group, task definition" in finding.detail
    [fixed] = manager.reconcile(fix=True)
    assert fixed.fixed
    assert aws.role_function.actions() == [("node_down", SLUG, False)]
    assert aws.nothing_managed()


def test_a_node_without_its_secret_is_incomplete(platform: Platform) -> None:
    manager = platform.manager()
    manager.up(APP)
    platform.secretsmanager.delete_secret(
        SecretId=f"{SECRET_PREFIX}{SLUG}", ForceDeleteWithoutRecovery=True
    )
    [finding] = manager.reconcile()
    assert finding.kind == "incomplete-node"
    assert "database secret" in finding.detail


# the event and the function -----------------------------------------------------------------------


def test_drop_database_is_a_flag_of_one_apps_down() -> None:
    assert parse_request({"action": "down", "app": APP, "drop_database": True}).drop_database
    assert parse_request({"action": "down", "app": APP}).drop_database is False
    for event, reason in (
        ({"action": "up", "app": APP, "drop_database": True}, "applies only to action 'down'"),
        ({"action": "down", "all": True, "drop_database": True}, "not to 'all'"),
        ({"action": "down", "app": APP, "drop_database": "yes"}, "must be true or false"),
    ):
        with pytest.raises(BadRequestError, match=reason):
            parse_request(event)
    request = parse_request({"action": "down", "app": APP, "drop_database": True})
    assert request.to_event() == {"action": "down", "app": APP, "drop_database": True}


def test_a_refused_role_is_a_502_answer(aws: Platform) -> None:
    aws.role_function.fail_on = "node_up"
    deps = handler.Deps(
        config=aws.config,
        ecs=aws.ecs,
        elbv2=aws.elbv2,
        dynamodb=aws.dynamodb,
        wait_timeout=42,
        secretsmanager=aws.secretsmanager,
        lambda_client=aws.role_function,
    )
    answer = handler.handle(deps, {"action": "up", "app": APP})
    assert (answer["ok"], answer["statusCode"], answer["error"]) == (
        False,
        502,
        "DatabaseRoleError",
    )
    assert "injected node_up failure" in answer["message"]
    assert aws.nothing_managed()


def test_the_function_builds_its_role_function_client_only_when_configured(
    platform: Platform,
) -> None:
    local = handler.build({"NODE_MANAGER_CONFIG": json.dumps(platform.config.to_dict())})
    assert local.secretsmanager is not None
    assert local.lambda_client is None
    config = platform.with_role_function().config
    deployed = handler.build({"NODE_MANAGER_CONFIG": json.dumps(config.to_dict())})
    assert deployed.lambda_client is not None
    assert deployed.config.database_role_function == ROLE_FUNCTION
    handler.build.cache_clear()


def test_a_manager_without_the_clients_it_needs_is_refused(aws: Platform) -> None:
    with pytest.raises(ConfigError, match="needs a Secrets Manager client"):
        NodeManager(aws.config, ecs=aws.ecs, elbv2=aws.elbv2, dynamodb=aws.dynamodb)
    with pytest.raises(ConfigError, match="no Lambda client was given"):
        NodeManager(
            aws.config,
            ecs=aws.ecs,
            elbv2=aws.elbv2,
            dynamodb=aws.dynamodb,
            secretsmanager=aws.secretsmanager,
        )
