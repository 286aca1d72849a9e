"""Chat concurrency: an agent holds several messaging conversations at once.

With every channel at ``max_concurrent`` 1 the engine is exactly as before. A single chat
channel with k conversations per agent and c agents pools c x k conversation slots: the M/M/c·k
queue (Erlang C with c·k servers), the best any assignment of chats to agents can do, so it is
the bound the engine must meet; growth of the handling time enters as a longer mean. Capacity in
use never exceeds the rota, counted in shares of an agent.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from specs import office_rota, rich_spec, stationary_spec

from sim import erlang
from sim.engine import simulate
from sim.kpis import summarise
from sim.rota import Rota
from sim.spec import ChannelSpec, Duration

SEEDS = 10
WEEKS = 1.5


def _chat_spec(rate_per_min: float, agents: int, k: int, slowdown: float = 0.0):
    spec = stationary_spec(rate_per_min, 1.0, agents)
    chat = ChannelSpec(
        "whatsapp",
        1.0,
        False,
        Duration("exponential", 1.0),
        max_concurrent=k,
        concurrency_slowdown=slowdown,
    )
    return replace(spec, channels=(chat,))


def test_concurrency_one_changes_nothing() -> None:
    spec = rich_spec()
    explicit = replace(
        spec,
        channels=tuple(
            replace(c, max_concurrent=1, concurrency_slowdown=0.4) for c in spec.channels
        ),
    )
    a = simulate(spec, weeks=1, warmup_weeks=0.5, rng=np.random.default_rng(3))
    b = simulate(explicit, weeks=1, warmup_weeks=0.5, rng=np.random.default_rng(3))
    for name in ("arrival_min", "first_response_min", "resolved_min"):
        np.testing.assert_array_equal(a.records.column(name), b.records.column(name))
    np.testing.assert_array_equal(a.turns.start_min, b.turns.start_min)
    assert summarise(a).as_dict().keys() == summarise(b).as_dict().keys()
    assert a.busy_agent_min == b.busy_agent_min


@pytest.mark.slow
@pytest.mark.parametrize(("agents", "k", "slowdown"), [(2, 3, 0.0), (2, 3, 0.2)])
def test_chat_queue_meets_its_m_m_ck_bound(agents: int, k: int, slowdown: float) -> None:
    """P(wait > 0) of c agents with k chats each is that of Erlang C with c·k servers, the
    handling time grown by (1 + slowdown (k - 1)); utilisation is the load over c agents."""
    factor = 1 + slowdown * (k - 1)
    rate = 0.8 * agents * k / factor  # 80% of the slots busy
    p_waits, utilisation = [], []
    for seed in range(SEEDS):
        result = simulate(
            _chat_spec(rate, agents, k, slowdown),
            weeks=WEEKS,
            warmup_weeks=0.02,
            rng=np.random.default_rng([seed, 13]),
        )
        first = result.turns.turn == 0
        arrival = result.records.column("arrival_min")[result.turns.mention_id[first]]
        keep = (arrival >= result.start_min) & (arrival < result.horizon_min - 60)
        wait = result.turns.start_min[first][keep] - arrival[keep]
        p_waits.append(float(np.mean(wait > 0)))
        utilisation.append(summarise(result).utilisation)
    expected = erlang.p_wait(agents * k, rate * factor)
    se = np.std(p_waits, ddof=1) / np.sqrt(SEEDS)
    assert se * 3 < 0.02
    assert np.mean(p_waits) == pytest.approx(expected, abs=0.02)
    assert np.mean(utilisation) == pytest.approx(rate * factor / k / agents, rel=0.02)


def test_capacity_in_use_never_exceeds_the_rota() -> None:
    """Public turns take a whole agent, chat turns a third: shares in hand at every start stay
    within the agents on duty."""
    spec = rich_spec(rate_per_hour=60.0, rota=office_rota(3))
    spec = replace(
        spec,
        channels=tuple(
            replace(c, max_concurrent=3, concurrency_slowdown=0.1) if not c.public else c
            for c in spec.channels
        ),
    )
    result = simulate(spec, weeks=1, warmup_weeks=0.5, rng=np.random.default_rng(8))
    t = result.turns
    started = ~np.isnan(t.start_min)
    channel = {c.name: c for c in spec.channels}
    names = result.records.column("channel")[t.mention_id]
    share = np.array([1.0 / channel[n].max_concurrent for n in names])
    starts, ends, shares = t.start_min[started], t.end_min[started], share[started]
    order = np.argsort(starts)
    starts, ends, shares = starts[order], ends[order], shares[order]
    in_hand = np.array([shares[(starts <= s) & (ends > s)].sum() for s in starts])
    assert np.all(in_hand <= Rota(spec.rota).agents_at(starts) + 1e-9)
    assert (shares < 1).any() and in_hand.max() > 2  # chats ran alongside each other


def test_erlang_load_and_compare_sentence_see_the_concurrency() -> None:
    from sim.profile import load_profile
    from sim.staffing import concurrency_effect, concurrency_sentence, hourly_load

    one = _chat_spec(2.0, 2, 1)
    three = _chat_spec(2.0, 2, 3, slowdown=0.2)
    assert hourly_load(three)[0] == pytest.approx(hourly_load(one)[0] * 1.4 / 3)
    spec = load_profile("telecom").compile("24-7")
    assert concurrency_effect(spec) is None and concurrency_sentence(spec) is None
    chat = replace(
        spec,
        channels=tuple(
            c if c.public else replace(c, max_concurrent=3, concurrency_slowdown=0.15)
            for c in spec.channels
        ),
    )
    effect = concurrency_effect(chat)
    assert effect is not None and effect[0] < effect[1]
    sentence = concurrency_sentence(chat)
    assert sentence is not None and "whatsapp 3 tegelijk" in sentence and "minder" in sentence


def test_bad_concurrency_is_refused_with_a_message() -> None:
    with pytest.raises(ValueError, match="max_concurrent is 0"):
        simulate(_chat_spec(1.0, 1, 0), weeks=0.1, rng=np.random.default_rng(0))
