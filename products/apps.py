from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductsConfig(AppConfig):
    name = "products"
    verbose_name = _("Producers, products and dossiers")

    def ready(self):
        from ocop import demo
        from products import domain, registration, rules  # noqa: F401 - registers rules and audit labels

        demo.register_step("products", "products.demo.seed_products", order=20)
        demo.register_step("forms", "products.demo_forms.seed_forms", order=21)
