"""The one audience rule: who can see what.

Every profile field, group, event, board and thread has an audience::

    public < community < staff < organisation < members

- ``public``: anyone, signed in or not;
- ``community``: any signed-in account (sign-in requires a verified email);
- ``staff``: people who work for any partner organisation;
- ``organisation``: people who work for one named organisation;
- ``members``: members of one group (the model says how membership is found).

Lists use ``Model.objects.visible_to(user)`` (an ``AudienceQuerySet``), and lists of rows
that point at such a model ``Model.objects.visible_q(user, prefix)``; hand-written SQL
(home's reads) uses ``Model.objects.visible_sql(user, alias)``; single
objects use ``obj.is_visible_to(user)``; plain values with an audience (a profile
field) use ``can_see``. Nothing else in the code decides visibility.
Moderators see what they moderate: the forums add that on top, not here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import BooleanField, Expression, F, Q

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    Viewer = AbstractBaseUser | AnonymousUser


class Audience(models.TextChoices):
    PUBLIC = "public", "Everyone, including people who are not signed in"
    COMMUNITY = "community", "Anyone signed in, including community members"
    STAFF = "staff", "Staff of any partner organisation"
    ORGANISATION = "organisation", "Staff of one organisation"
    MEMBERS = "members", "Members of the group only"


# From the widest audience to the narrowest.
WIDEST_FIRST = (
    Audience.PUBLIC,
    Audience.COMMUNITY,
    Audience.STAFF,
    Audience.ORGANISATION,
    Audience.MEMBERS,
)


def narrower(one: str, other: str) -> str:
    """The narrower of two audiences: what something shown to both may show."""
    return max(one, other, key=WIDEST_FIRST.index)


def _is_signed_in(user: Viewer | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def open_audiences(user: Viewer | None) -> list[str]:
    """Return the audiences this person belongs to whatever the object (no org or group)."""
    if not _is_signed_in(user):
        return [Audience.PUBLIC]
    if getattr(user, "organisation_id", None) is None:
        return [Audience.PUBLIC, Audience.COMMUNITY]
    return [Audience.PUBLIC, Audience.COMMUNITY, Audience.STAFF]


def shared_audience(user: Viewer | None) -> str | None:
    """The audience whose members all see exactly what ``user`` sees, or None.

    People who are not signed in see public things and nothing else, so a page rendered
    for one of them may be shown to all of them (sociable/pagecache.py). What a signed-in
    person sees depends on who they are: their organisation, their groups, their own rows.
    """
    return None if _is_signed_in(user) else Audience.PUBLIC.value


def audience_key(user: Viewer | None) -> str:
    """Name what ``user`` sees of things whose audience is never ``members``.

    Everyone with the same key sees the same of those (profiles, for one): what is shown to
    the public, to the community, to staff and to their own organisation. Things a group's
    members see, and the extras moderators see, are not covered by it.
    """
    if not _is_signed_in(user):
        return Audience.PUBLIC.value
    organisation_id = getattr(user, "organisation_id", None)
    if organisation_id is None:
        return Audience.COMMUNITY.value
    return f"{Audience.ORGANISATION.value}:{organisation_id}"


def can_see(
    user: Viewer | None,
    audience: str,
    *,
    organisation_id: int | None = None,
    is_member: bool = False,
) -> bool:
    """Whether ``user`` may see something shown to ``audience``.

    ``organisation_id`` is the organisation an ``organisation`` audience means;
    ``is_member`` whether the user belongs to the group a ``members`` audience means.
    """
    if audience in open_audiences(user):
        return True
    if not _is_signed_in(user):
        return False
    if audience == Audience.ORGANISATION:
        own = getattr(user, "organisation_id", None)
        return own is not None and own == organisation_id
    if audience == Audience.MEMBERS:
        return is_member
    return False


def audience_sql(
    user: Viewer | None,
    *,
    audience: str,
    organisation: str,
    group: str | None = None,
    member_groups: str = "",
) -> tuple[str, list]:
    """The audience rule as an SQL condition: ``user`` may see the row. Returns the SQL and
    its parameters.

    ``audience`` and ``organisation`` are the SQL of the row's audience and of the
    organisation an ``organisation`` audience means; ``group`` the SQL of the pk of the
    group whose members see a ``members`` row, and ``member_groups`` SQL for the pks of the
    groups a person (its one parameter) is a member of. Without ``group``, ``members`` rows
    are visible to nobody.
    """
    audiences = open_audiences(user)
    sql = f"{audience} IN ({', '.join(['%s'] * len(audiences))})"
    params: list = list(audiences)
    if _is_signed_in(user):
        organisation_id = getattr(user, "organisation_id", None)
        if organisation_id is not None:
            sql += f" OR ({audience} = %s AND {organisation} = %s)"
            params += [Audience.ORGANISATION.value, organisation_id]
        if group is not None:
            sql += f" OR ({audience} = %s AND {group} IN ({member_groups}))"
            params += [Audience.MEMBERS.value, user.pk]
    return f"({sql})", params


class AudienceMatch(Expression):
    """``audience_sql`` as a filter for the ORM (``audience_q``), its columns found as any
    filter's are: through joins, by the ``field`` paths.

    Django builds and compiles it in a third of the time it takes for the same rule written
    as a tree of lookups and an ``Exists``, and every list, feed and search of the site
    carries it.
    """

    conditional = True
    output_field = BooleanField()

    def __init__(
        self,
        user: Viewer | None,
        *,
        field: str,
        organisation_field: str,
        members: tuple[str, str] | None = None,
    ):
        super().__init__()
        self.user = user
        self.member_groups = members[1] if members else ""
        # Only the columns the rule reads for this user: each costs a path lookup.
        signed_in = _is_signed_in(user)
        self.columns = {"audience": F(field)}
        if signed_in and getattr(user, "organisation_id", None) is not None:
            self.columns["organisation"] = F(f"{organisation_field}_id")
        if signed_in and members:
            self.columns["group"] = F(members[0])

    def get_source_expressions(self):
        return list(self.columns.values())

    def set_source_expressions(self, exprs):
        self.columns = dict(zip(self.columns, exprs, strict=True))

    def as_sql(self, compiler, connection):
        columns = {name: compiler.compile(column)[0] for name, column in self.columns.items()}
        return audience_sql(
            self.user,
            audience=columns["audience"],
            organisation=columns.get("organisation", ""),
            group=columns.get("group"),
            member_groups=self.member_groups,
        )


def audience_q(
    user: Viewer | None,
    *,
    field: str = "audience",
    organisation_field: str = "audience_organisation",
    members: tuple[str, str] | None = None,
) -> Q:
    """Return a filter matching rows whose audience includes ``user``.

    ``members`` says who is a member of a ``members`` row's group: the path from the row to
    the group's pk, and SQL for the pks of the groups a person (its one parameter) belongs
    to. Without it, ``members`` rows are visible to nobody.
    """
    return Q(
        AudienceMatch(user, field=field, organisation_field=organisation_field, members=members)
    )


class AudienceQuerySet(models.QuerySet):
    """A queryset whose rows each carry an audience.

    Subclasses that support the ``members`` audience set ``group_field`` and
    ``member_groups``.
    """

    audience_field = "audience"
    organisation_field = "audience_organisation"
    #: The path from a row to the pk of the group whose members see it when its audience is
    #: ``members`` ("pk" for a group itself); None when no row has that audience.
    group_field: str | None = None
    #: SQL for the pks of the groups a person (its one parameter, ``%s``) is a member of.
    member_groups = ""

    def visible_q(self, user: Viewer | None, prefix: str = "") -> Q:
        """Return a filter matching rows ``user`` may see, for a query of this model or, with
        ``prefix`` (``"event__group__"``), of rows that point at one of them.

        The same rule as ``visible_to``: reading the audience through a join the query makes
        anyway (to show the group's name, say) spares the database a subquery of every
        visible row.
        """
        members = None
        if self.group_field is not None:
            members = (f"{prefix}{self.group_field}", self.member_groups)
        return audience_q(
            user,
            field=f"{prefix}{self.audience_field}",
            organisation_field=f"{prefix}{self.organisation_field}",
            members=members,
        )

    def visible_to(self, user: Viewer | None) -> AudienceQuerySet:
        return self.filter(self.visible_q(user))

    def visible_sql(self, user: Viewer | None, alias: str) -> tuple[str, list]:
        """``visible_q`` for hand-written SQL: the rule as a condition on the columns of this
        model's table, read under ``alias``. Returns the SQL and its parameters.

        Only for models whose audience, organisation and group are columns of their own
        table (groups, boards), not reached through a join (profiles: ``user__organisation``).
        """
        opts = self.model._meta

        def column(name: str) -> str:
            field = opts.pk if name == "pk" else opts.get_field(name)
            return f"{alias}.{field.column}"

        return audience_sql(
            user,
            audience=column(self.audience_field),
            organisation=column(self.organisation_field),
            group=column(self.group_field) if self.group_field else None,
            member_groups=self.member_groups,
        )


class AudienceModel(models.Model):
    """Fields and checks for a model whose rows each have an audience."""

    audience = models.CharField(max_length=20, choices=Audience.choices, default=Audience.COMMUNITY)
    audience_organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The organisation, when the audience is one organisation's staff.",
    )

    objects = AudienceQuerySet.as_manager()

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(audience=Audience.ORGANISATION, audience_organisation__isnull=False)
                    | (~Q(audience=Audience.ORGANISATION) & Q(audience_organisation__isnull=True))
                ),
                name="%(app_label)s_%(class)s_audience_organisation",
            ),
        ]

    def has_member(self, user: Viewer) -> bool:
        """Whether ``user`` belongs to this row's group; models with a members audience say."""
        return False

    def is_visible_to(self, user: Viewer | None) -> bool:
        return can_see(
            user,
            self.audience,
            organisation_id=self.audience_organisation_id,
            is_member=(
                self.audience == Audience.MEMBERS and _is_signed_in(user) and self.has_member(user)
            ),
        )
