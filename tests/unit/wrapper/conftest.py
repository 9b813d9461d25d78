"""A throwaway repository layout and a fake Terraform runner for the wrapper's unit tests."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from artificien_infra.core.config import Context, Paths, Settings
from artificien_infra.core.terraform import TfResult

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@dataclass
class FakeRunner:
    """Records every Terraform call; answers from a script keyed by command."""

    plan_exit: int = 2
    plan_document: dict = field(default_factory=lambda: json.loads(
        (FIXTURES / "plan_create.json").read_text()))  # fmt: skip
    fail: dict[str, TfResult] = field(default_factory=dict)
    outputs: dict = field(default_factory=dict)
    calls: list[tuple[str, list[str], dict]] = field(default_factory=list)

    def __call__(self, command, args, *, cwd, env, stream):
        self.calls.append((command, list(args), dict(env)))
        if command in self.fail:
            return self.fail[command]
        if command == "plan":
            out = next(a.split("=", 1)[1] for a in args if a.startswith("-out="))
            Path(out).write_bytes(b"saved plan")
            return TfResult(self.plan_exit)
        if command == "show":
            return TfResult(0, json.dumps(self.plan_document))
        if command == "output":
            return TfResult(0, json.dumps(self.outputs))
        return TfResult(0)

    def commands(self) -> list[str]:
        return [c for c, _, _ in self.calls]

    def args_of(self, command: str) -> list[str]:
        return next(a for c, a, _ in self.calls if c == command)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "terraform" / "envs").mkdir(parents=True)
    (root / "modules" / "dynamodb").mkdir(parents=True)
    (root / "terraform" / "main.tf").write_text(
        'module "dynamodb" {\n  source = "../modules/dynamodb"\n}\n'
    )
    (root / "modules" / "dynamodb" / "main.tf").write_text("# tables\n")
    for env in ("local", "dev", "staging", "prod"):
        (root / "terraform" / "envs" / f"{env}.tfvars").write_text('aws_region = "us-east-1"\n')
        if env != "local":
            (root / "terraform" / "envs" / f"{env}.backend.hcl").write_text('bucket = "b"\n')
    fn = root / "lambdas" / "hello"
    fn.mkdir(parents=True)
    (fn / "__init__.py").write_text("")
    (fn / "handler.py").write_text("def handler(event, context):\n    return event\n")
    return root


@pytest.fixture
def runner() -> FakeRunner:
    return FakeRunner()


@pytest.fixture
def ctx(repo: Path, tmp_path: Path, runner: FakeRunner) -> Context:
    return Context(
        paths=Paths(root=repo, build=tmp_path / "build"),
        settings=Settings(provider_mirror=None, local_port=4566),
        runner=runner,
    )
