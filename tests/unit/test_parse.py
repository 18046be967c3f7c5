"""YAML text into data: the same data as PyYAML's safe loader, with a key given twice and a
number too long refused in the same walk, at any depth, through merges and aliases."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import REPO

from stretchtimer.library.catalog import CatalogError
from stretchtimer.library.parse import parse

EXERCISES = REPO / "exercises"  # the built-in files, in this repository


def safe_load(text: str) -> object:
    return yaml.load(text, Loader=yaml.SafeLoader)


def problem(text: str) -> str:
    with pytest.raises(CatalogError) as caught:
        parse(text, "f.yaml")
    (found,) = caught.value.problems
    return str(found)


@pytest.mark.parametrize(
    "text",
    [
        # what a safe loader makes of scalars: ints in every base, floats, dates, null, booleans
        "a: 1\nb: 0x1F\nc: 0o17\nd: 1_000\ne: 1:30\nf: -.inf\ng: 2001-12-14t21:59:43.10-05:00\n"
        "h: 2002-12-14\ni: ~\nj: yes\nk: 'yes'\nl: !!str 12\nm: !!float 1\nn: !!binary aGk=\n"
        "o: ''\np:\nq: 0\nr: 010\ns: -5\nt: +5\nu: 0b11\nv: 1.5\nw: 1e3\n",
        "base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n",  # a merge: the mapping's own win
        "m:\n  <<: [{a: 1}, {a: 2, b: 3}]\n  c: 4\n",  # a list of merges: the first wins
        "x: {=: 1, <<: {a: 2}}\n",  # a value key
        "a: &a [1, {b: 2}]\nb: *a\nc: [*a, *a]\n",  # aliases
        "s: !!set {a, b}\no: !!omap [a: 1, b: 2]\np: !!pairs [a: 1, a: 2]\n",  # other tags
        "a: !!map {b: c}\nd: !!seq [1]\n1: int\n'1': text\n",
        "- a\n- b: c\n  d: [e, {f: g}]\n",
    ],
)
def test_the_data_is_what_a_safe_loader_makes(text: str) -> None:
    assert parse(text, "f.yaml")[1] == safe_load(text)


def test_an_alias_is_the_same_object_and_may_hold_itself() -> None:
    data = parse("a: &a [1]\nb: *a\nc: &c {self: *c}\n", "f.yaml")[1]
    assert data["a"] is data["b"]
    assert data["c"]["self"] is data["c"]


@pytest.mark.parametrize("path", sorted(EXERCISES.rglob("*.yaml")), ids=lambda path: path.name)
def test_every_builtin_file_reads_as_a_safe_loader_reads_it(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert parse(text, str(path))[1] == safe_load(text)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a: 1\na: 2\n", "f.yaml:2: a: given twice (first on line 1)"),
        ("a:\n  b: [1, {c: 1,\n   c: 2}]\n", "f.yaml:3: a.b[2].c: given twice (first on line 2)"),
        (
            "- x\n- - {k: 1}\n  - {k: 1, k: 2}\n",
            "f.yaml:3: [2][2].k: given twice (first on line 3)",
        ),
        ("b: &b {x: 1, x: 2}\nc: {<<: *b}\n", "f.yaml:1: b.x: given twice (first on line 1)"),
        ("c:\n  <<: {x: 1,\n    x: 2}\n", "f.yaml:3: c.<<.x: given twice (first on line 2)"),
        ("c: {<<: [{x: 1}, {y: 1, y: 2}]}\n", "f.yaml:1: c.<<[2].y: given twice (first on line 1)"),
        ("a:\n  - n: " + "1" * 21 + "\n", "f.yaml:2: a[1].n: number too long (21 digits)"),
        ("a: &n " + "1" * 21 + "\nb: *n\n", "f.yaml:1: a: number too long (21 digits)"),
        ("a: 1." + "5" * 30 + "\n", "f.yaml:1: a: number too long (32 digits)"),
        ("m:\n  <<: {n: " + "9" * 30 + "}\n", "f.yaml:2: m.<<.n: number too long (30 digits)"),
    ],
)
def test_a_key_given_twice_or_a_long_number_is_refused_where_it_is(text: str, shown: str) -> None:
    assert problem(text) == shown


def test_keys_from_a_merge_are_not_given_twice() -> None:
    text = "base: &b {x: 1}\na: {<<: *b, x: 2}\nb: {<<: [*b, {x: 3}]}\n"
    assert parse(text, "f.yaml")[1] == {"base": {"x": 1}, "a": {"x": 2}, "b": {"x": 1}}


def test_a_long_text_that_looks_like_digits_is_text() -> None:
    assert parse("a: '" + "1" * 30 + "'\n", "f.yaml")[1] == {"a": "1" * 30}


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            "? [1, 2]\n: x\n",
            "f.yaml:1: invalid YAML: while constructing a mapping found unhashable",
        ),
        ("<<: 5\n", "f.yaml:1: invalid YAML: while constructing a mapping expected a mapping"),
        ("a: !!str [1]\n", "f.yaml:1: invalid YAML: expected a scalar node, but found sequence"),
        ("a: !foo x\n", "f.yaml:1: invalid YAML: could not determine a constructor for the tag"),
        ("a: 2024-13-45\n", "f.yaml:1: invalid value: month must be in 1..12"),
    ],
)
def test_what_pyyaml_refuses_is_one_line(text: str, shown: str) -> None:
    assert problem(text).startswith(shown)
