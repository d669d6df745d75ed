"""What every role's part of the walk shares: who is signed in, the mails they receive, the
clock, and reading the page as a person reads it."""

import datetime
import re
from dataclasses import dataclass, field

from django.core import mail

LINK = re.compile(r"https?://[^\s<>\"]+")
# A page in human words: no raw status codes of the workflows, no bare database ids in text.
RAW_STATUS = re.compile(
    r"\b(draft|submitted|expert_review|public_comment|approved|returned|reviewed|notice|"
    r"published|withdrawn|upheld|dismissed|revoked|expired|pending|active|open|"
    r"leader_standard|random_sample|below_mandatory|approve|revise|reject)\b"
)


@dataclass
class Person:
    """Someone who signs in: the role's email and password."""

    email: str
    password: str
    name: str = ""


@dataclass
class Walk:
    """The shared state of the year: the browser page, the clock and what the walk has learnt
    from the pages (names, codes) on the way."""

    page: object
    clock: object
    year: int
    people: dict = field(default_factory=dict)
    seen: dict = field(default_factory=dict)

    # -- signing in and out ------------------------------------------------------------------

    def sign_in(self, who: Person, landing: str):
        """Sign in through the login form; the role lands on its workspace `landing`."""
        page = self.page
        page.goto("/")
        page.click("nav >> text=登录")
        page.fill("#id_username", who.email)
        page.fill("#id_password", who.password)
        page.click("main button[type=submit]")
        page.wait_for_url(f"**{landing}")
        assert_human_words(page)

    def sign_out(self):
        self.page.click("nav button:has-text('退出')")
        self.page.wait_for_load_state()

    def open_role_menu(self, entry: str):
        """The role's menu in the header, then one of its entries."""
        page = self.page
        page.click("nav .dropdown-toggle")
        page.click(f"nav .dropdown-menu >> text={entry}")
        page.wait_for_load_state()
        assert_human_words(page)

    # -- mail --------------------------------------------------------------------------------

    def mails_to(self, email: str, subject_has: str = "") -> list:
        return [m for m in mail.outbox if email in m.to and subject_has in m.subject]

    def link_in_last_mail(self, email: str, subject_has: str = "", path_has: str = "") -> str:
        """The portal link of the newest mail to `email` (whose subject has `subject_has`):
        what the person clicks in their mail client."""
        mails = self.mails_to(email, subject_has)
        assert mails, f"no mail to {email} about {subject_has!r}: " + "; ".join(
            f"{m.to} {m.subject}" for m in mail.outbox
        )
        links = [
            link.rstrip(".,)。，") for link in LINK.findall(mails[-1].body) if path_has in link
        ]
        assert links, f"no link with {path_has!r} in: {mails[-1].body}"
        return links[0]

    def follow_mail_link(self, email: str, subject_has: str = "", path_has: str = ""):
        self.page.goto(self.link_in_last_mail(email, subject_has, path_has))
        self.page.wait_for_load_state()

    # -- time --------------------------------------------------------------------------------

    def days_pass(self, days: int):
        """The calendar moves on (a comment period, a public notice): the portal's clock, not
        its data, changes."""
        self.clock.advance(datetime.timedelta(days=days))


def assert_human_words(page):
    """The page's main text carries no workflow status codes (the labels are the words)."""
    text = page.inner_text("main") if page.locator("main").count() else ""
    found = RAW_STATUS.findall(text)
    assert not found, f"{page.url} shows codes instead of words: {sorted(set(found))}"
