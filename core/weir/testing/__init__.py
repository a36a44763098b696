"""Helpers for testing weir and weir plugins."""
