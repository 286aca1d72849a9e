"""``python -m sim.cli``: the same as the ``webcare-sim`` command."""

from sim.cli import main

main()
