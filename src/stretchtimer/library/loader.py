"""Find, read and validate exercise and routine files.

Every problem becomes one `path:line: field: message` line. A broken file is reported and
skipped; it never hides the other files or the built-ins.

`load_catalog` keeps what it found (the validated data and the problems) in a cache keyed on
every file's size and times (cache.py); while no file changes, a load reads that cache
and imports neither PyYAML nor pydantic (validation.py, imported only here when a file is read).
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from stretchtimer.library import cache as catalog_cache
from stretchtimer.library.catalog import Catalog, CatalogError, Document, Entry, Problem
from stretchtimer.library.models import ROUTINE_KEY, Exercise, Routine, override_fields
from stretchtimer.paths import builtin_exercises_dir, user_exercises_dir

if TYPE_CHECKING:  # PyYAML and pydantic are imported only when a file is read (not on a hit)
    import yaml
    from pydantic import ValidationError

MAX_FILE_BYTES = 256 * 1024
MAX_PROBLEMS_PER_FILE = 20


@functools.cache
def _safe_loader() -> type[yaml.SafeLoader]:
    import yaml

    try:  # libyaml is several times faster; marks and safety are the same
        return yaml.CSafeLoader  # type: ignore[return-value]
    except AttributeError:  # pragma: no cover - depends on how PyYAML was built
        return yaml.SafeLoader


def read_file(path: Path) -> tuple[Document, yaml.Node]:
    """Read and validate one file, or raise CatalogError naming every problem in it."""
    shown = str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            _fail(shown, 1, "", f"file is larger than {MAX_FILE_BYTES // 1024} KiB")
        raw = path.read_bytes()
    except OSError as error:
        _fail(shown, 1, "", f"cannot read file: {error.strerror or error}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        _fail(shown, 1, "", "not UTF-8 text (is this a binary file?)")
    return parse_text(text, shown)


def parse_text(text: str, shown: str) -> tuple[Document, yaml.Node]:
    """Parse YAML text into a validated exercise or routine; `shown` names it in messages."""
    node, data = _compose(text, shown)
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        _fail(shown, _line(node), "", f"expected a mapping of fields, found {kind}")
    from stretchtimer.library.validation import ValidationError, validate

    model: type[Document] = Routine if ROUTINE_KEY in data else Exercise
    try:
        return validate(model, data), node
    except ValidationError as error:
        raise CatalogError(_problems_from(error, node, shown)) from None


def _compose(text: str, shown: str) -> tuple[yaml.Node, Any]:
    import yaml

    loader = _safe_loader()(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return _fail(shown, 1, "", "file is empty")
        return node, loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        parts = [error.context, error.problem] if error.context and error.problem else []
        reason = " ".join(parts) if parts else (error.problem or error.context or "")
        if mark and _tab_before(text, mark.line, mark.column):
            reason = "a tab where YAML wants spaces: indent with spaces, never tabs"
        _fail(shown, line, "", f"invalid YAML: {reason}")
    except yaml.YAMLError as error:
        _fail(shown, 1, "", f"invalid YAML: {error}")
    except RecursionError:
        _fail(shown, 1, "", "invalid YAML: nested too deeply")
    except ValueError as error:  # e.g. an integer with more digits than Python allows
        _fail(shown, 1, "", f"invalid value: {error}")
    finally:
        loader.dispose()


def _tab_before(text: str, line: int, column: int) -> bool:
    """Whether the line YAML stumbled on has a tab in its indentation or at the mark (PyYAML
    says "found character that cannot start any token", or something on "indentation")."""
    lines = text.splitlines()
    if line >= len(lines):
        return False
    here = lines[line]
    indentation = here[: len(here) - len(here.lstrip(" \t"))]
    return "\t" in indentation or here[column : column + 1] == "\t"


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


def _problems_from(error: ValidationError, root: yaml.Node, shown: str) -> list[Problem]:
    problems: list[Problem] = []
    for detail in error.errors(include_url=False):
        line, name = _locate(root, detail["loc"], _kind(detail))
        message = _message(detail)
        problem = Problem(shown, line, name, message)
        if problem not in problems:
            problems.append(problem)
    return sorted(problems)[:MAX_PROBLEMS_PER_FILE]


def _locate(root: yaml.Node, loc: tuple[int | str, ...], kind: str) -> tuple[int, str]:
    """Follow a pydantic error location through the YAML nodes to a line and a field name.

    Parts that are not keys in the file (the tag of a union) are skipped, except the name of
    a missing field.
    """
    import yaml

    node, line, name = root, _line(root), ""
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if isinstance(node, yaml.MappingNode):
            found = next((pair for pair in node.value if pair[0].value == str(part)), None)
            if found is None:
                if last and kind == "missing":
                    name = f"{name}.{part}" if name else str(part)
                continue
            key, node = found
            name = f"{name}.{part}" if name else str(part)
            line = _line(key if kind == "extra_forbidden" and last else node)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                continue
            node = node.value[part]
            name = f"{name}[{part + 1}]"
            line = _line(node)
    return line, name


def _message(detail: Any) -> str:
    kind, text = _kind(detail), str(detail["msg"])
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field"
    if detail["type"] == "dataclass_type":
        text = f"Input should be a valid dictionary or instance of {detail['ctx']['class_name']}"
    text = text.removeprefix("Value error, ").removeprefix("Assertion failed, ")
    text = text[:1].lower() + text[1:]
    value = detail.get("input")
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:37] + "..."
        text = f"{text} (got {shown})"
    if kind == "literal_error" and isinstance(value, str):
        expected = str(detail["ctx"]["expected"]).replace(" or ", ",")
        options = [part.strip(" '") for part in expected.split(",")]
        close = difflib.get_close_matches(value, options, n=1)
        if close:
            text += f"; did you mean '{close[0]}'?"
    return text


def yaml_files(folder: Path) -> list[Path]:
    """Every .yaml/.yml file under `folder`, in a stable order."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def load_catalog(
    builtin_dir: Path | None = None, user_dir: Path | None = None, *, cache: bool = True
) -> Catalog:
    """Load the built-ins, then the user's files on top; broken files become problems.

    With `cache`, a catalog saved by an earlier load is used while no file has changed, and
    a fresh load is saved for the next one.
    """
    builtins = yaml_files(builtin_dir or builtin_exercises_dir())
    users = yaml_files(user_dir or user_exercises_dir())
    found = [(path, True) for path in builtins] + [(path, False) for path in users]
    key = catalog_cache.key_of(found) if cache else None
    if key is not None:
        cached = catalog_cache.read(key)
        if cached is not None:
            return cached
    catalog = Catalog()
    _load_files(catalog, builtins, builtin=True)
    _load_files(catalog, users, builtin=False)
    _check_routines(catalog)
    if key is not None:
        catalog_cache.write(key, catalog)
    return catalog


