"""`stretchtimer serve`: the app in browser tabs. The server runs as a process; the browser is
Debian's Chromium driven by Playwright (no browser download); sound goes through real ALSA
into files (tests/fixtures/alsa-capture.conf).

The picker's screenshot is kept in build/test-artifacts/serve/ (or $STRETCHTIMER_ARTIFACTS);
the test prints where.
"""

from __future__ import annotations

import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, REPO

from stretchtimer.history.records import SessionRecord
from stretchtimer.history.store import read_sessions
from stretchtimer.session.plan import CueKind
from stretchtimer.sound.clips import cue_clip

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
ARTIFACTS = Path(os.environ.get("STRETCHTIMER_ARTIFACTS", REPO / "build" / "test-artifacts"))
ESCAPES = re.compile(r"\x1b\[[0-9;?<>=$]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.")
STEP_TITLE = r"^(PAUSED - )?\d+:\d\d .+ - .+$"  # as the session screen names the terminal


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def web_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A temporary home: its own config, data and cache folders (the autouse fixture has set
    STRETCHTIMER_CONFIG_DIR and _DATA_DIR already), and ALSA writing what plays to files."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    (tmp_path / "capture").mkdir(exist_ok=True)
    return {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "ALSA_CONFIG_PATH": f"/usr/share/alsa/alsa.conf:{FIXTURES / 'alsa-capture.conf'}",
        "ALSA_CAPTURE_FILE": str(tmp_path / "capture" / "cue.raw"),
        **extra,
    }


class Server:
    """`stretchtimer serve` in a process of its own, and the line it printed once listening."""

    def __init__(self, tmp_path: Path, *options: str, **env: str) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "stretchtimer", "serve", "--port", str(self.port), *options],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=web_env(tmp_path, **env),
            start_new_session=True,  # a process group of its own, as in its own terminal
        )
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], 30)
        self.line = self.process.stdout.readline() if ready else ""
        if not self.line:
            self.process.kill()
            _, err = self.process.communicate()
            pytest.fail(f"serve printed no address; stderr:\n{err}")

    def stop(self) -> tuple[int, str, str]:
        """SIGTERM, as a service manager stops it; its exit code and what it printed."""
        self.process.send_signal(signal.SIGTERM)
        out, err = self.process.communicate(timeout=30)
        return self.process.returncode, self.line + out, err


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    started: list[Server] = []

    def start(*options: str, **env: str) -> Server:
        started.append(Server(tmp_path, *options, **env))
        return started[-1]

    yield start
    for each in started:
        if each.process.poll() is None:
            each.process.kill()
            each.process.communicate()


def wait_until(check: Callable[[], Any], what: str, timeout: float = 30) -> Any:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"{what}: not within {timeout} s")


def sessions() -> list[SessionRecord]:
    return sorted(read_sessions(), key=lambda session: session.id)


# --- the command line ------------------------------------------------------------------------


def test_without_the_web_extra_it_says_how_to_install_it(tmp_path: Path) -> None:
    missing = tmp_path / "missing"
    missing.mkdir()
    (missing / "textual_serve.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'textual_serve'\", name='textual_serve')\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "stretchtimer", "serve"],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(missing)},
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "stretchtimer: serve needs the web extra, textual_serve is missing:"
        " pip install 'stretchtimer[web]' (in a checkout: pip install '.[web]')\n"
    )


