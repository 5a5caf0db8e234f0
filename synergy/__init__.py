"""Synergy: the information system of a partnership against child labour (SDG target 8.7)."""
