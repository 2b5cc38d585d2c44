"""Forms of the funding pages: input → Python values (amounts as Decimal), no layout."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from funding import domain
from funding.enums import STARS, BudgetKind, EntitlementStatus, Payer, SupportCase
from ocop import rules
from ocop.lib.collation import vi_order
from ocop.models import Commune
from products.forms import DATE_WIDGET
from programme.models import ProgrammeYear


class MoneyField(forms.CharField):
    """Whole đồng, typed with or without thousands separators ("50.000.000"); cleaned to a Decimal."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off", "maxlength": 20})

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return domain.money(value)
        except ValidationError as error:
            raise ValidationError(error.messages) from None


def _choices(choices):
    return [("", "---------"), *choices]


class EntitlementFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    year = forms.ModelChoiceField(label=_("Year"), queryset=ProgrammeYear.objects.none(), required=False)
    payer = forms.ChoiceField(label=_("Payer"), required=False, choices=_choices(Payer.choices))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_choices(EntitlementStatus.choices))
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=Commune.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].queryset = ProgrammeYear.objects.order_by("-year")
        self.fields["year"].label_from_instance = lambda y: str(y.year)
        if rules.commune_id_of(user) and not rules.sees_all_communes(user):
            del self.fields["commune"]
        else:
            self.fields["commune"].queryset = Commune.objects.visible_to(user).order_by(vi_order("name"))


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejection"), widget=forms.Textarea(attrs={"rows": 3}))


class PaymentForm(forms.Form):
    date = forms.DateField(label=_("Payment date"), widget=DATE_WIDGET)
    voucher_number = forms.CharField(label=_("Voucher number"), max_length=100)
    amount = MoneyField(label=_("Amount paid (VND)"))
    difference_reason = forms.CharField(
        label=_("Reason the amount differs from the entitlement"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    override_reason = forms.CharField(
        label=_("Reason for spending beyond the budget line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when the line does not have enough left (finance officer)."),
    )


class FailedPaymentForm(forms.Form):
    date = forms.DateField(label=_("Date of the attempt"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Why the payment failed"), widget=forms.Textarea(attrs={"rows": 2}))


class BudgetLineForm(forms.Form):
    year = forms.ModelChoiceField(label=_("Programme year"), queryset=ProgrammeYear.objects.none())
    name = forms.CharField(label=_("Name"), max_length=200)
    source = forms.CharField(label=_("Source"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=BudgetKind.choices)
    payer = forms.ChoiceField(label=_("Payer"), choices=Payer.choices)
    amount = MoneyField(label=_("Amount (VND)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].queryset = ProgrammeYear.objects.order_by("-year")
        self.fields["year"].label_from_instance = lambda y: str(y.year)
        self.fields["year"].empty_label = None


class ExpenseForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    amount = MoneyField(label=_("Amount (VND)"))
    document = forms.CharField(
        label=_("Document"), max_length=200, help_text=_("Number and date of the voucher or decision, e.g. PC 12/2024.")
    )
    override_reason = forms.CharField(
        label=_("Reason for spending beyond the budget line"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only when the line does not have enough left (finance officer)."),
    )


class PolicyForm(forms.Form):
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=200)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE_WIDGET)
    valid_to = forms.DateField(
        label=_("Valid to"), widget=DATE_WIDGET, required=False, help_text=_("Empty: no end date yet.")
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for star in STARS:
            self.fields[f"payer_{star}"] = forms.ChoiceField(
                label=_("Payer for %(star)s★") % {"star": star}, choices=Payer.choices
            )
        for case in SupportCase:
            for star in STARS:
                self.fields[f"rate_{case.value}_{star}"] = MoneyField(label=f"{case.label} – {star}★", required=False)

    def rate_rows(self):
        """Rows of (case label, [bound fields per star]) for the rate grid."""
        return [(case.label, [self[f"rate_{case.value}_{star}"] for star in STARS]) for case in SupportCase]

    def payer_fields(self):
        return [self[f"payer_{star}"] for star in STARS]

    def domain_values(self) -> dict:
        data = self.cleaned_data
        return {
            "legal_basis": data["legal_basis"],
            "title": data["title"],
            "valid_from": data["valid_from"],
            "valid_to": data["valid_to"],
            "notes": data["notes"],
            "payers": {star: data[f"payer_{star}"] for star in STARS},
            "rates": {(case.value, star): data[f"rate_{case.value}_{star}"] for case in SupportCase for star in STARS},
        }

    @classmethod
    def initial_for(cls, policy) -> dict:
        initial = {
            "legal_basis": policy.legal_basis,
            "title": policy.title,
            "valid_from": policy.valid_from,
            "valid_to": policy.valid_to,
            "notes": policy.notes,
        }
        for star in STARS:
            initial[f"payer_{star}"] = policy.payer_for(star)
        for rate in policy.rates.all():
            initial[f"rate_{rate.case}_{rate.star}"] = f"{int(rate.amount)}"
        return initial
