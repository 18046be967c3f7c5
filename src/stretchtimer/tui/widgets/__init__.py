"""Widgets of the session, picker and builder screens."""