def test_doctor_says_whether_serve_can_run() -> None:
    from importlib.metadata import version

    pytest.importorskip("textual_serve", reason="needs the web extra")
    done = subprocess.run(
        [sys.executable, "-m", "stretchtimer", "doctor"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-2:] == [
        "Browser tabs (stretchtimer serve):",
        f"  textual-serve  {version('textual-serve')} installed",
    ]


def test_a_port_in_use_is_one_line_and_exit_2() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "stretchtimer", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert (
        done.stderr == f"stretchtimer: cannot listen on 127.0.0.1:{port}: Address already in use\n"
    )
    assert done.stdout == ""


@pytest.mark.parametrize("port", ["0", "65536", "http", "\uff18\uff10"])
def test_a_bad_port_is_refused(port: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "stretchtimer", "serve", "--port", port],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert f"invalid port {port!r}: use a whole number 1 to 65535" in done.stderr


def test_on_every_network_it_warns_and_open_opens_the_address_it_prints(
    tmp_path: Path, server: Callable[..., Server]
) -> None:
    opened = tmp_path / "opened"
    browser = tmp_path / "browser"
    browser.write_text(f'#!/bin/sh\nprintf %s "$1" > {opened}\n')
    browser.chmod(0o755)
    served = server("--host", "0.0.0.0", "--open", BROWSER=f"{browser} %s")
    url = served.line.split(" at ", 1)[1].split()[0]
    assert re.fullmatch(rf"http://[^/]+:{served.port}/", url), served.line
    assert "127.0.0.1" not in url  # another computer's address for this one
    wait_until(opened.exists, "--open ran the browser")
    assert opened.read_text() == url
    # The page and its files load from wherever it was asked for, this computer included.
    from urllib.request import urlopen

    with urlopen(f"http://127.0.0.1:{served.port}/", timeout=30) as response:
        page = response.read().decode()
    assert "<title>stretchtimer</title>" in page
    assert "googleapis" not in page  # nothing from the internet
    for path in re.findall(r'(?:src|href)="(/static/[^"]+)"', page):
        with urlopen(f"http://127.0.0.1:{served.port}{path}", timeout=30) as response:
            assert response.status == 200, path
    code, _, err = served.stop()
    assert code == 0
    assert err == (
        f"stretchtimer: anyone who can reach port {served.port} of this computer from any"
        " network can use the app and your history: it has no login\n"
    )


def test_on_this_computer_only_it_does_not_warn(server: Callable[..., Server]) -> None:
    served = server()
    assert served.line == (
        f"Serving stretchtimer at http://127.0.0.1:{served.port}/ (one session per tab;"
        " Ctrl+C stops)\n"
    )
    code, _, err = served.stop()
    assert (code, err) == (0, "")


# --- in a browser ----------------------------------------------------------------------------


class Tab:
    """A browser tab on the served page, and what its app drew, as text."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.frames: list[bytes] = []
        page.on("websocket", lambda socket: socket.on("framereceived", self._received))

    def _received(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes):
            self.frames.append(payload)

    def text(self) -> str:
        """What the app drew so far, without its escape sequences."""
        return ESCAPES.sub("", b"".join(self.frames).decode("utf-8", "replace"))

    def wait_for_text(self, text: str, timeout: float = 30) -> None:
        end = time.monotonic() + timeout
        while text not in self.text():
            assert time.monotonic() < end, f"{text!r} never drawn; drawn:\n{self.text()[-3000:]}"
            self.page.wait_for_timeout(50)  # lets Playwright deliver the frames meanwhile

    def wait_for_title(self, pattern: str) -> str:
        self.page.wait_for_function("p => new RegExp(p).test(document.title)", arg=pattern)
        title: str = self.page.title()
        return title

    def press(self, key: str) -> None:
        self.page.locator(".xterm-helper-textarea").focus()
        self.page.keyboard.press(key)

    def drawn(self) -> None:
        """Wait until the terminal has painted what it received (two animation frames)."""
        self.page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")
        self.page.evaluate("() => new Promise(r => requestAnimationFrame(() => r()))")


@pytest.fixture
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"needs Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="needs playwright (the test extra: pip install -e '.[test]')"
    )
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium.new_context(viewport={"width": 1100, "height": 760})
        chromium.close()


def test_each_tab_is_a_session_kept_as_stopped_when_the_tab_closes(
    tmp_path: Path, server: Callable[..., Server], browser: Any
) -> None:
    pytest.importorskip("textual_serve", reason="needs the web extra (textual-serve)")
    served = server("--speed", "4")
    url = f"http://127.0.0.1:{served.port}/"

    first = Tab(browser.new_page())
    first.page.goto(url)
    assert first.page.title() == "stretchtimer"
    for name in ("Desk Break", "Full Back Session", "Lower Back", "Warm-Up"):
        first.wait_for_text(name)  # the picker's routines
    for text in ("Enter to start", "any area", "foam roller"):  # its plan and filters
        first.wait_for_text(text)
    first.drawn()
    shot = ARTIFACTS / "serve" / "picker.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    first.page.screenshot(path=str(shot))
    print(f"the picker in Chromium: {shot}")

    first.press("Enter")  # Desk Break; the safety note comes first, once ever
    first.wait_for_text("Before you start")
    first.press("Enter")
    title = first.wait_for_title(STEP_TITLE)  # the page's title follows the step
    assert title.endswith(" - Neck Roll"), title
    first.wait_for_text("GET READY")
    first.drawn()
    first.page.screenshot(path=str(shot.with_name("session.png")))

    second = Tab(browser.new_page())  # its own app, session and history writer
    second.page.goto(url)
    second.wait_for_text("Enter to start")
    second.press("ArrowDown")  # Full Back Session
    second.wait_for_text("Full Back Session - ")
    second.press("Enter")
    second.wait_for_title(STEP_TITLE)
    assert [session.routine_id for session in sessions()] == ["desk-break", "full-back-session"]

    # Sound plays on the computer that serves: whole cue clips, through ALSA.
    cue_sizes = {len(cue_clip(kind).frames) for kind in CueKind}
    played = wait_until(lambda: sorted((tmp_path / "capture").iterdir()), "a cue played")
    assert {path.stat().st_size for path in played} <= cue_sizes

    first.page.close()  # as a closed terminal: the session is stopped and kept
    wait_until(lambda: sessions()[0].state == "stopped", "the closed tab's session stopped")
    assert sessions()[1].state == "running"  # the other tab goes on
    assert second.page.title() != "stretchtimer: ended"

    second.page.close()
    wait_until(lambda: sessions()[1].state == "stopped", "the second tab's session stopped")
    kept = sessions()
    assert [session.speed for session in kept] == [4.0, 4.0]  # serve's options reach each tab
    assert all(session.ended_at is not None for session in kept)
    assert (
        json.loads(
            subprocess.run(
                [sys.executable, "-m", "stretchtimer", "history", "--json"],
                capture_output=True,
                text=True,
                timeout=60,
                check=True,
            ).stdout
        )[0]["state"]
        == "stopped"
    )

    code, out, err = served.stop()  # the server outlives its tabs, and stops cleanly
    assert code == 0, err
    assert "Traceback" not in out + err


@pytest.mark.parametrize(
    "stop",
    [
        pytest.param(lambda pid: os.kill(pid, signal.SIGTERM), id="SIGTERM to the server"),
        pytest.param(lambda pid: os.killpg(pid, signal.SIGINT), id="Ctrl+C in its terminal"),
        pytest.param(lambda pid: os.kill(pid, signal.SIGKILL), id="the server killed"),
    ],
)
def test_a_stopped_server_keeps_each_session_as_stopped(
    server: Callable[..., Server], browser: Any, stop: Callable[[int], None]
) -> None:
    pytest.importorskip("textual_serve", reason="needs the web extra (textual-serve)")
    served = server("--mute")
    tab = Tab(browser.new_page())
    tab.page.goto(f"http://127.0.0.1:{served.port}/")
    tab.wait_for_text("Enter to start")
    tab.press("Enter")
    tab.wait_for_text("Before you start")
    tab.press("Enter")
    tab.wait_for_title(STEP_TITLE)
    tab.wait_for_text("sound: muted")  # serve's --mute reached the tab
    assert [session.state for session in sessions()] == ["running"]

    stop(served.process.pid)
    wait_until(lambda: sessions()[0].state == "stopped", "the session stopped")
    assert served.process.wait(timeout=30) in (0, -signal.SIGKILL)
    tab.wait_for_title("^stretchtimer: ended$")  # the page says so
