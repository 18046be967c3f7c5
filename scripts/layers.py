"""Print what each part of stretchtimer imports, layer by layer, from the code's own imports.

    .venv/bin/python scripts/layers.py

The layers are the ones pyproject.toml's import-linter contract checks (`lint-imports`); this
shows the arrows between them, so a reader sees the structure without opening a file.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]


def layers() -> list[list[str]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    return [
        [name.strip() for name in layer.replace(":", "|").split("|")]
        for layer in contract["layers"]
    ]


def main() -> None:
    graph = grimp.build_graph("stretchtimer", cache_dir=None)
    parts = [part for layer in layers() for part in layer]

    def part_of(module: str) -> str | None:
        return next((p for p in parts if module == p or module.startswith(p + ".")), None)

    for number, layer in enumerate(layers(), 1):
        for part in layer:
            imported: set[str] = set()
            for module in graph.find_descendants(part) | {part}:
                for other in graph.find_modules_directly_imported_by(module):
                    target = part_of(other)
                    if target is not None and target != part:
                        imported.add(target)
            name = part.removeprefix("stretchtimer.")
            ordered = sorted(imported, key=parts.index)
            arrows = ", ".join(target.removeprefix("stretchtimer.") for target in ordered) or "-"
            print(f"{number}. {name:<10} -> {arrows}")


if __name__ == "__main__":
    main()
