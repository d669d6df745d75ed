"""CONTRACT.md §4 [2026-12]: a draft plan's seed, items and population stay with bureau staff;
the public sees the commitment (SHA-256 of the seed's decimal text) and, once the plan is
approved, the seed that hashes to it. Public pages and CSV never show inspectors' e-mails."""

import datetime
import hashlib
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from apps.accounts.enums import Role
from apps.supervision import services
from apps.supervision.forms import SEED_LIMIT
from apps.supervision.models import SpotCheckPlan
from tests.factories.accounts import UserFactory
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.evaluators import StandardFactory
from tests.factories.experts import ExpertFactory
from tests.factories.leaders import LeaderFactory
from tests.factories.uscc import make_uscc

pytestmark = pytest.mark.django_db

YEAR = 2027
SEED = 8_734_112_905_331_774_021  # its decimal text appears nowhere else by chance
COMMITMENT = hashlib.sha256(str(SEED).encode()).hexdigest()


@pytest.fixture
def plan(db):
    firm = EnterpriseFactory(uscc=make_uscc(1, division="110108"), name="北京抽查样本有限公司")
    StandardFactory(enterprise=firm, standard_no="Q/BJ 777-2026")
    StandardFactory(enterprise=EnterpriseFactory(uscc=make_uscc(2, division="110108")))
    for n in range(4):
        ExpertFactory(
            email=f"inspector{n}@example.cn", name=f"检查员{n}", user=None, roles=["inspector"]
        )
    return services.plan_generate(year=YEAR, seed=SEED, rate=Decimal("1"))


def outsiders():
    return {
        "anonymous": None,
        "enterprise": UserFactory(role=Role.ENTERPRISE),
        "expert": UserFactory(role=Role.EXPERT),
        "evaluator": UserFactory(role=Role.EVALUATOR),
    }


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def shown_commitment(page: str) -> str:
    return re.search(r'id="commitment">([0-9a-f]{64})<', page).group(1)


def test_draft_shows_outsiders_only_the_commitment(plan, client_for):
    standard = plan.items.get(position=1).standard
    for role, user in outsiders().items():
        client = client_for(user)
        listing = client.get("/spotchecks/")
        page = client.get(f"/spotchecks/{YEAR}/")
        for response in (listing, page):
            assert response.status_code == 200, role
            assert COMMITMENT in body(response), role
            assert str(SEED) not in body(response), role
        assert "Q/BJ 777-2026" not in body(page), role
        assert page.context["plan"].seed is None and page.context["plan"].population_size is None
        assert page.context["items"] == []
        assert [p.seed for p in listing.context["plans"]] == [None]
        assert client.get(f"/spotchecks/{YEAR}/export.csv").status_code == 404, role
        # The public API and the public statistics hold nothing of the draft either.
        for path in (
            f"/api/v1/standards/?uscc={standard.enterprise.uscc}",
            f"/api/v1/standards/{standard.pk}/",
            f"/api/v1/enterprises/{standard.enterprise.uscc}/",
            "/api/schema/",
            "/statistics/",
            "/statistics/spotchecks.csv",
        ):
            response = client.get(path)
            assert response.status_code == 200, (role, path)
            assert str(SEED) not in body(response), (role, path)
            assert COMMITMENT not in body(response), (role, path)
        assert body(client.get("/statistics/spotchecks.csv")).count("\n") == 1  # header only


def test_draft_is_shown_to_staff_and_kept_out_of_caches(plan, client_for, bureau_user, admin_user):
    for user in (bureau_user, admin_user):
        client = client_for(user)
        page = client.get(f"/spotchecks/{YEAR}/")
        assert str(SEED) in body(page) and COMMITMENT in body(page)
        assert "Q/BJ 777-2026" in body(page)
        assert page.context["plan"].population_size == 2
        assert "no-store" in page["Cache-Control"]
        assert str(SEED) in body(client.get("/spotchecks/"))
        csv = client.get(f"/spotchecks/{YEAR}/export.csv")
        assert csv.status_code == 200 and "no-store" in csv["Cache-Control"]
        assert len(body(csv).splitlines()) == 3
    # An anonymous visitor right after staff (the page cache, if any, would hold staff's page).
    client = client_for(None)
    for _ in range(2):
        response = client.get(f"/spotchecks/{YEAR}/")
        assert str(SEED) not in body(response) and "Q/BJ 777-2026" not in body(response)


