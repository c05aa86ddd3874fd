"""Fixtures of the therapist workspace UI tests (see workspace_helpers)."""

from tests.services.workspace_fixtures import seeded  # noqa: F401 - fixture
from tests.ui.therapist.workspace_helpers import demo_clinic  # noqa: F401 - fixture