def _load_files(catalog: Catalog, paths: list[Path], builtin: bool) -> None:
    seen: dict[str, Path] = {}
    for path in paths:
        try:
            item, node = read_file(path)
        except CatalogError as error:
            catalog.problems.extend(error.problems)
            continue
        table = catalog.routines if isinstance(item, Routine) else catalog.exercises
        key = f"{type(item).__name__}:{item.id}"
        if key in seen:
            catalog.problems.append(
                Problem(str(path), 1, "id", f"'{item.id}' is also defined in {seen[key]}")
            )
            continue
        seen[key] = path
        previous = table.get(item.id)
        if previous is not None and previous.builtin and not builtin:
            catalog.replaced[item.id] = previous.path
        table[item.id] = Entry(item, path, node, builtin)


def _check_routines(catalog: Catalog) -> None:
    """A routine must name known exercises and only change dose fields they have."""
    from stretchtimer.library.validation import ValidationError, validate

    for routine_id, entry in list(catalog.routines.items()):
        routine = entry.item
        assert isinstance(routine, Routine)
        problems = []
        for index, item in enumerate(routine.exercises):
            line = _item_line(entry.node, index)
            if item.exercise not in catalog.exercises:
                hint = catalog.suggest(item.exercise, catalog.exercises)
                problems.append(
                    Problem(
                        str(entry.path),
                        line,
                        f"exercises[{index + 1}]",
                        f"unknown exercise '{item.exercise}'{hint}",
                    )
                )
            elif item.dose is not None:
                dose = catalog.exercise(item.exercise).dose
                try:
                    validate(type(dose), override_fields(dose, item.dose))
                except (ValueError, ValidationError) as error:
                    reason = (
                        _first_error(error) if isinstance(error, ValidationError) else str(error)
                    )
                    problems.append(
                        Problem(str(entry.path), line, f"exercises[{index + 1}].dose", reason)
                    )
        if problems:
            catalog.problems.extend(problems)
            del catalog.routines[routine_id]


def _first_error(error: ValidationError) -> str:
    detail = error.errors(include_url=False)[0]
    where = ".".join(str(part) for part in detail["loc"])
    return f"{where}: {_message(detail)}" if where else _message(detail)


def _item_line(routine_node: yaml.Node | None, index: int) -> int:
    import yaml

    if routine_node is None:
        return 1
    if isinstance(routine_node, yaml.MappingNode):
        for key, value in routine_node.value:
            if key.value == "exercises" and isinstance(value, yaml.SequenceNode):
                return _line(value.value[index])
    return _line(routine_node)


def validate_paths(paths: Iterable[Path]) -> tuple[int, list[Problem]]:
    """Check files or folders on their own and against the built-ins; (files checked, problems)."""
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            files.extend(yaml_files(path))
        elif path.exists():
            files.append(path)
        else:
            problems.append(Problem(str(path), 1, "", "no such file or folder"))
    catalog = load_catalog() if files else Catalog()
    checked = Catalog(exercises=dict(catalog.exercises))
    for path in files:
        try:
            item, node = read_file(path)
        except CatalogError as error:
            problems.extend(error.problems)
            continue
        table = checked.routines if isinstance(item, Routine) else checked.exercises
        table[item.id] = Entry(item, path, node, builtin=False)
    _check_routines(checked)
    problems.extend(checked.problems)
    return len(files), problems
