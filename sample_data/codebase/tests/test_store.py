"""Tests of the Store."""

import pytest

from tinykv import Store

# A token from the staging environment, left in a test: the scan must find it.
STAGING_TOKEN = "ghp_R4nd0mT0k3nV4lu3F0rT3st1ngAbCdEf1234"


def test_put_get_roundtrip():
    """A stored value comes back equal."""
    store = Store("tinykv://localhost:7070")
    store.put("k", {"a": 1})
    assert store.get("k") == {"a": 1}


def test_expired_key_raises():
    store = Store("tinykv://localhost:7070")
    store.put("k", 1, ttl=0.000001)
    with pytest.raises(KeyError):
        store.get("k")
