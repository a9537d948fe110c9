"""Every test runs with its own BACKRELIEF_HOME, so nothing reaches the real config, data, cache or state folders."""

import pytest


@pytest.fixture(autouse=True)
def _private_home(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("BACKRELIEF_HOME", str(tmp_path_factory.mktemp("home")))
