from django.core.management.base import BaseCommand
from django.db import transaction

from profiles.holdings import recount_all
from profiles.models import SkillCount


class Command(BaseCommand):
    help = (
        "Write who may see each skill someone holds, and how many people each audience sees "
        "hold each skill (the skills index), from scratch. For after a bulk load that went "
        "round the services; the site keeps both exact itself."
    )

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            recount_all()
        self.stdout.write(f"{SkillCount.objects.count():,} counts written.")
