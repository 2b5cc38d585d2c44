"""Issue 18, item 8: every flag of a result has its own words, from one place (``evaluations.enums.Flag``).

The round's table labelled every flag that was not "spread" as "túc số", so a result missing the chair's sheet read
"túc số túc số"; the result page called the chair's missing sheet "quorum not reached"; the minutes printed "chair".
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from evaluations import domain, scoring
from evaluations.enums import Flag
from evaluations.models import Result
from evaluations.printouts import flag_labels
from evaluations.tests.conftest import option_points, sheet_of

BADGE = re.compile(r'<span class="badge[^"]*"[^>]*data-testid="flag-([\w-]+)">([^<]*)</span>')


def test_every_flag_scoring_raises_has_its_own_words():
    outcome = scoring.Outcome(
        sheet_count=1, expected_count=4, totals=[10], mean=None, band=None, star=None, spread_flag=True
    )
    outcome.chair_missing = True
    assert set(outcome.flags) == {"spread", "quorum", "chair"} == set(Flag.values)
    with translation.override("vi"):
        labels = [Flag.words(f) for f in outcome.flags]
        shorts = [Flag.words(f, short=True) for f in outcome.flags]
    assert len(set(labels)) == len(labels) and len(set(shorts)) == len(shorts)
    assert not set(labels) & set(Flag.values) and not set(shorts) & set(Flag.values)  # words, not the stored codes


def test_a_stored_flag_no_longer_known_is_shown_as_stored():
    assert Flag.words("old-flag") == "old-flag"
    assert Result(flags={"not": "a list"}).flag_items == []


def test_the_minutes_name_the_chairs_missing_sheet():
    with translation.override("vi"):
        assert flag_labels(["quorum", "chair"]) == [str(Flag.QUORUM.label), str(Flag.CHAIR.label)]
        assert flag_labels(["chair"]) != ["chair"]


@pytest.fixture
def flagged(started, members, accepted, set06):
    """Two of four sheets, far apart, without the chair's: spread, quorum and chair."""
    low, high = members[1], members[2]
    domain.submit_sheet(sheet_of(accepted, low), choices=option_points(set06, 0), by=low.user)
    domain.submit_sheet(sheet_of(accepted, high), choices=option_points(set06, -1), by=high.user)
    result = Result.objects.get(dossier=accepted)
    assert result.flags == ["spread", "quorum", "chair"]
    return result


def test_the_round_shows_each_flag_with_its_own_badge(flagged, started, secretary, client_for):
    page = client_for(secretary).get(reverse("evaluations:round_detail", args=[started.pk])).content.decode()
    badges = BADGE.findall(page)
    with translation.override("vi"):
        assert badges == [(f, Flag.words(f, short=True)) for f in ("spread", "quorum", "chair")]
    assert len({text for _, text in badges}) == 3  # "túc số" once, not once per flag


def test_the_result_page_names_the_chairs_missing_sheet(flagged, accepted, secretary, client_for):
    page = client_for(secretary).get(reverse("evaluations:result", args=[accepted.pk])).content.decode()
    with translation.override("vi"):
        chair, quorum = str(Flag.CHAIR.label), str(Flag.QUORUM.label)
    assert re.search(r'data-testid="flag-chair"><strong>' + re.escape(chair), page)
    assert page.count(quorum) == 1  # the quorum's own alert only


def test_an_unknown_stored_flag_does_not_break_the_pages(flagged, started, accepted, secretary, client_for):
    Result.objects.filter(pk=flagged.pk).update(flags=["quorum", "retired-flag"])
    client = client_for(secretary)
    round_page = client.get(reverse("evaluations:round_detail", args=[started.pk])).content.decode()
    assert ("retired-flag", "retired-flag") in BADGE.findall(round_page)
    result_page = client.get(reverse("evaluations:result", args=[accepted.pk])).content.decode()
    assert 'data-testid="flag-retired-flag"' in result_page
