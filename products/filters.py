"""Filtering of the producer, product and dossier lists; shared by the list pages and the Excel exports."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ocop import rules
from ocop.forms import ALL_CHOICE
from ocop.lib.collation import vi_order
from ocop.lib.search import search_filter
from ocop.models import Commune
from products.enums import DossierStatus, RegistrationType
from products.models import Product
from programme.criteria import product_groups
from programme.models import CriteriaSet, ProgrammeYear, Round


class ListFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=Commune.objects.none(), required=False)
    criteria_set = forms.ModelChoiceField(label=_("Product group"), queryset=CriteriaSet.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if rules.commune_id_of(user):
            del self.fields["commune"]  # a commune official sees one commune only
        else:
            self.fields["commune"].queryset = Commune.objects.visible_to(user).order_by(vi_order("name"))
        self.fields["criteria_set"].queryset = product_groups()


# How far a dossier got (the dashboard's funnel links here): each step includes the ones after it.
OUTCOME_CHOICES = [
    ("", "---------"),
    ("submitted", _("Submitted at least once")),
    ("scored", _("Scored by the council")),
    ("recognised", _("Recognised")),
    ("certified", _("Certified")),
]


class DossierFilterForm(ListFilterForm):
    year = forms.ModelChoiceField(label=_("Programme year"), queryset=ProgrammeYear.objects.none(), required=False)
    round = forms.ModelChoiceField(label=_("Round"), queryset=Round.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[ALL_CHOICE, *DossierStatus.choices], required=False)
    registration_type = forms.ChoiceField(
        label=_("Registration type"), choices=[ALL_CHOICE, *RegistrationType.choices], required=False
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=OUTCOME_CHOICES, required=False)
    star = forms.TypedChoiceField(
        label=_("Recognised star"),
        choices=[("", "---------"), *((n, f"{n}★") for n in range(1, 6))],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["year"].queryset = ProgrammeYear.objects.order_by("-year")
        self.fields["year"].label_from_instance = lambda year: str(year.year)
        self.fields["round"].queryset = Round.objects.select_related("year")


def _cleaned(form):
    """The valid filters only: an invalid value is an error on the form, and the other filters still apply."""
    form.is_valid()
    return getattr(form, "cleaned_data", {})


# A producer or product is found by its commune of today and by its commune before 2025 ("Thanh Lâm" and "Bảo Đài"
# find the same producer); each related name is a sub-select on its own small table (ocop.lib.search).
PRODUCER_SEARCH = ("name", "representative_name", "registration_number", "commune__name", "former_unit__name")
PRODUCT_SEARCH = ("name", "producer__name", "commune__name", "producer__former_unit__name")


def filter_producers(queryset, form):
    data = _cleaned(form)
    if data.get("commune"):
        queryset = queryset.filter(commune=data["commune"])
    if data.get("criteria_set"):
        queryset = queryset.filter(products__criteria_set=data["criteria_set"]).distinct()
    if data.get("q"):
        queryset = search_filter(queryset, data["q"], *PRODUCER_SEARCH)
    return queryset


def filter_products(queryset, form):
    data = _cleaned(form)
    if data.get("commune"):
        queryset = queryset.filter(commune=data["commune"])
    if data.get("criteria_set"):
        queryset = queryset.filter(criteria_set=data["criteria_set"])
    if data.get("q"):
        queryset = search_filter(queryset, data["q"], *PRODUCT_SEARCH)
    return queryset


def filter_dossiers(queryset, form):
    data = _cleaned(form)
    if data.get("commune"):
        queryset = queryset.filter(commune=data["commune"])
    if data.get("criteria_set"):
        queryset = queryset.filter(product__criteria_set=data["criteria_set"])
    if data.get("year"):
        queryset = queryset.filter(round__year=data["year"])
    if data.get("round"):
        queryset = queryset.filter(round=data["round"])
    outcome = data.get("outcome")
    if outcome == "submitted":
        queryset = queryset.filter(submission_count__gt=0)
    elif outcome == "scored":
        queryset = queryset.filter(result__star__isnull=False)
    elif outcome == "recognised":
        queryset = queryset.filter(recognition__isnull=False)
    elif outcome == "certified":
        queryset = queryset.filter(recognition__certificates__isnull=False).distinct()
    if data.get("star"):
        queryset = queryset.filter(recognition__star=data["star"])
    if data.get("status"):
        queryset = queryset.filter(status=data["status"])
    if data.get("registration_type"):
        queryset = queryset.filter(registration_type=data["registration_type"])
    if data.get("q"):
        # Search the products (each name through its own index), then take their dossiers: one semi-join.
        products = search_filter(Product.objects.order_by(), data["q"], *PRODUCT_SEARCH)
        queryset = queryset.filter(product__in=products.values("pk"))
    return queryset
