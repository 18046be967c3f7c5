"""`stretchtimer serve`: the app in browser tabs (textual-serve, the `web` extra)."""
