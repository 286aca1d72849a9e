"""Queueing formulas for quick staffing estimates and for checking the simulation against theory.

A webcare queue with steady arrivals, exponential handling and a fixed number of agents is the
textbook M/M/c queue. Its answers come in closed form:

- **Erlang B** (``erlang_b``): the share of arrivals that find every agent busy in a system
  without a queue. It is the stable building block for the others.
- **Erlang C** (``p_wait``, ``service_level``, ``asa``, ``occupancy``): everyone waits as long as
  it takes (M/M/c). Stable only while the offered load ``A = rate x AHT`` is below the agents.
- **Erlang A** (``erlang_a``): customers give up after an exponential patience (M/M/n+M), so the
  queue is stable at any load; it gives the share that abandons (and phones instead).
- **Square-root staffing** (``sqrt_staffing``) and the smallest staffing that meets a service
  level (``agents_for_service_level``).

Time is in minutes throughout; ``A`` is the offered load in Erlangs (agents' worth of work).
As the reference notes say, with a one-hour target and handling in minutes Erlang C predicts
nearly 100% attainment at any stable staffing: what breaks webcare SLAs is the hours nobody is on
duty, which only the shift simulation shows. These formulas are the sanity check for that engine.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import special

# The lower regularised incomplete gamma function underflows below this; the series is used then.
_GAMMAINC_FLOOR = 1e-280


def _check_agents(c: int, name: str = "agents") -> int:
    if isinstance(c, bool) or not float(c).is_integer() or c < 1:
        raise ValueError(f"{name} must be a whole number >= 1; got {c!r}")
    return int(c)


def _check_nonnegative(value: float, name: str) -> float:
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0; got {value!r}")
    return float(value)


def _check_positive(value: float, name: str) -> float:
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0; got {value!r}")
    return float(value)


def _check_stable(c: int, load: float) -> None:
    if load >= c:
        raise ValueError(
            f"Erlang C needs offered load below the agents: load A = {load:g} Erlang with "
            f"{c} agents is unstable (the queue grows without bound); expected A < {c}. "
            "Add agents or use Erlang A (abandonment) for an overloaded queue"
        )


def erlang_b(c: int, load: float) -> float:
    """Blocking probability of M/M/c/c by the stable recursion B_k = A B_{k-1} / (k + A B_{k-1})."""
    c = _check_agents(c)
    load = _check_nonnegative(load, "offered load A (Erlang)")
    b = 1.0
    for k in range(1, c + 1):
        b = load * b / (k + load * b)
    return b


def p_wait(c: int, load: float) -> float:
    """Erlang C: probability that an arrival waits, P(W > 0) = c B / (c - A (1 - B))."""
    c = _check_agents(c)
    load = _check_nonnegative(load, "offered load A (Erlang)")
    _check_stable(c, load)
    b = erlang_b(c, load)
    return c * b / (c - load * (1.0 - b))


def service_level(c: int, load: float, aht_min: float, target_min: float) -> float:
    """Share answered within ``target_min``: 1 - P(W > 0) exp(-(c - A) T / AHT)."""
    aht_min = _check_positive(aht_min, "average handling time (min)")
    target_min = _check_nonnegative(target_min, "service-level target (min)")
    pw = p_wait(c, load)
    return 1.0 - pw * math.exp(-(c - load) * target_min / aht_min)


def asa(c: int, load: float, aht_min: float) -> float:
    """Average speed of answer (mean wait over all arrivals): P(W > 0) AHT / (c - A)."""
    aht_min = _check_positive(aht_min, "average handling time (min)")
    return p_wait(c, load) * aht_min / (c - load)


def occupancy(c: int, load: float) -> float:
    """Share of agent time spent handling, A / c (Erlang C: nobody leaves, all load is served)."""
    c = _check_agents(c)
    load = _check_nonnegative(load, "offered load A (Erlang)")
    _check_stable(c, load)
    return load / c


def sqrt_staffing(load: float, beta: float) -> int:
    """Square-root staffing rule c = ceil(A + beta sqrt(A)); under-staffs at small loads."""
    load = _check_nonnegative(load, "offered load A (Erlang)")
    if not math.isfinite(beta):
        raise ValueError(f"beta (safety factor) must be finite; got {beta!r}")
    return max(1, math.ceil(load + beta * math.sqrt(load)))


def agents_for_service_level(
    load: float, aht_min: float, target_min: float, goal: float, *, max_agents: int = 100_000
) -> int:
    """Smallest number of agents whose Erlang C service level reaches ``goal`` (0 < goal < 1)."""
    load = _check_nonnegative(load, "offered load A (Erlang)")
    if not 0 < goal < 1:
        raise ValueError(f"service-level goal must be between 0 and 1 (exclusive); got {goal!r}")
    c = max(1, math.floor(load) + 1)
    while service_level(c, load, aht_min, target_min) < goal:
        c += 1
        if c > max_agents:
            raise ValueError(
                f"no staffing up to {max_agents} agents reaches service level {goal} within "
                f"{target_min} min at load {load:g} Erlang"
            )
    return c


@dataclass(frozen=True)
class ErlangA:
    """Steady state of M/M/n+M (Erlang A); waits are over all arrivals, in minutes."""

    p_wait: float  # P(W > 0): an arrival finds every agent busy
    p_abandon: float  # share of arrivals that give up before an agent starts
    mean_wait: float  # E[W], time in queue until served or abandoned, over all arrivals


def _patience_series(x: float, a: float) -> float:
    """S = sum_{j>=0} x^j / ((a+1)(a+2)...(a+j)), summed directly (used when x is small)."""
    total, term, j = 1.0, 1.0, 0
    while True:
        j += 1
        term *= x / (a + j)
        total += term
        if term < 1e-17 * total and a + j > x:
            return total


def erlang_a(agents: int, rate_per_min: float, aht_min: float, patience_min: float) -> ErlangA:
    """Erlang A (M/M/n+M) with exponential patience of mean ``patience_min``.

    Formulas from Mandelbaum & Zeltyn, "The Palm/Erlang-A Queue, with Applications to Call
    Centers" (2007), section 2, and Garnett, Mandelbaum & Reiman, "Designing a Call Center with
    Impatient Customers" (M&SOM, 2002). With mu = 1/AHT, theta = 1/patience, rho = lambda/(n mu):

        S = sum_{j>=0} prod_{i=1..j} lambda/(n mu + i theta)
          = e^x x^{-a} Gamma(a+1) P(a, x),     x = lambda/theta, a = n mu/theta,

    where P is the regularised lower incomplete gamma function (``scipy.special.gammainc``).
    With B the Erlang B blocking probability for n agents at load lambda/mu:

        P(W > 0) = S B / (1 - B + S B)
        P(Ab)    = P(W > 0) (1 - 1/rho + 1/(rho S))
        E[W]     = P(Ab) / theta       (exponential patience: abandonment rate = theta E[queue])
    """
    n = _check_agents(agents)
    lam = _check_positive(rate_per_min, "arrival rate (per min)")
    mu = 1.0 / _check_positive(aht_min, "average handling time (min)")
    theta = 1.0 / _check_positive(patience_min, "mean patience (min)")
    x, a = lam / theta, n * mu / theta
    lower = float(special.gammainc(a, x))
    if lower > _GAMMAINC_FLOOR:
        log_s = x - a * math.log(x) + float(special.gammaln(a + 1)) + math.log(lower)
    else:
        log_s = math.log(_patience_series(x, a))
    inv_s = math.exp(-log_s)  # S >= 1 and can overflow under heavy overload; 1/S cannot
    b = erlang_b(n, lam / mu)
    pw = 0.0 if b == 0.0 else 1.0 / (1.0 + (1.0 - b) / b * inv_s)
    rho = lam / (n * mu)
    p_ab = pw * (1.0 - 1.0 / rho + inv_s / rho)
    p_ab = min(max(p_ab, 0.0), 1.0)
    return ErlangA(p_wait=pw, p_abandon=p_ab, mean_wait=p_ab / theta)
