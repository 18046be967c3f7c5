"""Sound through the real playback path: simpleaudio -> ALSA, captured to files by
`tests/fixtures/alsa-capture.conf`, plus the fallbacks when there is no device at all.
"""

from __future__ import annotations

import json
import shutil
import stat
import threading
from pathlib import Path

import pytest
from conftest import FIXTURES
from programs import quick_desk_break, stretchtimer

from stretchtimer.session.plan import CueKind
from stretchtimer.sound.clips import Clip, cue_clip
from stretchtimer.sound.player import Player

CAPTURE_CONF = FIXTURES / "alsa-capture.conf"
NO_DEVICE_CONF = """pcm.!default { type hw card 99 }
ctl.!default { type hw card 99 }
"""


def alsa_capture(tmp_path: Path) -> dict[str, str]:
    """Environment in which ALSA's default device writes each stream to its own file."""
    assert CAPTURE_CONF.exists(), f"missing {CAPTURE_CONF}"
    (tmp_path / "capture").mkdir()
    return {
        "ALSA_CONFIG_PATH": f"/usr/share/alsa/alsa.conf:{CAPTURE_CONF}",
        "ALSA_CAPTURE_FILE": str(tmp_path / "capture" / "cue.raw"),
    }


def alsa_without_device(tmp_path: Path) -> dict[str, str]:
    """Environment in which ALSA's default device is a sound card that is not there."""
    conf = tmp_path / "no-device.conf"
    conf.write_text(NO_DEVICE_CONF)
    return {"ALSA_CONFIG_PATH": f"/usr/share/alsa/alsa.conf:{conf}"}


def captured(tmp_path: Path) -> list[int]:
    """Sizes in bytes of the captured streams, in the order they were opened."""
    files = sorted((tmp_path / "capture").iterdir(), key=lambda p: (len(p.name), p.name))
    return [path.stat().st_size for path in files]


def planned_cues(routine: str, *options: str) -> list[str]:
    shown = stretchtimer("show", routine, "--json", *options)
    return [cue["kind"] for step in json.loads(shown.stdout)["timeline"] for cue in step["cues"]]


