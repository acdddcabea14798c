"""A tiny model used only by the tests of the audience rule (sociable/audience.py).

A ``Notice`` carries an audience, and a ``Circle`` stands in for a group so the
``members`` audience can be exercised without depending on a real app.
"""

from django.conf import settings
from django.db import models

from sociable.audience import AudienceModel, AudienceQuerySet


class Circle(models.Model):
    name = models.CharField(max_length=50)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True)

    def __str__(self) -> str:
        return self.name


class NoticeQuerySet(AudienceQuerySet):
    group_field = "circle"
    member_groups = "SELECT circle_id FROM audience_app_circle_members WHERE user_id = %s"


class Notice(AudienceModel):
    title = models.CharField(max_length=100)
    circle = models.ForeignKey(Circle, null=True, blank=True, on_delete=models.CASCADE)

    objects = NoticeQuerySet.as_manager()

    class Meta(AudienceModel.Meta):
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def has_member(self, user) -> bool:
        return self.circle is not None and self.circle.members.filter(pk=user.pk).exists()
