"""The score sheet counts chosen criteria out of those a complete sheet needs ("16/31"), on the page and in the
sheet's history."""

import re

from django.urls import reverse

from evaluations import scoring
from evaluations.tests.conftest import option_points, sheet_of
from ocop import audit


def test_counter_reads_chosen_out_of_required(client_for, started, accepted, members, set06):
    seat = members[1]
    sheet = sheet_of(accepted, seat)
    client = client_for(seat.user)
    required = scoring.required_count(set06.sheet)
    assert required == len(option_points(set06, 1))  # one choice per criterion a complete sheet needs
    partial = dict(list(option_points(set06, 1).items())[:5])
    client.post(
        reverse("evaluations:sheet", args=[sheet.pk]), {**{f"c-{k}": v for k, v in partial.items()}, "save": "1"}
    )
    page = client.get(reverse("evaluations:sheet", args=[sheet.pk])).content.decode()
    counter = re.search(r'data-testid="chosen"><span data-chosen>(\d+)</span>/(\d+)</span>', page)
    assert counter.groups() == ("5", str(required))
    entry = audit.history_for(sheet).get(action="sheet.saved")
    assert audit.readable_changes(entry)[0][1:] == (None, f"5/{required}")
