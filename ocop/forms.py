"""Forms of the shared core. Convention everywhere: templates render forms with ``{{ form|crispy }}``
inside their own <form> tag; forms carry no layout and no HTML."""

from django import forms

from ocop.models import Authority


class AuthoritySettingsForm(forms.ModelForm):
    class Meta:
        model = Authority
        fields = Authority.SETTINGS_FIELDS

    def clean_certificate_number_format(self):
        value = self.cleaned_data["certificate_number_format"]
        try:
            value.format(seq=1, authority="X", year=2024)
        except (KeyError, IndexError, ValueError) as exc:
            from django.utils.translation import gettext as _

            raise forms.ValidationError(
                _("Use only {seq}, {authority} and {year} in the format, e.g. {seq:03d}/GCN-{authority}-{year}.")
            ) from exc
        return value
