import datetime

import factory
from django.utils import timezone

from apps.accounts.enums import Role
from apps.incentives.models import EnterprisePilot, Programme, Provider, ProviderMembership
from tests.factories.accounts import UserFactory
from tests.factories.enterprises import EnterpriseFactory, MembershipFactory
from tests.factories.leaders import LeaderFactory, LeaderStandardFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"北京测试银行第{n}支行")
    kind = "bank"


class ProviderMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderMembership

    user = factory.SubFactory(UserFactory, role=Role.PARTNER)
    provider = factory.SubFactory(ProviderFactory)


def partner_user(provider=None):
    return ProviderMembershipFactory(**({"provider": provider} if provider else {})).user


class ProgrammeFactory(factory.django.DjangoModelFactory):
    """An open credit-support programme: active leader, Beijing only, two documents."""

    class Meta:
        model = Programme

    code = factory.Sequence(lambda n: f"credit-{n}")
    name = factory.Sequence(lambda n: f"领跑者信用贷款{n}")
    kind = "credit"
    provider = factory.SubFactory(ProviderFactory)
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    required_documents = factory.LazyFunction(lambda: ["营业执照", "贷款申请书"])


def valid_leader(enterprise=None, **kwargs):
    """A leader title valid today and for years to come."""
    standard_kwargs = {"enterprise": enterprise} if enterprise else {}
    defaults = {
        "year": 2025,
        "published_on": datetime.date(2025, 12, 1),
        "valid_until": timezone.localdate() + datetime.timedelta(days=700),
        "standard": LeaderStandardFactory(**standard_kwargs),
    }
    defaults.update(kwargs)
    return LeaderFactory(**defaults)


def leader_enterprise_user(**leader_kwargs):
    """An active enterprise user whose (Beijing) enterprise holds a valid leader title."""
    membership = MembershipFactory(enterprise=EnterpriseFactory())
    valid_leader(membership.enterprise, **leader_kwargs)
    return membership.user


def bank_credit_application(documents: dict):
    """(application, partner user who decides it): a leader's application to a `bank-credit`
    programme with `documents` ({name: upload}), submitted through the service."""
    from apps.incentives import services

    programme = ProgrammeFactory(code="bank-credit")
    applicant, partner = leader_enterprise_user(), partner_user(programme.provider)
    application = services.application_submit(
        programme=programme,
        enterprise=applicant.membership.enterprise,
        documents=documents,
        actor=applicant,
    )
    return application, partner


class EnterprisePilotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnterprisePilot

    enterprise = factory.SubFactory(EnterpriseFactory)
    tag = "standardisation_pilot"
    since = 2024
