"""Forms of rounds, councils and results. Rendered with {{ form|crispy }}; the score sheet is its own template."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from evaluations.enums import CouncilRole
from ocop.enums import Role
from products.forms import DATE_WIDGET
from programme.enums import CalendarExceptionKind
from programme.models import ProgrammeYear, Round


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
    """The next level's result for a forwarded product: the province's from a district, the ministry's from a
    province (``authority.next_level_name``, decision 2a)."""

    star = forms.TypedChoiceField(
        coerce=int,
        choices=[(4, "4★"), (5, "5★"), (3, "3★"), (0, _("Not recognised"))],
    )
    decision = forms.CharField(required=False)
    date = forms.DateField(label=_("Decision date"), widget=DATE_WIDGET, required=False)

    def __init__(self, *args, authority, **kwargs):
        super().__init__(*args, **kwargs)
        level = authority.next_level_name
        self.fields["star"].label = _("Result of the %(level)s") % {"level": level}
        self.fields["decision"].label = _("Decision number of the %(level)s") % {"level": level}
        star = authority.next_level_star
        self.fields["star"].choices = sorted(self.fields["star"].choices, key=lambda c: c[0] != star)


class MinistryApprovalForm(forms.Form):
    """26/2026: the province's decision approving a result at 90 or more, and the day it went to the ministry."""

    number = forms.CharField(label=_("Number of the decision approving the result"), help_text=_("e.g. 2345/QĐ-UBND"))
    date = forms.DateField(label=_("Date of that decision"), widget=DATE_WIDGET)
    sent_on = forms.DateField(
        label=_("Sent to the ministry on"), widget=DATE_WIDGET, required=False, help_text=_("Empty: the same day.")
    )


class MinistryOutcomeForm(forms.Form):
    recognised = forms.TypedChoiceField(
        label=_("The ministry's outcome"),
        coerce=lambda value: value == "yes",
        choices=[("yes", _("Recognised 5★")), ("no", _("Not recognised at 90 points"))],
        widget=forms.RadioSelect,
    )
    decision = forms.CharField(label=_("Number of the ministry's decision or letter"), required=False)
    date = forms.DateField(label=_("Its date"), widget=DATE_WIDGET, required=False)


class CentralRecognitionForm(forms.Form):
    """The province recognises 3★ or 4★ on the central council's evaluation (26/2026 Điều 7.4)."""

    central_score = forms.DecimalField(
        label=_("Central council's score"), min_value=0, max_value=100, decimal_places=2, max_digits=5, localize=True
    )
    number = forms.CharField(label=_("Decision number"), help_text=_("e.g. 2345/QĐ-UBND"))
    date = forms.DateField(label=_("Decision date"), widget=DATE_WIDGET)
    signed_by = forms.CharField(label=_("Signed by"), help_text=_("Name and position of the signatory"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class MeetingForm(forms.Form):
    date = forms.DateField(label=_("Council meeting"), widget=DATE_WIDGET)
    place = forms.CharField(label=_("Meeting place"), required=False)


class ConfirmForm(forms.Form):
    """No fields: carries the refusals of a confirmed action back to its confirmation page."""


class ProgrammeYearForm(forms.ModelForm):
    class Meta:
        model = ProgrammeYear
        fields = ("year", *ProgrammeYear.EDITABLE_FIELDS)
        widgets = {
            "ceremony_by": DATE_WIDGET,
            "year": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "budget": forms.NumberInput(attrs={"inputmode": "numeric", "step": 1000000}),
        }

    def __init__(self, *args, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["year"]
        self.fields["ceremony_by"].help_text = _("By default 15/12 of the year (the plan's ceremony date).")

    def validate_unique(self):
        """The domain function reports a duplicate year (the form has no authority to check it against)."""


class RoundForm(forms.Form):
    commune_deadline = forms.DateField(
        label=_("Commune deadline"),
        widget=DATE_WIDGET,
        help_text=_("Communes submit dossiers until 23:59 of this day."),
    )
    district_deadline = forms.DateField(
        label=_("Scoring deadline"),
        widget=DATE_WIDGET,
        help_text=_("Council members submit their sheets until 23:59 of this day."),
    )
    meeting_date = forms.DateField(label=_("Council meeting"), widget=DATE_WIDGET, required=False)
    meeting_place = forms.CharField(label=_("Meeting place"), required=False, max_length=200)
    # Decision 26/2026 Điều 5: shown for a year whose regime has round windows (or a round that has the dates).
    proposal_cutoff = forms.DateField(
        label=_("Proposal cut-off"),
        widget=DATE_WIDGET,
        required=False,
        help_text=_(
            "The round takes the dossiers the communes propose until 23:59 of this day; "
            "later ones go to the next round."
        ),
    )
    closes_by = forms.DateField(
        label=_("Round ends by"),
        widget=DATE_WIDGET,
        required=False,
        help_text=_("The council's results are approved by this day (Decision 26/2026)."),
    )
    copy_council_from = forms.ModelChoiceField(
        label=_("Take the council of"),
        queryset=None,
        required=False,
        empty_label=_("Form the council later"),
        help_text=_("Copy the members and roles of an earlier round; conflicts of interest are declared per round."),
    )

    def __init__(self, *args, year=None, editing=False, windowed=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not windowed:
            del self.fields["proposal_cutoff"]
            del self.fields["closes_by"]
        else:  # the window's dates next to the deadlines they frame
            order = ["proposal_cutoff", "commune_deadline", "district_deadline", "closes_by"]
            self.order_fields(order + [name for name in self.fields if name not in order])
        if editing or year is None:
            del self.fields["copy_council_from"]
        else:
            self.fields["copy_council_from"].queryset = (
                Round.objects.filter(year__authority=year.authority, council__isnull=False)
                .select_related("year")
                .distinct()
                .order_by("-year__year", "-number")
            )


class CommuneTargetsForm(forms.Form):
    """Two numbers per commune: new products at 3★ or more, and re-evaluations (0 and 0: no target)."""

    def __init__(self, *args, communes, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for commune in communes:
            new, reev = current.get(commune.pk, (0, 0))
            attrs = {"inputmode": "numeric", "min": 0, "class": "form-control form-control-sm"}
            new_name, reev_name = f"new_{commune.pk}", f"reev_{commune.pk}"
            self.fields[new_name] = forms.IntegerField(
                label=_("New products of %(commune)s") % {"commune": commune},
                min_value=0,
                max_value=999,
                initial=new,
                widget=forms.NumberInput(attrs=attrs),
            )
            self.fields[reev_name] = forms.IntegerField(
                label=_("Re-evaluations of %(commune)s") % {"commune": commune},
                min_value=0,
                max_value=999,
                initial=reev,
                widget=forms.NumberInput(attrs=attrs),
            )
            self.rows.append((commune, self[new_name], self[reev_name]))

    def targets(self) -> dict:
        return {
            commune: (self.cleaned_data[f"new_{commune.pk}"], self.cleaned_data[f"reev_{commune.pk}"])
            for commune, _new, _reev in self.rows
        }


class CalendarExceptionForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    kind = forms.ChoiceField(label=_("Change"), choices=CalendarExceptionKind.choices, widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        help_text=_("E.g. the province's decision giving the day off, or the Saturday worked in exchange."),
    )
