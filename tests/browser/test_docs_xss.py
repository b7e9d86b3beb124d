"""No script from a docs site runs in the reader's browser, checked in Chromium.

A hostile site (raw HTML in its pages: scripts, event handlers, ``javascript:`` and
``data:`` URLs, frames, objects, forms, mutation-XSS markup, an SVG with a script, an
HTML file named ``.png``, a script file, HTML in its titles and names) is built and
published by ``manage.py techdocs build``; two more whose ``mkdocs.yml`` asks for
``extra_javascript`` or a ``javascript:`` navigation link are refused by the build. Every
payload, if it ran, would set ``window.__xss``, call ``alert()``, log ``XSS`` and request
``/xss-marker/...``; Chromium opens every page and file, hovers, focuses and clicks the
hostile elements, and the test asserts that none of the four happened. It does so twice:
with the portal's Content-Security-Policy, and with the CSP bypassed, so the sanitiser
alone is shown to hold. A positive control shows first that each detector fires.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.test_docs_reader import docs_portal_config, png
from tests.support.browser import PASSWORD, browser_portal, chromium, log_in, screenshot
from tests.support.portal_process import manage, portal_env

pytestmark = pytest.mark.services

HOSTILE = "hostile"
SITE = f"/docs/default/component/{HOSTILE}/"
FILES = f"/docs/_files/default/component/{HOSTILE}/"
#: Sites whose mkdocs.yml the build refuses, with the setting named in the refusal.
REFUSED = {"refused-js": "extra_javascript", "refused-nav": "nav"}


def act(tag: str) -> str:
    """The JavaScript of payload ``tag``: every effect the detectors look for. (Single
    quotes only, so it fits in a double-quoted attribute.)"""
    return (f"window.__xss='{tag}';alert('xss {tag}');console.log('XSS {tag}');"
            f"fetch('/xss-marker/{tag}')")  # fmt: skip


SVG = f"""\
<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" onload="{act('svg-onload')}">
  <script>{act('svg-script')}</script>
  <rect width="40" height="40" fill="red"/>
</svg>
"""
FAKE_PNG = (f"<!doctype html><html><body><h1>not a png</h1><script>{act('fake-png')}</script>"
            "</body></html>")  # fmt: skip
EVIL_JS = act("evil-js") + "\n"
RAW_HTML = f"""\
<!doctype html>
<html><head><title>Raw page</title><script>{act('raw-head')}</script></head>
<body onload="{act('raw-body')}"><h1>Raw page</h1><p>A hand-written HTML file.</p>
<img src="x" onerror="{act('raw-img')}"></body></html>
"""
TITLE = f"<script>{act('site-name')}</script>"
MKDOCS = f"""\
site_name: "Hostile {TITLE}"
site_description: "Described <img src=x onerror=\\"{act('site-description')}\\">"
copyright: "<script>{act('copyright')}</script>"
nav:
  - "Home <img src=x onerror=\\"{act('nav-title')}\\">": index.md
  - Payloads: payloads.md
  - Links: links.md
  - Mutation: mutation.md
plugins:
  - techdocs-core
"""
INDEX = f"""\
# Home <script>{act('h1-script')}</script>

Welcome. <img src="x" onerror="{act('inline-img')}"> Nothing here runs.

<script>{act('block-script')}</script>

<script src="evil.js"></script>

<img src="img/evil.svg" alt="svg as an image">

<img src="img/fake.png" alt="html named png">

<p>A paragraph that tries <b onmouseover="{act('hover')}">hover me</b>.</p>
"""
PAYLOADS = f"""\
# Payloads

<svg onload="{act('svg-inline')}"><circle r="4"/></svg>

<iframe srcdoc="<script>{act('srcdoc').replace("'", '&#39;')}</script>"></iframe>

<iframe src="javascript:{act('iframe-src')}"></iframe>

<object data="data:text/html,<script>{act('object')}</script>"></object>

<embed src="data:text/html,<script>{act('embed')}</script>">

<form action="javascript:{act('form')}"><button id="form-button">Send the form</button></form>

<details open ontoggle="{act('ontoggle')}"><summary>Details</summary>Inside.</details>

<video controls><source src="x" onerror="{act('source')}"></video>

<input autofocus onfocus="{act('autofocus')}" value="focus me">

<div style="background:url(javascript:{act('style-url')})">styled</div>

<body onload="{act('body')}"></body>

<meta http-equiv="refresh" content="0;url=javascript:{act('meta')}">

<base href="javascript:{act('base')}//">

<style>@import url("javascript:{act('import')}");</style>

<svg><animate onbegin="{act('animate')}" attributeName="x" dur="1s"/></svg>

