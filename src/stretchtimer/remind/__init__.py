"""`stretchtimer remind`: breaks that find you.

scheduler.py is the pure core (when to offer a break, in work time, inside working hours);
hours.py reads working hours and fixed times; the rest connects it to the machine: idle
sources, notifications, the history and the session it starts. Nothing here imports Textual:
the screen lives in tui/, and `--background` never loads it.
"""
