"""Read and check exercise and routine files: YAML with its line numbers (parse.py), validated
by pydantic-core (validation.py).

Every problem becomes one `path:line: field: message` line. Imported only when a file is read
(loader.py): PyYAML and pydantic-core with their validators, which a catalog read from its
cache needs none of.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import types
from collections.abc import Collection
from pathlib import Path
from typing import Annotated, Any, NoReturn, Union, get_args, get_origin, get_type_hints

import yaml

from stretchtimer.files import Unreadable, read_bounded
from stretchtimer.format import count
from stretchtimer.library.catalog import Catalog, CatalogError, Document, Entry, Problem
from stretchtimer.library.models import (
    DOSE_TAG,
    ROUTINE_KEY,
    AnyDose,
    Exercise,
    Routine,
    Strict,
    field_names,
    override_fields,
    routine_size,
)
from stretchtimer.library.parse import parse
from stretchtimer.library.validation import ValidationError, validate

MAX_FILE_BYTES = 256 * 1024


MAX_PROBLEMS_PER_FILE = 20


def read_file(path: Path) -> tuple[Document, yaml.Node]:
    """Read and validate one file, or raise CatalogError naming every problem in it."""
    shown = str(path)
    try:
        raw = read_bounded(path, MAX_FILE_BYTES)
    except FileNotFoundError:
        _fail(shown, 1, "", "no such file or folder")
    except Unreadable as error:
        _fail(shown, 1, "", str(error))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        _fail(shown, 1, "", "not UTF-8 text (is this a binary file?)")
    return parse_text(text, shown)


def parse_text(text: str, shown: str) -> tuple[Document, yaml.Node]:
    """Parse YAML text into a validated exercise or routine; `shown` names it in messages."""
    node, data = parse(text, shown)
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        _fail(shown, _line(node), "", f"expected a mapping of fields, found {kind}")
    model: type[Document] = Routine if ROUTINE_KEY in data else Exercise
    try:
        return validate(model, data), node
    except ValidationError as error:
        raise CatalogError(_problems_from(error, node, shown, model)) from None


def _fail(path: str, line: int, field: str, message: str) -> NoReturn:
    raise CatalogError([Problem(path, line, field, message)])


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


# pydantic's words for an unknown key and a non-mapping where a dataclass is expected, and the
# ones these messages used when the file classes were pydantic models
_KINDS = {"unexpected_keyword_argument": "extra_forbidden", "dataclass_type": "model_type"}


def _kind(detail: Any) -> str:
    kind = str(detail["type"])
    return _KINDS.get(kind, kind)


_WORDS = {
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "float_type": "expected a number",
    "bool_type": "expected true or false",
    "list_type": "expected a list",
    "model_type": "expected a mapping of fields",
    "model_attributes_type": "expected a mapping of fields",  # a dose that is not a mapping
    "literal_error": "expected {expected}",
    "greater_than_equal": "must be at least {ge}",
    "less_than_equal": "must be at most {le}",
}
"""pydantic's messages that a mistake in a file can bring, by kind, in the words of our own
('Input should be a valid integer' is 'expected a whole number'), with the error's context
filled in. Any other keeps pydantic's words."""


def _problems_from(
    error: ValidationError, root: yaml.Node, shown: str, model: type[Document]
) -> list[Problem]:
    """Each of pydantic's errors as a line of the file `root` was read from. An unknown
    field close to a field its mapping may have and does not give says which it may be; that
    field is then not also said to be missing (`good_fro:` is one line, on its own line, not
    that and `good_for` missing on line 1)."""
    found: list[tuple[tuple[int | str, ...], str, Problem]] = []
    meant: set[tuple[int | str, ...]] = set()  # the fields the unknown ones may be
    for detail in error.errors(include_url=False):
        loc, kind = tuple(detail["loc"]), _kind(detail)
        line, name, beside = _locate(root, loc, kind)
        message = _message(detail)
        if kind == "extra_forbidden":
            free = [field for field in _fields_at(model, loc[:-1]) if field not in beside]
            close = difflib.get_close_matches(str(loc[-1]), free, n=1)
            if close:
                message += f"; did you mean '{close[0]}'?"
                meant.add((*loc[:-1], close[0]))
        found.append((loc, kind, Problem(shown, line, name, message)))
    problems: list[Problem] = []
    for loc, kind, problem in found:
        if not (kind == "missing" and loc in meant) and problem not in problems:
            problems.append(problem)
    return sorted(problems)[:MAX_PROBLEMS_PER_FILE]


