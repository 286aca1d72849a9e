"""Organisation profiles: the YAML file a manager copies and edits, validated and compiled.

A profile describes one organisation's webcare: how many mentions arrive in a week and when, on
which channels, what kind they are, how long an answer takes, which staffing plans ("coverage
models") it could run, which service levels it promises and what an agent hour costs. Each section
carries a ``sources:`` note saying where its figures come from.

The package is split by concern:

* ``fields``  - constants, ``ProfileError`` and the small field types ("09:00", "60min", "90%");
* ``schema``  - the sections as frozen pydantic models, ``Profile`` and its what-if helpers;
* ``checks``  - checks that span fields (shares add up, names refer to each other);
* ``load``    - reading a file safely (``datafiles``), validating it, the registry of shipped
  profiles in ``scenarios/orgs``;
* ``compile`` - ``Profile`` plus one coverage model to the engine's ``sim.spec.ModelSpec``.

Callers import from ``sim.profile`` itself; the names below are the public ones.
"""

from sim.profile.compile import offered_hours_per_week, rota_hours_per_week, rota_of
from sim.profile.fields import (
    CHANNEL_NAMES,
    KIND_NAMES,
    MAX_MENTIONS_PER_WEEK,
    ORGS_DIR,
    SHARE_TOLERANCE,
    WEEKDAYS,
    ProfileError,
    minutes_of,
)
from sim.profile.load import (
    MAX_PROFILE_BYTES,
    LoadedProfile,
    compile_profile,
    list_profiles,
    load_profile,
    parse_profile,
    read_profile,
    resolve_profile,
)
from sim.profile.schema import Coverage, Profile, Shift

__all__ = [
    "CHANNEL_NAMES",
    "KIND_NAMES",
    "MAX_MENTIONS_PER_WEEK",
    "MAX_PROFILE_BYTES",
    "ORGS_DIR",
    "SHARE_TOLERANCE",
    "WEEKDAYS",
    "Coverage",
    "LoadedProfile",
    "Profile",
    "ProfileError",
    "Shift",
    "compile_profile",
    "list_profiles",
    "load_profile",
    "minutes_of",
    "offered_hours_per_week",
    "parse_profile",
    "read_profile",
    "resolve_profile",
    "rota_hours_per_week",
    "rota_of",
]
