"""Rosters of people from agents per shift: labour rules, CP-SAT solving, an independent check.

``rules`` (the labour rules, Dutch defaults), ``demand`` (people per shift and weekday from a
profile or a sizing answer), ``bound`` (the least heads possible), ``model`` and ``solve`` (the
CP-SAT roster), ``shortfall`` (what stays short and the smallest fix), ``check`` (the independent
checker) and ``summary`` (a JSON-ready record).
"""
