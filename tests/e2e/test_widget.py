"""The web widget end to end, in real headless Chromium (Debian's /usr/bin/chromium,
driven by Playwright) against the real assistant."""

from __future__ import annotations

import json
import threading
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.knowledge import read_knowledge
from bot.settings import PROJECT_DIR

_KNOWLEDGE = read_knowledge()[0]
KNOWLEDGE_REFERENCES = _KNOWLEDGE.sources.references
KNOWLEDGE_TOPICS = _KNOWLEDGE.topics

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

pytestmark = [pytest.mark.e2e, pytest.mark.slow, pytest.mark.widget]

CHROMIUM = Path("/usr/bin/chromium")
AXE = PROJECT_DIR / "tests" / "vendor" / "axe-core" / "axe.min.js"
# As the machine notes say: no sandbox as root, and no background calls to the closed network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ANSWER_TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is not installed (apt-get install chromium chromium-driver; .ci/run does)")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="nl-NL")
    yield context
    context.close()


@pytest.fixture
def page(context, assistant):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(assistant.widget_url)
    expect(page.locator(".msg.bot").first).to_be_visible()
    yield page
    assert errors == [], f"script errors on the page: {errors}"


def ask(page, text: str) -> None:
    page.locator("textarea").fill(text)
    page.keyboard.press("Enter")


def bot_messages(page):
    return page.locator(".msg.bot")


def wait_for_answers(page, count: int) -> None:
    """Wait until the assistant has answered and the log holds at least `count` bot messages
    (the welcome is the first); an answer may be more than one message."""
    expect(page.locator(".status")).to_have_attribute("data-state", "", timeout=ANSWER_TIMEOUT_MS)
    expect(bot_messages(page).nth(count - 1)).to_be_visible(timeout=ANSWER_TIMEOUT_MS)


def serious_violations(page) -> list[dict]:
    page.evaluate(AXE.read_text(encoding="utf-8"))  # not a <script>: the widget's CSP forbids inline scripts
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_the_page_is_small_and_loads_nothing_from_elsewhere(browser, assistant, reports_dir):
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    requests = []
    page.on("requestfinished", lambda request: requests.append(request))
    page.goto(assistant.widget_url, wait_until="networkidle")
    expect(bot_messages(page).first).to_be_visible()
    urls = [request.url for request in requests]
    assert urls and all(url.startswith(assistant.url) for url in urls), urls
    transferred = sum(sizes["responseBodySize"] + sizes["responseHeadersSize"]
                      for sizes in (request.sizes() for request in requests))
    assert transferred <= 60 * 1024, f"{transferred} bytes before the first message"
    (reports_dir / "widget").mkdir(parents=True, exist_ok=True)
    (reports_dir / "widget" / "first-load.json").write_text(
        json.dumps({"bytes_before_first_message": transferred, "requests": urls}, indent=2) + "\n")
    context.close()


@pytest.mark.parametrize(
    "language, button, label, question, fact, source",
    [
        ("nl", "Nederlands", "Je vraag", "Wat verandert er aan de huurtoeslag?", "1 januari 2026", "Bron:"),
        ("pap", "Papiamentu", "Bo pregunta", "Kiko ta kambia na huurtoeslag?", "1 Yanüari 2026", "Fuente:"),
        ("en", "English", "Your question", "What changes in rent benefit?", "1 January 2026", "Source:"),
    ],
)
def test_a_question_in_each_language_shows_the_answer_and_its_source(page, language, button, label, question,
                                                                      fact, source):
    answers = 1
    if language != "nl":
        page.get_by_role("button", name=button).click()
        answers += 1
        wait_for_answers(page, answers)
    expect(page.locator("label")).to_have_text(label)
    assert page.evaluate("document.documentElement.lang") == language
    expect(page.get_by_role("button", name=button)).to_have_attribute("aria-pressed", "true")
    ask(page, question)
    wait_for_answers(page, answers + 1)
    answer = bot_messages(page).last
    expect(answer).to_contain_text(fact)
    expect(answer.locator(".source")).to_contain_text(source)
    # Sources and the page to go to are links to the exact page, not to a host.
    source_link = answer.locator(".source a", has_text="Dienst Toeslagen").first
    expect(source_link).to_have_attribute("href", KNOWLEDGE_REFERENCES["S3"].url)
    act_url = KNOWLEDGE_TOPICS["huurtoeslag"].act.url
    expect(answer.locator(f'a[href="{act_url}"]').first).to_be_visible()


