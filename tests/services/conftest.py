"""The services tests' shared scene."""

import pytest


@pytest.fixture
def shop(make):
    """A business with one POINTS program (10 per scan) and a customer not yet enrolled."""
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    customer = make.customer("Alice")
    return owner, business, program, customer
