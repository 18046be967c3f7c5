"""Widgets of the session and picker screens."""
