"""The main forms work from the keyboard alone, with focus that can always be seen."""

import pytest

from tests.browser.journey import has_focus, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

FORMS = {
    # name: (path, who is logged in first, or None)
    "login": ("/konto/login/", None),
    "signup": ("/konto/signup/", None),
    "invite": ("/hantera/inbjudningar/", "handlaggare@example.se"),
}
MAX_TABS = 60  # more than any of these pages has stops; a focus trap would loop for ever

# Numbers the form's controls so the Tab walk can tell which ones it reached.
MARK_CONTROLS = """(form) => {
    const controls = form.querySelectorAll(
        "input:not([type=hidden]), select, textarea, button");
    controls.forEach((control, index) => { control.dataset.keyboardCheck = index; });
    return Array.from(controls, (c) => c.name || c.textContent.trim());
}"""
# What has focus now, and whether it shows: an outline or a box shadow counts.
FOCUSED = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    return {
        index: element.dataset.keyboardCheck ?? null,
        element: element.outerHTML.slice(0, 120),
        visible: outline || style.boxShadow !== "none",
        isSubmit: element.type === "submit",
    };
}"""


@pytest.fixture(autouse=True)
def _no_mfa_demand(settings):
    settings.MFA_REQUIRED_FOR_OFFICIALS = False


@pytest.mark.parametrize("form_name", FORMS)
def test_form_works_from_the_keyboard(journey, form_name):
    path, person = FORMS[form_name]
    page = journey.page
    if person:
        log_in(journey, person)
    journey.visit(path)
    form = page.locator("main form").first
    controls = form.evaluate(MARK_CONTROLS)

    last = tab_through(page, expected=len(controls), names=controls)
    assert last["isSubmit"], f"the last control reached is not the submit button: {last}"

    # Submit the empty form with Enter: the error summary takes focus, and shows it.
    journey.navigate(lambda: page.keyboard.press("Enter"))
    focused = page.evaluate(FOCUSED)
    assert has_focus(page, "[data-error-summary]"), focused
    assert focused["visible"], "the focused error summary has no visible focus indicator"


def tab_through(page, *, expected: int, names: list[str]) -> dict:
    """Press Tab from the top until every control was reached; each stop must show focus."""
    reached, unseen_focus = set(), []
    focused = {}
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if not focused["visible"]:
            unseen_focus.append(focused["element"])
        if focused["index"] is not None:
            reached.add(int(focused["index"]))
        if len(reached) == expected:
            break
    assert not unseen_focus, f"focus is not visible on: {unseen_focus}"
    missing = [names[index] for index in range(expected) if index not in reached]
    assert not missing, f"Tab never reached: {missing}"
    return focused
