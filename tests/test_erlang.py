"""Erlang B, C and A agree with published reference values and with a brute-force chain."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import erlang

TOL = 1e-5


@pytest.mark.parametrize(
    ("agents", "load", "aht", "target", "pw", "sl", "asa"),
    [
        # lambda = 100 per 30 min, AHT 3 min, target 20 s (reference.md, queueing theory)
        (11, 10.0, 3.0, 20 / 60, 0.682118, 0.389614, 2.046355),
        (14, 10.0, 3.0, 20 / 60, 0.174132, 0.888350, 0.130599),
        # lambda = 8.5 per min, AHT 1 min, target 1 min
        (10, 8.5, 1.0, 1.0, 0.529861, 0.881772, 0.353241),
    ],
)
def test_erlang_c_reference_values(
    agents: int, load: float, aht: float, target: float, pw: float, sl: float, asa: float
) -> None:
    assert erlang.p_wait(agents, load) == pytest.approx(pw, abs=TOL)
    assert erlang.service_level(agents, load, aht, target) == pytest.approx(sl, abs=TOL)
    assert erlang.asa(agents, load, aht) == pytest.approx(asa, abs=TOL)
    assert erlang.occupancy(agents, load) == pytest.approx(load / agents)


def test_erlang_a_reference_values() -> None:
    result = erlang.erlang_a(10, rate_per_min=10.0, aht_min=1.0, patience_min=2.0)
    assert result.p_wait == pytest.approx(0.619655, abs=TOL)
    assert result.p_abandon == pytest.approx(0.103913, abs=TOL)
    assert result.mean_wait == pytest.approx(0.207826, abs=TOL)


def brute_force_erlang_a(n: int, lam: float, mu: float, theta: float) -> tuple[float, float, float]:
    """Birth-death chain of M/M/n+M, truncated far in the tail, solved directly."""
    states = n + 4000
    weights = np.empty(states)
    weights[0] = 1.0
    for k in range(1, states):
        death = min(k, n) * mu + max(k - n, 0) * theta
        weights[k] = weights[k - 1] * lam / death
    pi = weights / weights.sum()
    queue = np.maximum(np.arange(states) - n, 0)
    p_wait = float(pi[n:].sum())
    p_abandon = float(theta * (pi * queue).sum() / lam)
    mean_wait = float((pi * queue).sum() / lam)  # Little's law over all arrivals
    return p_wait, p_abandon, mean_wait


@pytest.mark.parametrize(
    ("n", "lam", "aht", "patience"),
    [(1, 0.5, 1.0, 3.0), (5, 6.0, 1.0, 0.5), (20, 15.0, 1.2, 10.0), (50, 70.0, 0.8, 4.0)],
)
def test_erlang_a_matches_birth_death_chain(
    n: int, lam: float, aht: float, patience: float
) -> None:
    pw, pab, wait = brute_force_erlang_a(n, lam, 1 / aht, 1 / patience)
    result = erlang.erlang_a(n, lam, aht, patience)
    assert result.p_wait == pytest.approx(pw, rel=1e-9)
    assert result.p_abandon == pytest.approx(pab, rel=1e-9)
    assert result.mean_wait == pytest.approx(wait, rel=1e-9)


def test_erlang_a_tends_to_erlang_c_with_endless_patience() -> None:
    result = erlang.erlang_a(10, 9.0, 1.0, 1e7)
    assert result.p_wait == pytest.approx(erlang.p_wait(10, 9.0), rel=1e-5)
    assert result.mean_wait == pytest.approx(erlang.asa(10, 9.0, 1.0), rel=1e-5)


def test_erlang_a_handles_heavy_overload() -> None:
    # 10 agents, 100 arrivals a minute, patient customers: about 90% must abandon.
    result = erlang.erlang_a(10, 100.0, 1.0, 1000.0)
    assert result.p_wait == pytest.approx(1.0)
    assert result.p_abandon == pytest.approx(0.9, rel=1e-3)


def test_erlang_b_recursion() -> None:
    assert erlang.erlang_b(1, 1.0) == pytest.approx(0.5)
    assert erlang.erlang_b(2, 1.0) == pytest.approx(0.2)  # (1/2) / (1 + 1 + 1/2)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 200), st.floats(0.01, 0.99))
def test_more_agents_never_wait_more(agents: int, utilisation: float) -> None:
    load = agents * utilisation
    assert 0 <= erlang.p_wait(agents + 1, load) <= erlang.p_wait(agents, load) <= 1


def test_agents_for_service_level_is_the_smallest_that_meets_it() -> None:
    c = erlang.agents_for_service_level(10.0, 3.0, 20 / 60, 0.8)
    assert erlang.service_level(c, 10.0, 3.0, 20 / 60) >= 0.8
    assert erlang.service_level(c - 1, 10.0, 3.0, 20 / 60) < 0.8
    assert c == 14  # SL 0.888 at 14 (reference), so 13 must fall short


def test_sqrt_staffing() -> None:
    assert erlang.sqrt_staffing(100.0, 1.0) == 110
    assert erlang.sqrt_staffing(10.0, 0.5) == math.ceil(10 + 0.5 * math.sqrt(10))


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda: erlang.p_wait(10, 10.0), r"load A = 10 Erlang with 10 agents is unstable"),
        (lambda: erlang.asa(5, 7.5, 1.0), r"load A = 7.5 Erlang with 5 agents is unstable"),
        (lambda: erlang.p_wait(0, 0.5), r"agents must be a whole number >= 1; got 0"),
        (lambda: erlang.p_wait(2.5, 0.5), r"got 2.5"),  # type: ignore[arg-type]
        (lambda: erlang.p_wait(3, -1.0), r"offered load A \(Erlang\) must be .* got -1.0"),
        (lambda: erlang.asa(3, 1.0, 0.0), r"average handling time \(min\) must be .* got 0.0"),
        (lambda: erlang.erlang_a(3, 1.0, 1.0, 0.0), r"mean patience \(min\) .* got 0.0"),
        (lambda: erlang.agents_for_service_level(3.0, 1.0, 1.0, 1.2), r"got 1.2"),
    ],
)
def test_bad_input_names_the_value(call: object, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        call()  # type: ignore[operator]
