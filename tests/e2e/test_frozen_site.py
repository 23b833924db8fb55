"""The frozen site in a real browser: navigation, search, dark mode, narrow screens."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect


def test_sidebar_and_next_links_lead_through_the_pages(page: Any, site_url: str) -> None:
    page.goto(site_url + "/")
    page.locator(".sidebar").get_by_role("link", name="Intro").click()
    expect(page).to_have_title("Welcome · Test site")
    expect(page.locator('.sidebar a[aria-current="page"]')).to_have_text("Welcome")
    page.locator('a[rel="next"]').click()
    expect(page).to_have_title("About us · Test site")
    page.locator('a[rel="next"]').click()
    expect(page).to_have_title("A long page · Test site")
    page.locator(".sidebar").get_by_role("link", name="Guide").click()
    expect(page).to_have_title("Install · Test site")


def test_search_loads_the_index_only_when_asked(page: Any, site_url: str) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(site_url + "/intro/about.html")
    page.wait_for_load_state("networkidle")
    assert not any("/search/" in u or "frostpress-search" in u for u in requested)
    box = page.get_by_role("searchbox", name="Search this site")
    box.fill("flask")
    results = page.locator(".search-results")
    expect(results.get_by_role("link", name="Install")).to_be_visible()
    expect(results).to_contain_text("1 page found")
    index_files = [u for u in requested if "/search/" in u]
    assert site_url + "/search/index.json" in index_files
    # one shard for one word, and the page of the one result
    assert len([u for u in index_files if "/search/t/" in u]) == 1
    assert len([u for u in index_files if "/search/p/" in u]) == 1
    box.press("Enter")
    expect(page).to_have_title("Install · Test site")


def test_search_says_when_nothing_matches(page: Any, site_url: str) -> None:
    page.goto(site_url + "/")
    page.get_by_role("searchbox", name="Search this site").fill("zebra unicorn")
    expect(page.locator(".search-results")).to_contain_text("No pages found.")


def test_dark_mode_toggle_is_remembered(browser: Any, site_url: str) -> None:
    context = browser.new_context(color_scheme="light")
    page = context.new_page()
    page.goto(site_url + "/intro/welcome.html")
    light_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    toggle = page.locator(".theme-toggle")
    expect(toggle).to_have_accessible_name("Switch to dark mode")
    toggle.click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    expect(toggle).to_have_accessible_name("Switch to light mode")
    dark_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert dark_bg != light_bg
    page.goto(site_url + "/setup.html")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == dark_bg
    context.close()


def test_dark_mode_follows_the_system_without_a_choice(browser: Any, site_url: str) -> None:
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(site_url + "/")
    expect(page.get_by_role("button", name="Switch to light mode")).to_be_visible()
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(13, 17, 23)"
    context.close()


def test_narrow_screen_puts_the_sidebar_in_a_menu(browser: Any, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(site_url + "/intro/long.html")
    sidebar = page.locator(".sidebar")
    menu = page.get_by_role("button", name="Menu")
    expect(sidebar).to_be_hidden()
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.click()
    expect(sidebar).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "true")
    sidebar.get_by_role("link", name="About us").click()
    expect(page).to_have_title("About us · Test site")
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways: {width}"
    context.close()


def test_without_javascript_everything_is_still_reachable(browser: Any, site_url: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(site_url + "/intro/welcome.html")
    expect(page.locator(".sidebar")).to_be_visible()
    expect(page.locator(".menu-toggle")).to_be_hidden()
    expect(page.locator(".theme-toggle")).to_be_hidden()
    expect(page.locator(".site-search")).to_be_hidden()
    page.locator(".sidebar").get_by_role("link", name="About us").click()
    expect(page).to_have_title("About us · Test site")
    context.close()


def test_code_blocks_have_a_copy_button(browser: Any, site_url: str) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(site_url + "/intro/long.html")
    button = page.get_by_role("button", name="Copy code to clipboard").first
    button.click()
    expect(button).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == 'def greet(name: str) -> str:\n    return f"Hello, {name}"'
    context.close()


def test_headings_have_permalinks(page: Any, site_url: str) -> None:
    page.goto(site_url + "/intro/long.html")
    heading = page.get_by_role("heading", name="Configure it")
    link = heading.locator(".headerlink")
    expect(link).to_have_attribute("href", "#configure-it")
    heading.hover()
    expect(link).to_have_css("opacity", "1")


def test_no_request_leaves_the_site(page: Any, site_url: str) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(site_url + "/intro/long.html")
    page.get_by_role("searchbox", name="Search this site").fill("fox")
    expect(page.locator(".search-results")).to_contain_text("found")
    assert requested
    assert all(u.startswith(site_url + "/") for u in requested), requested


def test_print_hides_navigation(page: Any, site_url: str) -> None:
    page.goto(site_url + "/intro/long.html")
    page.emulate_media(media="print")
    expect(page.locator(".sidebar")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("heading", name="A long page", level=1)).to_be_visible()
