import factory

from apps.accounts.enums import Role
from apps.enterprises.enums import District, MembershipStatus
from apps.enterprises.models import Enterprise, EnterpriseMembership
from tests.factories.accounts import UserFactory
from tests.factories.uscc import make_uscc


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise
        django_get_or_create = ["uscc"]

    uscc = factory.Sequence(lambda n: make_uscc(1000 + n))
    name = factory.Sequence(lambda n: f"北京测试科技有限公司{n}")
    district = District.HAIDIAN


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnterpriseMembership

    user = factory.SubFactory(UserFactory, role=Role.ENTERPRISE)
    enterprise = factory.SubFactory(EnterpriseFactory)
    status = MembershipStatus.ACTIVE
