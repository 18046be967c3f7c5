"""termdown, a popular terminal countdown on PyPI, as a second baseline: where run.py gets it.

termdown is pip-installed (pinned, TERMDOWN below) into a venv of its own under the user's
cache folder, `$XDG_CACHE_HOME/stretchtimer-bench/termdown-<version>` (`~/.cache/...` when
XDG_CACHE_HOME is unset), the first time it is needed, with this same interpreter; later runs
reuse it. Nothing is installed into the project's venv. When it cannot be installed (no
network, no venv module) the caller gets the reason, and run.py prints a "not measured: why"
row instead of figures.

run.py runs it as `termdown 30m` (a 30-minute countdown drawn in big ASCII-art digits, redrawn
every second, as termdown does by default) in the same tmux windows as stretchtimer.

    .venv/bin/python benchmarks/anchor.py     # installs if needed, prints its path
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

VERSION = "2.0.0"
TERMDOWN = f"termdown=={VERSION}"
INSTALL_TIMEOUT = 300.0
# termdown draws its digits with the character 8 (its default figlet font): an 8 on the
# screen means the countdown is up. A blank screen before it starts has none.
MARKER = "8"


@dataclass(frozen=True)
class Found:
    """The command to start termdown, or why there is none."""

    argv: list[str] | None
    why: str = ""


def folder() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "stretchtimer-bench" / f"termdown-{VERSION}"


def termdown(minutes: int = 30) -> Found:
    """termdown from the cached venv, installing it there first when it is missing."""
    home = folder()
    program = home / "bin" / "termdown"
    if not program.exists():
        why = install(home)
        if why:
            return Found(None, why)
    return Found([str(program), f"{minutes}m"])


def install(home: Path) -> str:
    """Make the venv and pip-install termdown into it; '' when it worked, else why not."""
    print(f"  installing {TERMDOWN} into {home}", file=sys.stderr, flush=True)
    try:
        venv.create(home, with_pip=True, clear=True)
        subprocess.run(
            [str(home / "bin" / "python"), "-m", "pip", "install", "-q", TERMDOWN],
            capture_output=True,
            text=True,
            check=True,
            timeout=INSTALL_TIMEOUT,
        )
    except subprocess.CalledProcessError as error:
        lines = [line for line in error.stderr.splitlines() if "ERROR" in line]
        return f"pip could not install {TERMDOWN}: {(lines or ['no reason given'])[-1]}"
    except subprocess.TimeoutExpired:
        return f"pip did not install {TERMDOWN} within {INSTALL_TIMEOUT:g} s"
    except (OSError, subprocess.SubprocessError) as error:
        return f"no venv for {TERMDOWN}: {error}"
    if not (home / "bin" / "termdown").exists():
        return f"pip installed {TERMDOWN} but there is no {home}/bin/termdown"
    return ""


if __name__ == "__main__":
    found = termdown()
    print(" ".join(found.argv) if found.argv else f"not measured: {found.why}")
    raise SystemExit(0 if found.argv else 1)
