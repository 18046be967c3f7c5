"""`stretchtimer import workrave`: Workrave's exercises as stretchtimer exercise files.

Workrave's exercises.xml (GPL-3, in Debian's `workrave-data`) is read where it is installed,
at run time: nothing of it ships with stretchtimer. Each <exercise> has a <title> and a
<description> per `xml:lang` (English has none), and a <sequence duration="D"> of
<image duration="d"/> pictures that Workrave shows in a loop until D seconds are up; an
image with mirrorx="yes" is the same pose on the other side.

Its options are in cli/main.py: the command line is built at every start, and this module
(about 6 ms to import) only when it runs.
"""

from __future__ import annotations

import argparse
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stretchtimer.library.terms import Area
from stretchtimer.library.terms import Position as PositionWord
from stretchtimer.paths import WORKRAVE_EXERCISES

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element

MAX_BYTES = 4 * 2**20
"""The installed file is about 130 KiB, with every translation."""
ENGLISH = "en"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ID_PREFIX = "workrave-"
ROUTINE_ID = "workrave"
NAME_LENGTH, LINE_LENGTH, MAX_STEPS = 60, 300, 20  # models.Name, models.Line, Exercise.steps
TEMPO_LIMITS = (0.5, 60.0)  # models.Tempo

AREA_WORDS: tuple[tuple[str, Area], ...] = (
    (r"\bneck\b|\bhead\b", "neck"),
    (r"\bshoulders?\b|\barms?\b", "shoulders"),
    (r"\bchest\b", "chest"),
    (r"\blower back\b", "lower-back"),
    (r"\bback\b|\bspine\b", "upper-back"),
)
"""A guess at the body area from the English title: the first pattern found wins."""
FALLBACK_AREA: Area = "shoulders"
EYES = re.compile(r"\beyes?\b", re.IGNORECASE)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|(?<=[\u3002\uff01\uff1f])")  # and the CJK full stops


@dataclass(frozen=True)
class Image:
    seconds: int
    mirrored: bool


@dataclass(frozen=True)
class WorkraveExercise:
    """One <exercise> as Workrave's file gives it."""

    titles: dict[str, str]
    """Language code (`en` for the untagged one) -> text; so is `descriptions`."""
    descriptions: dict[str, str]
    seconds: int
    """The whole exercise: the images repeat until this is up."""
    images: tuple[Image, ...]

    @property
    def title(self) -> str:
        return self.titles[ENGLISH]

    @property
    def for_eyes(self) -> bool:
        """An eye exercise: its title or first sentence speaks of the eyes."""
        first = sentences(self.descriptions.get(ENGLISH, ""))[:1]
        return any(EYES.search(text) for text in [self.title, *first])


def read_exercises(path: Path) -> list[WorkraveExercise]:
    """The exercises in Workrave's file at `path`; BadInput (one line naming it) if it cannot
    be read or is not that file."""
    from xml.etree import ElementTree

    from stretchtimer.errors import BadInput
    from stretchtimer.files import Unreadable, read_bounded

    try:
        root = ElementTree.fromstring(read_bounded(path, MAX_BYTES))
        if root.tag != "exercises":
            raise ValueError(f"the top element is <{root.tag}>, not <exercises>")
        exercises = [
            _exercise(element, number)
            for number, element in enumerate(root.iter("exercise"), start=1)
        ]
        if not exercises:
            raise ValueError("it has no <exercise>")
    except FileNotFoundError:
        hint = (
            "install workrave-data, or give the file" if path == WORKRAVE_EXERCISES else "no file"
        )
        raise BadInput(f"{path}: not found ({hint})") from None
    except Unreadable as error:
        raise BadInput(f"{path}: {error}") from None
    except (ElementTree.ParseError, ValueError) as error:
        raise BadInput(f"{path}: not Workrave's exercises.xml: {error}") from None
    return exercises


def _exercise(element: Element, number: int) -> WorkraveExercise:
    """One <exercise>; ValueError names it by its number (and title) if a part is missing."""
    titles, descriptions = _texts(element, "title"), _texts(element, "description")
    where = f"exercise {number}" + (f" ({titles[ENGLISH]})" if ENGLISH in titles else "")
    sequence = element.find("sequence")
    if ENGLISH not in titles or sequence is None:
        raise ValueError(f"{where} has no English <title> or no <sequence>")
    images = tuple(
        Image(_seconds(image, where), image.get("mirrorx") == "yes")
        for image in sequence.iter("image")
    )
    if not images:
        raise ValueError(f"{where}: its <sequence> has no <image>")
    return WorkraveExercise(titles, descriptions, _seconds(sequence, where), images)


