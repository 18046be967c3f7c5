"""The player: a thread that owns the sound backends, so a cue never waits on a device.

`play` only puts a clip on a queue. The thread picks the backend once (the probe may take a
moment) and, when a backend fails, moves on to the next one and plays the clip there.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable

from stretchtimer.sound.backends import Backend, PlaybackError, find_backends
from stretchtimer.sound.clips import Clip, ClipError, cue_clip

log = logging.getLogger(__name__)

_CLOSE = object()
NO_CLIP = Clip("none", b"")
"""What a backend that plays no clip is given (the bell)."""


class Player:
    def __init__(
        self,
        preferred: str = "auto",
        *,
        volume: int = 70,
        muted: bool = False,
        ring: Callable[[], None] | None = None,
        on_status: Callable[[str], None] | None = None,
        load: Callable[[str], Clip] = cue_clip,
    ) -> None:
        self.volume = volume
        self.muted = muted
        self._preferred = preferred
        self._ring = ring
        self._on_status = on_status
        self._load = load
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._clips: dict[tuple[str, int], Clip] = {}
        self._backends: list[Backend] = []
        self.missing: dict[str, str] = {}
        """Backends that cannot work here, with the reason (for doctor and the status)."""
        self.ready = threading.Event()
        self._busy_until = 0.0
        self._silent = False  # only silence is left to play through: nothing to queue
        self._status = "sound: starting"
        self._thread = threading.Thread(target=self._run, name="stretchtimer-sound", daemon=True)

    # --- called from the app's thread -------------------------------------------------------

    def start(self) -> Player:
        self._thread.start()
        return self

    @property
    def started(self) -> bool:
        return self._thread.ident is not None

    def play(self, kind: str) -> None:
        """Play the built-in cue `kind` (e.g. 'rep') soon; never blocks, never raises."""
        if not self.muted and not self._silent:  # a cue a second would wake the thread
            self._queue.put(kind)

    def play_clip(self, clip: Clip) -> None:
        """Play a clip made elsewhere (a spoken phrase), already at this player's volume."""
        if not self.muted and not self._silent:
            self._queue.put(clip)

    @property
    def backend(self) -> str:
        """The backend playing now ('' until the probe is done)."""
        return self._backends[0].name if self._backends else ""

    @property
    def status(self) -> str:
        return self._status

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything asked for so far has been handed to a backend."""
        done = threading.Event()
        self._queue.put(done)
        return done.wait(timeout)

    def close(self, timeout: float = 3.0) -> None:
        """Play what is queued, let the last clip ring out (up to `timeout`), then stop."""
        if not self._thread.is_alive():
            return
        deadline = time.monotonic() + timeout
        self._queue.put(_CLOSE)
        self._thread.join(timeout)
        time.sleep(max(0.0, min(self._busy_until, deadline) - time.monotonic()))
        for backend in self._backends:
            close = getattr(backend, "close", None)
            if close is not None:
                close()

    # --- the sound thread -------------------------------------------------------------------

    def _run(self) -> None:
        self._backends, self.missing = find_backends(self._preferred, self._ring)
        self._announce()
        self.ready.set()
        while (item := self._queue.get()) is not _CLOSE:
            if isinstance(item, threading.Event):
                item.set()
            elif not self.muted:
                self._send(item)

    def _clip(self, item: object) -> Clip | None:
        volume = self.volume
        try:
            if isinstance(item, Clip):
                return item
            key = (str(item), volume)
            if key not in self._clips:
                self._clips[key] = self._load(str(item)).scaled(volume)
            return self._clips[key]
        except ClipError as error:
            log.warning("cannot play %s", error)
            return None

    def _send(self, item: object) -> None:
        """Play `item` (a cue kind, or a clip) through the first backend that works. A cue's
        clip is loaded (and scaled, a loop in Python) only for a backend that plays clips:
        the terminal bell rings the same for every cue."""
        clip = item if isinstance(item, Clip) else None
        while self._backends:
            backend = self._backends[0]
            if clip is None and backend.plays_clips:
                clip = self._clip(item)
                if clip is None:
                    return
            try:
                backend.play(clip if clip is not None else NO_CLIP)
            except PlaybackError as error:
                self.missing[backend.name] = f"failed: {error}"
                self._backends.pop(0)
                self._announce()
                continue
            if clip is not None:
                self._busy_until = max(self._busy_until, time.monotonic() + clip.seconds)
            return

    def _announce(self) -> None:
        backend = self._backends[0] if self._backends else None
        self._silent = backend is None or backend.name == "off"
        if backend is None or backend.name == "off":
            reasons = [why for name, why in self.missing.items() if name != "off"]
            first = reasons[0] if reasons and self._preferred != "off" else ""
            if "no audio device" in first:
                first = "no audio device"
            self._status = f"sound: off, {first}" if first else "sound: off"
        else:
            self._status = f"sound: {backend.label}"
        if self._on_status is not None:
            self._on_status(self._status)
