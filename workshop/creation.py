"""Creating a workshop: its title, posts, settings, teams, join code, PIN and recovery code.

The facilitator's first step, mixed into ``WorkshopService``: the settings are checked
(``workshop.inputs``, ``workshop.pacing``, ``workshop.teams``), the posts chosen or drawn from
the service's seeded generator, and the workshop written with a fresh join code; the PIN and
recovery code are returned once and stored only as scrypt hashes (``workshop.security``).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime

import numpy as np
from sqlalchemy.exc import IntegrityError

from trainer.generator import generate_posts
from trainer.posts import Post
from trainer.scenarios import posts_by_org
from trainer.storage import Database
from workshop import pacing
from workshop import teams as team_rules
from workshop.errors import WorkshopError, WorkshopInputError
from workshop.inputs import check_draw, check_post_source, check_settings, chosen_posts, clean_text
from workshop.records import Created
from workshop.security import (
    hash_pin,
    hash_recovery,
    new_join_code,
    new_pin,
    new_recovery_code,
    new_salt,
)
from workshop.tables import TITLE_MAX_CHARS, Workshop, WorkshopPost

CODE_RETRIES = 20  # fresh codes tried when a drawn code is taken (chance ~1e-9 each)


class Creation:
    """``create_workshop``, mixed into ``WorkshopService`` (which sets the database, the
    generator with its lock, and the clock)."""

    db: Database
    rng: np.random.Generator
    _rng_lock: threading.Lock

    def now(self) -> datetime:  # pragma: no cover - WorkshopService gives the real clock
        raise NotImplementedError

    def create_workshop(
        self,
        title: str,
        *,
        post_ids: Sequence[str] | None = None,
        org_type: str | None = None,
        n: int | None = None,
        pace: str = "facilitator",
        feedback: str = "after_reveal",
        leaderboard: bool = False,
        lobby: bool = False,
        countdown_s: int | None = None,
        teams: Sequence[str] | None = None,
        team_mode: str = "pick",
    ) -> Created:
        """A new open workshop; returns the join code and the PIN (shown once, stored hashed).

        Posts are either ``post_ids`` (scenario posts, in that order) or ``n`` drawn from
        ``org_type``: hand-written posts first, in an order drawn from the generator, topped up
        with generated variants when ``n`` is larger than the hand-written set. With ``lobby``
        nobody sees a post until ``start``; ``countdown_s`` closes each post that many seconds
        after it first becomes current (``workshop.pacing``). ``teams``: team names for team
        mode, picked by participants (``team_mode`` "pick") or assigned ("auto"), see
        ``workshop.teams``.
        """
        clean_title = clean_text(title, "titel", TITLE_MAX_CHARS)
        check_settings(pace, feedback, leaderboard)
        if not isinstance(lobby, bool):
            raise WorkshopInputError(f"wachtruimte: kreeg {lobby!r:.40}; verwacht True of False.")
        countdown = pacing.check_countdown(countdown_s, pace)
        team_names = team_rules.check_teams(teams, team_mode)
        posts = self._choose_posts(post_ids, org_type, n)

        pin = new_pin()
        salt = new_salt()
        pin_hash = hash_pin(pin, salt)
        recovery = new_recovery_code()
        recovery_salt = new_salt()
        recovery_hash = hash_recovery(recovery, recovery_salt)
        now = self.now()
        for _ in range(CODE_RETRIES):
            code = new_join_code()
            try:
                with self.db.session() as session:
                    workshop = Workshop(
                        join_code=code,
                        title=clean_title,
                        pace=pace,
                        feedback=feedback,
                        leaderboard=leaderboard,
                        org_type=org_type if post_ids is None else None,
                        pin_salt=salt,
                        pin_hash=pin_hash,
                        recovery_salt=recovery_salt,
                        recovery_hash=recovery_hash,
                        current_index=0,
                        status="open",
                        created_at=now,
                        started_at=None if lobby else now,
                        countdown_s=countdown,
                        team_mode=team_mode if team_names else None,
                    )
                    session.add(workshop)
                    session.flush()
                    session.add_all(
                        WorkshopPost(
                            workshop_id=workshop.id,
                            position=k,
                            post_id=post.id,
                            post_json=post.model_dump_json(),
                            feedback_revealed=False,
                        )
                        for k, post in enumerate(posts)
                    )
                    team_rules.store(session, workshop.id, team_names)
                    session.flush()
                    pacing.arm(session, workshop, now)  # no lobby: the first clock runs now
                return Created(code, pin, recovery)
            except IntegrityError:
                continue  # the code was taken (about one in a billion): draw another
        raise WorkshopError("Er kon geen vrije deelcode worden gevonden; probeer het opnieuw.")

    def _choose_posts(
        self, post_ids: Sequence[str] | None, org_type: str | None, n: int | None
    ) -> list[Post]:
        check_post_source(post_ids, org_type)
        if post_ids is not None:
            return chosen_posts(post_ids)
        org, count = check_draw(org_type, n)
        pool = posts_by_org(org)
        with self._rng_lock:  # a Generator is not safe to draw from in two threads at once
            order = self.rng.permutation(len(pool))
            chosen = [pool[int(k)] for k in order[:count]]
            if count > len(chosen):
                chosen += generate_posts(self.rng, count - len(chosen), org)  # type: ignore[arg-type]
        return chosen
