"""The browser extension end to end: Debian Chromium with serve/extension loaded unpacked, a real
`hypecheck serve`, and article pages served on 127.0.0.1. Every check reads what a reader would get:
the highlights the page paints, the tooltip, the badge, and the requests the service worker sends."""

import html
import http.server
import re
import threading
import time

import httpx
import pytest
from hypecheck.serve.settings import EXTENSION_ORIGIN, ServeSettings

from benchmarks.local_server import free_port
from tests.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, SAMPLE, needs_chromium, start_server

EXTENSION = ROOT / "serve" / "extension"
SCREENSHOTS = ROOT / "test-output"
pytestmark = needs_chromium

THRESHOLD = 0.6  # a threshold set in the options; the expected highlights are scored at the same one
CHUNK_CHARS = int(re.search(r"CHUNK_CHARS = (\d+)", (EXTENSION / "content" / "main.js").read_text())[1])
PARAGRAPHS = [line.removeprefix("# ") for line in SAMPLE.read_text().splitlines() if line.strip()]
# The pill is one code point to the server and two UTF-16 units to the page: offsets must be converted.
ADDED = "This miracle supplement \N{PILL} cures anxiety in every patient who takes it."
# Its rewrite (checked by the test server's model) carries the markup into the tooltip.
HOSTILE_SENTENCE = (
    'Because the extract <img src=x onerror="window.__pwned = 1"> is entirely natural, '
    "it is safe to take alongside any medication."
)


def article(paragraphs: list[str], extra: str = "") -> str:
    """A news page: navigation and hidden text outside what is checked, inline markup inside it."""
    body = [f"<h1>{html.escape(paragraphs[0])}</h1>"]
    for text in paragraphs[1:]:
        words = html.escape(text).split(" ")
        # Split each sentence over several text nodes, as real pages do.
        body.append(f"<p>{' '.join(words[:2])} <em>{' '.join(words[2:4])}</em> {' '.join(words[4:])}</p>")
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Article</title></head><body>"
        "<nav><a href=#>Miracle cures that work every time</a></nav><main>"
        + "".join(body)
        + "<p hidden>This hidden miracle cure works for everyone.</p>"
        + extra
        + "</main></body></html>"
    )


PAGES = {
    "/article.html": article(PARAGRAPHS),
    "/long.html": article(PARAGRAPHS * 20),
    "/hostile.html": article(
        [PARAGRAPHS[0], HOSTILE_SENTENCE, PARAGRAPHS[2]],
        "<p>Numerous studies have shown that berries protect the brain."
        "<script>window.__ran = (window.__ran || 0) + 1; /* This cure works for everyone. */</script></p>",
    ),
}


class PageHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        page = PAGES.get(self.path)
        self.send_response(200 if page else 404)
        self.send_header("content-type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write((page or "not found").encode())

    def log_message(self, *_args) -> None:
        pass


@pytest.fixture(scope="module")
def pages():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), PageHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="module")
def api(baseline_server):
    return baseline_server


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Chromium with the extension loaded, and an extension page to drive chrome.* APIs from."""
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("profile")),
            executable_path=CHROMIUM,
            headless=True,
            args=[
                *CHROMIUM_ARGS,
                f"--disable-extensions-except={EXTENSION}",
                f"--load-extension={EXTENSION}",
            ],
        )
        worker = (
            context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker")
        )
        extension_id = worker.url.split("/")[2]
        control = context.new_page()
        control.goto(f"chrome-extension://{extension_id}/options.html")
        sent: list[dict] = []  # every /v1/score body the service worker posts

        def record(request) -> None:
            if request.url.endswith("/v1/score"):
                sent.append(request.post_data_json)

        context.on("request", record)
        yield context, control, sent
        context.close()


def configure(control, **settings) -> None:
    """Saves settings as the options page does (the options page itself is driven in one test)."""
    control.evaluate(
        "async (s) => { await chrome.storage.local.clear(); await chrome.storage.local.set(s); }", settings
    )


def tab_status(control, url: str) -> dict:
    """What the popup would say for the tab showing url, with the badge and the button's title."""
    return control.evaluate(
        """async (url) => {
            const [tab] = await chrome.tabs.query({ url });
            const key = `tab:${tab.id}`;
            const status = (await chrome.storage.session.get(key))[key] || {};
            return { ...status, tabId: tab.id, badge: await chrome.action.getBadgeText({ tabId: tab.id }),
                     title: await chrome.action.getTitle({ tabId: tab.id }) };
        }""",
        url,
    )


def wait_for_state(control, url: str, state: str, timeout_s: float = 60) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        status = tab_status(control, url)
        if status.get("state") == state:
            return status
        time.sleep(0.2)
    raise AssertionError(f"the tab never reached {state!r}: {status}")


