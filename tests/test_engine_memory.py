"""A consultation leaves nothing for the cyclic collector, and leaves the collector as it
found it (advise() pauses it for the call: advisor.engine.core.cyclic_gc_paused)."""

from __future__ import annotations

import gc

import pytest
from conftest import debt, situation

from advisor.api import advise

SITUATIONS = [
    situation(),
    situation(debt("huabei", overdue_days=45, reported="yes")),
    situation(
        debt("online_loan", overdue_days=120, lender="unlicensed"),
        debt("weilidai", overdue_days=10, settled=True, months_since_settled=3),
        debt("credit_card", overdue_days=0),
        credit_inquiries_6m=12,
        plans=["mortgage"],
    ),
]


@pytest.fixture
def collector_restored():
    was_enabled = gc.isenabled()
    yield
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


def test_consultations_create_no_reference_cycles(collector_restored):
    for data in SITUATIONS:  # warm: caches filled before counting
        advise(data)
    gc.collect()
    gc.disable()
    for data in SITUATIONS * 3:
        advise(data, lang="en")
        advise(data, lang="zh")
    assert gc.collect() == 0  # every object of every consultation died by reference count


def test_a_running_collector_is_running_again_after_advice(collector_restored):
    gc.enable()
    advise(SITUATIONS[1])
    assert gc.isenabled()


def test_a_collector_the_host_switched_off_stays_off(collector_restored):
    gc.disable()
    advise(SITUATIONS[1])
    assert not gc.isenabled()


def test_the_collector_runs_again_when_a_consultation_fails(collector_restored, monkeypatch):
    from advisor.engine.core import engine

    def broken(situation):
        assert not gc.isenabled()  # paused during the consultation itself
        raise RuntimeError("rule base failure")

    monkeypatch.setattr(engine(), "consult", broken)
    gc.enable()
    with pytest.raises(RuntimeError, match="rule base failure"):
        advise(SITUATIONS[1])
    assert gc.isenabled()
