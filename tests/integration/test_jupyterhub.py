"""JupyterHub host, as really applied to the local emulator with the whole platform.

Root outputs used: jupyterhub_instance_id, jupyterhub_security_group_id, jupyterhub_role_name,
jupyterhub_client_secret_arn, jupyterhub_url, sample_data_bucket_name, sample_data_bucket_arn,
tutorials_bucket_name, tutorials_bucket_arn, user_pool_id, jupyterhub_client_id, region,
notebook_sync_queue_url, notebook_sync_queue_arn, dataset_table_name, web_client_id.
"""

import base64
import gzip
import json
import re
import threading
import uuid

import pytest

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def instance(deployed) -> dict:
    ec2 = deployed.client("ec2")
    reservations = ec2.describe_instances(InstanceIds=[deployed.outputs["jupyterhub_instance_id"]])[
        "Reservations"
    ]
    return reservations[0]["Instances"][0]


@pytest.fixture(scope="module")
def user_data(deployed, instance) -> str:
    attribute = deployed.client("ec2").describe_instance_attribute(
        InstanceId=instance["InstanceId"], Attribute="userData"
    )
    raw = base64.b64decode(attribute["UserData"]["Value"])
    # the module ships the script gzip-compressed (EC2's 16 KB limit); cloud-init unpacks it
    assert raw[:2] == b"\x1f\x8b"
    return gzip.decompress(raw).decode()


@pytest.fixture(scope="module")
def client_secret(deployed) -> str:
    """The JupyterHub OAuth client's secret, as Cognito holds it."""
    client = deployed.client("cognito-idp").describe_user_pool_client(
        UserPoolId=deployed.outputs["user_pool_id"],
        ClientId=deployed.outputs["jupyterhub_client_id"],
    )["UserPoolClient"]
    return client["ClientSecret"]


def test_host_is_running_hardened(deployed, instance):
    # GIVEN the applied platform
    # THEN the host runs with IMDSv2 only, detailed monitoring and its own security group and role
    assert instance["State"]["Name"] == "running"
    assert instance["MetadataOptions"]["HttpTokens"] == "required"
    assert instance["Monitoring"]["State"] in {"enabled", "pending"}
    assert [g["GroupId"] for g in instance["SecurityGroups"]] == [
        deployed.outputs["jupyterhub_security_group_id"]
    ]
    profile = deployed.client("iam").get_instance_profile(
        InstanceProfileName=instance["IamInstanceProfile"]["Arn"].rsplit("/", 1)[1]
    )["InstanceProfile"]
    assert [r["RoleName"] for r in profile["Roles"]] == [deployed.outputs["jupyterhub_role_name"]]


def test_root_volume_and_secret_use_the_same_customer_key(deployed, instance):
    # GIVEN the host's volumes and its OAuth client secret
    volumes = deployed.client("ec2").describe_volumes(
        Filters=[{"Name": "attachment.instance-id", "Values": [instance["InstanceId"]]}]
    )["Volumes"]
    secret = deployed.client("secretsmanager").describe_secret(
        SecretId=deployed.outputs["jupyterhub_client_secret_arn"]
    )

    # THEN every volume is encrypted, with the platform key that also encrypts the secret
    assert volumes
    assert secret.get("KmsKeyId", "").startswith("arn:aws:kms:")
    assert all(v["Encrypted"] and v["KmsKeyId"] == secret["KmsKeyId"] for v in volumes)


def test_only_http_and_https_are_open(deployed):
    # GIVEN the host's security group
    group = deployed.client("ec2").describe_security_groups(
        GroupIds=[deployed.outputs["jupyterhub_security_group_id"]]
    )["SecurityGroups"][0]

    # THEN ingress is exactly TCP 80 and 443 (no SSH: operators use Session Manager)
    ports = sorted((p["IpProtocol"], p["FromPort"], p["ToPort"]) for p in group["IpPermissions"])
    assert ports == [("tcp", 80, 80), ("tcp", 443, 443)]


def test_secret_holds_the_cognito_client_secret(deployed, client_secret):
    # GIVEN the secret the host reads at boot
    value = deployed.client("secretsmanager").get_secret_value(
        SecretId=deployed.outputs["jupyterhub_client_secret_arn"]
    )["SecretString"]

    # THEN it is the JupyterHub client's secret in Cognito
    assert client_secret
    assert value == client_secret


