"""Forms for producers, products and dossiers. Rendered with {{ form|crispy }}; no layout here."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ocop import rules
from ocop.forms import EMPTY_CHOICE
from ocop.lib.collation import vi_order
from ocop.models import Commune
from products import checklist, domain
from products.models import Dossier, IpTitle, Producer, Product, Registration
from programme.criteria import product_groups
from programme.models import Regime, Round

# A text field for dd/mm/yyyy (also 28.11.2026 or 28-11-2026, see ocop/formats) with a calendar button added by
# static/js/dates.js; a native type=date field would show the browser's own order and language instead.
DATE_WIDGET = forms.DateInput(
    format="%d/%m/%Y",
    attrs={
        "placeholder": _("dd/mm/yyyy"),
        "inputmode": "numeric",
        "autocomplete": "off",
        "data-date-input": "",
        "data-picker-label": _("Choose a date on a calendar"),
    },
)


class ProducerForm(forms.ModelForm):
    commune = forms.ModelChoiceField(label=_("Commune"), queryset=Commune.objects.none())

    class Meta:
        model = Producer
        fields = ("commune", *domain.PRODUCER_FIELDS)
        widgets = {"phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        communes = Commune.objects.visible_to(user).order_by(vi_order("name"))
        # A unit no longer in the official list keeps its producers but takes no new one.
        self.fields["commune"].queryset = communes if self.instance.pk else communes.filter(retired_on__isnull=True)
        own = rules.commune_id_of(user)
        if own:
            self.fields["commune"].initial = own
            self.fields["commune"].disabled = True
        if self.instance.pk:
            self.fields["commune"].disabled = True


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = ("producer", "name", "criteria_set", "description", "photo")
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["producer"].queryset = Producer.objects.visible_to(user).select_related("commune")
        self.fields["criteria_set"].queryset = product_groups(
            self.instance.criteria_set_id if self.instance.pk else None
        )
        if self.instance.pk:
            self.fields["producer"].disabled = True
            if not rules.can(user, "product.change_criteria_set", self.instance):
                self.fields["criteria_set"].disabled = True
                self.fields["criteria_set"].help_text = _("Only the programme office can change the product group.")

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and hasattr(photo, "content_type"):
            from products.uploads import detect_type

            kind = detect_type(photo)
            if kind not in ("image/jpeg", "image/png"):
                raise forms.ValidationError(_("The photo must be a JPEG or PNG image."))
            from products.uploads import stored_name

            photo.name = stored_name(kind)  # the stored suffix follows the content, not the client's name
        return photo


class DossierCreateForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none())
    round = forms.ModelChoiceField(label=_("Round"), queryset=Round.objects.none())
    registration_type = forms.ChoiceField(
        label=_("Registration type"), choices=Dossier._meta.get_field("registration_type").choices
    )
    expected_star = forms.TypedChoiceField(
        label=_("Expected star"),
        choices=[EMPTY_CHOICE, *Dossier._meta.get_field("expected_star").choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=Dossier._meta.get_field("expected_star").help_text,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = Product.objects.visible_to(user).select_related("producer")
        self.fields["round"].queryset = Round.objects.filter(
            commune_deadline__gte=timezone.localdate(), stage="open", year__closed_at__isnull=True
        ).select_related("year")


class VerificationForm(forms.ModelForm):
    """The commune's verification (Mẫu 03-like) plus one optional upload per checklist item."""

    class Meta:
        model = Dossier
        fields = Dossier.VERIFICATION_FIELDS
        widgets = {
            "raw_material_origin": forms.Textarea(attrs={"rows": 2}),
            "idea_origin": forms.Textarea(attrs={"rows": 2}),
            "local_identity": forms.Textarea(attrs={"rows": 2}),
            "verified_on": DATE_WIDGET,
            "local_raw_material_percent": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 100}),
            "local_labour_percent": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 100}),
        }


class UploadsForm(forms.Form):
    """One file field per checklist item; sizes and types are checked by the domain, per file."""

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        accept = ".pdf,.jpg,.jpeg,.png,.docx,.xlsx,application/pdf,image/*"
        for item, _docs, required in dossier.checklist_rows():
            self.fields[f"file_{item.code}"] = forms.FileField(
                label=item.label, required=False, widget=forms.ClearableFileInput(attrs={"accept": accept})
            )
            self.fields[f"file_{item.code}"].required_item = required

    def uploads(self):
        return [
            (name.removeprefix("file_"), upload)
            for name, upload in self.files.items()
            if name.startswith("file_") and name.removeprefix("file_") in checklist.BY_CODE
        ]