<svg><a xlink:href="javascript:{act('svg-link')}"><text x="5" y="15">svg link</text></a></svg>

<svg><foreignObject><img src="x" onerror="{act('foreign')}"></foreignObject></svg>

<a href="#" onclick="{act('onclick')}">onclick link</a>

[attribute list link](#payloads){{: onclick="{act('attr-list')}" }}
"""
LINKS = f"""\
# Links

<a href="javascript:{act('js-link')}">js link</a>

[markdown js link](javascript:{act('md-js-link').replace('(', '%28').replace(')', '%29')})

<a href="JaVaScRiPt:{act('mixed-case')}">mixed case link</a>

<a href="java&#x09;script:{act('tab-link')}">tab link</a>

<a href="&#106;avascript:{act('entity-link')}">entity link</a>

<a href=" javascript:{act('space-link')}">space link</a>

<a href="data:text/html,<script>{act('data-link')}</script>">data link</a>

<a href="vbscript:msgbox(1)">vbscript link</a>

[svg direct](img/evil.svg)

[fake png](img/fake.png)

[script file](evil.js)

[raw page](raw.html)
"""
MUTATION = f"""\
# Mutation

<math><mtext><table><mglyph><style><img src=x onerror="{act('mxss-math')}">

<svg><p><style><img src=x onerror="{act('mxss-svg-p')}">

<noscript><p title="</noscript><img src=x onerror={act('noscript').replace(' ', '')}>"></noscript>

<form><math><mtext></form><form><mglyph><style></math><img src onerror="{act('mxss-form')}">

<svg></p><style><a id="</style><img src=1 onerror={act('mxss-id').replace(' ', '')}>">

<math><mi><table><mi><style><img src=x onerror="{act('mxss-mi')}"></style></mi></table></mi></math>

<![CDATA[><img src=x onerror="{act('cdata')}">]]>

<!-- --><img src=x onerror="{act('comment')}"> -->

<textarea></textarea><img src=x onerror="{act('textarea')}">
"""
#: Not in the navigation, so the front matter's title is the page's.
TITLED = f"""\
---
title: "<script>{act('front-matter')}</script>"
---

A page whose only title is its front matter's.
"""
HOSTILE_CATALOG = textwrap.dedent(f"""\
    apiVersion: backstage.io/v1alpha1
    kind: Component
    metadata:
      name: {HOSTILE}
      title: {json.dumps('Hostile <img src=x onerror="' + act('entity-title') + '">')}
      description: {json.dumps('<script>' + act('entity-description') + '</script>')}
      annotations:
        backstage.io/techdocs-ref: dir:.
    spec:
      type: service
      lifecycle: production
      owner: team-a
    """)  # fmt: skip
REFUSED_JS = """\
site_name: Refused scripts
extra_javascript:
  - evil.js
plugins:
  - techdocs-core
"""
REFUSED_NAV = f"""\
site_name: Refused navigation
nav:
  - Home: index.md
  - "Click <script>{act('refused-nav-title')}</script>": "javascript:{act('refused-nav')}"
plugins:
  - techdocs-core
"""
#: The hostile site's pages, by their address under SITE.
PAGES = ["", "payloads/", "links/", "mutation/", "titled/", "raw.html"]
#: Its files opened on their own, with the content type each must be served with.
FILES_SERVED = {"img/evil.svg": "image/svg+xml", "img/fake.png": "image/png",
                "evil.js": "text/plain", "raw.html": "text/plain"}  # fmt: skip
#: Links clicked on the Links page (those that survive as links).
CLICKED = ["js link", "markdown js link", "mixed case link", "tab link", "entity link",
           "space link", "data link", "vbscript link", "svg direct", "fake png",
           "script file"]  # fmt: skip
#: Elements hovered, focused or clicked on the other pages.
TOUCHED = {"": ["hover me"], "payloads/": ["onclick link", "attribute list link", "svg link",
                                             "Send the form", "Details", "styled"]}  # fmt: skip


def marker(url: str) -> bool:
    """Whether ``url`` is a payload's request (a docs link that merely has the words in
    its path, such as a defused ``java%09script:`` link, is not)."""
    return urlsplit(url).path.startswith("/xss-marker/")


@dataclass
class Detector:
    """What a payload that ran would leave: dialogs, ``XSS`` console lines, requests
    for ``/xss-marker``, uncaught errors; and what the CSP refused or a sandbox blocked."""

    dialogs: list[str] = field(default_factory=list)
    consoles: list[str] = field(default_factory=list)
    markers: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def attach(self, context: Any) -> None:
        """Listen on every page of ``context``; a marker request is answered in the
        browser (it never reaches the portal)."""
        context.route(marker, lambda route: route.fulfill(status=204))
        context.on("dialog", self._dialog)
        context.on("console", self._console)
        context.on("request", lambda r: marker(r.url) and self.markers.append(r.url))
        context.on("weberror", lambda e: self.errors.append(str(e.error)))

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, message: Any) -> None:
        if "XSS" in message.text:
            self.consoles.append(message.text)
        if "Content Security Policy" in message.text:
            self.refused.append(message.text)
        if "Blocked script execution" in message.text:
            self.blocked.append(message.text)

    def ran(self) -> dict[str, list[str]]:
        """Every sign of a script that ran, by detector (empty when none did)."""
        signs = {"dialogs": self.dialogs, "console": self.consoles, "requests": self.markers}
        return {name: found for name, found in signs.items() if found}

    def clear(self) -> None:
        for found in (self.dialogs, self.consoles, self.markers, self.refused, self.blocked,
                      self.errors):  # fmt: skip
            found.clear()


@dataclass
class Portal:
    url: str
    refusals: dict[str, str]


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    root = tmp_path_factory.mktemp("docs-xss-portal")
    svg, fake, js = SVG, FAKE_PNG, EVIL_JS
    sites: dict[str, dict[str, str | bytes]] = {
        HOSTILE: {"catalog-info.yaml": HOSTILE_CATALOG, "mkdocs.yml": MKDOCS,
                  "docs/index.md": INDEX, "docs/payloads.md": PAYLOADS, "docs/links.md": LINKS,
                  "docs/mutation.md": MUTATION, "docs/titled.md": TITLED,
                  "docs/raw.html": RAW_HTML, "docs/evil.js": js, "docs/img/evil.svg": svg,
                  "docs/img/fake.png": fake, "docs/img/real.png": png(8, 8)},
        "refused-js": {"mkdocs.yml": REFUSED_JS, "docs/index.md": "# Refused\n",
                       "docs/evil.js": js},
        "refused-nav": {"mkdocs.yml": REFUSED_NAV, "docs/index.md": "# Refused\n"},
    }  # fmt: skip
    config = docs_portal_config(root, sites)
    var = root / "var"
    with browser_portal(var, ["techdocs", "build", f"component:default/{HOSTILE}"],
                        GREENROOM_CONFIG=str(config)) as url:  # fmt: skip
        env = portal_env(var, GREENROOM_ADMIN_PASSWORD=PASSWORD, GREENROOM_CONFIG=str(config))
        refusals = {}
        for name in REFUSED:
            result = manage("techdocs", "build", f"component:default/{name}", env=env)
            assert result.returncode != 0, f"{name} was built: {result.stdout}"
            refusals[name] = result.stderr
        yield Portal(url, refusals)


def signed_in(browser: Any, url: str, detector: Detector, *, bypass_csp: bool) -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 800},
                                  bypass_csp=bypass_csp)  # fmt: skip
    detector.attach(context)
    page = context.new_page()
    page.goto(f"{url}/login/")
    log_in(page)
    page.wait_for_url(f"{url}/")
    return page


def control(page: Any, url: str, detector: Detector, *, csp: bool) -> None:
    """The detectors see a script that does run (on a blank page, outside the portal)."""
    page.goto("about:blank")
    page.set_content(f"<script>{act('control').replace('/xss-marker', url + '/xss-marker')}"
                     "</script>")  # fmt: skip
    page.wait_for_timeout(300)
    assert detector.dialogs == ["xss control"]
    assert detector.consoles == ["XSS control"]
    assert detector.markers == [f"{url}/xss-marker/control"]
    assert page.evaluate("window.__xss") == "control"
    detector.clear()
    if csp:  # and a script a CSP stops is seen as refused, with nothing run
        page.set_content("<meta http-equiv='Content-Security-Policy' content=\"script-src 'none'\">"
                         f"<script>{act('control-csp')}</script>")  # fmt: skip
        page.wait_for_timeout(300)
        assert detector.refused and detector.ran() == {}, detector
        detector.clear()


def markers_set(page: Any) -> list[str]:
    """``window.__xss`` wherever it is set: the page and each of its frames."""
    found = []
    for frame in page.frames:
        if frame.is_detached():
            continue
        value = frame.evaluate("window.__xss")
        if value is not None:
            found.append(f"{frame.url}: {value}")
    return found


def settle(page: Any) -> None:
    """Long enough for a failed image's onerror, an onload or a refresh to fire."""
    page.wait_for_load_state("load")
    page.wait_for_timeout(250)