def test_a_button_is_answered_and_shown_as_its_title(page):
    ask(page, "Wat is huurtoeslag?")
    wait_for_answers(page, 2)
    page.get_by_role("button", name="Kijk of ik er recht op heb").click()
    wait_for_answers(page, 3)
    expect(page.locator(".msg.user").last).to_have_text("Jij: Kijk of ik er recht op heb")
    expect(page.locator(".choices button", has_text="Kijk of ik er recht op heb")).to_have_count(0)
    expect(bot_messages(page).last).to_contain_text("?")  # the check asks its first question


def test_a_reload_shows_the_conversation_again(page):
    ask(page, "Wat is het Warmtefonds?")
    wait_for_answers(page, 2)
    before = page.locator(".log").inner_text()
    page.reload()
    wait_for_answers(page, 2)
    expect(page.locator(".msg.user")).to_have_count(1)
    assert page.locator(".log").inner_text() == before


def focused(page) -> str:
    return page.evaluate("""() => { let a = document.activeElement;
        while (a && a.shadowRoot && a.shadowRoot.activeElement) { a = a.shadowRoot.activeElement; }
        return a.getAttribute('aria-label') || a.textContent || a.tagName; }""")


def test_a_whole_conversation_with_the_keyboard_only(page):
    labels = []
    for _ in range(7):
        page.keyboard.press("Tab")
        labels.append(focused(page))
    assert labels == ["Nieuw gesprek", "Nederlands", "Papiamentu", "English", "Gesprek met Loket", "TEXTAREA",
                      "Verstuur"]
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("Wat is huurtoeslag?")
    page.keyboard.press("Enter")
    wait_for_answers(page, 2)
    for _ in range(3):  # from the question box back past "Nee" and "Ja" (Did this help?) to the check's button
        page.keyboard.press("Shift+Tab")
    assert focused(page) == "Kijk of ik er recht op heb"
    page.keyboard.press("Enter")
    wait_for_answers(page, 3)
    page.keyboard.type("23")
    page.keyboard.press("Enter")
    wait_for_answers(page, 4)
    assert page.locator(".msg.user p").all_inner_texts() == ["Wat is huurtoeslag?", "Kijk of ik er recht op heb", "23"]
    for _ in range(40):  # back past the answers' links to the language buttons
        page.keyboard.press("Shift+Tab")
        if focused(page) == "English":
            break
    page.keyboard.press("Space")
    expect(page.locator("label")).to_have_text("Your question")


def test_no_serious_or_critical_accessibility_violations(page, browser, assistant):
    ask(page, "Wat is huurtoeslag?")
    wait_for_answers(page, 2)
    assert serious_violations(page) == []
    phone = browser.new_context(viewport={"width": 375, "height": 740}, reduced_motion="reduce")
    small = phone.new_page()
    small.goto(assistant.widget_url)
    expect(bot_messages(small).first).to_be_visible()
    assert serious_violations(small) == []
    phone.close()


def test_html_in_a_message_is_shown_as_text(page):
    attacks = ["<script>window.__loketHacked = 1</script>", '<img src=x onerror="window.__loketHacked = 2">']
    for number, attack in enumerate(attacks, start=2):
        ask(page, attack)
        wait_for_answers(page, number)
    texts = page.locator(".msg.user p").all_inner_texts()
    assert texts == attacks
    assert page.locator(".log img, .log script").count() == 0
    page.reload()
    wait_for_answers(page, 3)
    assert page.locator(".msg.user p").all_inner_texts() == attacks
    assert page.evaluate("window.__loketHacked") is None


