"""Use the manager's own numbers: read a mention export, fit a profile, forecast the coming weeks.

Every profile shipped in ``scenarios/orgs`` is an estimate. A team that has an export of its past
messages (every webcare tool writes one: a CSV from Dutch Excel or an .xlsx) can replace the
estimates with its own figures:

- ``sim.fit.columns``: which column of an export means what (Dutch and English headers of the
  common tools, channel and kind names), with the manager's own ``--map`` on top;
- ``sim.fit.read``: the export read into flat columns, malformed rows reported by line number;
- ``sim.fit.outliers``: incident days (outages) found, so they are not learned as normal volume;
- ``sim.fit.estimate``: weekly volume and trend, the week's pattern, channel mix, no-reply share,
  turns, handling time and the current response times, fitted from the export;
- ``sim.fit.write``: the fit written as a normal profile on top of a base profile's estimates;
- ``sim.fit.forecast``: the coming weeks, by an N-week average and by exponential smoothing;
- ``sim.fit.demo``: a synthetic export drawn from the simulation itself, for tests and demos.
"""