def test_after_approval_the_seed_matches_the_commitment_shown_before(plan, client_for, bureau_user):
    client = client_for(None)
    before = shown_commitment(body(client.get(f"/spotchecks/{YEAR}/")))
    staff = client_for(bureau_user)
    staff.post(f"/spotchecks/{YEAR}/approve/")
    assert SpotCheckPlan.objects.get().status == "approved"

    client = client_for(None)
    page = body(client.get(f"/spotchecks/{YEAR}/"))
    seed = re.search(r"<dd class=\"col-sm-9\"><code>(\d+)</code>", page).group(1)
    assert hashlib.sha256(seed.encode()).hexdigest() == before == shown_commitment(page)
    assert f'hashlib.sha256(b"{seed}").hexdigest()' in page  # how to check it, spelled out
    assert "Q/BJ 777-2026" in page and seed == str(SEED)
    assert str(SEED) in body(client.get("/spotchecks/"))
    assert str(SEED) not in body(client.get("/statistics/spotchecks.csv"))
    assert f"{YEAR}," in body(client.get("/statistics/spotchecks.csv"))


def test_public_pages_and_csv_name_inspectors_without_their_emails(plan, client_for, bureau_user):
    services.plan_approve(plan=plan, actor=bureau_user)
    for user in (None, bureau_user):
        client = client_for(user)
        page = body(client.get(f"/spotchecks/{YEAR}/"))
        csv = body(client.get(f"/spotchecks/{YEAR}/export.csv"))
        assert "@" not in csv
        assert not [f"inspector{n}@example.cn" for n in range(4) if f"inspector{n}@" in page]
        first = plan.items.select_related("inspector_1", "inspector_2").get(position=1)
        assert csv.splitlines()[0] == "uscc,standard_no,reason,inspector_1,inspector_2"
        assert csv.splitlines()[1] == ",".join(
            [
                first.standard.enterprise.uscc,
                first.standard.standard_no,
                first.reason,
                first.inspector_1.name,
                first.inspector_2.name,
            ]
        )
        assert first.inspector_1.name in page


def test_export_csv_command_keeps_the_contract_format_with_emails(plan, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "plan.csv"
    call_command("export_csv", "spotcheck", str(path), year=YEAR)
    lines = path.read_bytes().decode("utf-8").splitlines()
    assert lines[0] == "\ufeffuscc,standard_no,reason,inspector_1,inspector_2"
    first = plan.items.select_related("inspector_1", "inspector_2").get(position=1)
    assert lines[1] == ",".join(
        [
            first.standard.enterprise.uscc,
            first.standard.standard_no,
            first.reason,
            first.inspector_1.email,
            first.inspector_2.email,
        ]
    )


def test_findings_are_shown_by_their_labels(client_for, bureau_user):
    leader = LeaderFactory(
        year=YEAR - 1,
        standard=StandardFactory(enterprise=EnterpriseFactory(uscc=make_uscc(3, "110108"))),
        valid_until=datetime.date(2030, 1, 1),
    )
    for n in range(2):
        ExpertFactory(email=f"i{n}@example.cn", user=None, roles=["inspector"])
    plan = services.plan_generate(year=YEAR, seed=SEED, rate=Decimal("0"))
    services.plan_approve(plan=plan, actor=bureau_user)
    item = plan.items.get()
    assert item.standard == leader.standard
    services.item_record_result(
        item=item, passed=False, findings=["inconsistent", "numbering"], actor=bureau_user
    )
    page = body(client_for(None).get(f"/spotchecks/{YEAR}/"))
    assert "标准文本与声明内容不一致、标准编号不符合规则" in page
    assert "inconsistent" not in page and "numbering" not in page


class _Form(HTMLParser):
    def __init__(self, action):
        super().__init__()
        self.action, self.inside, self.fields = action, False, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("action") == self.action
        elif self.inside and tag == "input" and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def rendered_form(page: str, action: str) -> dict:
    parser = _Form(action)
    parser.feed(page)
    return parser.fields


def test_staff_page_offers_a_cryptographically_random_seed(plan, client_for, bureau_user):
    client = client_for(bureau_user)
    action = reverse("supervision:plan_generate")
    pages = [body(client.get("/spotchecks/")) for _ in range(2)]
    fields = [rendered_form(page, action) for page in pages]
    seeds = [int(f["seed"]) for f in fields]
    # 63 random bits: two equal offers, or one below 2**32, has odds of about 1 in 2**31.
    assert seeds[0] != seeds[1] and all(2**32 < seed < SEED_LIMIT for seed in seeds)
    assert "穷举" in pages[0]  # the page says why
    fields[0]["year"] = str(YEAR + 1)
    response = client.post(action, fields[0])
    assert response.status_code == 302
    assert SpotCheckPlan.objects.get(year=YEAR + 1).seed == seeds[0]


def test_staff_seed_above_64_bits_is_refused(client_for, bureau_user):
    client = client_for(bureau_user)
    response = client.post(
        reverse("supervision:plan_generate"),
        {"year": YEAR, "seed": SEED_LIMIT, "rate": "0.05"},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert len(messages) == 1 and messages[0].startswith("随机种子: ")
    assert str(SEED_LIMIT - 1) in messages[0]
    assert not SpotCheckPlan.objects.exists()