def _texts(element: Element, tag: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for child in element.findall(tag):
        text = " ".join((child.text or "").split())
        if text:
            found.setdefault(child.get(XML_LANG, ENGLISH), text)
    return found


def _seconds(element: Element, where: str) -> int:
    text = element.get("duration", "")
    if not (text.isascii() and text.isdigit() and 0 < int(text) <= 3600):
        raise ValueError(f"{where}: <{element.tag}> duration {text!r} is not 1 to 3600 seconds")
    return int(text)


def sentences(text: str) -> list[str]:
    return [part for part in SENTENCE_END.split(text) if part.strip()]


def guess_area(title: str) -> Area | None:
    for pattern, area in AREA_WORDS:
        if re.search(pattern, title, re.IGNORECASE):
            return area
    return None


def dose_of(exercise: WorkraveExercise) -> dict[str, Any]:
    """Workrave's loop of images as a dose that lasts as long.

    Two images of one pose, the second mirrored, are a hold on each side in turn; any other
    loop is timed rounds, one part per image, stretched a little where the loop does not fit
    the whole time a whole number of times.
    """
    images, total = exercise.images, exercise.seconds
    loop = sum(image.seconds for image in images)
    first, *rest = images
    if (
        len(images) == 2
        and rest[0].mirrored != first.mirrored
        and rest[0].seconds == first.seconds
        and total % loop == 0
    ):
        return {
            "kind": "hold",
            "seconds": first.seconds,
            "repeats": total // loop,
            "per_side": True,
            "alternate": True,
        }
    rounds = max(1, round(total / loop))
    stretch = total / (rounds * loop)
    parts = [
        _part(image, index, len(images), image.seconds * stretch)
        for index, image in enumerate(images, start=1)
    ]
    return {"kind": "rounds", "parts": parts, "rounds": rounds}


def _part(image: Image, index: int, count: int, seconds: float) -> dict[str, Any]:
    """One image as a part of a round: `seconds` in repetitions of a tempo the files allow."""
    low, high = TEMPO_LIMITS
    reps = max(1, math.ceil(seconds / high))
    tempo = max(low, seconds / reps)  # not rounded: the total stays Workrave's
    what = "Hold the position" if count == 1 else f"Position {index} of {count}"
    if image.mirrored:
        what += ", on the other side"
    return {"do": what, "reps": reps, "tempo": int(tempo) if tempo.is_integer() else tempo}


@dataclass(frozen=True)
class Choices:
    """What the person chose on the command line (None: the default or a guess)."""

    lang: str
    areas: list[Area] | None
    positions: list[PositionWord]
    equipment: list[str]
    phase: str


def exercise_data(
    exercise: WorkraveExercise, exercise_id: str, choices: Choices
) -> tuple[dict[str, Any], list[str]]:
    """The exercise file's data, and notes for the person (a guess made, a language missing)."""
    notes = []
    lang = _language(exercise.titles, choices.lang)
    if lang == ENGLISH != choices.lang:
        notes.append(f"no '{choices.lang}' text: English")
    title = _clean(exercise.titles[lang])
    description = _clean(exercise.descriptions.get(lang, exercise.descriptions.get(ENGLISH, "")))
    areas = choices.areas
    if areas is None:
        guess = guess_area(exercise.title)
        areas = [guess or FALLBACK_AREA]
        notes.append(
            f"area {areas[0]}: "
            + ("guessed from the title" if guess else "nothing in the title; --area to choose")
        )
    steps = _steps(description) or [title]
    data = {
        "id": exercise_id,
        "name": _shorten(title, NAME_LENGTH),
        "phase": choices.phase,
        "summary": _shorten(f"From Workrave: {title}", LINE_LENGTH),
        "good_for": list(dict.fromkeys(areas)),
        "equipment": list(dict.fromkeys(choices.equipment)),
        "position": list(dict.fromkeys(choices.positions)),
        "steps": steps,
        "dose": dose_of(exercise),
    }
    return data, notes


def _language(texts: dict[str, str], lang: str) -> str:
    """`lang`, else its base language (`pt` for `pt_BR`), else English."""
    for candidate in (lang, re.split(r"[_@-]", lang)[0]):
        if candidate in texts:
            return candidate
    return ENGLISH


def _clean(text: str) -> str:
    """`text` without the characters the files refuse (format.unsafe_characters: a Persian
    zero-width non-joiner among them)."""
    from stretchtimer.format import unsafe_characters

    unsafe = set(unsafe_characters(text))
    return "".join(char for char in text if char not in unsafe) if unsafe else text


def _shorten(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _steps(description: str) -> list[str]:
    """One step per sentence; a sentence longer than a line is split at spaces."""
    import textwrap

    lines = [
        line
        for sentence in sentences(description)
        for line in textwrap.wrap(sentence, LINE_LENGTH) or [sentence[:LINE_LENGTH]]
    ]
    if len(lines) > MAX_STEPS:  # pack them into fewer, fuller lines
        lines = textwrap.wrap(" ".join(lines), LINE_LENGTH)[:MAX_STEPS]
    return lines


def slug(title: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return words[: NAME_LENGTH - len(ID_PREFIX)].strip("-") or "exercise"


def import_workrave(args: argparse.Namespace) -> int:
    """Write the exercise files and the routine; print what was written, guessed, left out."""
    from stretchtimer.errors import EXIT_OK, warn
    from stretchtimer.paths import user_exercises_dir

    exercises = read_exercises(args.file)
    choices = Choices(
        lang=args.lang,
        areas=args.area,
        positions=args.position or ["seated"],
        equipment=args.equipment or ["none"],
        phase=args.phase,
    )
    folder = user_exercises_dir()
    body = [exercise for exercise in exercises if not exercise.for_eyes]
    written, ids, areas = 0, list[str](), list[str]()
    for exercise in body:
        exercise_id = _unique(ID_PREFIX + slug(exercise.title), ids)
        data, notes = exercise_data(exercise, exercise_id, choices)
        problem = _problem("Exercise", data)
        if problem is not None:
            warn(f"{args.file}: {exercise.title}: left out: {problem}")
            continue
        ids.append(exercise_id)
        areas += data["good_for"]
        path = folder / f"{exercise_id}.yaml"
        if _write(path, data, args.force):
            written += 1
            minutes = _dose_words(data["dose"], exercise.seconds)
            print(f"wrote {path}: {data['name']}, {minutes}" + "".join(f"; {n}" for n in notes))
    eyes = [exercise.title for exercise in exercises if exercise.for_eyes]
    if eyes:
        print(
            f"left out {len(eyes)} eye exercises (stretchtimer is for the back): " + ", ".join(eyes)
        )
    if ids:
        routine = folder / f"{ROUTINE_ID}.yaml"
        if _write(routine, _routine_data(ids, areas), args.force):
            written += 1
            print(f"wrote {routine}: routine '{ROUTINE_ID}' with all {len(ids)}")
        print(f"run them: stretchtimer run {ROUTINE_ID}")
    if written < len(ids) + bool(ids):
        warn("files that were there already are kept; --force replaces them")
    return EXIT_OK


def _unique(exercise_id: str, taken: list[str]) -> str:
    candidate, number = exercise_id, 2
    while candidate in taken:
        candidate, number = f"{exercise_id}-{number}", number + 1
    return candidate


def _dose_words(dose: dict[str, Any], seconds: int) -> str:
    from stretchtimer.format import count

    if dose["kind"] == "hold":
        how = f"hold {dose['seconds']} s each side, {count(dose['repeats'], 'time')}"
    else:
        how = f"{count(dose['rounds'], 'round')} of {count(len(dose['parts']), 'position')}"
    return f"{how} ({seconds} s in all)"


def _routine_data(ids: list[str], areas: list[str]) -> dict[str, Any]:
    return {
        "id": ROUTINE_ID,
        "name": "Workrave's exercises",
        "purpose": "The body exercises of Workrave's micro-breaks, one after another.",
        "focus": list(dict.fromkeys(areas)),
        "prepare": 5,
        "rest": 5,
        "exercises": ids,
    }


def _problem(kind: str, data: dict[str, Any]) -> str | None:
    """Why the loader would refuse `data` as a file of this kind (e.g. a loop so short and a
    time so long that it plans too many steps), or None."""
    from stretchtimer.library import models
    from stretchtimer.library.validation import ValidationError, validate

    try:
        validate(getattr(models, kind), data)
    except ValidationError as error:
        first = error.errors()[0]
        return f"{'.'.join(map(str, first['loc']))}: {first['msg']}"
    return None


def _write(path: Path, data: dict[str, Any], force: bool) -> bool:
    """Write `data` to `path` as YAML (False: kept the file that was there)."""
    import yaml

    from stretchtimer.library.writer import write_whole

    if path.exists() and not force:
        return False
    text = "# Written by `stretchtimer import workrave` from Workrave's exercises.xml.\n"
    text += yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    write_whole(text, path)
    return True
