"""The API tests' distributor ledger and personas, for the bills' API and browser stories."""

from tests.api.conftest import api_as, ledger, personas  # noqa: F401 - shared fixtures
