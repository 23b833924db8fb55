"""Reading a page in a browser: full-text search, "On this page", keys, code and notes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

Axe = Callable[[Any], list[str]]


def search(page: Any, words: str) -> Any:
    page.get_by_role("searchbox", name="Search this site").fill(words)
    return page.locator(".search-results")


def test_search_finds_a_word_deep_in_a_long_page_and_jumps_to_its_section(
    page: Any, site_url: str
) -> None:
    page.goto(site_url + "/")
    results = search(page, "xylophone")
    expect(results).to_contain_text("1 page found")
    hit = results.get_by_role("link", name="A long page")
    expect(hit).to_have_attribute("href", "/intro/long.html?h=xylophone#a-deeper-heading")
    expect(results.locator("li").first).to_contain_text("A deeper heading")
    expect(results.locator("li p mark")).to_have_text("xylophone")
    hit.click()
    expect(page).to_have_url(site_url + "/intro/long.html?h=xylophone#a-deeper-heading")
    expect(page.get_by_role("heading", name="A deeper heading")).to_be_in_viewport()
    marked = page.locator(".content article mark.search-mark")
    expect(marked).to_have_text("xylophone")


def test_search_matches_prefixes_and_quoted_phrases(page: Any, site_url: str) -> None:
    page.goto(site_url + "/")
    results = search(page, "xyloph")
    expect(results.get_by_role("link", name="A long page")).to_be_visible()
    expect(results.locator("li p mark")).to_have_text("xylophone")
    results = search(page, '"lazy dog"')
    expect(results).to_contain_text("1 page found")
    results = search(page, '"dog lazy"')
    expect(results).to_contain_text("No pages found.")


def test_search_ranks_a_title_match_first(page: Any, site_url: str) -> None:
    page.goto(site_url + "/")
    results = search(page, "install")
    expect(results.locator(".search-hit").first).to_have_text("Install")


def test_search_finds_japanese_text(page: Any, site_url: str) -> None:
    page.goto(site_url + "/")
    results = search(page, "全文検索")
    expect(results.get_by_role("link", name="日本語のページ")).to_be_visible()
    expect(results.locator("li p mark").first).to_contain_text("全文")


def test_slash_focuses_search_and_escape_leaves_it(page: Any, site_url: str) -> None:
    page.goto(site_url + "/intro/long.html")
    box = page.get_by_role("searchbox", name="Search this site")
    page.locator("body").press("/")
    expect(box).to_be_focused()
    box.press_sequentially("fox")
    expect(page.locator(".search-results")).to_contain_text("found")
    box.press("Escape")
    expect(box).not_to_be_focused()
    expect(box).to_have_value("")
    expect(page.locator(".search-results")).to_be_hidden()


def test_header_stays_in_view(page: Any, site_url: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(site_url + "/intro/long.html")
    page.mouse.wheel(0, 3000)
    page.wait_for_function("window.scrollY > 1000")
    expect(page.get_by_role("searchbox", name="Search this site")).to_be_in_viewport()


def test_on_this_page_sits_beside_the_text_and_follows_scrolling(page: Any, site_url: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(site_url + "/intro/long.html")
    toc = page.get_by_role("navigation", name="On this page")
    expect(toc).to_be_visible()
    article = page.locator(".content article").bounding_box()
    box = toc.bounding_box()
    assert box["x"] >= article["x"] + article["width"], (box, article)
    first = toc.get_by_role("link", name="Install the thing")
    expect(first).to_have_attribute("aria-current", "location")
    page.get_by_role("heading", name="A deeper heading").scroll_into_view_if_needed()
    page.evaluate("document.getElementById('a-deeper-heading').scrollIntoView()")
    deeper = toc.get_by_role("link", name="A deeper heading")
    expect(deeper).to_have_attribute("aria-current", "location")
    expect(first).not_to_have_attribute("aria-current", "location")
    expect(toc).to_be_in_viewport()
    deeper.click()
    expect(page).to_have_url(site_url + "/intro/long.html#a-deeper-heading")


def test_on_this_page_is_folded_on_narrow_screens(browser: Any, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(site_url + "/intro/long.html")
    toc = page.get_by_role("navigation", name="On this page")
    link = toc.get_by_role("link", name="Configure it")
    expect(link).to_be_hidden()
    toc.get_by_text("On this page").click()
    expect(link).to_be_visible()
    context.close()


def test_copy_leaves_line_numbers_out(browser: Any, site_url: str) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(site_url + "/intro/long.html")
    table = page.locator(".highlighttable")
    expect(table.locator(".linenos")).to_contain_text("1")
    expect(table.locator(".hll")).to_have_text("second = 2\n")
    button = page.locator(".highlight:has(.highlighttable)").get_by_role(
        "button", name="Copy code to clipboard"
    )
    button.click()
    expect(button).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == "first = 1\nsecond = 2"
    context.close()


def test_admonitions_are_named_notes(page: Any, site_url: str) -> None:
    page.goto(site_url + "/intro/long.html")
    note = page.get_by_role("note", name="Warning: Mind the gap")
    expect(note).to_contain_text("A warning box.")
    colour = note.evaluate("el => getComputedStyle(el).borderLeftColor")
    assert colour == "rgb(154, 103, 0)"


def test_permalinks_say_what_they_are(page: Any, site_url: str) -> None:
    page.goto(site_url + "/intro/long.html")
    heading = page.get_by_role("heading", name="Configure it")
    expect(heading.get_by_role("link", name="Link to this section")).to_have_attribute(
        "href", "#configure-it"
    )


def test_tabs_and_details_work_by_keyboard(page: Any, tabs_site: str, axe: Axe) -> None:
    page.goto(tabs_site + "/tabs.html")
    pip, uv = page.locator(".tabbed-block").all()
    expect(pip).to_be_visible()
    expect(uv).to_be_hidden()
    page.get_by_role("radio", name="pip").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("radio", name="uv")).to_be_checked()
    expect(uv).to_be_visible()
    expect(pip).to_be_hidden()
    answer = page.get_by_text("In the site folder.")
    expect(answer).to_be_hidden()
    page.locator("summary", has_text="Where is the output?").focus()
    page.keyboard.press("Enter")
    expect(answer).to_be_visible()
    assert axe(page) == []


def test_more_results_load_on_request(page: Any, guide_site: str) -> None:
    page.goto(guide_site + "/")
    results = search(page, "page")
    hits = results.locator(".search-hit")
    expect(hits).to_have_count(6)
    more = results.get_by_role("button", name="More results")
    more.click()
    expect(hits).to_have_count(12)
    expect(hits.nth(6)).to_be_focused()


def test_narrow_header_leaves_while_scrolling_down_and_returns_up(
    browser: Any, site_url: str
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(site_url + "/intro/long.html")
    header = page.locator(".site-header")
    page.evaluate("window.scrollTo(0, 1500)")
    expect(header).to_have_class("site-header is-tucked")
    expect(header).not_to_be_in_viewport()
    page.evaluate("window.scrollTo(0, 1200)")
    expect(header).to_have_class("site-header")
    expect(header).to_be_in_viewport()
    page.evaluate("window.scrollTo(0, 2500)")
    expect(header).to_have_class("site-header is-tucked")
    page.keyboard.press("/")
    expect(page.get_by_role("searchbox", name="Search this site")).to_be_in_viewport()
    context.close()


def test_narrow_header_gives_the_search_box_the_width_of_the_screen(
    browser: Any, site_url: str
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(site_url + "/intro/long.html")
    box = page.get_by_role("searchbox", name="Search this site").bounding_box()
    name = page.locator(".site-name").bounding_box()
    theme = page.get_by_role("button", name="Switch to dark mode").bounding_box()
    menu = page.get_by_role("button", name="Menu").bounding_box()
    assert box["width"] >= 0.85 * 390, f"a search box {box['width']} px wide on a 390 px screen"
    # The name and both buttons share the first row; the search box has the second.
    assert abs(theme["y"] - menu["y"]) < 4 and theme["y"] < name["y"] + name["height"]
    assert box["y"] >= menu["y"] + menu["height"]
    context.close()