def visit(page: Any, address: str, detector: Detector) -> None:
    page.goto(address)
    settle(page)
    assert markers_set(page) == [], address
    assert detector.ran() == {}, address


def touch(page: Any, words: str) -> bool:
    """Hover, then click, the first element of the article showing ``words``; False if
    no element shows them (the sanitiser dropped it with its content)."""
    found = page.locator("article.docs-content").get_by_text(words, exact=True)
    if found.count() == 0:
        return False
    target = found.first
    target.hover()
    target.focus()
    target.click()
    settle(page)
    return True


def svg_opened(page: Any, detector: Detector, *, csp: bool) -> None:
    """The SVG file shown on its own: its scripts are stopped by the sandboxing CSP the
    file is served with, the only defence a document of its own has; with CSP
    bypassed they run, a second positive control (in the portal's origin this time)."""
    assert page.url.split("?")[0].endswith("/img/evil.svg"), page.url
    if csp:
        assert detector.blocked, "the sandbox, not luck, kept the SVG's script from running"
        detector.blocked.clear()
        return
    assert markers_set(page), "without its CSP the SVG's script runs"
    assert "xss svg-script" in detector.dialogs or "xss svg-onload" in detector.dialogs
    page.evaluate("delete window.__xss")
    detector.clear()


@pytest.mark.parametrize("csp", ["csp", "no-csp"])
def test_no_docs_script_runs_in_the_browser(portal: Portal, csp: str) -> None:
    detector = Detector()
    with chromium() as browser:
        page = signed_in(browser, portal.url, detector, bypass_csp=csp == "no-csp")
        control(page, portal.url, detector, csp=csp == "csp")

        for path in PAGES:
            visit(page, f"{portal.url}{SITE}{path}", detector)
            assert page.locator("article.docs-content").count() == 1, path
            if path == "titled/":  # a title from the front matter, shown as text
                assert page.title().startswith("window.__xss='front-matter';"), page.title()
            for words in TOUCHED.get(path, []):
                touch(page, words)
                if page.url.split("#")[0] != f"{portal.url}{SITE}{path}":
                    page.goto(f"{portal.url}{SITE}{path}")
                assert markers_set(page) == [] and detector.ran() == {}, (path, words)
            if csp == "csp":
                screenshot(page, f"docs-xss-{path.strip('/').replace('.', '-') or 'home'}")
        page.goto(f"{portal.url}{SITE}")
        assert page.locator("article.docs-content img[alt='svg as an image']").count() == 1
        assert page.locator(".docs-header h1").inner_text() == f"Hostile {TITLE}"  # as text

        # The hostile links: each is clicked, wherever it leads.
        links = f"{portal.url}{SITE}links/"
        clicked = []
        page.goto(links)
        for words in CLICKED:
            if page.url != links:  # the last click left the page
                page.goto(links)
            if touch(page, words):
                clicked.append(words)
            if words == "svg direct":
                svg_opened(page, detector, csp=csp == "csp")
            assert markers_set(page) == [] and detector.ran() == {}, (words, page.url)
        assert {"svg direct", "fake png", "script file"} <= set(clicked), clicked

        # The files, opened on their own: inert, typed from their extension.
        for path, kind in FILES_SERVED.items():
            response = page.goto(f"{portal.url}{FILES}{path}")
            assert response is not None and response.status == 200, path
            assert response.headers["content-type"].startswith(kind), path
            assert response.headers["x-content-type-options"] == "nosniff"
            settle(page)
            if path.endswith(".svg"):
                svg_opened(page, detector, csp=csp == "csp")
            assert markers_set(page) == [] and detector.ran() == {}, path

        # The portal's own pages that show the site's and the entity's names.
        for address in ("/docs/", f"/catalog/default/component/{HOSTILE}",
                        f"/catalog/default/component/{HOSTILE}/docs",
                        f"/docs/_build/default/component/{HOSTILE}/"):  # fmt: skip
            visit(page, f"{portal.url}{address}", detector)
            if address == "/docs/":
                assert f"Hostile {TITLE}" in page.locator("main").text_content()

        # The refused sites: their pages say why, and nothing of theirs runs.
        for name, setting in REFUSED.items():
            assert setting in portal.refusals[name], portal.refusals[name]
            visit(page, f"{portal.url}/docs/default/component/{name}/", detector)
            problem = page.locator(".docs-problem")
            assert problem.count() == 1, name
            assert setting in problem.inner_text(), name
            if csp == "csp":
                screenshot(page, f"docs-xss-{name}")

        assert detector.ran() == {}
        if csp == "csp":
            # Nothing was left for the CSP to stop: the sanitiser had removed it all.
            assert detector.refused == [], detector.refused
        assert detector.errors == [], detector.errors
