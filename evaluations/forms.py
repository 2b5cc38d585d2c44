"""Forms of rounds, councils and results. Rendered with {{ form|crispy }}; the score sheet is its own template."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from evaluations.enums import CouncilRole
from ocop.enums import Role
from products.forms import DATE_WIDGET


class CouncilMemberForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Person"), queryset=get_user_model().objects.none())
    role = forms.ChoiceField(label=_("Council role"), choices=CouncilRole.choices, initial=CouncilRole.MEMBER)
    title = forms.CharField(label=_("Position"), required=False)

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        eligible = [Role.COUNCIL_CHAIR, Role.COUNCIL_MEMBER, Role.SECRETARIAT, Role.DISTRICT_OFFICE]
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, groups__name__in=[r.value for r in eligible])
            .exclude(council_seats__round=round)
            .select_related("profile")
            .distinct()
            .order_by("username")
        )
        self.fields["user"].label_from_instance = lambda u: f"{u.profile.full_name or u.username} ({u.username})"


class ConflictForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Council member"), queryset=None)
    producer = forms.ModelChoiceField(label=_("Producer"), queryset=None)
    note = forms.CharField(label=_("Nature of the interest"), required=False)

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        from products.models import Producer

        self.fields["member"].queryset = round.council.exclude(role=CouncilRole.SECRETARY).select_related(
            "user__profile"
        )
        self.fields["producer"].queryset = (
            Producer.objects.filter(products__dossiers__round=round).distinct().order_by("name")
        )


class DecisionForm(forms.Form):
    number = forms.CharField(label=_("Decision number"), help_text=_("e.g. 2345/QĐ-UBND"))
    date = forms.DateField(label=_("Decision date"), widget=DATE_WIDGET)
    signed_by = forms.CharField(label=_("Signed by"), help_text=_("Name and position of the signatory"))


class ProvinceResultForm(forms.Form):
    star = forms.TypedChoiceField(
        label=_("Province's result"),
        coerce=int,
        choices=[(4, "4★"), (5, "5★"), (3, "3★"), (0, _("Not recognised"))],
    )
    decision = forms.CharField(label=_("Province decision number"), required=False)
    date = forms.DateField(label=_("Decision date"), widget=DATE_WIDGET, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class MeetingForm(forms.Form):
    date = forms.DateField(label=_("Council meeting"), widget=DATE_WIDGET)
    place = forms.CharField(label=_("Meeting place"), required=False)
