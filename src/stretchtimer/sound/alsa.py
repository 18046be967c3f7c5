"""Keep ALSA quiet: with no sound card it prints "ALSA lib ..." lines on fd 2, which would
garble a Textual screen. We install a no-op error handler in libasound itself, the library
simpleaudio uses, so the lines are never written; errors still come back as return codes.
"""

from __future__ import annotations

import ctypes
import threading

_ERROR_HANDLER = ctypes.CFUNCTYPE(
    None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
)
_quiet_handler = _ERROR_HANDLER(lambda *_: None)  # kept alive: libasound holds a pointer to it
_lock = threading.Lock()
_library: ctypes.CDLL | None = None


def libasound() -> ctypes.CDLL:
    """libasound, loaded once with its error output silenced; OSError when it is missing."""
    global _library
    with _lock:
        if _library is None:
            library = ctypes.CDLL("libasound.so.2")
            library.snd_lib_error_set_handler(_quiet_handler)
            _library = library
        return _library


def default_device_problem() -> str | None:
    """None when ALSA's default playback device opens, else why not (e.g. no audio device)."""
    try:
        library = libasound()
    except OSError:
        return "ALSA library not found"
    pcm = ctypes.c_void_p()
    playback, nonblocking = 0, 1
    code = library.snd_pcm_open(ctypes.byref(pcm), b"default", playback, nonblocking)
    if code < 0:
        library.snd_strerror.restype = ctypes.c_char_p
        reason = library.snd_strerror(code).decode(errors="replace")
        return f"no audio device ({reason})"
    library.snd_pcm_close(pcm)
    return None
