"""Make docs/session.svg and docs/session-120x40.svg, the README's pictures of the session screen.

Drives the real app headless (Textual's `App.run_test`) in an 80x24 (and a 120x40) terminal with
a fake clock
(`ManualClock`) and sound off, so the picture comes out the same on every machine and every
run: `stretchtimer run desk-break`, on the Scapular Squeeze (three exercises skipped with `N`,
its get-ready with `n`), 2 s into its first hold. The user's own config and
exercise files are not read: a temporary config folder stands in for them.
tests/test_screenshot.py checks that the committed file is what this script makes.

    .venv/bin/python scripts/screenshot.py            # writes both
    .venv/bin/python scripts/screenshot.py --check    # exit 1 if either is stale
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
PICTURES = {
    ROOT / "docs" / "session.svg": (80, 24),
    ROOT / "docs" / "session-120x40.svg": (120, 40),
}
ROUTINE = "desk-break"
KEYS = ("N", "N", "N", "n")  # to the Scapular Squeeze's first hold
SECONDS_IN = 2


async def screenshot(size: tuple[int, int]) -> str:
    """The session screen as an SVG (needs STRETCHTIMER_CONFIG_DIR set up, see main)."""
    from stretchtimer.session.clock import ManualClock
    from stretchtimer.settings import Settings
    from stretchtimer.tui.app import StretchTimerApp

    clock = ManualClock()
    app = StretchTimerApp(routine_id=ROUTINE, clock=clock, settings=Settings(sound="off"))
    async with app.run_test(size=size) as pilot:
        clock.advance(1)
        await pilot.pause()
        await pilot.press(*KEYS)
        for _ in range(SECONDS_IN):
            clock.advance(1)
            await pilot.pause()
        assert app.player is not None
        await asyncio.to_thread(app.player.ready.wait, 5)  # "sound: off" is on the screen
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        return app.export_screenshot(title="stretchtimer")


def make(size: tuple[int, int]) -> str:
    """The SVG, made with an empty config folder (the safety note marked as seen)."""
    from stretchtimer.safety import SAFETY_SEEN_FILE

    with tempfile.TemporaryDirectory(prefix="stretchtimer-screenshot-") as folder:
        config = Path(folder) / "config"
        config.mkdir()
        (config / SAFETY_SEEN_FILE).touch()
        folders = {
            "STRETCHTIMER_CONFIG_DIR": str(config),
            "STRETCHTIMER_DATA_DIR": str(Path(folder) / "data"),
        }
        with mock.patch.dict(os.environ, folders):
            return asyncio.run(screenshot(size))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    stale = 0
    for output, size in PICTURES.items():
        svg = make(size)
        if args.check:
            if not (output.exists() and output.read_text() == svg):
                print(f"{output} is stale: run scripts/screenshot.py", file=sys.stderr)
                stale = 1
            continue
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(svg)
        print(f"wrote {output}")
    return stale


if __name__ == "__main__":
    raise SystemExit(main())
