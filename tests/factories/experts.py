import factory

from apps.accounts.enums import Role
from apps.experts.models import Expert
from tests.factories.accounts import UserFactory
from tests.factories.uscc import make_uscc


class ExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expert
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, role=Role.EXPERT)
    email = factory.LazyAttribute(lambda o: o.user.email if o.user else "expert@example.cn")
    name = factory.Sequence(lambda n: f"专家{n}")
    organisation = factory.Sequence(lambda n: f"测试研究院{n}")
    organisation_uscc = factory.Sequence(lambda n: make_uscc(50000 + n, division="110105"))
    title = "研究员"
    roles = factory.LazyFunction(lambda: ["committee"])
    status = "appointed"

    @factory.post_generation
    def specialties(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.specialties.set(extracted)
