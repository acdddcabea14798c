from django.test import Client

from tests.stories.factories import write


def test_a_public_story_reads_for_anyone_with_comments(staff_member, client_as, community_member):
    story = write(staff_member, tags=["User research"])
    page = Client().get(story.get_absolute_url())
    assert page.status_code == 200, page.content[:500]
    assert b"What we learned" in page.content
    listed = Client().get("/stories/")
    assert story.title.encode() in listed.content
    reply = client_as(community_member).post(
        f"/forums/t/{story.thread_id}-{story.thread.slug}/reply/", {"body": "Lovely story"}
    )
    assert reply.status_code == 302, reply.content[:1000]
    follow = client_as(community_member).get(reply["Location"], follow=True)
    assert b"Lovely story" in follow.content or b"moderator" in follow.content
