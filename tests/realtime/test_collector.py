"""The worker's garbage-collector settings."""

import gc

import pytest

from gudcity.realtime.collector import YOUNG_GENERATION_OBJECTS, tune_garbage_collector


@pytest.fixture
def restore_collector():
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_start_up_objects_are_frozen_and_the_young_generation_enlarged(restore_collector):
    middle, old = gc.get_threshold()[1:]

    frozen = tune_garbage_collector()

    assert frozen == gc.get_freeze_count() > 10_000  # the imported modules, at least
    assert gc.get_threshold() == (YOUNG_GENERATION_OBJECTS, middle, old)
