"""The emulator patch for Amplify: apps, branches, domain associations and tags, driven through a
real moto server on loopback with boto3, as the AWS provider drives it."""

import pkgutil
import re

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError
from moto import backend_index, mock_aws
from moto import backends as moto_backends
from moto.server import ThreadedMotoServer

from artificien_infra.local import patches as emulator_patches
from artificien_infra.local.patches import amplify

REGION = "us-east-1"
ACCOUNT = "123456789012"  # moto's default
SPA_RULE = {"source": "</^[^.]+$/>", "target": "/index.html", "status": "200"}


@pytest.fixture(scope="module")
def endpoint():
    """A moto server on a free loopback port with the patch registered; moto's dispatch is left as
    it was found afterwards (patched or not)."""
    patterns = list(backend_index.backend_url_patterns)
    saved = {n: moto_backends.__dict__.get(n) for n in ("get_backend", amplify._PATCHED)}
    amplify.register()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()
    backend_index.backend_url_patterns[:] = patterns
    for name, value in saved.items():
        if value is not None:
            setattr(moto_backends, name, value)
        elif name in moto_backends.__dict__:
            delattr(moto_backends, name)


def _client(endpoint: str, **config):
    return boto3.client(
        "amplify",
        region_name=REGION,
        endpoint_url=endpoint,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}, **config),
    )


@pytest.fixture
def client(endpoint):
    requests.post(f"{endpoint}/moto-api/reset", timeout=10).raise_for_status()
    return _client(endpoint)


@pytest.fixture
def unchecked(endpoint, client):
    """A client that sends what botocore would refuse, to see the server's own answer."""
    return _client(endpoint, parameter_validation=False)


