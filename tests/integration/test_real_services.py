"""The real programs' contract on the applied local env, read back from the emulator: what the
orchestration node's and the PyGrid fork's code read (docs/clients.md, /issue 14).

Root outputs used: orchestration_service_name, cluster_arn, orchestration_target_group_arn,
orchestration_master_node_url, pygrid_node_manager (task_definition_family, container_name,
container_port, node_secret_prefix), pygrid_role_secret_arn, pygrid_role_function_name,
database_master_secret_arn, database_security_group_id, private_subnet_ids, ecr_repository_urls.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def outputs(deployed: Any) -> dict[str, Any]:
    return deployed.outputs


@pytest.fixture(scope="module")
def orchestration_task(deployed: Any, outputs: dict[str, Any]) -> dict[str, Any]:
    ecs = deployed.client("ecs")
    service = ecs.describe_services(
        cluster=outputs["cluster_arn"], services=[outputs["orchestration_service_name"]]
    )["services"][0]
    return ecs.describe_task_definition(taskDefinition=service["taskDefinition"])["taskDefinition"]


@pytest.fixture(scope="module")
def pygrid_template(deployed: Any, outputs: dict[str, Any]) -> dict[str, Any]:
    family = outputs["pygrid_node_manager"]["task_definition_family"]
    return deployed.client("ecs").describe_task_definition(taskDefinition=family)["taskDefinition"]


def _container(task_definition: dict[str, Any], name: str | None = None) -> dict[str, Any]:
    containers = task_definition["containerDefinitions"]
    if name is None:
        assert len(containers) == 1
        return containers[0]
    return next(c for c in containers if c["name"] == name)


def _environment(container: dict[str, Any]) -> dict[str, str]:
    return {e["name"]: e["value"] for e in container.get("environment", [])}


def test_orchestration_listens_on_5001_and_is_probed_on_root(deployed, outputs, orchestration_task):
    # GIVEN the deployed orchestration task definition and its target group
    container = _container(orchestration_task)
    target_group = deployed.client("elbv2").describe_target_groups(
        TargetGroupArns=[outputs["orchestration_target_group_arn"]]
    )["TargetGroups"][0]

    # THEN the container publishes 5001 (its gunicorn's bind) and the target group probes / on it
    assert [m["containerPort"] for m in container["portMappings"]] == [5001]
    assert target_group["Port"] == 5001
    assert target_group["HealthCheckPath"] == "/"


def test_orchestration_gets_its_own_public_name_as_master_node_url(outputs, orchestration_task):
    # GIVEN the orchestration container's environment
    environment = _environment(_container(orchestration_task))

    # THEN MASTER_NODE_URL is its public name, host only (the fork prepends a scheme)
    master = environment["MASTER_NODE_URL"]
    assert master == outputs["orchestration_master_node_url"]
    assert "://" not in master
    assert master in outputs["orchestration_service_url"]
    assert environment["LOCALTEST"] == "False"


def test_pygrid_template_holds_what_the_fork_reads(outputs, pygrid_template):
    # GIVEN the PyGrid template the node manager copies for every node
    config = outputs["pygrid_node_manager"]
    container = _container(pygrid_template, config["container_name"])
    environment = _environment(container)

    # THEN it carries PORT (= the port mapping), NODE_ID (set per node), MASTER_NODE_URL
    assert environment["PORT"] == str(config["container_port"])
    assert [m["containerPort"] for m in container["portMappings"]] == [config["container_port"]]
    assert "NODE_ID" in environment
    assert environment["MASTER_NODE_URL"] == outputs["orchestration_master_node_url"]
    # AND ADDRESS is composed at start from NODE_ID and the nodes' domain
    assert environment["NODES_DOMAIN"] == config["nodes_domain"]
    assert "ADDRESS=" in " ".join(container["entryPoint"])
    # AND DATABASE_URL comes from the url key of a node secret, not as a value: in the template a
    # name no app slug can take, which the node manager points at each node's own secret
    secrets = {s["name"]: s["valueFrom"] for s in container.get("secrets", [])}
    assert list(secrets) == ["DATABASE_URL"]
    assert secrets["DATABASE_URL"].startswith("arn:aws:secretsmanager:")
    assert secrets["DATABASE_URL"].endswith(
        f":secret:{config['node_secret_prefix']}_template:url::"
    )
    assert "DATABASE_URL" not in environment
    assert not [n for n in environment if "PASSWORD" in n or n.startswith("DATABASE_")]


def test_no_pygrid_secret_points_at_the_master_secret(deployed, outputs, pygrid_template):
    master = outputs["database_master_secret_arn"]
    # GIVEN the template's secrets and the nodes' execution role policy
    container = _container(pygrid_template, outputs["pygrid_node_manager"]["container_name"])
    role_name = pygrid_template["executionRoleArn"].rsplit("/", 1)[-1]
    iam = deployed.client("iam")
    documents = [
        json.dumps(iam.get_role_policy(RoleName=role_name, PolicyName=name)["PolicyDocument"])
        for name in iam.list_role_policies(RoleName=role_name)["PolicyNames"]
    ]

    # THEN neither names the master secret; the role may read the node secrets only (not even
    # PyGrid's shared role secret any more: each node has its own)
    node_secrets = f":secret:{outputs['pygrid_node_manager']['node_secret_prefix']}*"
    assert documents
    assert not [s for s in container.get("secrets", []) if s["valueFrom"].startswith(master)]
    assert all(master not in document for document in documents)
    assert any(node_secrets in document for document in documents)
    assert all(outputs["pygrid_role_secret_arn"] not in document for document in documents)
    assert outputs["pygrid_role_secret_arn"] != master


def test_the_role_function_runs_in_the_vpc_and_reaches_the_database(deployed, outputs):
    # GIVEN the deployed role function
    function = deployed.client("lambda").get_function_configuration(
        FunctionName=outputs["pygrid_role_function_name"]
    )
    environment = function["Environment"]["Variables"]

    # THEN it runs in the private subnets, reads the master secret and writes PyGrid's own
    assert set(function["VpcConfig"]["SubnetIds"]) == set(outputs["private_subnet_ids"])
    assert environment["MASTER_SECRET_ARN"] == outputs["database_master_secret_arn"]
    assert environment["ROLE_SECRET_ARN"] == outputs["pygrid_role_secret_arn"]
    assert environment["DATABASE_TLS"] == "require"
    # AND it reads the node secrets the node manager writes, under the same prefix
    assert environment["NODE_SECRET_PREFIX"] == outputs["pygrid_node_manager"]["node_secret_prefix"]
    # AND the database admits its security group
    (group_id,) = function["VpcConfig"]["SecurityGroupIds"]
    database = deployed.client("ec2").describe_security_groups(
        GroupIds=[outputs["database_security_group_id"]]
    )["SecurityGroups"][0]
    admitted = {p["GroupId"] for r in database["IpPermissions"] for p in r["UserIdGroupPairs"]}
    assert group_id in admitted


def test_on_the_emulator_the_role_secret_is_left_without_a_value(deployed, outputs):
    # GIVEN the local env, where the role function is deployed but not invoked
    # WHEN the role secret is read THEN it exists but holds nothing yet (no invocation ran)
    secretsmanager = deployed.client("secretsmanager")
    described = secretsmanager.describe_secret(SecretId=outputs["pygrid_role_secret_arn"])
    assert described["KmsKeyId"]
    with pytest.raises(ClientError) as error:
        secretsmanager.get_secret_value(SecretId=outputs["pygrid_role_secret_arn"])
    assert error.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_images_come_from_the_platforms_own_registry(
    deployed, outputs, orchestration_task, pygrid_template
):
    # GIVEN the registry the apply made
    urls = outputs["ecr_repository_urls"]
    ecr = deployed.client("ecr")
    repositories = ecr.describe_repositories(
        repositoryNames=[url.split("/", 1)[1] for url in urls.values()]
    )["repositories"]

    # THEN tags are immutable, pushes scanned, layers under KMS, a lifecycle keeps the newest
    assert {r["repositoryUri"] for r in repositories} == set(urls.values())
    for repository in repositories:
        assert repository["imageTagMutability"] == "IMMUTABLE"
        assert repository["imageScanningConfiguration"]["scanOnPush"] is True
        assert repository["encryptionConfiguration"]["encryptionType"] == "KMS"
        policy = json.loads(
            ecr.get_lifecycle_policy(repositoryName=repository["repositoryName"])[
                "lifecyclePolicyText"
            ]
        )
        assert policy["rules"][-1]["selection"]["countType"] == "imageCountMoreThan"
    # AND both task definitions pull a pinned tag from it
    orchestration_image = _container(orchestration_task)["image"]
    pygrid_image = _container(pygrid_template, outputs["pygrid_node_manager"]["container_name"])[
        "image"
    ]
    assert orchestration_image.startswith(urls["orchestration"] + ":")
    assert pygrid_image.startswith(urls["pygrid-node"] + ":")
    assert not orchestration_image.endswith(":latest")
    assert not pygrid_image.endswith(":latest")
