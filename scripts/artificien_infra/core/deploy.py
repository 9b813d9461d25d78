"""Plan, apply, destroy and read outputs for one environment.

One ``--env`` value decides the workspace, the var-file, the backend config and the plan file, so
they cannot diverge. ``apply`` only ever applies the saved plan of that env, and refuses it when
anything it was made from has changed since.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from artificien_infra.core import packaging
from artificien_infra.core.config import LOCAL, ConfigError, Context, validate_env
from artificien_infra.core.files import write_json_atomic
from artificien_infra.core.redact import redact_plan
from artificien_infra.core.summary import (
    DRIFT_COLUMNS,
    PlanSummary,
    markdown,
    summarize,
)
from artificien_infra.core.terraform import Terraform
from artificien_infra.local import processes as local

# Against the emulator an apply is mostly the provider's waiters sleeping (about 60 s per load
# balancer, 30 s per Aurora cluster and instance, 25 s per queue and its policy), and with
# Terraform's default of 10 concurrent operations the rest of the graph queues behind them.
# Measured on fresh local envs (the shared 2-core machine, load 3-12, apply of the saved plan,
# alternating runs): 114-152 s at 10 (mean 139, 4 runs), 103-118 s at 30 (mean 111, 4 runs).
# Real AWS keeps the default: there API rate limits, not waiters, set the pace.
LOCAL_APPLY_PARALLELISM = 30


@dataclass(frozen=True)
class PlanOutcome:
    has_changes: bool
    summary: PlanSummary
    plan_file: Path
    plan_json: Path


def endpoint_for(ctx: Context, env: str) -> str | None:
    if ctx.emulator_url is not None:
        return ctx.emulator_url
    if env != LOCAL:
        return None
    url = local.status(ctx)
    if url is None:
        raise ConfigError("the local emulator is not running: start it with `make local-up`")
    return url


def terraform_for(ctx: Context, env: str) -> Terraform:
    validate_env(env)
    return Terraform(
        ctx=ctx,
        cwd=ctx.paths.terraform,
        data_dir=ctx.paths.tf_data(env),
        env_name=env,
        endpoint_url=endpoint_for(ctx, env),
    )


def injected_variables(ctx: Context, env: str, endpoint_url: str | None) -> dict:
    """Values the wrapper computes: never typed by hand, never in argv."""
    return {
        **ctx.extra_variables,
        "environment": env,
        "aws_endpoint_url": endpoint_url,
        "lambda_packages": packaging.lambda_packages_var(ctx.paths),
    }


def init_env(ctx: Context, env: str, *, create_workspace: bool = False) -> Terraform:
    """Initialise the env's working data and select its workspace (``create_workspace``: make
    sure the backend holds it, see :meth:`Terraform.select_workspace`)."""
    tf = terraform_for(ctx, env)
    # a rehearsal keeps the env's state in its emulator, like local's, never in the real bucket
    backend = ctx.paths.backend_hcl(LOCAL if ctx.emulator_url is not None else env)
    if not backend.is_file():
        hint = "make local-up" if env == LOCAL else f"artificien-infra bootstrap --env {env}"
        raise ConfigError(f"no backend config for {env} ({backend}): run `{hint}` first")
    tf.init(backend_config=backend)
    tf.select_workspace(env, create=create_workspace)
    return tf


def inputs_digest(ctx: Context, env: str) -> str:
    """Everything a plan was made from; a saved plan is stale once this changes."""
    digest = hashlib.sha256()
    files = sorted(ctx.paths.terraform.glob("*.tf")) + sorted(ctx.paths.modules.rglob("*.tf"))
    files += [ctx.paths.tfvars(env), ctx.paths.auto_tfvars(env), ctx.paths.manifest]
    files += sorted(ctx.paths.modules.rglob("*.tftpl"))
    for path in files:
        digest.update(
            str(
                path.relative_to(ctx.paths.root) if path.is_relative_to(ctx.paths.root) else path
            ).encode()
        )
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    return digest.hexdigest()


def _prepare(ctx: Context, env: str) -> tuple[Terraform, list[Path]]:
    """Package, initialise and inject: what every plan of ``env`` starts from. Returns the
    initialised Terraform and the var-files (the env's tfvars, then the injected values)."""
    validate_env(env)
    tfvars = ctx.paths.tfvars(env)
    if not tfvars.is_file():
        raise ConfigError(f"missing {tfvars}")
    packaging.package_all(ctx.paths)
    tf = init_env(ctx, env)
    auto = ctx.paths.auto_tfvars(env)
    write_json_atomic(auto, injected_variables(ctx, env, tf.endpoint_url), mode=0o600)
    return tf, [tfvars, auto]


def plan(
    ctx: Context,
    env: str,
    *,
    component: str | None = None,
    destroy: bool = False,
    refresh: bool = True,
) -> PlanOutcome:
    """Plan ``env`` (or one component) into its saved plan. ``refresh=False`` is for a caller that
    has just applied this state itself and changed nothing since (the rehearsal): it skips reading
    every resource back again."""
    validate_env(env)
    targets: list[str] = []
    if component:
        if component not in ctx.components:
            raise ConfigError(
                f"unknown component {component!r}: choose one of {', '.join(ctx.components)}"
            )
        targets = [f"module.{component}"]
    tf, var_files = _prepare(ctx, env)

    plan_file = ctx.paths.plan_file(env, destroy=destroy)
    plan_json = ctx.paths.plan_json(env, destroy=destroy)
    meta = ctx.paths.plan_meta(env, destroy=destroy)
    for stale in (plan_file, plan_json, meta):
        stale.unlink(missing_ok=True)
    has_changes = tf.plan(plan_file, var_files, targets=targets, destroy=destroy, refresh=refresh)
    os.chmod(plan_file, 0o600)  # a saved plan can hold sensitive values
    document = redact_plan(tf.show_json(plan_file))
    write_json_atomic(plan_json, document, mode=0o600)
    _write_markdown(ctx, env, document, destroy=destroy)
    write_json_atomic(
        meta,
        {"env": env, "component": component, "destroy": destroy, "inputs": inputs_digest(ctx, env)},
    )
    return PlanOutcome(has_changes, summarize(document), plan_file, plan_json)


def _write_markdown(ctx: Context, env: str, document: dict, *, destroy: bool) -> Path:
    """The plan summary as Markdown, for a pull-request comment (build/reports/)."""
    name = f"{env}-destroy" if destroy else env
    path = ctx.paths.reports / f"plan-{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(markdown(summarize(document), f"Terraform plan: {name}"))
    return path


def drift(ctx: Context, env: str) -> PlanSummary:
    """Resources changed outside Terraform: a refresh-only plan, summarized per component.
    The refresh-only plan is only read, never applied, and is deleted at once."""
    tf, var_files = _prepare(ctx, env)
    plan_file = ctx.paths.build / f"{env}.drift.tfplan"
    try:
        tf.plan(plan_file, var_files, refresh_only=True, quiet=True)
        document = redact_plan(tf.show_json(plan_file))
    finally:
        plan_file.unlink(missing_ok=True)
    summary = summarize(document, key="resource_drift")
    path = ctx.paths.reports / f"drift-{env}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(markdown(summary, f"Drift: {env}", columns=DRIFT_COLUMNS))
    return summary


def saved_plan(ctx: Context, env: str, *, destroy: bool = False) -> tuple[Path, PlanSummary]:
    """The env's saved plan and its summary, or a clear refusal when it is missing or stale."""
    plan_file = ctx.paths.plan_file(env, destroy=destroy)
    meta_file = ctx.paths.plan_meta(env, destroy=destroy)
    verb = "destroy" if destroy else "plan"
    if not plan_file.is_file() or not meta_file.is_file():
        raise ConfigError(f"no saved {verb} for {env}: run `artificien-infra {verb} --env {env}`")
    meta = json.loads(meta_file.read_text())
    if meta.get("env") != env or meta.get("inputs") != inputs_digest(ctx, env):
        raise ConfigError(
            f"the saved {verb} for {env} is stale (code, variables or packages changed since): "
            f"run `artificien-infra {verb} --env {env}` again"
        )
    document = json.loads(ctx.paths.plan_json(env, destroy=destroy).read_text())
    return plan_file, summarize(document)


def apply(
    ctx: Context,
    env: str,
    *,
    confirm: Callable[[PlanSummary], bool],
    destroy: bool = False,
) -> PlanSummary:
    plan_file, summary = saved_plan(ctx, env, destroy=destroy)
    if not confirm(summary):
        raise ConfigError("not confirmed: nothing was changed")
    tf = init_env(ctx, env)
    try:
        emulated = tf.endpoint_url is not None
        tf.apply_plan(plan_file, parallelism=LOCAL_APPLY_PARALLELISM if emulated else None)
    finally:
        # a plan is single-use and may hold secrets: never leave it behind
        for path in (plan_file, ctx.paths.plan_meta(env, destroy=destroy)):
            path.unlink(missing_ok=True)
    return summary


def outputs(ctx: Context, env: str) -> dict[str, dict]:
    """Raw ``terraform output -json``: name -> {value, type, sensitive}."""
    return init_env(ctx, env).outputs()


def read_outputs(env: str, ctx: Context | None = None) -> dict:
    """Output name -> value, for code that needs the deployed names (node manager, tests)."""
    ctx = ctx or Context.create()
    return {name: item.get("value") for name, item in outputs(ctx, env).items()}
