"""Forms of the shared core. Convention everywhere: templates render forms with ``{{ form|crispy }}``
inside their own <form> tag; forms carry no layout and no HTML."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy

from ocop.models import Authority

# The empty choice of a select, as officials read it (Django's default is "---------"): "— Choose —" where a
# value must be picked, "— All —" on list filters. ``install_empty_choice_label`` makes the first the default for
# model choices and ModelChoiceField too.
CHOOSE = gettext_lazy("— Choose —")
EMPTY_CHOICE = ("", CHOOSE)
ALL_CHOICE = ("", gettext_lazy("— All —"))


def install_empty_choice_label():
    """Called once from OcopConfig.ready(): replace Django's "---------" everywhere it is the default."""
    from django.db.models import fields

    fields.BLANK_CHOICE_DASH[:] = [EMPTY_CHOICE]  # the default argument of Field.get_choices(), mutated in place
    if getattr(forms.ModelChoiceField, "_ocop_empty_label", False):
        return
    original = forms.ModelChoiceField.__init__

    def __init__(self, *args, empty_label=CHOOSE, **kwargs):
        if empty_label == "---------":
            empty_label = CHOOSE
        original(self, *args, empty_label=empty_label, **kwargs)

    forms.ModelChoiceField.__init__ = __init__
    forms.ModelChoiceField._ocop_empty_label = True


class AuthoritySettingsForm(forms.ModelForm):
    """The settings as an official writes them: 70 or 72,5 (not 70.00), the number pattern with an example."""

    class Meta:
        model = Authority
        fields = Authority.SETTINGS_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.DecimalField):
                field.localize = True
                field.widget.is_localized = True
                field.widget.input_type = "text"
                field.widget.attrs["inputmode"] = "decimal"
                value = self.initial.get(name)
                if isinstance(value, Decimal):
                    self.initial[name] = _plain_decimal(value)
        pattern = self.fields.get("certificate_number_format")
        if pattern is not None:
            from django.utils.translation import gettext as _

            pattern.help_text = _(
                "{seq:03d} is the running number with 3 digits, {authority} the authority's code, {year} the year. "
                "Now gives: %(example)s"
            ) % {"example": self.example_number()}

        code = self.fields.get("product_code_format")
        if code is not None:
            from django.utils.translation import gettext as _

            code.help_text = _(
                "In braces: the province code, the authority's code, the commune's letters, the running number and "
                "the year. Now gives: %(example)s"
            ) % {"example": self.example_product_code()}

    def example_number(self, seq=1, year=None):
        from django.utils import timezone

        pattern = self.initial.get("certificate_number_format") or self.instance.certificate_number_format
        try:
            return pattern.format(seq=seq, authority=self.instance.code or "X", year=year or timezone.localdate().year)
        except (KeyError, IndexError, ValueError):
            return ""

    def example_product_code(self, year=None):
        """The product code format as a code reads (Thanh Lâm's first product this year): BG-LN-TL-001-2026."""
        from django.utils import timezone

        authority = self.instance
        try:
            return authority.product_code_format.format(
                province=authority.province_code or "T",
                authority=(authority.code or "X").upper(),
                commune="TL",
                seq=1,
                year=year or timezone.localdate().year,
            )
        except (KeyError, IndexError, ValueError):
            return ""

    def readable(self):
        """[(label, value)] for the read-only view, formatted as an official writes them."""
        from django.utils.formats import number_format

        rows = []
        for name in Authority.SETTINGS_FIELDS:
            value = getattr(self.instance, name)
            if isinstance(value, Decimal):
                plain = _plain_decimal(value)
                shown = number_format(plain, decimal_pos=max(0, -plain.as_tuple().exponent))
            elif name == "certificate_number_format":
                shown = self.example_number()
            elif name == "product_code_format":
                shown = self.example_product_code()
            elif name == "level":
                shown = self.instance.get_level_display()
            else:
                shown = value
            rows.append((self.fields[name].label, shown))
        return rows

    def clean_certificate_number_format(self):
        value = self.cleaned_data["certificate_number_format"]
        try:
            value.format(seq=1, authority="X", year=2024, province="T", commune="X")
        except (KeyError, IndexError, ValueError) as exc:
            from django.utils.translation import gettext as _

            raise forms.ValidationError(
                _("Use only {seq}, {authority} and {year} in the format, e.g. {seq:03d}/GCN-{authority}-{year}.")
            ) from exc
        return value


def _plain_decimal(value: Decimal) -> Decimal:
    """70.00 -> 70, 72.50 -> 72.5 (no trailing zeros, never an exponent)."""
    normalized = value.normalize()
    return normalized.quantize(Decimal(1)) if normalized == normalized.to_integral() else normalized
