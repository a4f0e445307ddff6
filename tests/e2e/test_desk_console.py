"""The desk in headless Chromium: a resident asks for a person in the widget and
consents; a staff member logs in to the console and the code opens the summary. Every
console page passes axe (WCAG 2.1 AA, no serious or critical violation) and fits a
desk computer (1280 px) and a tablet (768 px) without sideways scrolling."""

from __future__ import annotations

import re
import time
import uuid

import pytest

from bot.desk import staff_store
from tests.e2e.desk_client import PASSWORD, Console
from tests.e2e.test_widget import ask, browser, expect, serious_violations, wait_for_answers  # noqa: F401 - fixture

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.widget]
CODE = re.compile(r"\b([A-HJ-NP-Z2-9]{3}-[A-HJ-NP-Z2-9]{3})\b")
PAGES = ("/desk/handover", "/desk/lookup?q=huurtoeslag", "/desk/check", "/desk/gaps", "/desk/feedback",
         "/desk/audit")


@pytest.fixture
def admin(assistant):
    """A new admin who has done the first login (own password, second factor), so the
    browser's login takes the next code: a code is accepted only once."""
    name = f"beheer-{uuid.uuid4().hex[:6]}"
    staff = staff_store()
    console = Console(assistant.url)
    console.first_login(name, staff.add(name, admin=True))
    return name, console


def log_in(page, assistant, name: str, console: Console) -> None:
    page.goto(f"{assistant.url}/desk/login")
    page.get_by_label("Naam").fill(name)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    # a code is accepted once: the next time step's (valid a step early) after the first login's
    page.get_by_label("Code uit je authenticator-app (6 cijfers)").fill(console.code(time.time() + 30))
    page.get_by_role("button", name="Verder").click()
    expect(page.get_by_role("heading", name="Overdracht", level=1)).to_be_visible()


def test_a_widget_conversation_hands_over_and_the_console_opens_it(browser, assistant, admin):  # noqa: F811
    resident = browser.new_context(viewport={"width": 375, "height": 740}, locale="nl-NL")
    chat = resident.new_page()
    chat.goto(assistant.widget_url)
    expect(chat.locator(".msg.bot").first).to_be_visible()
    ask(chat, "Ik krijg een brief over mijn kinderopvangtoeslag die ik niet snap")
    wait_for_answers(chat, 2)
    ask(chat, "ik wil een medewerker")
    wait_for_answers(chat, 3)
    chat.get_by_role("button", name="Ja, maak een code").click()
    expect(chat.locator(".msg.bot").last).to_contain_text("Je code is", timeout=60_000)
    code = CODE.search(chat.locator(".msg.bot").last.inner_text()).group(1)
    resident.close()

    name, console = admin
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = desk.new_page()
    log_in(page, assistant, name, console)
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="Openen").click()
    expect(page.locator(".summary")).to_contain_text("kinderopvangtoeslag")
    expect(page.locator(".transcript")).to_contain_text("ik wil een medewerker")
    assert serious_violations(page) == []
    page.get_by_role("button", name=re.compile("Afgehandeld")).click()
    expect(page.locator(".notice")).to_contain_text("afgehandeld")
    desk.close()


@pytest.mark.parametrize("width", [1280, 768])
def test_every_console_page_passes_axe_and_fits(browser, assistant, admin, width):  # noqa: F811
    name, console = admin
    desk = browser.new_context(viewport={"width": width, "height": 900}, locale="nl-NL")
    page = desk.new_page()
    log_in(page, assistant, name, console)
    for path in (*PAGES, "/desk/handover?lang=en"):
        page.goto(f"{assistant.url}{path}")
        expect(page.locator("h1")).to_be_visible()
        assert serious_violations(page) == [], path
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
    page.goto(f"{assistant.url}/desk/login")  # logged in: the login page sends you on
    expect(page.get_by_role("heading", name=re.compile("Overdracht|Handover"), level=1)).to_be_visible()
    desk.close()


def test_the_login_pages_pass_axe(browser, assistant):  # noqa: F811
    desk = browser.new_context(viewport={"width": 768, "height": 900}, locale="nl-NL")
    page = desk.new_page()
    page.goto(f"{assistant.url}/desk/login")
    assert serious_violations(page) == []
    page.get_by_label("Naam").fill("niemand")
    page.get_by_label("Wachtwoord").fill("fout-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("alert")).to_contain_text("klopt niet")
    assert serious_violations(page) == []
    desk.close()
