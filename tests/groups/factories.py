"""Groups and events for tests, made through the same services the site uses."""

from datetime import timedelta

from django.utils import timezone

from groups import services


def make_group(organiser, *, name="Lunchtime choir", audience="community", **fields):
    fields.setdefault("summary", "We sing at lunch")
    if audience == "organisation":
        fields.setdefault("audience_organisation", organiser.organisation)
    return services.create_group(created_by=organiser, name=name, audience=audience, **fields)


def make_event(group, *, days=7, hours=1, title="Rehearsal", **fields):
    starts = timezone.now() + timedelta(days=days)
    return services.create_event(
        group=group,
        created_by=group.created_by,
        title=title,
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        **fields,
    )