def test_typing_state_then_answer(page):
    held = []
    page.route("**/chat/webhook", lambda route: held.append(route))
    ask(page, "Wat is huurtoeslag?")
    expect(page.get_by_role("status")).to_have_text("Loket is aan het typen…")
    page.wait_for_timeout(100)
    held[0].continue_()
    wait_for_answers(page, 2)
    expect(page.get_by_role("status")).to_have_text("")


def test_offline_then_back_loses_and_repeats_nothing(page, context):
    context.set_offline(True)
    ask(page, "Wat is de Regiodeal?")
    expect(page.get_by_role("status")).to_contain_text("Geen verbinding")
    expect(page.get_by_role("button", name="Opnieuw proberen")).to_be_visible()
    context.set_offline(False)  # the widget notices and sends what was waiting
    wait_for_answers(page, 2)
    answers = bot_messages(page).count()
    page.wait_for_timeout(1500)
    expect(page.locator(".msg.user")).to_have_count(1)
    expect(bot_messages(page)).to_have_count(answers)


def test_a_lost_answer_is_fetched_again_not_asked_twice(page, assistant):
    lost = []

    def lose_first_answer(route):
        if not lost:
            lost.append(route.fetch())  # the assistant handles it; the answer never arrives
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/chat/webhook", lose_first_answer)
    ask(page, "Wat is huurtoeslag?")
    expect(page.get_by_role("status")).to_contain_text("mis")
    wait_for_answers(page, 2)  # the widget resends by itself
    expect(page.locator(".msg.user")).to_have_count(1)
    conversation = page.evaluate("localStorage.getItem('loket:conversation')")
    with urllib.request.urlopen(f"{assistant.url}/chat/history?conversation_id={conversation}") as response:  # noqa: S310
        history = json.load(response)["messages"]
    assert [entry["from"] for entry in history].count("user") == 1
    assert len(lost) == 1


def test_200_percent_zoom_and_reduced_motion(browser, assistant, reports_dir):
    zoomed = browser.new_context(viewport={"width": 640, "height": 400}, reduced_motion="reduce")
    page = zoomed.new_page()
    page.goto(assistant.widget_url)
    ask(page, "Wat is huurtoeslag?")
    wait_for_answers(page, 2)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    for control in (page.locator("textarea"), page.get_by_role("button", name="Verstuur")):
        box = control.bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= 400 and box["x"] + box["width"] <= 640
    (reports_dir / "widget").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(reports_dir / "widget" / "zoom-200.png"))
    animation = page.evaluate("""() => { const root = document.getElementById('loket').shadowRoot;
        const dots = document.createElement('span'); dots.className = 'dots';
        root.querySelector('.status').append(dots); return getComputedStyle(dots, '::after').animationName; }""")
    assert animation == "none"
    zoomed.close()


