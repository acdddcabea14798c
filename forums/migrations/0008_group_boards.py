"""Every group has its own board (forums/group_boards.py): groups made before boards came
with them get one now, with the group's name and audience."""

from django.db import migrations


def make_boards(apps, schema_editor):
    Group = apps.get_model("groups", "Group")
    Board = apps.get_model("forums", "Board")
    taken = set(Board.objects.values_list("slug", flat=True))
    taken |= {"t", "p", "follow", "search", "moderation"}  # the forums' own pages (0008's)
    for group in Group.objects.filter(board__isnull=True).iterator():
        slug, n = group.slug, 1
        while slug in taken:
            n += 1
            slug = f"{group.slug}-{n}"
        taken.add(slug)
        Board.objects.create(
            group=group,
            name=group.name[:120],
            slug=slug,
            description=f"Between meetings of {group.name}: questions, notes and photos."[:300],
            audience=group.audience,
            audience_organisation_id=group.audience_organisation_id,
            position=1000,  # after the site's own boards
        )


class Migration(migrations.Migration):
    dependencies = [
        ("forums", "0007_post_board_audience"),
        ("groups", "0003_event_group_audience_copies"),
    ]

    operations = [migrations.RunPython(make_boards, migrations.RunPython.noop)]
