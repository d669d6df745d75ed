"""Browser journeys: Python Playwright driving Debian's chromium against the live server."""

import shutil
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LANGUAGE_COOKIE = settings.LANGUAGE_COOKIE_NAME
# WCAG 2.1 A and AA rules (GB/T 37668-2019 builds on them) plus axe's best practices.
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
    },
}
BLOCKING_IMPACTS = ("critical", "serious")
# Pages that are not the portal's own markup: Swagger UI (drf-spectacular's vendored bundle).
AXE_EXEMPT_PATHS = ("/api/docs/",)
# No rule is left out anywhere: Django's admin widgets that broke two (the split date/time
# inputs without labels, the filter_horizontal boxes' aria-label on a <span>) are mended in
# apps.core.admin_display.LabelledSplitDateTime and static/js/admin-a11y.js.
AXE_EXEMPT_RULES: dict[str, set[str]] = {}


def pytest_collection_modifyitems(config, items):
    """Everything under tests/browser carries the `browser` mark, so a run can leave the
    journeys out (`-m "not browser"`, as `.ci/run`'s embedded-services pass does)."""
    for item in items:
        if "tests/browser/" in item.nodeid:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which("chromium"):
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def axe_problems(page):
    """Run axe-core on the page as it is now; return its critical and serious violations as
    readable lines (rule id, impact, summary, then each offending element's selector)."""
    results = Axe().run(page, options=AXE_OPTIONS)
    path = urlsplit(page.url).path
    exempt = set().union(*(rules for p, rules in AXE_EXEMPT_RULES.items() if path.startswith(p)))
    lines = []
    for violation in results.response["violations"]:
        if violation["impact"] not in BLOCKING_IMPACTS or violation["id"] in exempt:
            continue
        targets = "; ".join(" ".join(map(str, node["target"])) for node in violation["nodes"][:8])
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
    return lines


@pytest.fixture
def assert_accessible(page):
    """assert_accessible(): axe-core finds no critical or serious violation on the current page."""

    page.watch.axe_on_load = False  # the test checks each page itself

    def check():
        problems = axe_problems(page)
        assert not problems, f"axe on {page.url}:\n" + "\n".join(problems)

    return check