def _error(excinfo) -> tuple[str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


def _app(client, **fields) -> dict:
    return client.create_app(name="artificien-prod-website", **fields)["app"]


def _branch(client, app_id: str, name: str = "main", **fields) -> dict:
    return client.create_branch(appId=app_id, branchName=name, **fields)["branch"]


def test_an_app_is_created_read_updated_listed_and_deleted(client):
    # GIVEN an app created the way aws_amplify_app creates it (tokens included)
    app = _app(
        client,
        repository="https://github.com/dartmouth-cs98/artificien_marketplace",
        accessToken="not-echoed",
        buildSpec="version: 1\n",
        environmentVariables={"REACT_APP_REGION": REGION},
        customRules=[SPA_RULE],
        enableBranchAutoBuild=True,
        tags={"project": "artificien"},
    )

    # THEN it carries AWS's id, ARN and default domain, and never the token
    assert re.fullmatch(r"d[a-z0-9]{13}", app["appId"])
    assert app["appArn"] == f"arn:aws:amplify:{REGION}:{ACCOUNT}:apps/{app['appId']}"
    assert app["defaultDomain"] == f"{app['appId']}.amplifyapp.com"
    assert "accessToken" not in app
    assert client.get_app(appId=app["appId"])["app"] == app

    # WHEN its environment variables, build spec and rules change
    updated = client.update_app(
        appId=app["appId"],
        environmentVariables={"REACT_APP_REGION": "eu-west-1"},
        buildSpec="version: 2\n",
        customRules=[SPA_RULE, {"source": "/old", "target": "/new", "status": "301"}],
    )["app"]

    # THEN the read-back shows exactly the new values, the rest untouched
    read = client.get_app(appId=app["appId"])["app"]
    assert read == updated
    assert read["environmentVariables"] == {"REACT_APP_REGION": "eu-west-1"}
    assert read["buildSpec"] == "version: 2\n"
    assert [rule["source"] for rule in read["customRules"]] == [SPA_RULE["source"], "/old"]
    assert read["repository"] == app["repository"]
    assert read["tags"] == {"project": "artificien"}
    assert [a["appId"] for a in client.list_apps()["apps"]] == [app["appId"]]

    # WHEN it is deleted THEN the answer is the app and it is gone
    assert client.delete_app(appId=app["appId"])["app"]["appId"] == app["appId"]
    assert client.list_apps()["apps"] == []
    with pytest.raises(ClientError) as excinfo:
        client.get_app(appId=app["appId"])
    assert _error(excinfo) == ("NotFoundException", 404)


def test_the_providers_clearing_values_empty_maps_and_rules(client):
    # GIVEN an app with variables and a rule
    app = _app(client, environmentVariables={"A": "1"}, customRules=[SPA_RULE])

    # WHEN the provider clears them ({"": ""} is how it sends an empty map; [] for no rules)
    read = client.update_app(appId=app["appId"], environmentVariables={"": ""}, customRules=[])

    # THEN both read back empty
    assert read["app"]["environmentVariables"] == {}
    assert read["app"]["customRules"] == []


def test_a_branch_is_created_read_updated_listed_and_deleted(client):
    # GIVEN an app and a branch whose name holds a slash
    app_id = _app(client)["appId"]
    branch = _branch(
        client, app_id, "release/prod", stage="PRODUCTION", environmentVariables={"STAGE": "prod"}
    )

    # THEN it has AWS's ARN and defaults
    assert branch["branchArn"] == (
        f"arn:aws:amplify:{REGION}:{ACCOUNT}:apps/{app_id}/branches/release/prod"
    )
    assert branch["displayName"] == "release-prod"
    assert (branch["enableAutoBuild"], branch["ttl"], branch["customDomains"]) == (True, "5", [])
    assert client.get_branch(appId=app_id, branchName="release/prod")["branch"] == branch

    # WHEN its stage and variables change
    client.update_branch(
        appId=app_id, branchName="release/prod", stage="BETA", environmentVariables={"": ""}
    )

    # THEN the read-back has them; the list has it
    read = client.get_branch(appId=app_id, branchName="release/prod")["branch"]
    assert (read["stage"], read["environmentVariables"]) == ("BETA", {})
    assert [b["branchName"] for b in client.list_branches(appId=app_id)["branches"]] == [
        "release/prod"
    ]

    # WHEN it is deleted THEN it is gone
    client.delete_branch(appId=app_id, branchName="release/prod")
    assert client.list_branches(appId=app_id)["branches"] == []
    with pytest.raises(ClientError) as excinfo:
        client.get_branch(appId=app_id, branchName="release/prod")
    assert _error(excinfo) == ("NotFoundException", 404)


def test_a_domain_association_is_available_and_verified_at_once(client):
    # GIVEN an app with two branches
    app_id = _app(client)["appId"]
    _branch(client, app_id, "main")
    _branch(client, app_id, "dev")

    # WHEN a domain is associated (the apex and www on main)
    domain = client.create_domain_association(
        appId=app_id,
        domainName="artificien.com",
        subDomainSettings=[
            {"prefix": "", "branchName": "main"},
            {"prefix": "www", "branchName": "main"},
        ],
    )["domainAssociation"]

    # THEN it is as AWS answers a finished one: what wait_for_verification waits for
    assert domain["domainAssociationArn"] == (
        f"arn:aws:amplify:{REGION}:{ACCOUNT}:apps/{app_id}/domains/artificien.com"
    )
    assert domain["domainStatus"] == "AVAILABLE"
    assert all(sub["verified"] for sub in domain["subDomains"])
    assert re.fullmatch(
        r"_[0-9a-f]+\.artificien\.com\. CNAME _[0-9a-f.]+\.acm-validations\.aws\.",
        domain["certificateVerificationDNSRecord"],
    )
    assert domain["certificate"]["type"] == "AMPLIFY_MANAGED"
    assert [sub["dnsRecord"].split(" CNAME ")[0] for sub in domain["subDomains"]] == ["", "www"]
    main = client.get_branch(appId=app_id, branchName="main")["branch"]
    assert main["customDomains"] == ["artificien.com", "www.artificien.com"]
    read = client.get_domain_association(appId=app_id, domainName="artificien.com")
    assert read["domainAssociation"] == domain

    # WHEN its sub-domains change to one on dev
    client.update_domain_association(
        appId=app_id,
        domainName="artificien.com",
        subDomainSettings=[{"prefix": "dev", "branchName": "dev"}],
    )

    # THEN the read-back and both branches follow
    read = client.get_domain_association(appId=app_id, domainName="artificien.com")
    assert [s["subDomainSetting"] for s in read["domainAssociation"]["subDomains"]] == [
        {"prefix": "dev", "branchName": "dev"}
    ]
    assert client.get_branch(appId=app_id, branchName="main")["branch"]["customDomains"] == []
    listed = client.list_domain_associations(appId=app_id)["domainAssociations"]
    assert [d["domainName"] for d in listed] == ["artificien.com"]

    # WHEN it is deleted THEN it is gone
    client.delete_domain_association(appId=app_id, domainName="artificien.com")
    assert client.list_domain_associations(appId=app_id)["domainAssociations"] == []
    with pytest.raises(ClientError) as excinfo:
        client.get_domain_association(appId=app_id, domainName="artificien.com")
    assert _error(excinfo) == ("NotFoundException", 404)


@pytest.mark.parametrize(
    "call",
    [
        lambda c, app_id: c.get_app(appId="dnotanappid0000"),
        lambda c, app_id: c.update_app(appId="dnotanappid0000", description="x"),
        lambda c, app_id: c.delete_app(appId="dnotanappid0000"),
        lambda c, app_id: c.create_branch(appId="dnotanappid0000", branchName="main"),
        lambda c, app_id: c.list_branches(appId="dnotanappid0000"),
        lambda c, app_id: c.get_branch(appId=app_id, branchName="nope"),
        lambda c, app_id: c.update_branch(appId=app_id, branchName="nope", stage="BETA"),
        lambda c, app_id: c.delete_branch(appId=app_id, branchName="nope"),
        lambda c, app_id: c.get_domain_association(appId=app_id, domainName="nope.com"),
        lambda c, app_id: c.delete_domain_association(appId=app_id, domainName="nope.com"),
        lambda c, app_id: c.create_domain_association(
            appId=app_id,
            domainName="a.com",
            subDomainSettings=[{"prefix": "", "branchName": "nope"}],
        ),
    ],
)
def test_unknown_apps_branches_and_domains_are_not_found(client, call):
    app_id = _app(client)["appId"]
    with pytest.raises(ClientError) as excinfo:
        call(client, app_id)
    assert _error(excinfo) == ("NotFoundException", 404)
    # AND nothing was written
    assert client.list_domain_associations(appId=app_id)["domainAssociations"] == []


def test_missing_required_fields_are_bad_requests_that_write_nothing(client, unchecked):
    with pytest.raises(ClientError) as excinfo:
        unchecked.create_app(description="no name")
    assert _error(excinfo) == ("BadRequestException", 400)
    assert client.list_apps()["apps"] == []

    app_id = _app(client)["appId"]
    _branch(client, app_id, "main")
    for call in (
        lambda: unchecked.create_branch(appId=app_id, stage="BETA"),
        lambda: unchecked.create_domain_association(appId=app_id, domainName="a.com"),
        lambda: unchecked.create_domain_association(
            appId=app_id, domainName="a.com", subDomainSettings=[{"prefix": "www"}]
        ),
        lambda: unchecked.create_domain_association(
            appId=app_id,
            domainName="a.com",
            subDomainSettings=[{"prefix": "", "branchName": "main"}],
            certificateSettings={"type": "CUSTOM"},
        ),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert _error(excinfo) == ("BadRequestException", 400)
    assert [b["branchName"] for b in client.list_branches(appId=app_id)["branches"]] == ["main"]
    assert client.list_domain_associations(appId=app_id)["domainAssociations"] == []


def test_a_duplicate_branch_is_a_bad_request(client):
    app_id = _app(client)["appId"]
    _branch(client, app_id, "main", description="first")
    with pytest.raises(ClientError) as excinfo:
        _branch(client, app_id, "main", description="second")
    assert _error(excinfo) == ("BadRequestException", 400)
    assert client.get_branch(appId=app_id, branchName="main")["branch"]["description"] == "first"


def test_tags_on_apps_and_branches(client):
    # GIVEN an app and a branch created with tags
    app = _app(client, tags={"project": "artificien", "environment": "prod"})
    branch = _branch(client, app["appId"], tags={"project": "artificien"})

    for arn in (app["appArn"], branch["branchArn"]):
        # WHEN a tag is added and another removed
        client.tag_resource(resourceArn=arn, tags={"owner": "platform"})
        client.untag_resource(resourceArn=arn, tagKeys=["project"])

        # THEN the list and the resource itself show the result
        tags = client.list_tags_for_resource(resourceArn=arn)["tags"]
        assert "project" not in tags
        assert tags["owner"] == "platform"
    assert client.get_app(appId=app["appId"])["app"]["tags"] == {
        "environment": "prod",
        "owner": "platform",
    }


def test_tags_on_an_unknown_arn_are_not_found(client):
    arn = f"arn:aws:amplify:{REGION}:{ACCOUNT}:apps/dnotanappid0000"
    for call in (
        lambda: client.list_tags_for_resource(resourceArn=arn),
        lambda: client.tag_resource(resourceArn=arn, tags={"a": "b"}),
        lambda: client.untag_resource(resourceArn=arn, tagKeys=["a"]),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert _error(excinfo) == ("ResourceNotFoundException", 404)


def test_lists_page_with_max_results(client):
    ids = [client.create_app(name=f"app-{n}")["app"]["appId"] for n in range(3)]
    first = client.list_apps(maxResults=2)
    second = client.list_apps(maxResults=2, nextToken=first["nextToken"])
    assert [a["appId"] for a in first["apps"] + second["apps"]] == ids
    assert "nextToken" not in second


def test_page_refuses_a_token_it_did_not_give():
    with pytest.raises(amplify.BadRequestException):
        amplify.page([1, 2], None, "not-a-token")
    assert amplify.page([1, 2, 3], 2, None) == {"items": [1, 2], "nextToken": "2"}
    assert amplify.page([1, 2, 3], 2, "2") == {"items": [3], "nextToken": None}


def test_register_is_idempotent(endpoint):
    amplify.register()
    hosts = [service for service, _ in backend_index.backend_url_patterns]
    assert hosts.count("amplify") == 1
    assert moto_backends.get_backend("amplify") is amplify.amplify_backends
    assert moto_backends.get_backend("acm") is not amplify.amplify_backends


def test_the_backend_answers_in_process_too(endpoint, monkeypatch):
    # mock_aws (used by other tests) routes through the same index
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        local = boto3.client(
            "amplify",
            region_name=REGION,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        app_id = local.create_app(name="in-process")["app"]["appId"]
        assert local.get_app(appId=app_id)["app"]["name"] == "in-process"


def test_the_emulator_discovers_the_patch():
    names = {info.name for info in pkgutil.iter_modules(emulator_patches.__path__)}
    assert "amplify" in names
