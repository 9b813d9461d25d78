"""`artificien-infra sample-data`: preview the sample CSV of a dataset item."""

import json

from click.testing import CliRunner

from artificien_infra.commands import sample_data as sample_data_cli
from artificien_infra.commands.sample_data import sample_data

PLAIN = {
    "dataset_id": "Health Tracker",
    "attributes": ["bmi", "city", "steps", "smoker"],
    "attributeTypes": ["N", "S", "N", "B"],
    "attributeRangeMins": ["40", "0"],
    "attributeRangeMaxes": ["10", "30000"],
}
DYNAMODB = {
    "dataset_id": {"S": "Health Tracker"},
    "attributes": {"L": [{"S": a} for a in PLAIN["attributes"]]},
    "attributeTypes": {"L": [{"S": t} for t in PLAIN["attributeTypes"]]},
    "attributeRangeMins": {"L": [{"S": "40"}, {"S": "0"}]},
    "attributeRangeMaxes": {"L": [{"S": "10"}, {"S": "30000"}]},
    "hasNode": {"BOOL": False},
}


def _write(tmp_path, name, document):
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return path


def test_plain_and_dynamodb_json_give_the_same_file(tmp_path):
    runner = CliRunner()
    for name, document in (("plain.json", PLAIN), ("ddb.json", DYNAMODB)):
        item = _write(tmp_path, name, document)
        result = runner.invoke(sample_data, [str(item), "--rows", "50", "--out", f"{item}.csv"])
        assert result.exit_code == 0, result.output
    plain = (tmp_path / "plain.json.csv").read_bytes()
    assert plain == (tmp_path / "ddb.json.csv").read_bytes()
    lines = plain.decode().split("\r\n")
    assert lines[0] == "bmi,city,steps,smoker"
    assert len(lines) == 52


def test_same_bytes_as_the_lambda_writes(tmp_path):
    # The Lambda seeds with the dataset id; so does the preview by default.
    generator = sample_data_cli.import_lambda_module("sample_data.generator")
    dataset = sample_data_cli.import_lambda_module("sample_data.dataset")
    expected = b"".join(generator.generate_csv(dataset.parse_item(DYNAMODB), 1000))
    item = _write(tmp_path, "item.json", {"Item": DYNAMODB})  # a GetItem answer works too
    out = tmp_path / "sample.csv"
    result = CliRunner().invoke(sample_data, [str(item), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == expected  # default rows: 1000, as the Lambda without num_devices


def test_seed_changes_the_values_not_the_shape(tmp_path):
    item = _write(tmp_path, "item.json", PLAIN)
    runner = CliRunner()
    runner.invoke(sample_data, [str(item), "--rows", "20", "--out", str(tmp_path / "a.csv")])
    runner.invoke(
        sample_data,
        [str(item), "--rows", "20", "--out", str(tmp_path / "b.csv"), "--seed", "other"],
    )
    a, b = (tmp_path / "a.csv").read_bytes(), (tmp_path / "b.csv").read_bytes()
    assert a != b
    assert a.count(b"\r\n") == b.count(b"\r\n") == 21


def test_stdout(tmp_path):
    item = _write(tmp_path, "item.json", PLAIN)
    result = CliRunner().invoke(sample_data, [str(item), "--rows", "3", "--out", "-"])
    assert result.exit_code == 0
    assert result.stdout_bytes.startswith(b"bmi,city,steps,smoker\r\n")
    assert result.stdout_bytes.count(b"\r\n") == 4


def test_invalid_item_names_the_field_and_writes_nothing(tmp_path):
    item = _write(tmp_path, "item.json", {**PLAIN, "attributeRangeMins": ["40"]})
    out = tmp_path / "sample.csv"
    result = CliRunner().invoke(sample_data, [str(item), "--rows", "5", "--out", str(out)])
    assert result.exit_code == 1
    assert "attributeRangeMins" in result.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [item]


def test_not_json(tmp_path):
    item = tmp_path / "item.json"
    item.write_text("{nope")
    result = CliRunner().invoke(sample_data, [str(item), "--out", str(tmp_path / "x.csv")])
    assert result.exit_code == 1
    assert "not a readable JSON file" in result.output


def test_import_lambda_module_by_path_without_sys_path(tmp_path, monkeypatch):
    # GIVEN a Lambda package that is not on sys.path (as for the installed console script)
    package = tmp_path / "lambdas" / "previewpkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "helper.py").write_text("VALUE = 7\n")
    (package / "main.py").write_text("from previewpkg.helper import VALUE\nDOUBLE = VALUE * 2\n")
    monkeypatch.delitem(__import__("sys").modules, "previewpkg", raising=False)
    # WHEN a module of it is imported by path THEN its absolute intra-package imports work
    module = sample_data_cli.import_lambda_module("previewpkg.main", tmp_path / "lambdas")
    assert module.DOUBLE == 14
    for name in ("previewpkg", "previewpkg.main", "previewpkg.helper"):
        monkeypatch.delitem(__import__("sys").modules, name, raising=False)
