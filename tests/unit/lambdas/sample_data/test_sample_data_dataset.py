"""Dataset items (as the website writes them) -> sample specifications, and their rejection."""

import pytest

from sample_data import dataset
from sample_data.dataset import Column, InvalidDataset, parse_item


def _dynamodb(plain: dict) -> dict:
    """Plain item -> DynamoDB JSON the way the website's SDK writes it (numbers as N strings)."""

    def wrap(value):
        if isinstance(value, bool):
            return {"BOOL": value}
        if isinstance(value, int | float):
            return {"N": str(value)}
        if isinstance(value, list):
            return {"L": [wrap(v) for v in value]}
        return {"S": value}

    return {key: wrap(value) for key, value in plain.items()}


WEBSITE_ITEM = {
    "dataset_id": "Health Tracker",
    "app": "placeholder",
    "attributes": ["bmi", "city", "steps", "smoker"],
    "attributeTypes": ["N", "S", "N", "B"],
    "attributeRangeMins": ["10", "0"],
    "attributeRangeMaxes": ["40", "30000"],
    "hasNode": False,
    "numPurchases": 0,
}


def test_website_item_in_dynamodb_json():
    # GIVEN the item exactly as the stream carries it (numbers as strings in L lists)
    item = _dynamodb(WEBSITE_ITEM)
    # WHEN it is parsed
    spec = parse_item(item)
    # THEN the columns follow the attributes, bounds pair up with the N attributes in order
    assert spec.dataset_id == "Health Tracker"
    assert [c.name for c in spec.columns] == ["bmi", "city", "steps", "smoker"]
    assert spec.columns[0] == Column("bmi", "N", low=10, size=31, places=0)
    assert spec.columns[2] == Column("steps", "N", low=0, size=30001, places=0)
    assert [c.kind for c in spec.columns] == ["N", "S", "N", "B"]
    # AND a website item has no num_devices
    assert spec.num_devices is None


def test_plain_and_dynamodb_json_agree():
    assert parse_item(WEBSITE_ITEM) == parse_item(_dynamodb(WEBSITE_ITEM))


def test_reversed_bounds_are_swapped():
    item = {
        **WEBSITE_ITEM,
        "attributeRangeMins": ["40", "30000"],
        "attributeRangeMaxes": ["10", "0"],
    }
    assert parse_item(item).columns[0] == Column("bmi", "N", low=10, size=31, places=0)


def test_decimal_bounds_give_a_decimal_grid():
    # GIVEN the website's "max - 0.1" bounds for equal min and max
    item = {**WEBSITE_ITEM, "attributeRangeMins": ["39.9", "0"], "attributeRangeMaxes": ["40", "1"]}
    column = parse_item(item).columns[0]
    # THEN values are drawn at two decimal places from [39.90, 40.00]
    assert column == Column("bmi", "N", low=3990, size=11, places=2)


def test_whole_valued_decimals_count_as_integers():
    item = {
        **WEBSITE_ITEM,
        "attributeRangeMins": ["10.0", "0"],
        "attributeRangeMaxes": ["40.00", "1"],
    }
    assert parse_item(item).columns[0].places == 0


def test_javascript_float_bounds_are_capped_at_six_places():
    item = {
        **WEBSITE_ITEM,
        "attributeRangeMins": ["0.19999999999999998", "0"],
        "attributeRangeMaxes": ["0.3", "1"],
    }
    column = parse_item(item).columns[0]
    assert column.places == dataset.MAX_PLACES
    assert column.low == 200000  # ceil(0.19999999999999998 * 10**6)


def test_range_narrower_than_the_capped_grid_uses_the_bounds_precision():
    item = {
        **WEBSITE_ITEM,
        "attributeRangeMins": ["0.12345671", "0"],
        "attributeRangeMaxes": ["0.12345672", "1"],
    }
    column = parse_item(item).columns[0]
    assert (column.places, column.low, column.size) == (8, 12345671, 2)


def test_num_devices_sets_the_rows():
    assert parse_item({**WEBSITE_ITEM, "num_devices": 250}).num_devices == 250
    assert parse_item(_dynamodb({**WEBSITE_ITEM, "num_devices": 7})).num_devices == 7


def test_only_string_and_boolean_columns_need_no_bounds():
    item = {
        "dataset_id": "Words",
        "attributes": ["w", "flag"],
        "attributeTypes": ["S", "B"],
    }
    assert [c.kind for c in parse_item(item).columns] == ["S", "B"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"attributeTypes": ["N", "S", "N"]}, "attributeTypes"),
        ({"attributeTypes": ["N", "S", "N", "X"]}, "attributeTypes[3]"),
        ({"attributeRangeMins": ["10"]}, "attributeRangeMins"),
        ({"attributeRangeMaxes": ["40", "30000", "1"]}, "attributeRangeMaxes"),
        ({"attributeRangeMins": ["ten", "0"]}, "attributeRangeMins[0]"),
        ({"attributeRangeMaxes": ["40", "NaN"]}, "attributeRangeMaxes[1]"),
        ({"attributeRangeMaxes": ["40", "Infinity"]}, "attributeRangeMaxes[1]"),
        ({"attributeRangeMaxes": ["40", "1e20"]}, "attributeRangeMaxes[1]"),
        ({"attributes": []}, "attributes"),
        ({"attributes": "bmi"}, "attributes"),
        ({"dataset_id": "a/b"}, "dataset_id"),
        ({"dataset_id": "a\\b"}, "dataset_id"),
        ({"dataset_id": "line\nbreak"}, "dataset_id"),
        ({"dataset_id": "tab\there"}, "dataset_id"),
        ({"dataset_id": ".hidden"}, "dataset_id"),
        ({"dataset_id": "x" * 201}, "dataset_id"),
        ({"dataset_id": ""}, "dataset_id"),
        ({"num_devices": -1}, "num_devices"),
        ({"num_devices": "2.5"}, "num_devices"),
        ({"num_devices": "many"}, "num_devices"),
    ],
)
def test_bad_items_name_the_field(change, field):
    # GIVEN an item with one problem
    item = {**WEBSITE_ITEM, **change}
    # WHEN it is parsed THEN the error names the field at fault
    with pytest.raises(InvalidDataset) as error:
        parse_item(item)
    assert error.value.field == field


def test_missing_dataset_id_is_named():
    item = dict(WEBSITE_ITEM)
    del item["dataset_id"]
    with pytest.raises(InvalidDataset) as error:
        parse_item(item)
    assert error.value.field == "dataset_id"


def test_two_hundred_characters_and_spaces_are_fine():
    assert parse_item({**WEBSITE_ITEM, "dataset_id": "x " * 100}).dataset_id == "x " * 100


def test_is_dynamodb_json():
    assert dataset.is_dynamodb_json(_dynamodb(WEBSITE_ITEM))
    assert not dataset.is_dynamodb_json(WEBSITE_ITEM)
    assert not dataset.is_dynamodb_json({})


@pytest.mark.parametrize(
    "dataset_id",
    ["Health\nTracker", "Health\u202eTracker", "Health\u2028Tracker", "Health\u200bTracker"],
)
def test_dataset_ids_with_control_or_invisible_characters_are_refused(dataset_id):
    # GIVEN an id that would hide or reorder characters in the S3 key and the JupyterHub file name
    # THEN the record is refused, naming the field
    with pytest.raises(InvalidDataset, match="dataset_id"):
        dataset.validate_dataset_id(dataset_id)


def test_ordinary_unicode_dataset_ids_are_kept():
    assert dataset.validate_dataset_id("Café Santé 2") == "Café Santé 2"
