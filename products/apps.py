from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductsConfig(AppConfig):
    name = "products"
    verbose_name = _("Producers, products and dossiers")

    def ready(self):
        from ocop import delivery, demo
        from products import domain, registration, rules  # noqa: F401 - registers rules and audit labels

        demo.register_step("products", "products.demo.seed_products", order=20)
        demo.register_step("commune_receipts", "products.demo.seed_commune_receipts", order=21)
        demo.register_step("forms", "products.demo_forms.seed_forms", order=22)
        delivery.register_deadline_scanner("products.reminders.scan")  # the commune's 15 working days
