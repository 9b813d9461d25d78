"""Docs generated from the code: module input/output tables and the architecture diagram.

``artificien-infra docs`` rewrites the block between the markers in every modules/<m>/README.md;
``--check`` only reports what is out of date (``make test`` runs it). ``artificien-infra diagram``
writes docs/architecture.dot from the root composition (which module feeds which) and renders it
with Graphviz.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import textwrap
from dataclasses import dataclass
from pathlib import Path

import hcl2

from artificien_infra.core.config import ConfigError

BEGIN = "<!-- BEGIN_TF_DOCS -->"
END = "<!-- END_TF_DOCS -->"


def _blocks(path: Path, kind: str) -> list[tuple[str, dict]]:
    if not path.is_file():
        return []
    try:
        parsed = hcl2.loads(path.read_text())
    except Exception as error:
        raise ConfigError(f"cannot parse {path}: {error}") from error
    return [
        (name.strip('"'), body) for block in parsed.get(kind, []) for name, body in block.items()
    ]


def _unwrap(value: object) -> str:
    """hcl2 renders expressions as "${...}" and strings with their quotes; show them as HCL."""
    if isinstance(value, str):
        if value.startswith("${") and value.endswith("}"):
            return value[2:-1]
        if len(value) >= 2 and value[0] == value[-1] == '"':
            return value
        return value
    if value is None:
        return "null"
    return json.dumps(value, separators=(", ", " = ") if isinstance(value, dict) else None)


def _text(value: object) -> str:
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value[1:-1]
    return str(value or "")


def _cell(text: str) -> str:
    return re.sub(r"\s+", " ", text).replace("|", "\\|").strip()


def module_block(module: Path) -> str:
    variables = _blocks(module / "variables.tf", "variable")
    outputs = _blocks(module / "outputs.tf", "output")
    lines = [BEGIN, "## Inputs", ""]
    if variables:
        lines += ["| name | description | type | default | required |", "|---|---|---|---|:-:|"]
        for name, body in sorted(variables):
            has_default = "default" in body
            default = f"`{_cell(_unwrap(body['default']))}`" if has_default else ""
            lines.append(
                f"| `{name}` | {_cell(_text(body.get('description')))} "
                f"| `{_cell(_unwrap(body.get('type', 'any')))}` | {default} "
                f"| {'no' if has_default else 'yes'} |"
            )
    else:
        lines.append("None.")
    lines += ["", "## Outputs", ""]
    if outputs:
        lines += ["| name | description | sensitive |", "|---|---|:-:|"]
        for name, body in sorted(outputs):
            sensitive = "yes" if body.get("sensitive") is True else "no"
            lines.append(f"| `{name}` | {_cell(_text(body.get('description')))} | {sensitive} |")
    else:
        lines.append("None.")
    lines.append(END)
    return "\n".join(lines) + "\n"


def render_readme(readme_text: str, block: str, title: str) -> str:
    if BEGIN in readme_text and END in readme_text:
        head, rest = readme_text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        return head + block.rstrip("\n") + tail
    base = readme_text if readme_text.strip() else f"# {title}\n"
    return base.rstrip("\n") + "\n\n" + block


def sync_module_docs(modules_dir: Path, *, check: bool) -> list[Path]:
    """Rewrite (or, with check, only list) every module README whose tables are out of date."""
    stale = []
    for module in sorted(p for p in modules_dir.iterdir() if (p / "variables.tf").is_file()):
        readme = module / "README.md"
        current = readme.read_text() if readme.is_file() else ""
        wanted = render_readme(current, module_block(module), f"modules/{module.name}")
        if wanted != current:
            stale.append(readme)
            if not check:
                readme.write_text(wanted)
    return stale


# Architecture diagram ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    outputs: tuple[str, ...]


def _summary_line(module_dir: Path) -> str:
    readme = module_dir / "README.md"
    if not readme.is_file():
        return ""
    for line in readme.read_text().splitlines()[1:]:
        line = line.strip()
        if line and not line.startswith(("#", "<!--", "|", "```")):
            return re.sub(r"[`*]", "", line.split(". ")[0]).rstrip(".")
    return ""


def composition(terraform_dir: Path) -> tuple[list[str], list[Edge]]:
    """Module blocks of the root and which module outputs each one consumes."""
    names: list[str] = []
    edges: list[Edge] = []
    for tf in sorted(terraform_dir.glob("*.tf")):
        for name, body in _blocks(tf, "module"):
            names.append(name)
            used: dict[str, set[str]] = {}
            for key, value in body.items():
                if key in ("source", "version", "__is_block__"):
                    continue
                for source, output in re.findall(r"module\.(\w+)\.(\w+)", json.dumps(value)):
                    used.setdefault(source, set()).add(output)
            edges += [Edge(s, name, tuple(sorted(o))) for s, o in sorted(used.items())]
    return names, edges


def diagram_dot(root: Path) -> str:
    names, edges = composition(root / "terraform")
    lines = [
        "// Generated by `artificien-infra diagram` from terraform/*.tf: do not edit.",
        "digraph artificien {",
        '  graph [rankdir=LR, fontname="Helvetica", nodesep=0.35, ranksep=0.9];',
        '  node [shape=box, style="rounded,filled", fillcolor="#eef3fb", color="#4a6fa5", '
        'fontname="Helvetica", fontsize=11];',
        '  edge [color="#4a6fa5", fontname="Helvetica", fontsize=8];',
    ]
    for name in sorted(names):
        wrapped = textwrap.wrap(_summary_line(root / "modules" / name), width=30)
        if len(wrapped) > 2:
            wrapped = [wrapped[0], wrapped[1].rstrip(",;:") + "…"]
        label = "\\n".join([name, *(line.replace('"', "'") for line in wrapped)])
        lines.append(f'  "{name}" [label="{label}"];')
    for edge in edges:
        shared = edge.source == "kms"  # everything is encrypted with it: draw it quietly
        style = ', style=dashed, color="#9aa5b1"' if shared else ""
        more = "…" if len(edge.outputs) > 3 else ""
        label = "" if shared else ", ".join(edge.outputs[:3]) + more
        lines.append(f'  "{edge.source}" -> "{edge.target}" [label="{label}"{style}];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def render_diagram(dot_source: Path, formats: tuple[str, ...] = ("svg", "png")) -> list[Path]:
    binary = shutil.which("dot")
    if binary is None:
        raise ConfigError("Graphviz is not installed: `apt-get install graphviz` (or brew install)")
    written = []
    for fmt in formats:
        target = dot_source.with_suffix(f".{fmt}")
        result = subprocess.run(  # noqa: S603 - fixed argv
            [binary, f"-T{fmt}", str(dot_source), "-o", str(target)],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise ConfigError(f"Graphviz could not render {dot_source}: {result.stderr.strip()}")
        written.append(target)
    return written


def sync_all(root: Path, *, check: bool) -> list[Path]:
    """Module READMEs and docs/architecture.dot: rewrite what is stale (or only list it)."""
    stale = sync_module_docs(root / "modules", check=check)
    dot = root / "docs" / "architecture.dot"
    wanted = diagram_dot(root)
    if not dot.is_file() or dot.read_text() != wanted:
        stale.append(dot)
        if not check:
            dot.parent.mkdir(parents=True, exist_ok=True)
            dot.write_text(wanted)
    return stale
