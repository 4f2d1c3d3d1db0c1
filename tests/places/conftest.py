import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _back_to_swedish():
    # A request in English (the language cookie) leaves English active for the thread;
    # later tests that run outside a request expect the default, Swedish.
    yield
    translation.deactivate()