def _locate(
    root: yaml.Node, loc: tuple[int | str, ...], kind: str
) -> tuple[int, str, Collection[object]]:
    """Follow a pydantic error location through the YAML nodes to a line and a field name,
    and the keys of the mapping the last of them is in (for an unknown field: the fields its
    mapping gives).

    Parts that are not keys in the file are skipped, except the name of a missing field; so is
    the tag of a union (a dose's `kind: reps` puts `reps` in the location, which must not be
    taken for its `reps` field).
    """
    node, line, name = root, _line(root), ""
    beside: Collection[object] = ()
    tagged: yaml.Node | None = None  # the union whose tag was passed over
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if isinstance(node, yaml.MappingNode):
            if node is not tagged and _value_of(node, DOSE_TAG) == part:
                tagged = node  # the tag comes first: `reps` after it is the field
                continue
            found = next((pair for pair in node.value if pair[0].value == str(part)), None)
            if found is None:
                if last and kind == "missing":
                    name = f"{name}.{part}" if name else str(part)
                continue
            beside = [key.value for key, _ in node.value]
            key, node = found
            name = f"{name}.{part}" if name else str(part)
            line = _line(key if kind == "extra_forbidden" and last else node)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                continue
            node = node.value[part]
            name = f"{name}[{part + 1}]"
            line = _line(node)
    if kind.startswith("union_tag") and isinstance(node, yaml.MappingNode):
        name = f"{name}.{DOSE_TAG}" if name else DOSE_TAG  # the tag is missing or wrong
        tag = next((pair for pair in node.value if pair[0].value == DOSE_TAG), None)
        line = _line(tag[1]) if tag else line
    return line, name, beside


def _fields_at(model: type[Document], loc: tuple[int | str, ...]) -> tuple[str, ...]:
    """The fields of the file class whose mapping is at `loc` (a pydantic error's location in
    a `model`), or none: what an unknown field there may have meant. A dose's tag in the
    location picks its class."""
    kind: Any = model
    for part in loc:
        kind = _bare(kind)
        if isinstance(part, int):  # an item of a list
            kind = next(iter(get_args(kind)), None)
        elif isinstance(kind, type) and issubclass(kind, Strict):
            kind = _hints(kind).get(part)
        else:  # the union of doses
            kind = _doses().get(str(part))
    kind = _bare(kind)
    return field_names(kind) if isinstance(kind, type) and issubclass(kind, Strict) else ()


def _bare(kind: Any) -> Any:
    """A field's type without its metadata (`Annotated`) and without the None of an optional
    field (`Spoken | None`); a union of several classes stays one."""
    while True:
        if get_origin(kind) is Annotated:
            kind = get_args(kind)[0]
        elif get_origin(kind) in (Union, types.UnionType):
            rest = [option for option in get_args(kind) if option is not type(None)]
            if len(rest) != 1:
                return kind
            kind = rest[0]
        else:
            return kind


def _hints(cls: type) -> dict[str, Any]:
    """The types of a file class's fields, by name (its annotations are strings)."""
    return get_type_hints(cls, include_extras=True)


def _value_of(mapping: yaml.MappingNode, key: str) -> object:
    return next((value.value for k, value in mapping.value if k.value == key), None)


@functools.cache
def _doses() -> dict[str, type[AnyDose]]:
    """The dose classes by their tag, 'hold', 'reps'... (read only to word an error)."""
    return {get_args(_hints(cls)[DOSE_TAG])[0]: cls for cls in get_args(AnyDose)}


