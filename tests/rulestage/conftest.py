"""Fixtures for the classifier tests: the shipped configuration."""
from __future__ import annotations

import pytest

from intake.config import load_config


@pytest.fixture(scope="session")
def config():
    return load_config()
