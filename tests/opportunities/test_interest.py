"""Expressing interest and answering it: once per person, only while open and only in
what you may see; a manager's link works once; the last place is offered once."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.utils import timezone

from opportunities import services
from opportunities.models import Interest, Opportunity
from sociable.links import reverse
from sociable.notifications.models import Notification
from tests.accounts.factories import staff_of
from tests.helpers import run_tasks
from tests.opportunities.factories import post

pytestmark = pytest.mark.django_db

Status = Interest.Status


def _titles(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user).order_by("pk").values_list("title", flat=True)
    )


def test_interest_reaches_the_poster_who_answers_and_the_person_sees_where_it_stands(
    client_as, staff_member, other_staff
):
    loan = post(staff_member, title="A loan to digital")
    client = client_as(other_staff)

    client.post(reverse("opportunities:interest", args=[loan.pk]), {"note": "I know forms."})
    interest = Interest.objects.get()
    assert _titles(staff_member) == ["Tom Whitaker is interested in A loan to digital"]

    poster_page = client_as(staff_member).get(loan.get_absolute_url()).content.decode()
    assert "I know forms." in poster_page and "Send the answer" in poster_page
    client_as(staff_member).post(
        reverse("opportunities:answer", args=[interest.pk]),
        {"status": "shortlisted", "message": "Coffee on Tuesday?"},
    )
    interest.refresh_from_db()
    assert interest.status == Status.SHORTLISTED
    assert _titles(other_staff) == ["You are on the shortlist for A loan to digital"]
    mine = client.get(loan.get_absolute_url()).content.decode()
    assert "Shortlisted" in mine and "Coffee on Tuesday?" in mine
    assert "Send the answer" not in mine  # the answers are the poster's


def test_interest_once_only_while_open_and_never_in_your_own(staff_member, other_staff):
    loan = post(staff_member)
    services.express_interest(opportunity=loan, person=other_staff, note="Yes please")

    with pytest.raises(ValidationError, match="already"):
        services.express_interest(opportunity=loan, person=other_staff, note="Again")
    with pytest.raises(ValidationError, match="yours"):
        services.express_interest(opportunity=loan, person=staff_member, note="Me")
    late = staff_of(other_staff.organisation, name="Late Comer")
    with pytest.raises(ValidationError, match="closed"):
        services.express_interest(
            opportunity=loan, person=late, note="Hi", today=loan.closes_on + timedelta(days=1)
        )
    assert Interest.objects.count() == 1


def test_nobody_learns_of_what_they_may_not_see(
    client_as, council, staff_member, other_staff, community_member
):
    ours = post(staff_member, audience="organisation", title="For the council only")
    draft = post(staff_member, publish=False, title="Still a draft")

    for outsider in (other_staff, community_member):
        client = client_as(outsider)
        for opportunity in (ours, draft):
            assert client.get(opportunity.get_absolute_url()).status_code == 404
            response = client.post(
                reverse("opportunities:interest", args=[opportunity.pk]), {"note": "Me!"}
            )
            assert response.status_code == 404
        assert (
            "For the council only" not in client.get(reverse("opportunities:list")).content.decode()
        )
    assert Client().get(ours.get_absolute_url()).status_code == 404
    colleague = staff_of(council, name="Same Council")
    assert client_as(colleague).get(ours.get_absolute_url()).status_code == 200
    assert not Interest.objects.exists()


def test_a_forged_answer_or_withdrawal_changes_nothing(client_as, staff_member, other_staff):
    loan = post(staff_member)
    interest = services.express_interest(opportunity=loan, person=other_staff, note="Hi")
    stranger = staff_of(other_staff.organisation, name="Stranger Danger")

    client = client_as(stranger)
    assert (
        client.post(
            reverse("opportunities:answer", args=[interest.pk]), {"status": "offered"}
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("opportunities:withdraw-interest", args=[interest.pk])).status_code
        == 404
    )
    # The person interested cannot answer themselves.
    client_as(other_staff).post(
        reverse("opportunities:answer", args=[interest.pk]), {"status": "offered"}
    )
    interest.refresh_from_db()
    assert interest.status == Status.INTERESTED


def test_the_managers_link_works_once_and_cannot_be_guessed(
    client_as, staff_member, other_staff, django_capture_on_commit_callbacks
):
    secondment = post(staff_member, kind="secondment", manager_must_agree=True)
    refused = client_as(other_staff).post(
        reverse("opportunities:interest", args=[secondment.pk]), {"note": "Please"}
    )
    assert refused.status_code == 400 and "must agree" in refused.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        interest = services.express_interest(
            opportunity=secondment, person=other_staff, note="Please",
            manager_name="Deborah Haigh", manager_email="deborah.haigh@trust.example",
        )  # fmt: skip
    run_tasks()
    (email,) = [m for m in mail.outbox if "deborah.haigh@trust.example" in m.to]
    link = next(line for line in email.body.splitlines() if "/opportunities/agree/" in line)
    path = link.split("127.0.0.1")[-1].split("testserver")[-1]
    path = path[path.index("/opportunities/") :]
    with pytest.raises(ValidationError, match="manager has not agreed"):
        services.answer(interest=interest, by=staff_member, status="offered")

    manager = Client()
    assert manager.post("/opportunities/agree/not-the-token/").status_code == 404
    assert (
        "Agree to Tom Whitaker" in manager.get(path).content.decode()
    )  # looking agrees to nothing
    interest.refresh_from_db()
    assert interest.manager == Interest.ManagerAnswer.WAITING
    assert manager.post(path).status_code == 200
    interest.refresh_from_db()
    assert interest.manager == Interest.ManagerAnswer.AGREED
    assert manager.post(path).status_code == 404  # used
    services.answer(interest=interest, by=staff_member, status="offered")


def test_offering_the_last_place_fills_it(staff_member, other_staff):
    loan = post(staff_member, places=2)
    people = [staff_of(other_staff.organisation, name=f"Person {n}") for n in range(3)]
    interests = [services.express_interest(opportunity=loan, person=p, note="Me") for p in people]
    services.answer(interest=interests[0], by=staff_member, status="offered")
    loan.refresh_from_db()
    assert loan.status == Opportunity.Status.OPEN
    services.answer(interest=interests[1], by=staff_member, status="offered")
    loan.refresh_from_db()
    assert loan.status == Opportunity.Status.CLOSED  # filled
    with pytest.raises(ValidationError, match="All 2 places are offered"):
        services.answer(interest=interests[2], by=staff_member, status="offered")


@pytest.mark.django_db(transaction=True)
def test_the_last_place_offered_twice_at_once_is_offered_once(council, trust):
    poster = staff_of(council, name="Poster Person")
    loan = post(poster, places=1)
    interests = [
        services.express_interest(
            opportunity=loan, person=staff_of(trust, name=f"Keen {n}"), note="Me"
        )
        for n in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes = []

    def offer(interest):
        try:
            barrier.wait()
            services.answer(interest=interest, by=poster, status="offered")
            outcomes.append("offered")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=offer, args=(i,)) for i in interests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["offered", "refused"]
    assert Interest.objects.filter(status=Status.OFFERED).count() == 1


def test_closing_and_reminders_run_once_by_the_clock(staff_member, other_staff):
    today = timezone.localdate()
    loan = post(staff_member, title="Closing soon", closes_on=today + timedelta(days=2))
    services.express_interest(opportunity=loan, person=other_staff, note="Hi")

    assert services.close_and_remind(today) == (0, 1)
    assert services.close_and_remind(today) == (0, 0)  # reminded once
    assert services.close_and_remind(today + timedelta(days=2)) == (0, 0)  # closes tonight
    assert services.close_and_remind(today + timedelta(days=3)) == (1, 0)
    loan.refresh_from_db()
    assert loan.status == Opportunity.Status.CLOSED
    assert _titles(staff_member)[-2:] == [
        f"Closing soon closes on {loan.closes_on:%-d %B}: 1 interested so far",
        "Closing soon has closed: 1 interested",
    ]
    assert "Closing soon" not in Client().get(reverse("opportunities:list")).content.decode()


def test_withdrawing_it_tells_the_people_interested(client_as, staff_member, other_staff):
    loan = post(staff_member, title="Withdrawn loan")
    services.express_interest(opportunity=loan, person=other_staff, note="Hi")

    client_as(staff_member).post(
        reverse("opportunities:change", args=[loan.pk]), {"change": "withdraw"}
    )

    loan.refresh_from_db()
    assert loan.status == Opportunity.Status.WITHDRAWN
    assert _titles(other_staff)[-1] == "Withdrawn loan: withdrawn by the poster"
    assert client_as(other_staff).get(loan.get_absolute_url()).status_code == 404


def test_your_data_holds_what_you_offered_and_your_interest_and_leaving_withdraws_it(
    staff_member, other_staff
):
    from sociable.personal_data import delete_account, export_personal_data

    loan = post(staff_member, title="Leaver's loan")
    services.express_interest(opportunity=loan, person=other_staff, note="My note")

    theirs = export_personal_data(other_staff)
    assert theirs["interest_shown"][0]["note"] == "My note"
    assert export_personal_data(staff_member)["opportunities_offered"][0]["title"] == loan.title

    delete_account(user=staff_member, delete_posts=False)
    loan.refresh_from_db()
    assert loan.status == Opportunity.Status.WITHDRAWN and loan.posted_by is None
    assert _titles(other_staff)[-1] == "Leaver's loan: withdrawn by the poster"


def test_marked_done_what_happened_is_published_if_the_poster_chooses(
    client_as, staff_member, other_staff
):
    loan = post(staff_member, title="Done loan")
    url = reverse("opportunities:change", args=[loan.pk])
    poster = client_as(staff_member)

    poster.post(url, {"change": "done", "what_happened": "Two people learnt <b>a lot</b>."})
    page = client_as(other_staff).get(loan.get_absolute_url()).content.decode()
    assert "Done" in page and "learnt" not in page  # not published

    poster.post(url, {"change": "done", "what_happened": "Two people learnt <b>a lot</b>.",
                      "shown": "on"})  # fmt: skip
    page = client_as(other_staff).get(loan.get_absolute_url()).content.decode()
    assert "Two people learnt &lt;b&gt;a lot&lt;/b&gt;." in page
    assert client_as(other_staff).post(url, {"change": "withdraw"}).status_code == 302
    loan.refresh_from_db()
    assert loan.status == Opportunity.Status.DONE  # only the poster changes it
