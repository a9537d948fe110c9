from pathlib import Path

import pytest

from backrelief_tui.core.library import load_library

ROUTINES = Path(__file__).parents[2] / "routines"


@pytest.fixture(scope="session")
def library():
    return load_library(ROUTINES, Path("/nonexistent"))
