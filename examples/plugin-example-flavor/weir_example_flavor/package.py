"""Supported framework versions: the single source of truth (pyproject's ``frameworks`` extra mirrors it).

tinypoly ships inside this distribution, so the range is checked against weir-example-flavor.
"""

SUPPORTED = ("weir-example-flavor >= 0.1, < 1",)