def highlighted(page) -> list[str]:
    """The text under every sentence highlight, read in the page's own world."""
    return page.evaluate(
        "() => [...(CSS.highlights.get('hypecheck-overclaim') || [])].map((range) => range.toString())"
    )


def flagged(api: str, paragraphs: list[str], threshold: float | None = THRESHOLD) -> list[str]:
    """The sentences the server flags in the page's text (threshold None: the model's own)."""
    text = "\n\n".join(paragraphs)
    answer = httpx.post(
        f"{api}/v1/score",
        json={"text": text, "options": {"overclaim_threshold": threshold, "triggers": False}},
        timeout=60,
    ).json()
    return [s["text"] for s in answer["sentences"] if s["verdict"] == "overclaim"]


def hover(page, wanted: str) -> None:
    box = page.evaluate(
        """(wanted) => {
            const range = [...CSS.highlights.get('hypecheck-overclaim')].find((r) => r.toString() === wanted);
            const rect = range.getClientRects()[0];
            return { x: rect.left + Math.min(rect.width / 2, 40), y: rect.top + rect.height / 2 };
        }""",
        wanted,
    )
    page.mouse.move(box["x"], box["y"])
    page.wait_for_selector("hypecheck-tooltip .verdict", state="visible")


def test_the_unpacked_extension_has_the_origin_the_server_allows(browser):
    """The manifest's key fixes the id, so the server's default CORS origin is this install's."""
    _, control, _ = browser
    assert control.url == f"{EXTENSION_ORIGIN}/options.html"


def test_opted_in_site_gets_its_overclaims_highlighted(api, pages, browser):
    context, control, sent = browser
    configure(control)
    url = f"{pages}/article.html"
    page = context.new_page()
    page.goto(url)
    page.wait_for_timeout(1500)
    assert sent == [] and highlighted(page) == [], "page text went out before the user opted in"

    # A threshold just above the weakest overclaim, so the one set in the options visibly counts.
    own = httpx.post(f"{api}/v1/score", json={"text": "\n\n".join(PARAGRAPHS)}, timeout=60).json()
    threshold = round(
        min(s["p_overclaim"] for s in own["sentences"] if s["verdict"] == "overclaim") + 0.01, 2
    )
    options = context.new_page()
    options.goto(control.url)
    options.fill("#api-url", api)
    options.fill("#threshold", str(threshold))
    options.fill("#sites", pages)
    options.click("#save")
    options.wait_for_selector("#status:text('Saved.')")
    options.close()

    page.reload()
    status = wait_for_state(control, url, "done")
    expected = flagged(api, PARAGRAPHS, threshold)
    assert expected and set(expected) < set(flagged(api, PARAGRAPHS, None))
    assert highlighted(page) == expected
    assert status["badge"] == str(len(expected)) and status["flagged"] == len(expected)
    assert len(sent) == 1 and sent[0]["text"] == "\n\n".join(PARAGRAPHS)  # no navigation, no hidden text
    assert sent[0]["options"]["overclaim_threshold"] == threshold

    # The tooltip shows what the server answers at the options' threshold: a checked rewrite where one
    # passed, the advice alone where none did.
    answer = httpx.post(
        f"{api}/v1/score",
        json={"text": "\n\n".join(PARAGRAPHS), "options": {"overclaim_threshold": threshold}},
        timeout=60,
    ).json()["sentences"]
    shown = {s["text"]: s for s in answer if s["text"] in expected}
    with_rewrite = [s for s in shown.values() if s["suggestion"]["rewrite"]]
    advice_only = [s for s in shown.values() if not s["suggestion"]["rewrite"]]
    assert with_rewrite and advice_only
    tooltip = page.locator("hypecheck-tooltip")
    for sentence in (with_rewrite[0], advice_only[0]):
        hover(page, sentence["text"])
        assert (
            tooltip.locator(".verdict").text_content()
            == f"overclaim, probability {sentence['p_overclaim']:.2f}"
        )
        reasons = tooltip.locator("li").all_text_contents()
        assert any(name.replace("_", " ") in " ".join(reasons) for name in sentence["reasons"])
        assert all(line in reasons for line in sentence["suggestion"]["advice"])
        rewrite = sentence["suggestion"]["rewrite"]
        assert tooltip.locator(".rewrite").all_text_contents() == ([rewrite] if rewrite else [])
        page.mouse.move(0, 0)
        page.wait_for_selector("hypecheck-tooltip .verdict", state="hidden")
    page.screenshot(path=str(SCREENSHOTS / "extension.png"))
    page.close()


def test_text_added_later_is_checked_alone(api, pages, browser):
    context, control, sent = browser
    configure(control, apiUrl=api, sites=[pages], threshold=THRESHOLD)
    url = f"{pages}/article.html"
    page = context.new_page()
    page.goto(url)
    wait_for_state(control, url, "done")
    before = highlighted(page)
    sent.clear()
    page.evaluate(
        "(text) => { const p = document.createElement('p'); p.textContent = text;"
        " document.querySelector('main').append(p); }",
        ADDED,
    )
    page.wait_for_function("(n) => CSS.highlights.get('hypecheck-overclaim').size > n", arg=len(before))
    assert [request["text"] for request in sent] == [ADDED]
    assert highlighted(page) == [*before, ADDED]
    page.close()


