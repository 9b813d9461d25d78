"""The deploy loop itself: apply, idempotent re-plan, and the data layer as the website sees it."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.integration


def test_replan_after_apply_has_no_changes(deployed):
    # GIVEN the platform applied once
    # THEN planning again finds nothing to do (exit 0 of the wrapper's plan)
    changes = [line for line in deployed.replan_output.splitlines() if line.startswith("  # ")]
    assert deployed.replan_exit == 0, "\n".join(changes) or deployed.replan_output[-4000:]


def test_tables_exist_with_their_keys_indexes_and_stream(deployed):
    ddb = deployed.client("dynamodb")
    expected = {
        deployed.outputs["user_table_name"]: ("user_id", {"users_username_index"}),
        deployed.outputs["model_table_name"]: ("model_id", {"owner-active-index"}),
        deployed.outputs["dataset_table_name"]: (
            "dataset_id",
            {"owner_username-index", "category-app-index", "placeholder-app"},
        ),
    }
    for name, (hash_key, indexes) in expected.items():
        table = ddb.describe_table(TableName=name)["Table"]
        assert table["KeySchema"] == [{"AttributeName": hash_key, "KeyType": "HASH"}]
        assert {i["IndexName"] for i in table.get("GlobalSecondaryIndexes", [])} == indexes
        assert table["SSEDescription"]["Status"] in ("ENABLED", "ENABLING")
    dataset = ddb.describe_table(TableName=deployed.outputs["dataset_table_name"])["Table"]
    assert dataset["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"}
    assert dataset["LatestStreamArn"] == deployed.outputs["dataset_table_stream_arn"]


def test_point_in_time_recovery_is_on(deployed):
    ddb = deployed.client("dynamodb")
    backups = ddb.describe_continuous_backups(TableName=deployed.outputs["user_table_name"])
    pitr = backups["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert pitr["PointInTimeRecoveryStatus"] == "ENABLED"


def test_a_second_apply_without_a_new_plan_is_refused(deployed):
    # apply consumes its saved plan; the re-plan left a fresh one, so plan+apply is a no-op,
    # and applying twice in a row is refused with a clear message
    first = deployed.cli("apply", "--env", "local")
    assert first.returncode == 0, first.stderr[-3000:]
    second = deployed.cli("apply", "--env", "local")
    assert second.returncode == 1
    assert "no saved plan for local" in second.stderr


def test_status_prints_the_endpoint(deployed):
    result = deployed.cli("local", "status", check=True)
    assert result.stdout.strip() == deployed.endpoint_url


def test_checkov_passes_on_the_plan_json_of_the_deployed_env(deployed):
    # the re-plan left build/local.tfplan.json (redacted): the gate scans it as a plan. The plan
    # alone: the static gates of make test scan the directories (where their reports go is a
    # unit test, test_reports_go_to_one_folder_per_scan_in_every_format)
    result = deployed.cli("check", "--only", "checkov-plan", "--plan-env", "local", "--reports")
    assert result.returncode == 0, result.stderr[-6000:]
    assert "checkov plan" in result.stderr
    assert "checkov modules" not in result.stderr
    reports = Path(deployed.env_vars["ARTIFICIEN_BUILD_DIR"]) / "reports"
    assert (reports / "checkov-plan" / "results_sarif.sarif").is_file()
    assert (reports / "checkov-plan" / "results_junitxml.xml").is_file()


def test_drift_made_behind_terraforms_back_is_reported(deployed):
    # GIVEN a table changed through the emulator's API, not through Terraform
    ddb = deployed.client("dynamodb")
    table = deployed.outputs["model_table_name"]
    arn = ddb.describe_table(TableName=table)["Table"]["TableArn"]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "environment", "Value": "tampered"}])
    try:
        # WHEN drift is checked THEN it exits 2 and names the resource under its component
        result = deployed.cli("drift", "--env", "local")
        assert result.returncode == 2, result.stderr[-4000:]
        assert 'module.dynamodb.aws_dynamodb_table.this["model_table"]' in result.stderr
    finally:
        ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "environment", "Value": "local"}])
    assert deployed.cli("drift", "--env", "local").returncode == 0