def test_user_data_fetches_the_secret_but_never_holds_it(deployed, user_data, client_secret):
    # GIVEN the user data the host booted with
    # THEN it names the secret's ARN and the buckets, and never contains the secret itself
    assert client_secret not in user_data
    assert f"readonly CLIENT_SECRET_ARN='{deployed.outputs['jupyterhub_client_secret_arn']}'" in (
        user_data
    )
    assert f"readonly SAMPLE_DATA_BUCKET='{deployed.outputs['sample_data_bucket_name']}'" in (
        user_data
    )
    assert f"readonly TUTORIALS_BUCKET='{deployed.outputs['tutorials_bucket_name']}'" in user_data
    domain = deployed.outputs["jupyterhub_url"].removeprefix("https://")
    assert f"readonly JUPYTER_DOMAIN='{domain}'" in user_data


def test_instance_role_reads_only_the_two_buckets_and_the_secret(deployed):
    # GIVEN the host role's inline policies
    iam = deployed.client("iam")
    role = deployed.outputs["jupyterhub_role_name"]
    names = iam.list_role_policies(RoleName=role)["PolicyNames"]
    attached = iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
    document = iam.get_role_policy(RoleName=role, PolicyName="jupyterhub-host")["PolicyDocument"]
    if isinstance(document, str):  # the emulator may return the document as text
        document = json.loads(document)
    statements = {s["Sid"]: s for s in document["Statement"]}

    # THEN it reads exactly those buckets and that secret, and has no managed policy
    assert sorted(names) == ["jupyterhub-host", "session-manager"]
    assert attached == []
    buckets = sorted(
        [deployed.outputs["sample_data_bucket_arn"], deployed.outputs["tutorials_bucket_arn"]]
    )
    assert sorted(statements["ListSharedBuckets"]["Resource"]) == buckets
    assert sorted(statements["ReadSharedObjects"]["Resource"]) == [f"{b}/*" for b in buckets]
    assert statements["ReadOAuthClientSecret"]["Resource"] == [
        deployed.outputs["jupyterhub_client_secret_arn"]
    ]
    assert statements["ReadOAuthClientSecret"]["Action"] == ["secretsmanager:GetSecretValue"]


def test_instance_role_only_receives_and_deletes_the_notebook_sync_events(deployed):
    # GIVEN the host role's policy
    document = deployed.client("iam").get_role_policy(
        RoleName=deployed.outputs["jupyterhub_role_name"], PolicyName="jupyterhub-host"
    )["PolicyDocument"]
    if isinstance(document, str):
        document = json.loads(document)
    statements = {s["Sid"]: s for s in document["Statement"]}

    # THEN on the queue it may receive and delete, nothing more, and on no other queue
    queue = statements["ReceiveNotebookSyncEvents"]
    assert sorted(queue["Action"]) == ["sqs:DeleteMessage", "sqs:ReceiveMessage"]
    assert queue["Resource"] == [deployed.outputs["notebook_sync_queue_arn"]]
    others = [s for sid, s in statements.items() if sid != "ReceiveNotebookSyncEvents"]
    assert not any("sqs:" in json.dumps(s["Action"]) for s in others)


def test_user_data_runs_the_agent_on_the_queue_and_writes_the_platform_config(deployed, user_data):
    # GIVEN the script the host booted with
    # THEN its agent reads the deployed queue, and notebooks learn the deployed ids
    assert f'"queue_url":"{deployed.outputs["notebook_sync_queue_url"]}"' in user_data
    assert f'"user_pool_id":"{deployed.outputs["user_pool_id"]}"' in user_data
    assert f'"web_client_id":"{deployed.outputs["web_client_id"]}"' in user_data
    assert "systemctl enable --now artificien-notebook-sync.service" in user_data


