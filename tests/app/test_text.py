"""How user text is laid out in a widget: a numbered or marked line that wraps goes on under
its words, so a two-row step still reads as one step."""

from __future__ import annotations

from stretchtimer.tui.text import Listed

PREVIEW = (
    "Desk Break - 5:26\n"
    "\n"
    " 3. Overhead Arm Reach - 5 reps each side (1:03)\n"
    "> Keep your chin tucked and breathe out as you reach\n"
    "Focus: neck, shoulders, chest, upper back"
)


def rows(text: str, width: int) -> list[str]:
    return Listed(text).at(width).plain.split("\n")


def test_wrapped_rows_line_up_under_the_words_after_the_number_or_mark() -> None:
    assert rows(PREVIEW, 30) == [
        "Desk Break - 5:26",
        "",
        " 3. Overhead Arm Reach - 5",
        "    reps each side (1:03)",
        "> Keep your chin tucked and",
        "  breathe out as you reach",
        "Focus: neck, shoulders, chest,",
        "       upper back",
    ]


def test_a_lead_too_wide_for_the_space_is_not_kept_clear() -> None:
    narrow = rows(" 3. Overhead Arm Reach", 9)
    assert narrow[0] == " 3."
    assert all(len(row) <= 9 for row in narrow)
    assert "".join(narrow).replace(" ", "") == "3.OverheadArmReach"


def test_the_text_is_kept_whole_and_never_read_as_markup() -> None:
    listed = Listed("1. [bold]Reach[/] [@click=app.quit]up[/]\x1b[31m")
    assert str(listed).startswith("1. [bold]Reach[/] [@click=app.quit]up[/]")
    assert "\x1b" not in str(listed)
    assert listed.at(80).spans == []