def test_another_site_embeds_it_with_one_line(browser, assistant, embed_origin):
    snippet = f'<script src="{assistant.url}/chat/loket.js" defer></script>'
    host_page = f"<!doctype html><html lang='en'><head><title>Saba</title></head><body><main><h1>Saba</h1>" \
                f"<p>Public library</p></main>{snippet}</body></html>".encode()

    class Site(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(host_page)

        def log_message(self, *args: object) -> None:
            pass

    port = int(embed_origin.rsplit(":", 1)[1])
    site = ThreadingHTTPServer(("127.0.0.1", port), Site)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.goto(embed_origin + "/")
        launcher = page.get_by_role("button", name="Chat with Loket")
        launcher.click()
        expect(page.locator("textarea")).to_be_focused()
        ask(page, "What is the Warmtefonds?")
        wait_for_answers(page, 2)
        expect(bot_messages(page).last.locator(".source")).to_contain_text("Source:")
        assert serious_violations(page) == []
        page.keyboard.press("Escape")
        expect(launcher).to_be_focused()
        expect(launcher).to_have_attribute("aria-expanded", "false")
    finally:
        context.close()
        site.shutdown()
        site.server_close()


@pytest.mark.parametrize("origin, allowed", [("embed", True), ("http://evil.example", False)])
def test_only_configured_origins_may_call_the_assistant(assistant, embed_origin, origin, allowed):
    origin = embed_origin if origin == "embed" else origin
    request = urllib.request.Request(f"{assistant.url}/chat/history?conversation_id={uuid.uuid4()}",
                                     headers={"Origin": origin})
    with urllib.request.urlopen(request) as response:  # noqa: S310
        granted = response.headers.get("Access-Control-Allow-Origin")
    assert (granted == origin) is allowed
    assert granted in (None, origin)


@pytest.mark.parametrize("width, language, question, source", [(375, "Papiamentu", "Kiko ta e Warmtefonds?", "Fuente"),
                                                                (1280, "Nederlands", "Wat is huurtoeslag?", "Bron")])
def test_screenshots(browser, assistant, reports_dir, width, language, question, source):
    """A screenshot per width, taken once the answer with its source is on screen and
    nothing sticks out sideways."""
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(assistant.widget_url)
    expected = 1
    if language != "Nederlands":
        page.get_by_role("button", name=language).click()
        expected += 1
        wait_for_answers(page, expected)
    ask(page, question)
    wait_for_answers(page, expected + 1)
    answer = bot_messages(page).last
    expect(answer).to_contain_text(source)
    expect(answer).to_be_in_viewport()
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    (reports_dir / "widget").mkdir(parents=True, exist_ok=True)
    shot = reports_dir / "widget" / f"widget-{width}.png"
    page.screenshot(path=str(shot))
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    context.close()


def test_delete_this_conversation_asks_first_then_forgets_it_here_and_on_the_server(page, assistant):
    ask(page, "Wat is huurtoeslag?")
    wait_for_answers(page, 2)
    before = page.evaluate("localStorage.getItem('loket:conversation')")
    page.get_by_role("button", name="Verwijder dit gesprek").click()
    wait_for_answers(page, 3)
    page.get_by_role("button", name="Ja, verwijder het").click()
    expect(bot_messages(page).last).to_contain_text("verwijderd")
    after = page.evaluate("localStorage.getItem('loket:conversation')")
    assert after and after != before  # this browser keeps nothing of the old conversation
    with urllib.request.urlopen(f"{assistant.url}/chat/history?conversation_id={before}") as response:  # noqa: S310
        assert json.load(response)["messages"] == []


def test_the_privacy_link_shows_the_statement_in_the_widgets_language(page):
    page.get_by_role("button", name="English").click()
    wait_for_answers(page, 2)
    page.get_by_role("button", name="Privacy").click()
    wait_for_answers(page, 3)
    log = page.get_by_role("log")  # the statement is one message of several paragraphs
    expect(log).to_contain_text("Wbp BES")
    expect(log).to_contain_text("/forget")
    expect(log).to_contain_text("not talking to a person")  # AI Act, Art. 50


def test_over_the_rate_limit_the_widget_says_so_and_sends_the_message_later(page, assistant):
    refused = []

    def refuse_first(route):
        if not refused:
            refused.append(route.request.post_data)
            route.fulfill(status=429, headers={"Retry-After": "1"}, json={"error": "too many messages"})
        else:
            route.continue_()

    page.route("**/chat/webhook", refuse_first)
    ask(page, "Wat is huurtoeslag?")
    expect(page.get_by_role("status")).to_contain_text("snel")  # "Je stuurt heel snel berichten ..."
    wait_for_answers(page, 2)  # sent again after Retry-After, nothing lost
    expect(page.locator(".msg.user")).to_have_count(1)
    assert len(refused) == 1
