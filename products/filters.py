"""Filtering of the producer, product and dossier lists; shared by the list pages and the Excel exports."""

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluations.models import CriteriaSet, Round, criteria_json
from ocop import rules
from ocop.lib.search import search_filter
from ocop.models import Commune
from products.enums import DossierStatus, RegistrationType


class ListFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=Commune.objects.none(), required=False)
    criteria_set = forms.ModelChoiceField(label=_("Product group"), queryset=CriteriaSet.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if rules.commune_id_of(user):
            del self.fields["commune"]  # a commune official sees one commune only
        else:
            self.fields["commune"].queryset = Commune.objects.visible_to(user).order_by("name")
        self.fields["criteria_set"].queryset = CriteriaSet.objects.defer(*criteria_json()).order_by("code", "-version")


class DossierFilterForm(ListFilterForm):
    round = forms.ModelChoiceField(label=_("Round"), queryset=Round.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=[("", "---------"), *DossierStatus.choices], required=False)
    registration_type = forms.ChoiceField(
        label=_("Registration type"), choices=[("", "---------"), *RegistrationType.choices], required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["round"].queryset = Round.objects.select_related("year")


def _cleaned(form):
    return form.cleaned_data if form.is_valid() else {}


def filter_producers(queryset, form):
    data = _cleaned(form)
    if data.get("commune"):
        queryset = queryset.filter(commune=data["commune"])
    if data.get("criteria_set"):
        queryset = queryset.filter(products__criteria_set=data["criteria_set"]).distinct()
    if data.get("q"):
        queryset = search_filter(queryset, data["q"], "name", "representative_name", "registration_number")
    return queryset


def filter_products(queryset, form):
    data = _cleaned(form)
    if data.get("commune"):
        queryset = queryset.filter(commune=data["commune"])
    if data.get("criteria_set"):
        queryset = queryset.filter(criteria_set=data["criteria_set"])
    if data.get("q"):
        queryset = search_filter(queryset, data["q"], "name", "producer__name")
    return queryset


def filter_dossiers(queryset, form):
    data = _cleaned(form)
    if data.get("commune"):
        queryset = queryset.filter(commune=data["commune"])
    if data.get("criteria_set"):
        queryset = queryset.filter(product__criteria_set=data["criteria_set"])
    if data.get("round"):
        queryset = queryset.filter(round=data["round"])
    if data.get("status"):
        queryset = queryset.filter(status=data["status"])
    if data.get("registration_type"):
        queryset = queryset.filter(registration_type=data["registration_type"])
    if data.get("q"):
        queryset = search_filter(queryset, data["q"], "product__name", "product__producer__name")
    return queryset
