"""``huikuan aging --json`` without Django (issue 11): which invocations go the quick way, the
migration files it checks, and the report's JSON written straight from its minor units."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huikuan.cli.main import _WEB_APPS
from huikuan.cli.output import aging_json, to_json
from huikuan.cli.quick import aging_options, migration_packages
from huikuan.reporting.aging import BASES, GROUPINGS, assemble, bucket_names, cents_text


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--as-of", "2024-06-30", "--json"], (date(2024, 6, 30), "customer", "due")),
        (
            ["--json", "--as-of=2024-06-30", "--by", "class", "--basis=invoice"],
            (date(2024, 6, 30), "class", "invoice"),
        ),
        (
            ["--as-of", "2024-01-01", "--as-of", "2024-06-30", "--json", "--json"],
            (date(2024, 6, 30), "customer", "due"),
        ),
    ],
)
def test_plain_json_agings_go_the_quick_way(args, expected):
    options = aging_options(args)
    assert options is not None
    assert (options["as_of"], options["by"], options["basis"]) == expected


@pytest.mark.parametrize(
    "args",
    [
        ["--as-of", "2024-06-30"],  # the table for people
        ["--as-of", "2024-06-30", "--csv", "a.csv"],
        ["--as-of", "2024-06-30", "--json", "--help"],
        ["--as-of", "2024-06-30", "--json", "--settings", "other.settings"],
        ["--as-of", "2024-06-30", "--json", "-v", "1"],
        ["--as-of", "2024-06-30", "--json", "--as"],  # an abbreviation argparse would take
        ["--as-of", "30/06/2024", "--json"],
        ["--as-of", "--json"],
        ["--json"],
        ["--as-of", "2024-06-30", "--json", "--by", "region"],
        ["--as-of", "2024-06-30", "--json", "--basis", "paid"],
        ["--as-of", "2024-06-30", "--json", "--by"],
    ],
)
def test_anything_else_goes_through_django(args):
    assert aging_options(args) is None


def test_the_quick_way_checks_the_migration_files_django_checks(settings):
    """The apps ``aging`` loads, their labels and migrations folders, as Django's registry and
    migration loader find them (an app with its own label would fail here)."""
    from importlib.util import find_spec

    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader

    # Production's (Django's default); the fast lane's --nomigrations replaces it.
    settings.MIGRATION_MODULES = {}
    loaded = [app for app in settings.INSTALLED_APPS if app not in _WEB_APPS]
    expected = []
    for app in loaded:
        config = next(c for c in apps.get_app_configs() if c.name == app)
        module_name, _explicit = MigrationLoader.migrations_module(config.label)
        spec = find_spec(module_name)
        expected.append((config.label, list(spec.submodule_search_locations) if spec else None))
    assert migration_packages(loaded) == expected
    assert any(folders for _label, folders in expected)


def test_an_app_named_by_its_config_class_is_left_to_django():
    assert migration_packages(["huikuan.config.admin.AdminConfig"]) is None


@given(st.integers(min_value=-(10**17), max_value=10**17))
def test_minor_units_are_written_as_the_decimal_would_be(cents):
    assert cents_text(cents) == f"{Decimal(cents).scaleb(-2):.2f}"


_KEYS = st.text(st.characters(blacklist_categories=["Cs"]), max_size=12)
_CENTS = st.integers(min_value=-(10**14), max_value=10**14) | st.just(0)


@given(
    basis=st.sampled_from(BASES),
    group_by=st.sampled_from(GROUPINGS),
    items=st.lists(st.tuples(_KEYS, st.integers(min_value=0, max_value=6), _CENTS), max_size=30),
    unapplied=st.dictionaries(_KEYS, _CENTS, max_size=5),
    names=st.dictionaries(_KEYS, _KEYS, max_size=10),
    unidentified=_CENTS,
)
def test_the_json_written_from_minor_units_is_the_json_of_the_report(
    basis, group_by, items, unapplied, names, unidentified
):
    buckets = bucket_names(basis)
    report = assemble(
        as_of=date(2024, 6, 30),
        basis=basis,
        group_by=group_by,
        currency="CNY",
        open_items=[(key, buckets[index % len(buckets)], cents) for key, index, cents in items],
        unapplied=unapplied,
        names_by_key=names,
        unidentified=Decimal(unidentified).scaleb(-2),
    )
    text = aging_json(report)
    assert text == to_json(report.as_dict())
    assert json.loads(text) == report.as_dict()