class ReturnForm(forms.Form):
    general = forms.CharField(
        label=_("Comment on the whole dossier"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, dossier, **kwargs):
        super().__init__(*args, **kwargs)
        for item, _docs, _required in dossier.checklist_rows():
            self.fields[f"item_{item.code}"] = forms.CharField(
                label=item.label, required=False, widget=forms.Textarea(attrs={"rows": 1})
            )

    def comments(self):
        pairs = [("", self.cleaned_data.get("general", ""))]
        pairs += [
            (name.removeprefix("item_"), value) for name, value in self.cleaned_data.items() if name.startswith("item_")
        ]
        return [(item, text) for item, text in pairs if text and text.strip()]


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason for rejection"), widget=forms.Textarea(attrs={"rows": 3}))


class RegimeOverrideForm(forms.Form):
    """The office chooses the regime of one dossier, with the reason (decision 2b)."""

    regime = forms.ModelChoiceField(label=_("Legal regime"), queryset=Regime.objects.order_by("valid_from"))
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the dossier and kept in its history, e.g. the decision of the province that allows it."),
    )


class ExtensionForm(forms.Form):
    until = forms.DateField(label=_("New deadline"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("Reason"), required=False)


# ---------------------------------------------------------------------------- Decision 26/2026's forms
class RegistrationForm(forms.ModelForm):
    """Mẫu 01 (registration) and the text parts of Mẫu 02 (general information, results, plan)."""

    ip_titles = forms.MultipleChoiceField(
        label=_("Intellectual property registered"),
        choices=IpTitle.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Registration
        fields = Registration.FORM_01_FIELDS + Registration.FORM_02_FIELDS
        widgets = {
            "attachments": forms.Textarea(attrs={"rows": 2}),
            "sample_count": forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 100}),
            "founded_on": DATE_WIDGET,
            "product_description": forms.Textarea(attrs={"rows": 3}),
            "history": forms.Textarea(attrs={"rows": 3}),
            "organisation": forms.Textarea(attrs={"rows": 2}),
            "business_results": forms.Textarea(attrs={"rows": 5}),
            "business_plan": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "business_results": _(
                "Raw material area, technology, packaging and label, quality, markets, revenue and profit. "
                "For a re-evaluation: what changed in the three years since recognition."
            ),
            "business_plan": _("The producer's plans for the product, its production and its markets."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not isinstance(self.initial.get("ip_titles"), list):
            self.initial["ip_titles"] = []


class CommuneReportForm(forms.ModelForm):
    """Mẫu 03's own fields; the four contents are the dossier's verification (``VerificationForm``)."""

    class Meta:
        model = Registration
        fields = Registration.FORM_03_FIELDS
        widgets = {
            "labour_assessment": forms.Textarea(attrs={"rows": 2}),
            "meeting_held": forms.NullBooleanSelect,
            "meeting_note": forms.Textarea(attrs={"rows": 2}),
            "commune_request": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "labour_assessment": _("What the producer says and what the commune found about local labour."),
            "meeting_held": _("Optional: the commune chair may convene a meeting with the units concerned."),
            "commune_request": _("Left empty, the report prints the standard request to the province."),
        }


class UnitChoiceForm(forms.Form):
    """The office's choice of today's commune for a producer of a split former commune."""

    commune = forms.ModelChoiceField(
        label=_("Commune of today"),
        queryset=Commune.objects.none(),
        empty_label=_("— choose —"),
        error_messages={
            "required": _("Choose the commune of today."),
            "invalid_choice": _("Choose the commune of today."),
        },
    )
    reason = forms.CharField(
        label=_("Basis of the choice"),
        max_length=300,
        help_text=_("e.g. the village now belongs to this commune, as the commune confirmed"),
        error_messages={"required": _("Say on what basis the commune is chosen.")},
    )

    def __init__(self, *args, producer, **kwargs):
        kwargs.setdefault("prefix", f"p{producer.pk}")
        super().__init__(*args, **kwargs)
        self.producer = producer
        candidates = [link.commune for link in producer.former_unit.candidate_links.all()]
        self.fields["commune"].queryset = Commune.objects.filter(pk__in=[c.pk for c in candidates])
        self.fields["commune"].choices = [("", self.fields["commune"].empty_label)] + [
            (c.pk, str(c)) for c in candidates
        ]
