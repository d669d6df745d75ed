"""Experts' personal data: the roster's privacy notice on the staff forms (recommendation and
appointment) and on the expert's own profile form, which needs the expert's consent and
records its time; the phone is stored encrypted and shown to staff."""

import pytest
from django.db import connection
from django.utils import timezone

from apps.core.models import AuditEntry
from apps.experts.models import Expert
from tests.factories.evaluators import CategoryFactory
from tests.factories.experts import ExpertFactory
from tests.pages import submit

pytestmark = pytest.mark.django_db


def test_staff_forms_carry_the_notice_and_keep_the_phone(client, bureau_user):
    category = CategoryFactory()
    client.force_login(bureau_user)
    page = client.get("/staff/experts/").content.decode()
    assert "个人信息处理说明" in page and "请将下面的个人信息处理说明告知被推荐的专家" in page
    response = submit(
        client,
        "/staff/experts/",
        {
            "email": "chen@example.cn",
            "name": "陈工",
            "organisation": "北京市标准化研究院",
            "phone": "13511112222",
            "specialties": [str(category.pk)],
            "roles": ["committee"],
        },
    )
    assert response.status_code == 302
    expert = Expert.objects.get()
    assert expert.phone == "13511112222"
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM experts_expert WHERE id = %s", [expert.pk])
        assert cursor.fetchone()[0].startswith("sm4$")
    detail = client.get(f"/staff/experts/{expert.pk}/").content.decode()
    assert "13511112222" in detail
    assert "聘任即按下面的说明处理该专家的个人信息" in detail
    assert "本人尚未在专家工作台确认" in detail
    entry = AuditEntry.objects.get(action="expert.recommend")
    assert entry.changes["phone"] == [None, "******"]


def test_the_expert_keeps_their_phone_with_consent(client, bureau_user):
    expert = ExpertFactory(phone="")
    client.force_login(expert.user)
    page = client.get("/workspace/expert/").content.decode()
    assert "我的联系方式" in page and "个人信息处理说明" in page
    refused = submit(client, "/workspace/expert/", {"phone": "13622223333"})
    assert "请阅读并同意个人信息处理说明后再提交" in refused.content.decode()
    expert.refresh_from_db()
    assert (expert.phone, expert.privacy_consent_at) == ("", None)

    before = timezone.now()
    response = submit(
        client, "/workspace/expert/", {"phone": "13622223333", "privacy_consent": "on"}
    )
    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.phone == "13622223333" and expert.privacy_consent_at >= before
    entry = AuditEntry.objects.get(action="expert.profile_update")
    assert entry.actor == expert.user and entry.changes["phone"] == ["", "******"]
    # Staff see the number and that the expert agreed.
    client.force_login(bureau_user)
    detail = client.get(f"/staff/experts/{expert.pk}/").content.decode()
    assert "13622223333" in detail and "在专家工作台同意" in detail
