"""Browser journeys: Python Playwright driving Debian's chromium against the live server."""

import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


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


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


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