def _message(detail: Any) -> str:
    kind, text = _kind(detail), str(detail["msg"])
    if kind == "missing":
        return "required field is missing"
    if kind == "union_tag_not_found":
        return f"required field is missing: the kind of dose, one of {', '.join(_doses())}"
    if kind == "union_tag_invalid":
        tag = str(detail["ctx"]["tag"])
        close = difflib.get_close_matches(tag, list(_doses()), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"{tag!r} is not a kind of dose; use one of {', '.join(_doses())}{hint}"
    if kind == "extra_forbidden":
        return "unknown field"
    value, context = detail.get("input"), detail.get("ctx", {})
    if kind in ("too_short", "string_too_short"):
        return f"needs at least {count(context['min_length'], _unit(kind))}"
    if kind in ("too_long", "string_too_long"):  # the value is not repeated: it is too long
        size = count(len(value), _unit(kind))
        return f"has {size}; at most {context['max_length']} are allowed"
    if kind in _WORDS:
        text = _WORDS[kind].format(**context)
    text = text.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    text = text[:1].lower() + text[1:]
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        text = f"{text} (got {shown})"
    if kind == "literal_error" and isinstance(value, str):
        expected = str(context["expected"]).replace(" or ", ",")
        options = [part.strip(" '") for part in expected.split(",")]
        close = difflib.get_close_matches(value, options, n=1)
        if close:
            text += f"; did you mean '{close[0]}'?"
    return text


def _unit(kind: str) -> str:
    """What a length error counts: characters of a text, or items of a list."""
    return "character" if kind.startswith("string") else "item"


def load_files(catalog: Catalog, paths: list[Path], builtin: bool) -> dict[str, Entry]:
    """Read `paths` into the catalog; what each replaced of the built-ins, by table and id."""
    seen: dict[str, Path] = {}
    shadowed: dict[str, Entry] = {}
    for path in paths:
        try:
            item, node = read_file(path)
        except CatalogError as error:
            catalog.problems.extend(error.problems)
            continue
        key = f"{type(item).__name__}:{item.id}"
        problem = clash(catalog, item, path) or (
            Problem(str(path), 1, "id", f"'{item.id}' is also defined in {seen[key]}")
            if key in seen
            else None
        )
        if problem is not None:
            catalog.problems.append(problem)
            continue
        seen[key] = path
        table = catalog.routines if isinstance(item, Routine) else catalog.exercises
        previous = table.get(item.id)
        if previous is not None and previous.builtin and not builtin:
            catalog.replaced[item.id] = previous.path
            shadowed[key] = previous
        # only a routine's lines are looked up later (check_routines): an exercise's tree is
        # let go file by file, rather than a thousand of them kept to the end
        kept = node if isinstance(item, Routine) else None
        table[item.id] = Entry(item, path, kept, builtin)
    return shadowed


def clash(catalog: Catalog, item: Document, path: Path) -> Problem | None:
    """An exercise with a routine's id, or the other way round: `show` could reach only one."""
    other, kind = (
        (catalog.exercises, "an exercise")
        if isinstance(item, Routine)
        else (catalog.routines, "a routine")
    )
    if item.id not in other:
        return None
    where = other[item.id].path
    return Problem(str(path), 1, "id", f"'{item.id}' is already the id of {kind} ({where})")


def check_routines(catalog: Catalog, shadowed: dict[str, Entry] | None = None) -> None:
    """A routine must name known exercises, only change dose fields they have, and plan no
    more than a file may ask for.

    A user's routine that fails this gives way to the built-in it replaced (`shadowed`); a
    built-in routine whose change to an exercise no longer fits the user's version of that
    exercise uses that version as it is, and the user's file is named.
    """
    shadowed = shadowed or {}
    for routine_id, entry in list(catalog.routines.items()):
        problems, fixed = _routine_problems(catalog, entry)
        if fixed is not None:
            catalog.routines[routine_id] = dataclasses.replace(entry, item=fixed)
        catalog.problems.extend(problems)
        if not any(problem.skipped for problem in problems):
            continue
        builtin = shadowed.get(f"Routine:{routine_id}")
        if builtin is not None:
            catalog.routines[routine_id] = builtin
            del catalog.replaced[routine_id]
            _check_routines_one(catalog, routine_id)
        else:
            del catalog.routines[routine_id]


def check_variants(catalog: Catalog, only: Collection[str] | None = None) -> None:
    """An exercise's `variant_of` must name another exercise that is not itself a variant.
    One that does not stays usable, as a move of its own (the builder could otherwise take it
    with the move it meant); `only`: the paths whose files to check (all without it). Names
    that lead nowhere go first, so that what is a variant no longer depends on file order."""

    def refuse(exercise_id: str, entry: Entry, reason: str) -> None:
        assert isinstance(entry.item, Exercise)
        catalog.exercises[exercise_id] = dataclasses.replace(
            entry, item=dataclasses.replace(entry.item, variant_of=None)
        )
        if only is None or str(entry.path) in only:
            catalog.problems.append(
                Problem(
                    str(entry.path),
                    _line_of_key(_node_of(entry), "variant_of"),
                    "variant_of",
                    f"{reason}; it is used as a move of its own",
                    skipped=False,
                )
            )

    def variants() -> list[tuple[str, Entry, str]]:
        found = []
        for exercise_id, entry in catalog.exercises.items():
            assert isinstance(entry.item, Exercise)
            if entry.item.variant_of is not None:
                found.append((exercise_id, entry, entry.item.variant_of))
        return found

    for exercise_id, entry, wanted in variants():
        if wanted not in catalog.exercises:
            hint = catalog.suggest(wanted, catalog.exercises)
            refuse(exercise_id, entry, f"unknown exercise '{wanted}'{hint}")
        elif wanted == exercise_id:
            refuse(exercise_id, entry, "an exercise is not a variant of itself")
    chains = [
        (exercise_id, entry, wanted, catalog.exercises[wanted].item)
        for exercise_id, entry, wanted in variants()
    ]
    for exercise_id, entry, wanted, other in chains:
        if isinstance(other, Exercise) and other.variant_of is not None:
            reason = f"'{wanted}' is itself a variant of '{other.variant_of}': name that one"
            refuse(exercise_id, entry, reason)


def _node_of(entry: Entry) -> yaml.Node | None:
    """The entry's YAML tree: an exercise's is not kept after its load, so its file is read
    again (only to say on which line a problem is)."""
    if entry.node is not None:
        return entry.node
    try:
        return read_file(entry.path)[1]
    except CatalogError:
        return None


def _check_routines_one(catalog: Catalog, routine_id: str) -> None:
    """Check a built-in routine brought back in place of a user's broken one."""
    problems, fixed = _routine_problems(catalog, catalog.routines[routine_id])
    if fixed is not None:
        entry = catalog.routines[routine_id]
        catalog.routines[routine_id] = dataclasses.replace(entry, item=fixed)
    if problems:
        catalog.problems.extend(problems)
        if any(problem.skipped for problem in problems):
            del catalog.routines[routine_id]


def _routine_problems(catalog: Catalog, entry: Entry) -> tuple[list[Problem], Routine | None]:
    """What is wrong with one routine, and the routine with the dose changes that no longer
    fit a user's exercise left out (None if there are none)."""
    routine = entry.item
    assert isinstance(routine, Routine)
    problems: list[Problem] = []
    items = list(routine.exercises)
    for index, item in enumerate(routine.exercises):
        line = _item_line(entry.node, index)
        field = f"exercises[{index + 1}]"
        if item.exercise not in catalog.exercises:
            hint = catalog.suggest(item.exercise, catalog.exercises)
            problems.append(
                Problem(str(entry.path), line, field, f"unknown exercise '{item.exercise}'{hint}")
            )
            continue
        if item.dose is None:
            continue
        exercise = catalog.exercises[item.exercise]
        dose = catalog.exercise(item.exercise).dose
        try:
            validate(type(dose), override_fields(dose, item.dose))
        except (ValueError, ValidationError) as error:
            reason = _first_error(error) if isinstance(error, ValidationError) else str(error)
            if entry.builtin and not exercise.builtin:
                problems.append(_unfit_change(routine, index, exercise, reason))
                items[index] = dataclasses.replace(item, dose=None)
            else:
                problems.append(Problem(str(entry.path), line, f"{field}.dose", reason))
    fixed = dataclasses.replace(routine, exercises=items) if items != routine.exercises else None
    if not any(problem.skipped for problem in problems):
        exercises = catalog.routine_exercises(fixed or routine)
        too_big = routine_size(fixed or routine, exercises).too_big("this routine") or (
            routine_size(fixed or routine, exercises, "full").too_big(
                "this routine at the full level"
            )
        )
        if too_big is not None:
            line = _line_of_key(entry.node)
            problems.append(Problem(str(entry.path), line, "exercises", too_big))
    return problems, fixed


def _unfit_change(routine: Routine, index: int, exercise: Entry, reason: str) -> Problem:
    """The problem of a built-in routine's dose change that the user's exercise does not take:
    told on the user's file, which is what changed."""
    return Problem(
        str(exercise.path),
        1,
        "dose",
        f"the built-in routine '{routine.id}' changes this dose ({reason}): "
        f"it uses your dose as it is (exercise {index + 1} there)",
        skipped=False,
    )


def _first_error(error: ValidationError) -> str:
    detail = error.errors(include_url=False)[0]
    where = ".".join(str(part) for part in detail["loc"])
    return f"{where}: {_message(detail)}" if where else _message(detail)


def _line_of_key(node: yaml.Node | None, key: str = "exercises") -> int:
    if isinstance(node, yaml.MappingNode):
        for name, _ in node.value:
            if name.value == key:
                return _line(name)
    return 1


def _item_line(routine_node: yaml.Node | None, index: int) -> int:
    if routine_node is None:
        return 1
    if isinstance(routine_node, yaml.MappingNode):
        for key, value in routine_node.value:
            if key.value == "exercises" and isinstance(value, yaml.SequenceNode):
                return _line(value.value[index])
    return _line(routine_node)