def test_a_registered_app_reaches_the_notebook_folder(deployed, monkeypatch, tmp_path):
    # GIVEN the notebook sync agent, set up as `make apply` sets it up, writing under tmp_path
    from notebook_sync.cli import build_agent, clients
    from notebook_sync.config import parse

    from artificien_infra.local import notebook_sync as notebook_sync_local
    from artificien_infra.local import triggers

    notebooks = tmp_path / "notebooks"
    settings = notebook_sync_local.agent_settings(
        deployed.outputs, deployed.endpoint_url, notebooks
    )
    config = parse({**settings, "wait_seconds": 1})
    sqs, s3 = clients(config, aws_access_key_id="test", aws_secret_access_key="test")
    agent = build_agent(config, sqs, s3)
    assert agent.reconcile()

    # WHEN an app is registered and the local trigger runner writes its sample
    dataset_id = f"Notebook App {uuid.uuid4().hex[:8]}"
    deployed.client("dynamodb").put_item(
        TableName=deployed.outputs["dataset_table_name"],
        Item={
            "dataset_id": {"S": dataset_id},
            "attributes": {"L": [{"S": "steps"}]},
            "attributeTypes": {"L": [{"S": "N"}]},
            "attributeRangeMins": {"L": [{"S": "0"}]},
            "attributeRangeMaxes": {"L": [{"S": "100"}]},
        },
    )
    for key, value in deployed.aws_env.items():
        monkeypatch.setenv(key, value)
    stop = threading.Event()
    stop.set()
    triggers.run(deployed.outputs, deployed.endpoint_url, None, stop, 0.1)

    # THEN the bucket's event brings the CSV into the notebook folder, byte for byte
    target = notebooks / "sample_data" / f"{dataset_id}.csv"
    for _ in range(20):
        if target.exists():
            break
        agent.poll_once()
    expected = s3.get_object(Bucket=deployed.outputs["sample_data_bucket_name"], Key=target.name)
    assert target.read_bytes() == expected["Body"].read()
    assert target.read_text().splitlines()[0] == "steps"


def test_the_pool_holds_the_one_group_the_hub_admits(deployed, user_data):
    # GIVEN the groups the hub's config admits, and the user pool's groups
    admitted = re.search(r"c\.GenericOAuthenticator\.allowed_groups = \{(.*)\}", user_data)
    assert admitted, "the user data sets no allowed_groups"
    groups = deployed.client("cognito-idp").list_groups(UserPoolId=deployed.outputs["user_pool_id"])
    in_pool = {g["GroupName"] for g in groups["Groups"]}

    # THEN the hub admits exactly the data-scientists group, which exists in the deployed pool,
    # read from the ID token's cognito:groups claim, and nobody else
    assert json.loads(f"[{admitted.group(1)}]") == ["data-scientists"]
    assert "data-scientists" in in_pool
    assert 'c.GenericOAuthenticator.claim_groups_key = "cognito:groups"' in user_data
    assert "c.GenericOAuthenticator.userdata_from_id_token = True" in user_data
    assert "c.GenericOAuthenticator.allow_all = False" in user_data
    assert "tljh-config set limits.memory '2G'" in user_data
    assert "tljh-config set limits.cpu '1'" in user_data


def test_the_notebook_copies_have_their_own_encrypted_volume(deployed, instance, user_data):
    # GIVEN the volume the host's boot script mounts at /srv/data
    named = re.search(r"^readonly DATA_VOLUME_ID='(vol-[0-9a-f]+)'$", user_data, re.MULTILINE)
    assert named, "the user data names no data volume"
    ec2 = deployed.client("ec2")
    volume = ec2.describe_volumes(VolumeIds=[named.group(1)])["Volumes"][0]
    secret = deployed.client("secretsmanager").describe_secret(
        SecretId=deployed.outputs["jupyterhub_client_secret_arn"]
    )

    # THEN it is attached to the host as /dev/sdf, apart from the root volume, in the host's
    # zone, 20 GiB, encrypted with the platform key
    assert [(a["InstanceId"], a["Device"]) for a in volume["Attachments"]] == [
        (instance["InstanceId"], "/dev/sdf")
    ]
    assert instance["RootDeviceName"] != "/dev/sdf"
    assert volume["AvailabilityZone"] == instance["Placement"]["AvailabilityZone"]
    assert volume["Size"] == 20
    assert volume["VolumeType"] == "gp3"
    assert volume["Encrypted"]
    assert volume["KmsKeyId"] == secret["KmsKeyId"]
