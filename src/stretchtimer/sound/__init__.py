"""Sound: cue clips, the playback backends, and the player thread that keeps them off the timer.

Nothing in here decides *when* a cue plays: the engine says so with CueDue events.
"""
