"""fuzzystrmatch's levenshtein: how far a search is from a skill's name (``spelled_like``)."""

from django.contrib.postgres.operations import CreateExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("profiles", "0008_home_matches")]

    operations = [CreateExtension("fuzzystrmatch")]
