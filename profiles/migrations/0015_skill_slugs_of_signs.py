"""A skill named by signs alone ("&", "+") had no address, and its page no link (a 500 on
every page naming it): give each such one the address ``Skill.slugify`` now gives."""

import re

from django.db import migrations
from django.utils.text import slugify

from profiles.vocabulary import skill_key

EMPTY = re.compile(r"^[_\-0-9]*$")


def address_each(apps, schema_editor):
    Skill = apps.get_model("profiles", "Skill")
    taken = set(Skill.objects.values_list("slug", flat=True))
    for skill in Skill.objects.all().only("pk", "name", "slug"):
        if not EMPTY.match(skill.slug):
            continue
        key = skill_key(skill.name).replace("+", " plus ").replace("#", " sharp ")
        base = slugify(key) or "skill"
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}_{n}"
        taken.add(slug)
        Skill.objects.filter(pk=skill.pk).update(slug=slug)


class Migration(migrations.Migration):
    dependencies = [("profiles", "0014_buddies_and_start_dates")]

    operations = [migrations.RunPython(address_each, migrations.RunPython.noop)]
