"""Navigation in a browser: in a chapter longer than the window, the current page's link is
scrolled into view in the sidebar (and the page itself is not scrolled)."""

from __future__ import annotations

from typing import Any


def test_the_current_page_is_in_view_in_a_long_sidebar(browser: Any, fsp_site: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 600})
    page = context.new_page()
    page.goto(fsp_site + "/cross-site-request-forgery-csrf.html")
    page.wait_for_load_state("load")
    box = page.evaluate(
        """() => {
          const sidebar = document.querySelector('.sidebar');
          const link = sidebar.querySelector('[aria-current="page"]');
          const s = sidebar.getBoundingClientRect(), l = link.getBoundingClientRect();
          return {scrolls: sidebar.scrollHeight > sidebar.clientHeight, top: l.top,
                  bottom: l.bottom, sTop: s.top, sBottom: s.bottom,
                  scrolled: sidebar.scrollTop, pageY: window.scrollY};
        }"""
    )
    assert box["scrolls"], box  # the chapter is longer than the window
    assert box["scrolled"] > 0, box
    assert box["sTop"] <= box["top"] and box["bottom"] <= box["sBottom"], box
    assert box["pageY"] == 0, box
    context.close()
