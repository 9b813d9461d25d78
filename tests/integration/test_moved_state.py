"""A state written before the layout change plans to moves only: terraform/moved.tf carries every
address that changed when PyGrid's database left ecs_cluster for pygrid_database, both public
load balancers came to share modules/public_alb and the orchestration WAF got a module of its own.

How, without a second apply: the suite's state, with every moved resource put back at its old
address, is planned with ``-refresh=false`` in a throw-away working copy of terraform/ (local
backend, the suite's own variables and emulator). The old addresses below are written out here,
not read from moved.tf, so a missing or wrong moved block shows up as a destroy plus a create.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from artificien_infra.core.terraform import point_at_emulator

pytestmark = pytest.mark.integration

# New address -> the address the same resource had in the old layout.
OLD_ADDRESSES = {
    **{
        f"module.pygrid_database.{new}": f"module.ecs_cluster.{old}"
        for new, old in {
            "aws_db_subnet_group.this": "aws_db_subnet_group.this",
            "aws_security_group.this": "aws_security_group.database",
            "aws_rds_cluster_parameter_group.this": "aws_rds_cluster_parameter_group.this",
            "aws_cloudwatch_log_group.this": "aws_cloudwatch_log_group.database",
            "aws_rds_cluster.this": "aws_rds_cluster.this",
            "aws_rds_cluster_instance.this": "aws_rds_cluster_instance.this",
            "aws_iam_role.monitoring": "aws_iam_role.monitoring",
            "aws_iam_role_policy.monitoring": "aws_iam_role_policy.monitoring",
        }.items()
    },
    **{
        f"module.orchestration.module.public_alb.{new}": f"module.orchestration.{old}"
        for new, old in {
            "aws_security_group.this": "aws_security_group.load_balancer",
            "aws_vpc_security_group_ingress_rule.https": (
                "aws_vpc_security_group_ingress_rule.load_balancer_https"
            ),
            "aws_vpc_security_group_ingress_rule.http": (
                "aws_vpc_security_group_ingress_rule.load_balancer_http"
            ),
            "aws_vpc_security_group_egress_rule.to_targets": (
                "aws_vpc_security_group_egress_rule.load_balancer_to_tasks"
            ),
            "aws_lb.this": "aws_lb.this",
            "aws_lb_listener.https": "aws_lb_listener.https",
            "aws_lb_listener.http_redirect": "aws_lb_listener.http_redirect",
            "aws_lb_listener.http": "aws_lb_listener.http_forward",
        }.items()
    },
    **{
        f"module.pygrid_node.module.public_alb.{new}": f"module.pygrid_node.{old}"
        for new, old in {
            "aws_security_group.this": "aws_security_group.load_balancer",
            "aws_vpc_security_group_ingress_rule.http": (
                "aws_vpc_security_group_ingress_rule.load_balancer_listener"
            ),
            "aws_vpc_security_group_egress_rule.to_targets": (
                "aws_vpc_security_group_egress_rule.load_balancer_to_nodes"
            ),
            "aws_lb.this": "aws_lb.this",
            "aws_lb_listener.https": "aws_lb_listener.https",
            "aws_lb_listener.http": "aws_lb_listener.http",
        }.items()
    },
    **{
        f"module.orchestration_waf.{new}": f"module.orchestration.{old}"
        for new, old in {
            "aws_wafv2_regex_pattern_set.upload_paths": "aws_wafv2_regex_pattern_set.upload_paths",
            "aws_wafv2_web_acl.this": "aws_wafv2_web_acl.this",
            "aws_wafv2_web_acl_association.this": "aws_wafv2_web_acl_association.this",
            "aws_cloudwatch_log_group.this": "aws_cloudwatch_log_group.waf",
            "aws_cloudwatch_log_resource_policy.this": "aws_cloudwatch_log_resource_policy.waf",
            "aws_wafv2_web_acl_logging_configuration.this": (
                "aws_wafv2_web_acl_logging_configuration.this"
            ),
        }.items()
    },
}

# What exists on the local env whatever the layout: everything but the certificate-only parts.
CERTIFICATE_ONLY = {
    "module.orchestration.module.public_alb.aws_vpc_security_group_ingress_rule.https",
    "module.orchestration.module.public_alb.aws_lb_listener.https",
    "module.orchestration.module.public_alb.aws_lb_listener.http_redirect",
    "module.pygrid_node.module.public_alb.aws_lb_listener.https",
}

ROOT = Path(__file__).resolve().parents[2]
_INDEX = re.compile(r"\[[^\[\]]*\]$")


def resource_address(resource: dict) -> str:
    """The address of a state resource (module path, type and name; no instance key)."""
    prefix = f"{resource['module']}." if resource.get("module") else ""
    data = "data." if resource["mode"] == "data" else ""
    return f"{prefix}{data}{resource['type']}.{resource['name']}"


def _place(resource: dict, address: str) -> None:
    module, _, rest = address.rpartition(".")
    module, _, rtype = module.rpartition(".")
    if module:
        resource["module"] = module
    else:
        resource.pop("module", None)
    resource["type"], resource["name"] = rtype, rest


def _old_dependency(dependency: str, old: dict[str, str]) -> str:
    return old.get(_INDEX.sub("", dependency), dependency)


def to_old_layout(state: dict, old: dict[str, str]) -> tuple[dict, set[str], set[str]]:
    """A copy of ``state`` with each resource of ``old`` back at its old address. Returns the copy,
    the new addresses rewritten and, of those, the ones holding at least one instance."""
    state = json.loads(json.dumps(state))
    rewritten: set[str] = set()
    with_instances: set[str] = set()
    for resource in state["resources"]:
        address = resource_address(resource)
        if resource["mode"] == "managed" and address in old:
            _place(resource, old[address])
            rewritten.add(address)
            if resource.get("instances"):
                with_instances.add(address)
        for instance in resource.get("instances", []):
            if "dependencies" in instance:
                instance["dependencies"] = sorted(
                    _old_dependency(d, old) for d in instance["dependencies"]
                )
    state["serial"] = state.get("serial", 0) + 1
    return state, rewritten, with_instances


def _suite_state(deployed) -> dict:
    """The suite's local state, read from the emulator's state bucket (workspace local)."""
    s3 = deployed.client("s3")
    for bucket in (b["Name"] for b in s3.list_buckets()["Buckets"]):
        if "tfstate" not in bucket:
            continue
        for obj in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
            if obj["Key"].startswith("env:/local/") and obj["Key"].endswith(".tfstate"):
                return json.loads(s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read())
    raise AssertionError("no state of workspace local in the emulator's state bucket")


def _working_copy(base: Path) -> Path:
    """terraform/ copied with a local backend; everything else of the repository linked, so module
    sources and the files they read resolve as in the real root."""
    for entry in ROOT.iterdir():
        if entry.name not in {"terraform", ".git", ".venv", "build"}:
            (base / entry.name).symlink_to(entry)
    work = base / "terraform"
    work.mkdir()
    for tf in (ROOT / "terraform").glob("*.tf"):
        if tf.name != "backend.tf":
            shutil.copy2(tf, work / tf.name)
    shutil.copy2(ROOT / "terraform" / ".terraform.lock.hcl", work / ".terraform.lock.hcl")
    (work / "backend.tf").write_text('terraform {\n  backend "local" {}\n}\n')
    return work


def _write_state(work: Path, state: dict) -> None:
    """``state`` as the local backend's workspace local. Written after init: a non-empty state
    found before the backend's first init makes init ask whether to migrate it."""
    state_file = work / "terraform.tfstate.d" / "local" / "terraform.tfstate"
    state_file.parent.mkdir(parents=True, exist_ok=True)
    state_file.write_text(json.dumps(state))


