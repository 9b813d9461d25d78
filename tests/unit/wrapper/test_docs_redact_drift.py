import json

from click.testing import CliRunner

from artificien_infra.cli import main
from artificien_infra.core import docs
from artificien_infra.core.redact import MARK, mask, redact_plan

VARIABLES = """
variable "name" {
  description = "Prefix | of names."
  type        = string
}

variable "sizes" {
  description = "Sizes."
  type        = map(object({ min = number, max = optional(number, 3) }))
  default     = {}
  nullable    = false
}
"""

OUTPUTS = """
output "client_secret" {
  description = "The secret."
  value       = "x"
  sensitive   = true
}
"""


def _module(tmp_path):
    module = tmp_path / "modules" / "thing"
    module.mkdir(parents=True)
    (module / "variables.tf").write_text(VARIABLES)
    (module / "outputs.tf").write_text(OUTPUTS)
    (module / "README.md").write_text("# modules/thing\n\nDoes things. Well.\n")
    return module


def test_module_tables_come_from_variables_and_outputs(tmp_path):
    block = docs.module_block(_module(tmp_path))
    assert "| `name` | Prefix \\| of names. | `string` |  | yes |" in block
    assert "`map(object({min = number, max = optional(number, 3)}))`" in block
    assert "| `sizes` | Sizes. |" in block
    assert "| `client_secret` | The secret. | yes |" in block


def test_check_lists_stale_readmes_without_writing_then_sync_fixes_them(tmp_path):
    module = _module(tmp_path)
    before = (module / "README.md").read_text()
    assert docs.sync_module_docs(tmp_path / "modules", check=True) == [module / "README.md"]
    assert (module / "README.md").read_text() == before
    docs.sync_module_docs(tmp_path / "modules", check=False)
    text = (module / "README.md").read_text()
    assert text.startswith("# modules/thing\n\nDoes things. Well.\n")
    assert docs.sync_module_docs(tmp_path / "modules", check=True) == []
    # an edit to the variables makes it stale again; the hand-written part is kept
    (module / "variables.tf").write_text(VARIABLES.replace("Sizes.", "Sizes of things."))
    assert docs.sync_module_docs(tmp_path / "modules", check=True) == [module / "README.md"]
    docs.sync_module_docs(tmp_path / "modules", check=False)
    assert "Sizes of things." in (module / "README.md").read_text()
    assert (module / "README.md").read_text().count(docs.BEGIN) == 1


def test_diagram_draws_one_edge_per_consumed_module(tmp_path):
    _module(tmp_path)
    (tmp_path / "terraform").mkdir()
    (tmp_path / "terraform" / "main.tf").write_text(
        'module "kms" {\n  source = "../modules/kms"\n}\n'
        'module "thing" {\n  source = "../modules/thing"\n  name = module.kms.key_arn\n'
        "  other = { a = module.store.bucket_arn, b = module.store.bucket_name }\n}\n"
        'module "store" {\n  source = "../modules/store"\n}\n'
    )
    dot = docs.diagram_dot(tmp_path)
    assert '"store" -> "thing" [label="bucket_arn, bucket_name"];' in dot
    assert '"kms" -> "thing"' in dot
    assert "style=dashed" in dot
    assert '"thing" [label="thing\\nDoes things"]' in dot


def test_mask_follows_terraform_sensitivity_marks():
    value = {"a": "open", "b": "secret", "c": [{"d": "x"}, {"d": "hidden"}]}
    marks = {"b": True, "c": [{}, {"d": True}]}
    assert mask(value, marks) == {"a": "open", "b": MARK, "c": [{"d": "x"}, {"d": MARK}]}


def test_plan_documents_lose_every_sensitive_value():
    document = {
        "resource_changes": [
            {"change": {"before": None, "after": {"client_secret": "s1", "name": "web"},
                        "after_sensitive": {"client_secret": True}}}
        ],
        "output_changes": {"secret": {"before": None, "after": "s2", "after_sensitive": True}},
        "planned_values": {
            "outputs": {"secret": {"sensitive": True, "value": "s3"}},
            "root_module": {"child_modules": [{"resources": [
                {"values": {"password": "s4", "port": 5432}, "sensitive_values": {"password": True}}
            ]}]},
        },
        "prior_state": {"values": {"root_module": {"resources": [
            {"values": {"token": "s5"}, "sensitive_values": {"token": True}}]}}},
        "variables": {"token": {"value": "s6"}, "region": {"value": "us-east-1"}},
        "configuration": {"root_module": {"variables": {"token": {"sensitive": True}}}},
    }  # fmt: skip
    text = json.dumps(redact_plan(document))
    for secret in ("s1", "s2", "s3", "s4", "s5", "s6"):
        assert f'"{secret}"' not in text
    assert '"web"' in text
    assert "5432" in text
    assert "us-east-1" in text


def test_drift_runs_a_refresh_only_plan_and_reports_per_component(ctx, runner):
    runner.plan_document = {
        "resource_drift": [
            {"address": "module.dynamodb.aws_dynamodb_table.this[\"user_table\"]",
             "module_address": "module.dynamodb", "change": {"actions": ["update"]}},
            {"address": "module.kms.aws_kms_alias.this", "module_address": "module.kms",
             "change": {"actions": ["delete"]}},
        ]
    }  # fmt: skip
    result = CliRunner().invoke(main, ["drift", "--env", "dev"], obj=ctx)
    assert result.exit_code == 2, result.output
    assert "-refresh-only" in runner.args_of("plan")
    assert "changed outside" in result.output
    assert "deleted outside: module.kms.aws_kms_alias.this" in result.output
    assert not list(ctx.paths.build.glob("*.drift.tfplan"))
    assert "| dynamodb | 1 | 0 |" in (ctx.paths.reports / "drift-dev.md").read_text()


def test_no_drift_exits_zero(ctx, runner):
    runner.plan_document = {"resource_drift": []}
    result = CliRunner().invoke(main, ["drift", "--env", "dev"], obj=ctx)
    assert result.exit_code == 0, result.output


def test_plan_writes_a_markdown_summary_for_pull_requests(ctx, runner):
    CliRunner().invoke(main, ["plan", "--env", "dev"], obj=ctx)
    text = (ctx.paths.reports / "plan-dev.md").read_text()
    assert text.startswith("### Terraform plan: dev")
    assert "| dynamodb | 3 | 0 | 0 | 0 |" in text
