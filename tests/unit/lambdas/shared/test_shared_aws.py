"""shared.aws: clients take endpoint, region and credentials from the mapping they are given."""

from shared import aws


def test_the_mappings_values_win_over_this_process_environment(monkeypatch):
    # GIVEN this process points somewhere else entirely
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://elsewhere:1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "process-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "process-secret")
    environ = {
        "AWS_ENDPOINT_URL": "http://127.0.0.1:5000",
        "AWS_REGION": "us-west-2",
        "AWS_DEFAULT_REGION": "ap-south-1",
        "AWS_ACCESS_KEY_ID": "function-key",
        "AWS_SECRET_ACCESS_KEY": "function-secret",
        "AWS_SESSION_TOKEN": "function-token",
    }
    # WHEN a client is built from the function's environment
    client = aws.client(environ, "s3", connect_timeout=2, retries={"total_max_attempts": 3})
    # THEN it uses the function's endpoint, region (AWS_REGION first) and credentials
    assert client.meta.endpoint_url == "http://127.0.0.1:5000"
    assert client.meta.region_name == "us-west-2"
    credentials = client._request_signer._credentials.get_frozen_credentials()
    assert (credentials.access_key, credentials.secret_key, credentials.token) == (
        "function-key",
        "function-secret",
        "function-token",
    )
    # AND the botocore config built from the keyword arguments
    assert client.meta.config.connect_timeout == 2
    assert client.meta.config.retries["total_max_attempts"] == 3


def test_the_default_region_is_the_fallback():
    kwargs = aws.client_kwargs({"AWS_DEFAULT_REGION": "eu-central-1", "AWS_ENDPOINT_URL": " "})
    assert kwargs == {"region_name": "eu-central-1"}
