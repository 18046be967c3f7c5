"""YAML text into its node tree (for line numbers) and its plain data, in one walk that also
refuses what PyYAML would accept without a word: a key given twice in a mapping (PyYAML keeps
the last) and a number too long to be one (Python refuses it without saying where).

The walk builds text, mappings and lists itself, which costs a fraction of PyYAML's general
constructor (a cold load of a thousand user files spends most of its time here); every other
node (numbers, booleans, null, dates, merge keys, explicit tags) goes to PyYAML's own code, so
a file means what it means to any YAML safe loader.
"""

from __future__ import annotations

from typing import Any, NoReturn

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from stretchtimer.library.catalog import CatalogError, Problem

try:  # libyaml is several times faster; marks and safety are the same
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]

MAX_DIGITS = 20
"""A number in a file longer than this is refused before it is read (a count is at most five
digits; Python refuses to read one of over 4300)."""

_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"
_INT = "tag:yaml.org,2002:int"
_NUMBERS = (_INT, "tag:yaml.org,2002:float")
_MERGE = "tag:yaml.org,2002:merge"
_FLATTENED = (_MERGE, "tag:yaml.org,2002:value")
"""Keys PyYAML's `flatten_mapping` resolves: `<<` (a merge) and `=` (a mapping's value)."""

# PyYAML's implicit resolvers (which plain scalars are numbers, booleans, null...) by first
# character, each with the ones for any character after it, as PyYAML tries them.
_ANY = tuple(_SafeLoader.yaml_implicit_resolvers.get(None, []))
_IMPLICIT = {
    first: (*resolvers, *_ANY)
    for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()
    if first is not None
}


class Refused(Exception):
    """What a file may not hold, found at `node`; the walk adds the way to it from the root
    (`within`) as the exception goes up through the mappings and lists that hold it."""

    def __init__(self, node: Node, message: str) -> None:
        super().__init__(message)
        self.node, self.message = node, message
        self._parts: list[str | int] = []  # innermost first

    def within(self, part: str | int) -> None:
        self._parts.append(part)

    @property
    def field(self) -> str:
        """The way to the node as a file's errors name it: `dose.parts[2].do`."""
        name = ""
        for part in reversed(self._parts):
            name += f"[{part + 1}]" if isinstance(part, int) else f".{part}" if name else part
        return name


class Loader(_SafeLoader):
    """PyYAML's safe loader, with the walk above as its constructor and a leaner `resolve`."""

    # The resolver runs for every node of every file. A safe loader has no path resolvers, so
    # PyYAML's checks for them (three calls a node) are left out.

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        """The tag of an untagged node: PyYAML's implicit resolvers on plain scalars."""
        if kind is not ScalarNode:
            return _SEQ if kind is SequenceNode else _MAP
        if implicit[0]:
            for tag, regexp in _IMPLICIT.get(value[:1], _ANY):
                if regexp.match(value):
                    return str(tag)
        return _STR

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        """The data of `node`, checked. A node reached again through an alias is the same
        object, checked where it was first built (a mapping or list is remembered before its
        contents are built, so an alias inside it to itself works as in PyYAML)."""
        tag = node.tag
        if tag == _STR and type(node) is ScalarNode:
            return node.value
        if node in self.constructed_objects:
            return self.constructed_objects[node]
        if tag == _MAP and type(node) is MappingNode:
            return self._mapping(node)
        if tag == _SEQ and type(node) is SequenceNode:
            return self._sequence(node)
        if tag in _NUMBERS and type(node) is ScalarNode:
            value = node.value
            if len(value) > MAX_DIGITS:
                raise Refused(node, f"number too long ({len(value)} digits)")
            if tag == _INT and value.isascii() and value.isdigit() and value[0] != "0":
                return int(value)  # a count, as most numbers in a file are; 0x1F, 010... below
        return super().construct_object(node, deep)

    def _sequence(self, node: SequenceNode) -> list[Any]:
        data: list[Any] = []
        self.constructed_objects[node] = data
        for index, item in enumerate(node.value):
            try:
                data.append(self.construct_object(item))
            except Refused as refused:
                refused.within(index)
                raise
        return data

    def _mapping(self, node: MappingNode) -> dict[Any, Any]:
        data: dict[Any, Any] = {}
        self.constructed_objects[node] = data
        if self._check_keys(node):
            self.flatten_mapping(node)  # PyYAML's: merged keys first, the mapping's own win
        for key_node, value_node in node.value:
            key = self.construct_object(key_node)
            try:
                hash(key)
            except TypeError:
                raise yaml.constructor.ConstructorError(
                    "while constructing a mapping",
                    node.start_mark,
                    "found unhashable key",
                    key_node.start_mark,
                ) from None
            try:
                data[key] = self.construct_object(value_node)
            except Refused as refused:
                refused.within(str(key_node.value))
                raise
        return data

    def _check_keys(self, node: MappingNode) -> bool:
        """Refuse a key the mapping gives twice; whether it has keys to flatten. What a merge
        (`<<: *base`) brings in is not given twice: the mapping's own keys replace it. Its
        value is walked (and so checked) here, as PyYAML's merge reads only its pairs."""
        first: dict[tuple[str, Any], int] = {}
        flatten = False
        for key_node, value_node in node.value:
            if key_node.tag in _FLATTENED:
                flatten = True
                if key_node.tag == _MERGE:
                    try:
                        self.construct_object(value_node)
                    except Refused as refused:
                        refused.within(str(key_node.value))
                        raise
                    continue
            if type(key_node) is ScalarNode:
                given = (key_node.tag, key_node.value)
                if given in first:
                    twice = Refused(key_node, f"given twice (first on line {first[given]})")
                    twice.within(str(key_node.value))
                    raise twice
                first[given] = key_node.start_mark.line + 1
        return flatten


def parse(text: str, shown: str) -> tuple[Node, Any]:
    """The node tree and data of one YAML document, or CatalogError with the line at fault;
    `shown` names the file in the message."""
    loader = Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            _fail(shown, 1, "", "file is empty")
        return node, loader.construct_document(node)
    except Refused as refused:
        _fail(shown, refused.node.start_mark.line + 1, refused.field, refused.message)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        if mark and error.context_mark and not text[mark.index :].strip():
            # a bracket or quote left open is found only where the file ends (in libyaml, on
            # the line after the last): the line where it was opened is the one to fix
            line = error.context_mark.line + 1
        parts = [error.context, error.problem] if error.context and error.problem else []
        reason = " ".join(parts) if parts else (error.problem or error.context or "")
        if mark and _tab_before(text, mark.line, mark.column):
            reason = "a tab where YAML wants spaces: indent with spaces, never tabs"
        _fail(shown, line, "", f"invalid YAML: {reason}")
    except yaml.YAMLError as error:
        _fail(shown, 1, "", f"invalid YAML: {error}")
    except RecursionError:
        _fail(shown, 1, "", "invalid YAML: nested too deeply")
    except ValueError as error:  # a value PyYAML cannot make (an impossible date...)
        _fail(shown, 1, "", f"invalid value: {str(error).split(';')[0]}")
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