def test_every_planned_cue_is_played_once_through_simpleaudio_and_alsa(tmp_path: Path) -> None:
    import simpleaudio  # noqa: F401  (the audio extra must be installed for this test)

    done = stretchtimer(
        "run", "desk-break", "--plain", "--speed", "120", "--volume", "100",
        env=alsa_capture(tmp_path),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Sound: simpleaudio;" in done.stdout
    assert done.stderr == ""
    expected = [len(cue_clip(kind).frames) for kind in planned_cues("desk-break")]
    assert len(expected) > 100
    assert captured(tmp_path) == expected  # each cue, in order, whole, none doubled


def test_muted_plays_nothing(tmp_path: Path) -> None:
    done = stretchtimer(
        "run", "desk-break", "--plain", "--speed", "500", "--mute", env=alsa_capture(tmp_path)
    )
    assert done.returncode == 0, done.stderr
    assert captured(tmp_path) == []


@pytest.mark.parametrize("forced", [[], ["--sound", "simpleaudio"]])
def test_no_sound_device_falls_back_quietly(tmp_path: Path, forced: list[str]) -> None:
    done = stretchtimer(
        "run", "desk-break", "--plain", "--speed", "500", *forced,
        env=alsa_without_device(tmp_path),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Sound: off, no audio device;" in done.stdout
    assert "ALSA" not in done.stdout + done.stderr
    assert done.stderr == ""


def test_doctor_says_what_plays(tmp_path: Path) -> None:
    done = stretchtimer("doctor", env=alsa_capture(tmp_path))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "  simpleaudio    works" in lines
    assert "  plays through  simpleaudio" in lines
    assert any(line.startswith("  espeak-ng      found") for line in lines)
    assert any(line.startswith("  data ") for line in lines)
    quiet = stretchtimer("doctor", env=alsa_without_device(tmp_path))
    assert "  plays through  off, no audio device" in quiet.stdout.splitlines()
    assert "ALSA lib" not in quiet.stdout + quiet.stderr


@pytest.mark.skipif(shutil.which("aplay") is None, reason="needs aplay (alsa-utils)")
def test_doctor_play_says_whether_it_really_played(tmp_path: Path) -> None:
    """aplay is found on a machine with no sound device, but fails once it tries: --play says
    so, and says where the chime played when it did (here: into ALSA's capture file)."""
    quiet = stretchtimer("--sound", "aplay", "doctor", "--play", env=alsa_without_device(tmp_path))
    lines = quiet.stdout.splitlines()
    assert any(line.startswith("  aplay          not usable: no audio device") for line in lines)
    assert "played the session-done chime" not in quiet.stdout
    assert "  test           nothing to play it through" in lines
    heard = stretchtimer("--sound", "aplay", "doctor", "--play", env=alsa_capture(tmp_path))
    assert "  test           played the session-done chime through aplay" in heard.stdout
    assert captured(tmp_path) and max(captured(tmp_path)) > 10_000  # a real chime went out


# --- the player's own rules ------------------------------------------------------------------


def fake_program(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


def fake_players(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pw_play: str) -> Path:
    """A PATH with only a pw-play that runs `pw_play` and a paplay that keeps what it plays
    (no aplay: with no sound device it would be left out before it is tried)."""
    bin_dir, played = tmp_path / "bin", tmp_path / "played"
    bin_dir.mkdir()
    played.mkdir()
    (bin_dir / "pw-play").write_text(pw_play)
    (bin_dir / "paplay").write_text(f'#!/bin/sh\nexec /bin/cp "$1" "{played}/$$.wav"\n')
    for program in bin_dir.iterdir():
        program.chmod(program.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("ALSA_CONFIG_PATH", alsa_without_device(tmp_path)["ALSA_CONFIG_PATH"])
    return played


def wav_sizes(*kinds: str) -> list[int]:
    return sorted(len(cue_clip(kind).scaled(70).wav_bytes()) for kind in kinds)


def test_a_player_that_cannot_start_hands_its_cue_to_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    played = fake_players(tmp_path, monkeypatch, pw_play="#!/nonexistent/shell\n")
    statuses: list[str] = []
    player = Player(on_status=statuses.append).start()
    assert player.ready.wait(5)
    assert player.backend == "pw-play"
    player.play("rep")
    player.play("rest")
    player.close()
    assert statuses == ["sound: pw-play", "sound: paplay"]
    assert player.missing["pw-play"].startswith("failed:")
    assert sorted(len(p.read_bytes()) for p in played.iterdir()) == wav_sizes("rep", "rest")


def test_a_player_that_fails_is_replaced_for_the_cues_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    played = fake_players(tmp_path, monkeypatch, pw_play="#!/bin/sh\nexit 3\n")
    player = Player().start()
    tries = 0
    while player.backend != "paplay" and tries < 100:
        player.play("rep")
        assert player.flush()
        tries += 1
    assert player.backend == "paplay"
    assert player.missing["pw-play"] == "failed: pw-play exited with code 3"
    player.play("switch-sides")
    player.close()
    sizes = [len(p.read_bytes()) for p in played.iterdir()]
    assert wav_sizes("switch-sides")[0] in sizes
    assert len(sizes) in (1, 2)  # plus the rep that found the failure, when caught at once


def test_play_never_waits_for_the_device() -> None:
    """A backend stuck for as long as you like does not hold up whoever calls play()."""
    release = threading.Event()
    rung: list[int] = []

    def stuck_bell() -> None:
        release.wait(10)
        rung.append(1)

    player = Player("bell", ring=stuck_bell).start()
    for _ in range(20):
        player.play("rep")  # would hang here if play() waited on the device
    assert rung == []
    release.set()
    player.close()
    assert rung == [1] * 20


def test_with_only_silence_left_a_cue_costs_the_sound_thread_nothing() -> None:
    """Sound off (or no device at all): a cue a second of a session is not queued, loaded and
    thrown away by the sound thread: play() returns at once and nothing more happens."""
    loaded: list[str] = []

    def load(kind: str) -> Clip:
        loaded.append(kind)
        return cue_clip(kind)

    player = Player("off", load=load).start()
    assert player.ready.wait(5) and player.backend == "off"
    for _ in range(10):
        player.play("rep")
    player.play_clip(cue_clip("rest"))
    assert player.flush()
    player.close()
    assert loaded == []


def test_the_terminal_bell_rings_without_loading_a_clip() -> None:
    """The bell rings the same for every cue: the sound thread does not read and scale a
    cue's sound (a loop in Python over its samples) only to ring it."""
    loaded: list[str] = []
    rung: list[int] = []

    def load(kind: str) -> Clip:
        loaded.append(kind)
        return cue_clip(kind)

    player = Player("bell", ring=lambda: rung.append(1), load=load).start()
    assert player.ready.wait(5) and player.backend == "bell"
    for kind in ("rep", "work-start", "rest"):
        player.play(kind)
    assert player.flush()
    player.close()
    assert rung == [1, 1, 1] and loaded == []


def test_volume_scales_samples_on_a_square_law() -> None:
    clip = Clip("test", (1000).to_bytes(2, "little", signed=True) * 4)
    assert clip.scaled(100) is clip
    assert clip.scaled(50).frames == (250).to_bytes(2, "little", signed=True) * 4
    assert clip.scaled(0).frames == bytes(8)


def test_every_cue_kind_loads_as_a_clip() -> None:
    for kind in CueKind:
        assert cue_clip(kind).seconds > 0


def test_the_voice_goes_through_the_same_player(tmp_path: Path, user_config: Path) -> None:
    from stretchtimer.sound.speech import CommandSpeaker

    # 15 s to get ready: 0.4 s at x30 to render the first phrase before the countdown's ticks
    routine, options = quick_desk_break(user_config), ("--prepare", "15")
    done = stretchtimer(
        "run", routine, "--plain", "--speed", "30", "--voice", *options,
        env=alsa_capture(tmp_path),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "voice: espeak-ng." in done.stdout
    speaker = CommandSpeaker("espeak-ng")
    sizes = captured(tmp_path)
    cues = [len(cue_clip(kind).scaled(70).frames) for kind in planned_cues(routine, *options)]
    assert len(sizes) > len(cues)  # the cues and the phrases
    first = speaker.render("First up: Neck Roll, 1 round.", 70)
    last = speaker.render("Session done. Well done.", 70)
    # Right after the exercise-start cue; the phrase is rendered in a thread, so on a busy
    # machine a countdown tick or two may go first.
    assert len(first.frames) in sizes[1:5]
    assert len(last.frames) in sizes[-2:]  # said in full, beside the last chime
