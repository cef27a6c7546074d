"""Suite-wide settings: Tesseract single-threaded (2 cores, parallel workers), paths to shared material."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CONTRACT_SCHEMA = SHARED / "contract" / "mission-record.schema.json"
CORPUS = SHARED / "corpora" / "real-world"


@pytest.fixture(scope="session")
def contract_validator():
    """A jsonschema validator for the export contract (skips when ../shared is not beside the repo)."""
    import json
    import jsonschema
    if not CONTRACT_SCHEMA.exists():
        pytest.skip("../shared/contract is not beside the repository")
    return jsonschema.Draft202012Validator(json.loads(CONTRACT_SCHEMA.read_text()))
