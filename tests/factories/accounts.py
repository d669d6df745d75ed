import factory

from apps.accounts.enums import Role
from apps.accounts.models import User

PASSWORD = "Leader-Portal-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.cn")
    name = factory.Faker("name", locale="zh_CN")
    role = Role.ENTERPRISE
    is_active = True
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()
