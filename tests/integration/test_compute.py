"""Compute core on the local env: network, ECS cluster, PyGrid database and the orchestration
node service, as the whole-platform apply left them in the emulator.

Root outputs used: vpc_id, public_subnet_ids, private_subnet_ids, cluster_name, cluster_arn,
database_cluster_identifier, database_master_secret_arn, database_security_group_id,
orchestration_service_name, orchestration_service_url, orchestration_load_balancer_arn,
orchestration_listener_arn, orchestration_target_group_arn,
orchestration_load_balancer_security_group_id, orchestration_service_security_group_id,
orchestration_task_role_arn.
"""

import json

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def outputs(deployed):
    return deployed.outputs


def test_vpc_spans_two_zones_with_public_and_private_subnets(deployed, outputs):
    # GIVEN the subnets the apply reported
    ec2 = deployed.client("ec2")
    public = ec2.describe_subnets(SubnetIds=outputs["public_subnet_ids"])["Subnets"]
    private = ec2.describe_subnets(SubnetIds=outputs["private_subnet_ids"])["Subnets"]

    # THEN each kind covers two zones inside the VPC, and none hands out public IPs
    assert len({s["AvailabilityZone"] for s in public}) == 2
    assert len({s["AvailabilityZone"] for s in private}) == 2
    assert {s["VpcId"] for s in public + private} == {outputs["vpc_id"]}
    assert not any(s["MapPublicIpOnLaunch"] for s in public + private)


def test_default_security_group_is_closed_and_flow_logs_on(deployed, outputs):
    ec2 = deployed.client("ec2")
    # GIVEN the VPC's default security group
    default = ec2.describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [outputs["vpc_id"]]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"]

    # THEN it has no rule at all, and the VPC has a flow log
    assert len(default) == 1
    assert default[0]["IpPermissions"] == []
    assert default[0]["IpPermissionsEgress"] == []
    flow_logs = ec2.describe_flow_logs(
        Filters=[{"Name": "resource-id", "Values": [outputs["vpc_id"]]}]
    )["FlowLogs"]
    assert [f["TrafficType"] for f in flow_logs] == ["ALL"]


def test_cluster_has_container_insights(deployed, outputs):
    # WHEN the cluster is described
    clusters = deployed.client("ecs").describe_clusters(
        clusters=[outputs["cluster_arn"]], include=["SETTINGS"]
    )["clusters"]

    # THEN Container Insights is on
    assert [c["clusterName"] for c in clusters] == [outputs["cluster_name"]]
    settings = {s["name"]: s["value"] for s in clusters[0]["settings"]}
    assert settings["containerInsights"] in ("enabled", "enhanced")


def test_database_is_encrypted_iam_authenticated_with_a_managed_password(deployed, outputs):
    rds = deployed.client("rds")
    # WHEN the PyGrid database cluster is described
    cluster = rds.describe_db_clusters(DBClusterIdentifier=outputs["database_cluster_identifier"])[
        "DBClusters"
    ][0]

    # THEN it is Aurora Serverless v2 PostgreSQL, encrypted, IAM-authenticated, with backups
    assert cluster["Engine"] == "aurora-postgresql"
    assert cluster["StorageEncrypted"] is True
    assert cluster["IAMDatabaseAuthenticationEnabled"] is True
    assert cluster["BackupRetentionPeriod"] >= 7
    assert cluster["ServerlessV2ScalingConfiguration"]["MaxCapacity"] >= 1
    # AND its password lives only in the AWS-managed secret the outputs point to
    assert cluster["MasterUserSecret"]["SecretArn"] == outputs["database_master_secret_arn"]
    instances = rds.describe_db_instances(
        Filters=[{"Name": "db-cluster-id", "Values": [outputs["database_cluster_identifier"]]}]
    )["DBInstances"]
    assert instances
    assert {i["DBInstanceClass"] for i in instances} == {"db.serverless"}
    assert not any(i["PubliclyAccessible"] for i in instances)


def test_database_is_reachable_only_from_security_groups(deployed, outputs):
    # GIVEN the database's security group (pygrid_node adds the PyGrid tasks' rule)
    group = deployed.client("ec2").describe_security_groups(
        GroupIds=[outputs["database_security_group_id"]]
    )["SecurityGroups"][0]

    # THEN no ingress rule admits an address range: only referenced groups
    for permission in group["IpPermissions"]:
        assert permission["IpRanges"] == []
        assert permission["Ipv6Ranges"] == []
        assert permission["UserIdGroupPairs"]


def test_no_output_carries_a_password(outputs):
    # GIVEN every root output, serialized
    text = json.dumps(outputs).lower()

    # THEN the database's master password appears nowhere (only the secret's ARN)
    assert '"password"' not in text
    assert "master_password" not in text


