"""The emulator patches the compute layer needs: moto must answer the way AWS does, or every plan
after an apply of modules/ecs_cluster and modules/orchestration shows changes."""

import boto3
import pytest
from moto import mock_aws

from artificien_infra.local.patches import ecs_service_settings, rds_cluster_fields

REGION = "us-east-1"


@pytest.fixture(autouse=True)
def _patched(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    rds_cluster_fields.register()
    ecs_service_settings.register()


def _aurora_cluster(rds, identifier="pygrid", **extra):
    rds.create_db_cluster(
        DBClusterIdentifier=identifier,
        Engine="aurora-postgresql",
        EngineVersion="16.6",
        MasterUsername="pygrid_admin",
        ManageMasterUserPassword=True,
        **extra,
    )


@mock_aws
def test_provisioned_cluster_reports_no_v1_scaling_configuration():
    # GIVEN an Aurora Serverless v2 cluster (provisioned engine mode, v2 scaling only)
    rds = boto3.client("rds", region_name=REGION)
    _aurora_cluster(
        rds,
        EngineMode="provisioned",
        ServerlessV2ScalingConfiguration={"MinCapacity": 0.5, "MaxCapacity": 4},
    )

    # WHEN it is described
    cluster = rds.describe_db_clusters(DBClusterIdentifier="pygrid")["DBClusters"][0]

    # THEN, as on AWS, there is no v1 scaling info, and the v2 range is kept
    assert "ScalingConfigurationInfo" not in cluster
    assert cluster["ServerlessV2ScalingConfiguration"] == {"MinCapacity": 0.5, "MaxCapacity": 4}


@mock_aws
def test_serverless_v1_cluster_still_reports_its_scaling_configuration():
    # GIVEN a v1 serverless cluster with a scaling configuration
    rds = boto3.client("rds", region_name=REGION)
    _aurora_cluster(
        rds,
        identifier="v1",
        EngineMode="serverless",
        ScalingConfiguration={"MinCapacity": 2, "MaxCapacity": 8, "AutoPause": False},
    )

    # WHEN it is described
    cluster = rds.describe_db_clusters(DBClusterIdentifier="v1")["DBClusters"][0]

    # THEN the patch leaves its scaling info alone
    assert cluster["ScalingConfigurationInfo"]["MaxCapacity"] == 8


@mock_aws
def test_cluster_instance_keeps_performance_insights_settings_from_create():
    # GIVEN a serverless v2 instance created with Performance Insights on a customer key
    rds = boto3.client("rds", region_name=REGION)
    key_arn = boto3.client("kms", region_name=REGION).create_key()["KeyMetadata"]["Arn"]
    _aurora_cluster(rds, EngineMode="provisioned")
    rds.create_db_instance(
        DBInstanceIdentifier="pygrid-1",
        DBClusterIdentifier="pygrid",
        Engine="aurora-postgresql",
        DBInstanceClass="db.serverless",
        EnablePerformanceInsights=True,
        PerformanceInsightsKMSKeyId=key_arn,
        PerformanceInsightsRetentionPeriod=7,
    )

    # WHEN it is described
    instance = rds.describe_db_instances(DBInstanceIdentifier="pygrid-1")["DBInstances"][0]

    # THEN the three settings come back as sent
    assert instance["PerformanceInsightsEnabled"] is True
    assert instance["PerformanceInsightsKMSKeyId"] == key_arn
    assert instance["PerformanceInsightsRetentionPeriod"] == 7


@mock_aws
def test_instance_without_performance_insights_reports_it_disabled():
    # GIVEN an instance created without Performance Insights
    rds = boto3.client("rds", region_name=REGION)
    _aurora_cluster(rds, EngineMode="provisioned")
    rds.create_db_instance(
        DBInstanceIdentifier="plain-1",
        DBClusterIdentifier="pygrid",
        Engine="aurora-postgresql",
        DBInstanceClass="db.serverless",
    )

    # WHEN it is described
    instance = rds.describe_db_instances(DBInstanceIdentifier="plain-1")["DBInstances"][0]

    # THEN it says disabled rather than inventing a setting
    assert instance["PerformanceInsightsEnabled"] is False


@mock_aws
def test_create_service_keeps_the_settings_describe_must_echo():
    # GIVEN a Fargate service created with a grace period, managed tags and AZ rebalancing
    ecs = boto3.client("ecs", region_name=REGION)
    ecs.create_cluster(clusterName="platform")
    ecs.register_task_definition(
        family="orchestration",
        networkMode="awsvpc",
        requiresCompatibilities=["FARGATE"],
        cpu="256",
        memory="512",
        containerDefinitions=[{"name": "app", "image": "example/app:1.0.0", "essential": True}],
    )
    ecs.create_service(
        cluster="platform",
        serviceName="orchestration",
        taskDefinition="orchestration",
        desiredCount=1,
        launchType="FARGATE",
        healthCheckGracePeriodSeconds=60,
        enableECSManagedTags=True,
        enableExecuteCommand=False,
        availabilityZoneRebalancing="DISABLED",
    )

    # WHEN it is described
    service = ecs.describe_services(cluster="platform", services=["orchestration"])["services"][0]

    # THEN the settings are there, so a re-plan sees no change
    assert service["healthCheckGracePeriodSeconds"] == 60
    assert service["enableECSManagedTags"] is True
    assert service["enableExecuteCommand"] is False
    assert service["availabilityZoneRebalancing"] == "DISABLED"


def test_register_is_idempotent():
    # GIVEN the patches already registered (by the autouse fixture)
    from moto.ecs.responses import EC2ContainerServiceResponse
    from moto.rds.models import DBInstance

    create_service = EC2ContainerServiceResponse.create_service
    init = DBInstance.__init__

    # WHEN they are registered again (the emulator and the tests both call register())
    ecs_service_settings.register()
    rds_cluster_fields.register()

    # THEN nothing is wrapped twice
    assert EC2ContainerServiceResponse.create_service is create_service
    assert DBInstance.__init__ is init


@mock_aws
def test_rule_referencing_a_group_keeps_its_description():
    # GIVEN a load balancer group allowed into a task group, with a description on the pair
    from artificien_infra.local.patches import ec2_security_group_rule_description

    ec2_security_group_rule_description.register()
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc_id = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    lb = ec2.create_security_group(GroupName="lb", Description="lb", VpcId=vpc_id)["GroupId"]
    tasks = ec2.create_security_group(GroupName="tasks", Description="tasks", VpcId=vpc_id)
    ec2.authorize_security_group_ingress(
        GroupId=tasks["GroupId"],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 5000,
                "ToPort": 5000,
                "UserIdGroupPairs": [{"GroupId": lb, "Description": "From the load balancer"}],
            }
        ],
    )

    # WHEN the group's rules are described
    rules = ec2.describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": [tasks["GroupId"]]}]
    )["SecurityGroupRules"]

    # THEN the ingress rule carries the description it was created with
    ingress = [r for r in rules if not r["IsEgress"]]
    assert [r["Description"] for r in ingress] == ["From the load balancer"]
    assert ingress[0]["ReferencedGroupInfo"]["GroupId"] == lb