class PageWatch:
    """What a journey's page did wrong: axe violations on each page it loaded, in Chinese and
    in English, console errors, uncaught script errors, failed requests and sub-resources
    answered with an error status.

    Every page the journey loads is checked before the journey does anything else with it
    (`WatchedPage` calls `settle` first): axe on the page as loaded, in the language the
    journey reads it in, then the same address opened in a second browser context with the
    journey's cookies but the other language, and axe there too (once per address). So every
    page of every journey is checked in both languages, none half-loaded. A form answered
    with its errors is checked as shown, in its language; the other language sees the address
    fetched anew. A test that checks pages itself calls `assert_accessible` (which turns this
    off for that test)."""

    def __init__(self, page, browser=None, base_url=""):
        self.page = page
        self.browser = browser
        self.base_url = base_url
        self.problems = []
        self.axe_on_load = True
        self.loaded = None  # the address of a page loaded and not yet checked
        self.other_language_checked = set()
        self._helper = None
        page.on("load", self.on_load)
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        page.on("requestfailed", self.on_request_failed)
        page.on("response", self.on_response)

    def on_load(self, page):
        self.loaded = page.url  # checked when the journey next touches the page (settle)

    def settle(self):
        """Check the page the journey last loaded, if it has not been checked yet."""
        url, self.loaded = self.loaded, None
        if url is None or not self.axe_on_load or url != self.page.url:
            return
        if not url.startswith(self.base_url) or urlsplit(url).path.startswith(AXE_EXEMPT_PATHS):
            return
        try:
            language = self.page.evaluate("document.documentElement.lang") or "zh-hans"
            lines = axe_problems(self.page)
        except PlaywrightError as error:
            # The page moved on by itself (a refresh, a script's redirect): its next load is
            # checked instead.
            if any(word in str(error) for word in ("context was destroyed", "navigat")):
                return
            raise
        self.problems.extend(f"axe on {url} [{language}]: {line}" for line in lines)
        other = "zh-hans" if language == "en" else "en"
        if self.browser is not None and url not in self.other_language_checked:
            self.other_language_checked.add(url)
            self.problems.extend(self._check_in(url, other))

    def _check_in(self, url, language):
        """Axe on `url` opened as the journey's user, in `language`."""
        if self._helper is None:
            self._helper = self.browser.new_context(base_url=self.base_url).new_page()
        cookies = [c for c in self.page.context.cookies() if c["name"] != LANGUAGE_COOKIE]
        cookies.append({"name": LANGUAGE_COOKIE, "value": language, "url": self.base_url})
        context = self._helper.context
        context.clear_cookies()
        context.add_cookies(cookies)
        try:
            response = self._helper.goto(url)
            if response is None or not response.ok:
                return []  # a page refused on purpose
            if "text/html" not in response.headers.get("content-type", ""):
                return []
            lines = axe_problems(self._helper)
        except PlaywrightError as error:
            if any(word in str(error) for word in ("context was destroyed", "navigat", "Download")):
                return []  # a page that refreshes itself, or a file
            raise
        return [f"axe on {url} [{language}]: {line}" for line in lines]

    def close(self):
        if self._helper is not None:
            self._helper.context.close()

    def on_console(self, message):
        # A page answered 4xx on purpose (a refused URL) logs "Failed to load resource";
        # sub-resources are checked in on_response instead.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console error on {self.page.url}: {message.text}")

    def on_request_failed(self, request):
        failure = request.failure or ""
        if "ERR_ABORTED" in failure:
            return  # cancelled by the browser: the journey navigated on, or a download
        self.problems.append(f"request failed: {request.method} {request.url} ({failure})")

    def on_response(self, response):
        request = response.request
        if response.status >= 400 and request.resource_type not in ("document", "xhr", "fetch"):
            self.problems.append(f"{response.status} for {request.resource_type} {request.url}")


class WatchedPage:
    """The journey's page (Playwright's Page): each use first settles the watch, so the page
    the journey last loaded is checked before the journey clicks, types or reads on."""

    def __init__(self, page, watch):
        object.__setattr__(self, "_page", page)
        object.__setattr__(self, "_watch", watch)

    def __getattr__(self, name):
        self._watch.settle()
        return getattr(self._page, name)

    def __setattr__(self, name, value):
        setattr(self._page, name, value)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    real = context.new_page()
    real.set_default_timeout(10_000)
    real.watch = PageWatch(real, browser, live_server.url)
    yield WatchedPage(real, real.watch)
    real.watch.settle()  # the journey's last page
    real.watch.close()
    context.close()
    problems = dict.fromkeys(real.watch.problems)
    assert not problems, "The journey's pages had problems:\n" + "\n".join(problems)


@pytest.fixture
def login(page, password):
    """login(user): sign in through the real login form."""

    def sign_in(user):
        page.goto("/accounts/login/")
        page.fill("#id_username", user.email)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()

    return sign_in


@pytest.fixture
def register_enterprise(page, login, bureau_user):
    """register_enterprise(email, password): a new enterprise registers through the public
    form, bureau staff activate it, and its user signs in; all in the browser."""

    def register(email, password, *, uscc="91110108551385082Q", name="北京浏览器测试有限公司"):
        page.goto("/")
        page.click("text=企业注册")
        page.fill("#id_uscc", uscc)
        page.fill("#id_enterprise_name", name)
        page.select_option("#id_district", "haidian")
        page.fill("#id_contact_name", "王五")
        page.fill("#id_email", email)
        page.fill("#id_password1", password)
        page.fill("#id_password2", password)
        page.check("#id_privacy_consent")
        page.click("button[type=submit]")
        page.wait_for_selector("text=注册申请已提交")

        login(bureau_user)
        page.goto("/staff/registrations/")
        page.click("button:has-text('激活')")
        page.wait_for_selector("text=没有待处理的注册申请")
        page.click("button:has-text('退出')")

        page.goto("/accounts/login/")
        page.fill("#id_username", email)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()

    return register