def test_load_balancer_forwards_to_the_service_target_group(deployed, outputs):
    elbv2 = deployed.client("elbv2")
    # GIVEN the orchestration load balancer
    lb_arn = outputs["orchestration_load_balancer_arn"]
    lb = elbv2.describe_load_balancers(LoadBalancerArns=[lb_arn])["LoadBalancers"][0]
    attributes = {
        a["Key"]: a["Value"]
        for a in elbv2.describe_load_balancer_attributes(LoadBalancerArn=lb["LoadBalancerArn"])[
            "Attributes"
        ]
    }

    # THEN it is public, in the public subnets, drops invalid headers and logs to alb/orchestration
    # (moto's DescribeLoadBalancers leaves out Scheme; the public subnets say it all)
    assert {az["SubnetId"] for az in lb["AvailabilityZones"]} == set(outputs["public_subnet_ids"])
    assert lb["SecurityGroups"] == [outputs["orchestration_load_balancer_security_group_id"]]
    assert attributes["routing.http.drop_invalid_header_fields.enabled"] == "true"
    assert attributes["access_logs.s3.enabled"] == "true"
    assert attributes["access_logs.s3.prefix"] == "alb/orchestration"
    # AND (local: no certificate) its listener forwards to the service's IP target group
    listener = elbv2.describe_listeners(ListenerArns=[outputs["orchestration_listener_arn"]])[
        "Listeners"
    ][0]
    assert listener["DefaultActions"][0]["Type"] == "forward"
    target_group_arn = outputs["orchestration_target_group_arn"]
    assert listener["DefaultActions"][0]["TargetGroupArn"] == target_group_arn
    assert (
        outputs["orchestration_service_url"] == f"{listener['Protocol'].lower()}://{lb['DNSName']}"
    )
    target_group = elbv2.describe_target_groups(
        TargetGroupArns=[outputs["orchestration_target_group_arn"]]
    )["TargetGroups"][0]
    assert target_group["TargetType"] == "ip"


def test_service_runs_on_fargate_in_private_subnets(deployed, outputs):
    ecs = deployed.client("ecs")
    # WHEN the orchestration service is described
    service = ecs.describe_services(
        cluster=outputs["cluster_arn"], services=[outputs["orchestration_service_name"]]
    )["services"][0]

    # THEN it is Fargate LATEST, private, without public IP, behind the target group
    assert service["launchType"] == "FARGATE"
    assert service["platformVersion"] == "LATEST"
    network = service["networkConfiguration"]["awsvpcConfiguration"]
    assert network["assignPublicIp"] == "DISABLED"
    assert set(network["subnets"]) == set(outputs["private_subnet_ids"])
    assert network["securityGroups"] == [outputs["orchestration_service_security_group_id"]]
    assert [lb["targetGroupArn"] for lb in service["loadBalancers"]] == [
        outputs["orchestration_target_group_arn"]
    ]


def test_task_definition_holds_names_not_secrets(deployed, outputs):
    ecs = deployed.client("ecs")
    # GIVEN the service's task definition
    service = ecs.describe_services(
        cluster=outputs["cluster_arn"], services=[outputs["orchestration_service_name"]]
    )["services"][0]
    task_definition = ecs.describe_task_definition(taskDefinition=service["taskDefinition"])[
        "taskDefinition"
    ]
    container = task_definition["containerDefinitions"][0]
    environment = {e["name"]: e["value"] for e in container["environment"]}

    # THEN it runs as the scoped task role and gets the cluster and tables by name
    assert task_definition["taskRoleArn"] == outputs["orchestration_task_role_arn"]
    assert task_definition["executionRoleArn"] != task_definition["taskRoleArn"]
    assert environment["ECS_CLUSTER"] == outputs["cluster_name"]
    assert environment["DATASET_TABLE"] == outputs["dataset_table_name"]
    # AND no plain variable looks like a secret; image is pinned
    assert not [name for name in environment if "PASSWORD" in name or "SECRET" in name]
    assert not container["image"].endswith(":latest")


def test_the_orchestration_load_balancer_is_behind_its_web_acl(deployed, outputs):
    # GIVEN the orchestration load balancer (the web ACL is modules/orchestration_waf, in the root)
    lb_arn = outputs["orchestration_load_balancer_arn"]
    # THEN the platform's one web ACL guards it, with the managed and rate-limit rules
    acl = deployed.client("wafv2").get_web_acl_for_resource(ResourceArn=lb_arn)["WebACL"]
    assert acl["Name"] == "artificien-local-orchestration"
    assert {rule["Name"] for rule in acl["Rules"]} >= {"aws-common", "rate-limit-per-ip"}
