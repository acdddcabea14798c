"""Keeping a profile, the skill pages, corrections, and the query budget of each page."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from profiles import services
from profiles.models import Profile, ProfileCorrection, Skill, SkillAlias
from tests.accounts.factories import UserFactory, staff_of
from tests.cold import cold_queries, page_budget
from tests.profiles.factories import make_profile

pytestmark = pytest.mark.django_db
EDIT = "/people/me/edit/"


def form_data(**overrides):
    data = {
        "preferred_name": "", "pronouns": "she/her", "job_title": "Social worker",
        "team_name": "Fostering service", "place_name": "Merrion House", "floor": "3rd floor",
        "working_on": "", "ask_me_about": "Fostering", "can_teach": "", "has_skills": "",
        "wants_to_learn": "", "interests": "", "languages": "", "networks": "", "bio": "",
        "phone": "", "mobile": "", "other_contact": "", "audience": "community",
        "contact_audience": "staff", "location_audience": "staff",
        "skills_audience": "community", "about_audience": "community",
        "interests_audience": "staff", "in_directory": "on",
    }  # fmt: skip
    return data | overrides


def jpeg(size=(400, 300)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "JPEG")
    return SimpleUploadedFile("me.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_keeping_your_profile_saves_fields_skills_team_and_place(client_as, staff_member):
    response = client_as(staff_member).post(
        EDIT, form_data(can_teach="Opera singing, video-editing", wants_to_learn="Excel")
    )

    assert response.status_code == 302
    profile = Profile.objects.get(user=staff_member)
    assert profile.job_title == "Social worker"
    assert profile.team.name == "Fostering service"
    assert profile.team.organisation == staff_member.organisation
    assert profile.place.name == "Merrion House"
    taught = set(
        profile.profile_skills.filter(relation="teach").values_list("skill__name", flat=True)
    )
    assert taught == {"Opera singing", "Video-editing"}


def test_near_duplicate_skills_join_the_existing_one_and_say_so(client_as, staff_member):
    Skill.objects.create(name="Video editing", curated=True)

    response = client_as(staff_member).post(
        EDIT, form_data(can_teach="VIDEO  EDITING, video-editing"), follow=True
    )

    assert Skill.objects.filter(key="video editing").count() == 1
    assert staff_member.profile.profile_skills.get().skill.name == "Video editing"
    assert "We matched “VIDEO EDITING” to the existing “Video editing”" in (
        response.content.decode()
    )


def test_bad_input_is_explained_keeps_what_was_typed_and_saves_nothing(client_as, staff_member):
    client = client_as(staff_member)
    response = client.post(EDIT, form_data(job_title="x" * 151, can_teach="Opera singing"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Ensure this value has at most 150 characters" in html
    # Beside the field too, where the input's aria-describedby points.
    assert 'id="id_job_title_error" class="govuk-error-message"' in html
    assert "govuk-form-group--error" in html
    assert 'value="Opera singing"' in html
    profile = Profile.objects.get(user=staff_member)
    assert profile.job_title == "" and not profile.profile_skills.exists()


def test_html_and_script_in_every_text_field_is_shown_as_text(client_as, staff_member, other_staff):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    client_as(staff_member).post(
        EDIT,
        form_data(
            job_title=payload[:150],
            ask_me_about=payload,
            working_on=payload,
            can_teach=payload[:90],
            bio=f"**hi** {payload} [x](javascript:alert(1))",
            pronouns=payload[:40],
            team_name=payload[:150],
        ),
    )

    html = client_as(other_staff).get(f"/people/{staff_member.username}/").content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html  # shown, as text
    assert 'href="javascript:' not in html
    assert "<strong>hi</strong>" in html  # Markdown still works


def test_a_photo_is_resized_and_a_non_image_is_refused(client_as, staff_member):
    client = client_as(staff_member)

    refused = client.post(
        EDIT,
        form_data(
            photo=SimpleUploadedFile("me.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
        ),
    )
    assert "The photo must be a JPEG, PNG or WebP file" in refused.content.decode()
    assert not Profile.objects.get(user=staff_member).photo

    client.post(EDIT, form_data(photo=jpeg()))
    profile = Profile.objects.get(user=staff_member)
    with Image.open(profile.photo.open("rb")) as stored:
        assert stored.size == (300, 300)


def test_the_owner_can_confirm_their_details_are_still_right(client_as, staff_member):
    profile = make_profile(staff_member, job_title="Nurse")
    Profile.objects.filter(pk=profile.pk).update(
        updated_at=timezone.now() - timedelta(days=200),
        confirmed_at=timezone.now() - timedelta(days=200),
    )
    assert Profile.objects.stale().filter(pk=profile.pk).exists()
    client = client_as(staff_member)
    assert (
        "You have not checked your profile since"
        in client.get(f"/people/{staff_member.username}/").content.decode()
    )

    client.post(reverse("profiles:profile-confirm"))

    assert not Profile.objects.stale().filter(pk=profile.pk).exists()


def test_a_colleague_can_say_someone_has_left_and_the_owner_sees_it(
    client_as, staff_member, other_staff
):
    make_profile(staff_member, job_title="Nurse")
    url = reverse("profiles:correction-create", args=[staff_member.username])

    client_as(other_staff).post(url, {"kind": "left", "message": "Retired in May"})

    correction = ProfileCorrection.objects.get()
    assert correction.reported_by == other_staff
    owner = client_as(staff_member)
    assert "Retired in May" in owner.get(f"/people/{staff_member.username}/").content.decode()
    other = client_as(other_staff).post(
        reverse("profiles:correction-resolve", args=[correction.pk]), {"status": "done"}
    )
    assert other.status_code == 404  # only the owner (or an admin) closes it
    owner.post(
        reverse("profiles:correction-resolve", args=[correction.pk]), {"status": "dismissed"}
    )
    correction.refresh_from_db()
    assert correction.status == "dismissed" and correction.resolved_by == staff_member


def test_a_skill_page_shows_who_teaches_has_and_wants_it(client_as, council, staff_member):
    make_profile(staff_of(council, name="Chloe Dunn"), teach=["Video editing"])
    make_profile(staff_of(council, name="Dev Patel"), learn=["Video editing"])

    html = client_as(staff_member).get("/skills/video-editing/").content.decode()

    teach, _, rest = html.partition("Want to learn it")
    assert "Can teach it" in teach and "Chloe Dunn" in teach
    assert "Dev Patel" in rest
    assert "be the first to add this to your profile" in html  # nobody "has" it yet


def test_only_someone_who_can_teach_a_skill_is_offered_to_run_a_session_on_it(
    client, client_as, council
):
    chloe = staff_of(council, name="Chloe Dunn")
    dev = staff_of(council, name="Dev Patel")
    make_profile(chloe, teach=["Video editing"])
    make_profile(dev, has=["Video editing"])
    offer = "Run a session teaching video editing"

    assert offer in client_as(chloe).get("/skills/video-editing/").content.decode()
    assert offer not in client_as(dev).get("/skills/video-editing/").content.decode()
    assert offer not in client.get("/skills/video-editing/").content.decode()


def test_the_skill_index_counts_only_people_the_viewer_may_see(
    client, client_as, council, staff_member
):
    make_profile(staff_of(council, name="Chloe Dunn"), teach=["Video editing"])
    make_profile(
        staff_of(council, name="Eve Stone"),
        teach=["Video editing"],
        audience="public",
        skills_audience="public",
    )

    assert (
        'Video editing</a> <span class="govuk-body-s">(2 people)'
        in client_as(staff_member).get("/skills/").content.decode()
    )
    assert (
        'Video editing</a> <span class="govuk-body-s">(1 person)'
        in client.get("/skills/").content.decode()
    )


def test_existing_skills_are_suggested_as_you_type(client_as, staff_member):
    Skill.objects.create(name="Video editing", curated=True)
    Skill.objects.create(name="Excel")

    client = client_as(staff_member)
    assert client.get("/skills/_suggest/", {"q": "vid"}).json() == {
        "suggestions": ["Video editing"]
    }
    assert client.get("/skills/_suggest/", {"q": "vidoe editing"}).json()["suggestions"] == [
        "Video editing"
    ]


def test_merging_skills_moves_everyone_and_remembers_the_old_name(council):
    a = make_profile(staff_of(council), teach=["Phone video"])
    b = make_profile(staff_of(council), teach=["Video editing"], has=["Phone video"])
    phone, editing = Skill.objects.get(name="Phone video"), Skill.objects.get(name="Video editing")

    services.merge_skills(source=phone, target=editing)

    assert not Skill.objects.filter(pk=phone.pk).exists()
    assert a.profile_skills.get().skill == editing
    assert set(b.profile_skills.values_list("relation", "skill__name")) == {
        ("teach", "Video editing"),
        ("has", "Video editing"),
    }
    assert SkillAlias.objects.get(key="phone video").skill == editing
    resolved = services.resolve_skills(names=["phone  VIDEO"], kind="skill")
    assert resolved.skills == [editing]


def test_team_and_building_pages_list_the_people_who_share_them(client_as, council, staff_member):
    chloe = make_profile(staff_of(council, name="Chloe Dunn"), team="Housing", place="Civic Hall")
    make_profile(
        staff_of(council, name="Hidden Person"),
        team="Housing",
        place="Civic Hall",
        location_audience="organisation",
    )
    community = UserFactory()

    html = client_as(staff_member).get(chloe.team.get_absolute_url()).content.decode()
    assert "Chloe Dunn" in html and "Hidden Person" in html
    html = client_as(community).get(chloe.place.get_absolute_url()).content.decode()
    assert "Chloe Dunn" not in html  # workplaces are for partner staff by default


def test_you_see_who_can_teach_what_you_want_to_learn_nearest_first(
    client_as, council, staff_member
):
    me = make_profile(
        staff_member, learn=["Video editing", "Excel"], team="Housing", place="Civic Hall"
    )
    make_profile(staff_of(council, name="Far Away"), teach=["Video editing"])
    make_profile(staff_of(council, name="Same Team"), teach=["Video editing"], team="Housing")
    make_profile(staff_of(council, name="Both Skills"), teach=["Video editing", "Excel"])

    response = client_as(staff_member).get(me.get_absolute_url())

    teachers = [view.profile.user.name for view in response.context["teachers"]]
    assert teachers == ["Both Skills", "Same Team", "Far Away"]


def test_completeness_names_the_next_most_useful_thing(client_as, staff_member):
    make_profile(staff_member, teach=["Excel"])

    response = client_as(staff_member).get(f"/people/{staff_member.username}/")

    assert response.context["next_step"].label == "Say what people can ask you about"
    assert 0 < response.context["completeness"] < 100


# --- query budgets: the same number of queries whatever the size of the data -------------


def queries(client, url) -> int:
    return cold_queries(client, url)


def grow(council, n):
    for i in range(n):
        make_profile(
            staff_of(council, name=f"Person {i}"),
            teach=["Excel", f"Skill {i}"],
            learn=["Video editing"],
            team=f"Team {i % 3}",
            place="Civic Hall",
        )


@pytest.mark.parametrize(
    "url",
    [
        "/people/",
        "/people/?q=excel",
        "/people/?q=exel+skil",
        "/skills/",
        "/skills/excel/",
        "/people/places/civic-hall/",
        "PROFILE",
    ],
)
def test_pages_run_a_fixed_number_of_queries(
    client_as, council, staff_member, url, django_assert_max_num_queries
):
    me = make_profile(staff_member, teach=["Video editing"], learn=["Excel"], place="Civic Hall")
    url = me.get_absolute_url() if url == "PROFILE" else url
    client = client_as(staff_member)
    grow(council, 3)
    small = queries(client, url)
    grow(council, 25)
    large = queries(client, url)

    assert large == small
    with page_budget(11):  # your own profile: 10, and the thanks you chose to show
        client.get(url)


def test_a_skill_many_people_teach_shows_the_newest_and_leads_to_all_of_them(
    client_as, council, staff_member
):
    from profiles.selectors import SKILL_PAGE_PEOPLE

    teachers = [
        make_profile(staff_of(council, name=f"Teacher {n:02d}"), teach=["Excel"])
        for n in range(SKILL_PAGE_PEOPLE + 3)
    ]
    make_profile(staff_of(council, name="Only Learner"), learn=["Excel"])
    client = client_as(staff_member)

    page = client.get(reverse("skill-detail", args=["excel"])).content.decode()

    newest = [p.user.name for p in teachers[-SKILL_PAGE_PEOPLE:]]
    assert [n for n in newest if n not in page] == []
    assert "Teacher 00" not in page and "Teacher 02" not in page  # the earliest three
    assert f"The {SKILL_PAGE_PEOPLE} who added it most recently." in page
    assert "/people/?skill=excel&amp;teaches=on" in page
    assert "Only Learner" in page and "Want to learn it <span" in page  # a small section: counted
    directory = client.get("/people/?skill=excel&teaches=on").content.decode()
    assert "Teacher 00" in directory  # everyone is in the directory