def _terraform(work: Path, env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [shutil.which("terraform") or "terraform", *args],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, (
        f"terraform {args[0]} exited {result.returncode}\n{result.stderr[-4000:]}"
    )
    return result.stdout


def _short(address: str) -> str:
    return _INDEX.sub("", address)


def test_a_state_from_the_old_layout_plans_only_moves(deployed, tmp_path):
    build = Path(deployed.env_vars["ARTIFICIEN_BUILD_DIR"])
    var_files = [ROOT / "terraform" / "envs" / "local.tfvars", build / "local.auto.tfvars.json"]
    assert all(f.is_file() for f in var_files), f"the suite's variables are missing: {var_files}"

    # GIVEN the suite's state with every moved resource back at its old address
    state, rewritten, with_instances = to_old_layout(_suite_state(deployed), OLD_ADDRESSES)
    assert set(OLD_ADDRESSES) - CERTIFICATE_ONLY <= rewritten, (
        f"resources of the new layout missing from the state: "
        f"{sorted(set(OLD_ADDRESSES) - CERTIFICATE_ONLY - rewritten)}"
    )
    work = _working_copy(tmp_path)
    env = {
        **deployed.env_vars,
        **deployed.aws_env,
        "TF_DATA_DIR": str(tmp_path / ".terraform-data"),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
    }
    env.pop("AWS_PROFILE", None)
    point_at_emulator(env, deployed.endpoint_url)  # every service, as the wrapper does
    if (build / "terraformrc").is_file():  # the provider mirror, as the wrapper configured it
        env["TF_CLI_CONFIG_FILE"] = str(build / "terraformrc")

    # WHEN today's configuration plans from it, without refreshing
    _terraform(work, env, "init", "-input=false", "-no-color")
    _write_state(work, state)
    env["TF_WORKSPACE"] = "local"  # the root refuses to plan in a workspace not named after its env
    _terraform(
        work,
        env,
        "plan",
        "-refresh=false",
        "-lock=false",
        "-input=false",
        "-no-color",
        "-out=old-layout.tfplan",
        *[f"-var-file={f}" for f in var_files],
    )
    plan = json.loads(_terraform(work, env, "show", "-json", "old-layout.tfplan"))

    # THEN nothing is destroyed or created: every changed address is a move, and exactly the
    # moves of the old layout's resources happen
    changes = plan.get("resource_changes", [])
    replaced = sorted(
        f"{c['address']} {c['change']['actions']}"
        for c in changes
        if {"create", "delete"} & set(c["change"]["actions"])
    )
    assert not replaced, "a moved block is missing or wrong:\n" + "\n".join(replaced)
    moved = {
        _short(c["previous_address"]): _short(c["address"])
        for c in changes
        if c.get("previous_address")
    }
    assert moved == {OLD_ADDRESSES[new]: new for new in with_instances}
    assert "module.pygrid_database.aws_rds_cluster.this" in moved.values()
    assert {
        "module.orchestration.module.public_alb.aws_lb.this",
        "module.pygrid_node.module.public_alb.aws_lb.this",
        "module.orchestration_waf.aws_wafv2_web_acl.this",
    } <= set(moved.values())
