"""The editors' page end to end: real Chromium against a real `hypecheck serve` on loopback."""

import httpx
import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT, SAMPLE, needs_chromium, write_docx

SCREENSHOTS = ROOT / "test-output"
pytestmark = needs_chromium
HOSTILE = (
    '<img src=x onerror="window.__pwned = 1"> Miracle pill cures everyone. '
    "<script>window.__pwned = 1</script> The trial enrolled 40 people."
)


@pytest.fixture(scope="module")
def page_server(baseline_server):
    return baseline_server


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
        )
        yield browser
        browser.close()


def check_draft(browser, url, text):
    page = browser.new_page()
    page.goto(url)
    page.fill("#draft", text)
    page.click("#check")
    page.wait_for_selector("#result-panel:not([hidden])")
    return page


def test_page_highlights_every_sentence_and_explains_one(browser, page_server):
    text = SAMPLE.read_text()
    expected = httpx.post(f"{page_server}/v1/score", json={"text": text}).json()["sentences"]
    page = check_draft(browser, page_server, text)
    marks = page.locator("#rendered .sentence")
    assert marks.count() == len(expected)
    flagged = page.locator("#rendered .sentence.overclaim")
    assert flagged.count() == sum(1 for s in expected if s["verdict"] == "overclaim") > 0
    first = next(s for s in expected if s["verdict"] == "overclaim")
    assert any(reason in flagged.first.get_attribute("title") for reason in first["reasons"])
    flagged.first.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#detail:not([hidden])")
    assert page.text_content("#detail-verdict").startswith("overclaim")
    assert page.locator("#detail-reasons li").count() >= 1
    assert page.locator("#checklist li").count() == 6
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "web-page.png"), full_page=True)


def test_hostile_draft_stays_inert(browser, page_server):
    page = check_draft(browser, page_server, HOSTILE)
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#rendered img, #rendered script").count() == 0
    assert "<img src=x" in page.text_content("#rendered")
    page.screenshot(path=str(SCREENSHOTS / "web-page-hostile.png"), full_page=True)


def test_accepting_a_rewrite_puts_it_into_the_draft(browser, page_server):
    text = SAMPLE.read_text()
    expected = httpx.post(f"{page_server}/v1/score", json={"text": text}).json()["sentences"]
    index = next(i for i, s in enumerate(expected) if (s["suggestion"] or {}).get("rewrite"))
    page = check_draft(browser, page_server, text)
    page.locator("#rendered .sentence").nth(index).click()
    page.click("#accept")
    rewrite = expected[index]["suggestion"]["rewrite"]
    page.wait_for_function("(r) => document.querySelector('#draft').value.includes(r)", arg=rewrite)
    sentence = expected[index]
    assert page.input_value("#draft") == text[: sentence["start"]] + rewrite + text[sentence["end"] :]


def test_opening_a_word_file_fills_the_draft_and_scores_it(browser, page_server, tmp_path):
    paragraphs = ["This breakthrough cures arthritis.", "The trial enrolled 300 patients."]
    draft = write_docx(tmp_path / "draft.docx", paragraphs)
    page = browser.new_page()
    page.goto(page_server)
    page.set_input_files("#file", str(draft))
    page.wait_for_selector("#result-panel:not([hidden])")
    assert page.input_value("#draft") == "\n\n".join(paragraphs)
    assert page.locator("#rendered .sentence").count() == 2


def test_emoji_before_a_flagged_sentence_keeps_highlights_and_rewrites_in_place(browser, page_server):
    """JavaScript slices in UTF-16 units: with code-point offsets every span after an emoji shifts."""
    text = (
        "A new survey 😀🎉 of coffee drinkers.\n"
        "Drinking coffee cuts the risk of liver cancer, a survey of 3,000 adults found.\n"
        "The trial had 40."
    )
    expected = httpx.post(f"{page_server}/v1/score", json={"text": text}).json()["sentences"]
    page = check_draft(browser, page_server, text)
    marks = page.locator("#rendered .sentence")
    assert [marks.nth(i).text_content() for i in range(marks.count())] == [s["text"] for s in expected]
    index = next(i for i, s in enumerate(expected) if (s["suggestion"] or {}).get("rewrite"))
    marks.nth(index).click()
    page.click("#accept")
    sentence = expected[index]
    rewrite = sentence["suggestion"]["rewrite"]
    page.wait_for_function("(r) => document.querySelector('#draft').value.includes(r)", arg=rewrite)
    assert page.input_value("#draft") == text[: sentence["start"]] + rewrite + text[sentence["end"] :]