def test_long_page_goes_in_chunks(api, pages, browser):
    context, control, sent = browser
    configure(control, apiUrl=api, sites=[pages], threshold=THRESHOLD)
    sent.clear()
    url = f"{pages}/long.html"
    page = context.new_page()
    page.goto(url)
    status = wait_for_state(control, url, "done")
    assert ServeSettings().max_chars >= CHUNK_CHARS
    assert len(sent) >= 2 and all(len(request["text"]) <= CHUNK_CHARS for request in sent)
    assert "\n\n".join(request["text"] for request in sent) == "\n\n".join(PARAGRAPHS * 20)
    expected = flagged(api, PARAGRAPHS * 20)
    assert highlighted(page) == expected and status["flagged"] == len(expected)
    page.close()


def test_hostile_page_runs_nothing(api, pages, browser):
    context, control, _ = browser
    configure(control, apiUrl=api, sites=[pages], threshold=THRESHOLD)
    url = f"{pages}/hostile.html"
    page = context.new_page()
    page.goto(url)
    wait_for_state(control, url, "done")
    marks = highlighted(page)
    assert HOSTILE_SENTENCE in marks
    assert not any("window.__ran" in text for text in marks)
    hover(page, HOSTILE_SENTENCE)
    page.locator("hypecheck-tooltip .verdict").click()  # the tooltip stays open under the pointer
    tooltip = page.locator("hypecheck-tooltip")
    assert tooltip.is_visible()
    assert 'src=x onerror="window.__pwned' in tooltip.locator(".rewrite").text_content()  # shown as text
    assert tooltip.locator("img, script").count() == 0
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("window.__ran") == 1
    page.screenshot(path=str(SCREENSHOTS / "extension-hostile.png"))
    page.close()


def test_popup_checks_one_page_or_allows_the_site(api, pages, browser):
    context, control, sent = browser
    configure(control, apiUrl=api, threshold=THRESHOLD)
    sent.clear()
    url = f"{pages}/article.html"
    page = context.new_page()
    page.goto(url)
    page.wait_for_timeout(1000)
    assert sent == []
    # The popup acts on the active tab: open it, bring the article forward, and let it look again.
    popup = context.new_page()
    popup.goto(control.url.replace("options.html", "popup.html"))
    control.evaluate(
        "(tabId) => chrome.tabs.update(tabId, { active: true })", tab_status(control, url)["tabId"]
    )
    popup.reload()
    assert popup.text_content("#site") == pages

    popup.click("#check")
    wait_for_state(control, url, "done")
    expected = flagged(api, PARAGRAPHS)
    assert highlighted(page) == expected and len(sent) == 1
    popup.wait_for_selector(f"#status:text('{len(expected)} sentences may overclaim.')")
    page.reload()
    page.wait_for_timeout(1500)
    assert len(sent) == 1 and highlighted(page) == [], "a click allowed more than the page it was made on"

    popup.check("#always")
    wait_for_state(control, url, "done")
    assert control.evaluate("chrome.storage.local.get('sites')") == {"sites": [pages]}
    page.reload()
    wait_for_state(control, url, "done")
    assert highlighted(page) == expected and len(sent) == 3
    popup.close()
    page.close()


def test_server_down_shows_on_the_badge(pages, browser):
    context, control, _ = browser
    down = f"http://127.0.0.1:{free_port()}"
    configure(control, apiUrl=down, sites=[pages])
    url = f"{pages}/article.html"
    page = context.new_page()
    page.goto(url)
    status = wait_for_state(control, url, "error")
    assert status["badge"] == "!"
    assert f"the server at {down} cannot be reached" in status["title"]
    assert highlighted(page) == []
    page.close()


def test_api_key_comes_from_the_options(api, baseline_bundle, pages, browser):
    context, control, _ = browser
    process, keyed = start_server(baseline_bundle, HYPECHECK_API_KEYS="reader-key")
    try:
        url = f"{pages}/article.html"
        configure(control, apiUrl=keyed, sites=[pages])
        page = context.new_page()
        page.goto(url)
        status = wait_for_state(control, url, "error")
        assert status["badge"] == "!" and "Set the API key in the extension's options" in status["title"]
        configure(control, apiUrl=keyed, apiKey="reader-key", sites=[pages])
        page.reload()
        wait_for_state(control, url, "done")
        assert highlighted(page) == flagged(api, PARAGRAPHS, None)  # same model; no threshold set
        page.close()
    finally:
        process.terminate()
        process.wait(10)
