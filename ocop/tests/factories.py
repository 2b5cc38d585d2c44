import factory
from django.contrib.auth import get_user_model

from ocop.models import Authority, Commune, Profile


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Authority
        django_get_or_create = ("code",)

    name = "UBND huyện Lục Nam"
    short_name = "Lục Nam"
    code = "LN"
    province = "Bắc Giang"


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    authority = factory.SubFactory(AuthorityFactory)
    name = factory.Sequence(lambda n: f"Xã Thử {n}")
    slug = factory.Sequence(lambda n: f"xa-thu-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests")
    profile = factory.RelatedFactory(
        "ocop.tests.factories.ProfileFactory",
        factory_related_name="user",
        full_name=factory.SelfAttribute("..username"),
    )

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)
