"""Workflows of the shared core. Each owns its transaction; e-mail goes after commit."""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import ProtectedError
from django.db.models.deletion import Collector
from django.urls import reverse
from django.utils import timezone

from kulturportal import audit
from kulturportal.caching import invalidate_public_pages_on_commit
from kulturportal.emails import send_templated_email
from kulturportal.models import Municipality, Organisation, RoleAssignment, RoleInvitation, User


class InvitationUnusable(Exception):
    """The invitation link cannot be used; `reason` says why, for the page."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@transaction.atomic
def invite_to_role(
    *,
    actor: User,
    email: str,
    role: str,
    municipality: Municipality | None = None,
    organisation: Organisation | None = None,
) -> RoleInvitation:
    key, key_hash = RoleInvitation.new_key()
    invitation = RoleInvitation.objects.create(
        email=email.lower(),
        role=role,
        municipality=municipality,
        organisation=organisation,
        key_hash=key_hash,
        invited_by=actor,
        expires_at=RoleInvitation.default_expiry(),
    )
    existing = User.objects.filter(email__iexact=email).first()
    send_templated_email(
        to=invitation.email,
        name="emails/role_invitation",
        context={
            "invitation": invitation,
            "invited_by": actor,
            "url": settings.SITE_URL + reverse("accept_invitation", args=[key]),
            "valid_days": settings.ROLE_INVITATION_VALID_DAYS,
        },
        language=existing.preferred_language if existing else "sv",
    )
    audit.record(
        "role.invited",
        invitation,
        details={"email": invitation.email, "role": role, "scope": str(invitation.scope() or "")},
        actor=actor,
    )
    return invitation


def find_usable_invitation(key: str, *, for_update: bool = False) -> RoleInvitation:
    invitations = RoleInvitation.objects.find_by_key(key)
    if for_update:
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.first()
    if invitation is None:
        raise InvitationUnusable("unknown")
    if invitation.accepted_at:
        raise InvitationUnusable("used")
    if invitation.is_expired():
        raise InvitationUnusable("expired")
    return invitation


@transaction.atomic
def accept_invitation(
    *,
    key: str,
    actor: User | None,
    first_name: str = "",
    last_name: str = "",
    password: str = "",
) -> User:
    """Give the role to the person following the link (`actor`, logged in), or to a new
    account made from the name and password (`actor` None)."""
    invitation = find_usable_invitation(key, for_update=True)
    user = audit.person(actor)
    if user is None:
        user = User.objects.create_user(
            email=invitation.email,
            password=password,
            first_name=first_name,
            last_name=last_name,
        )
    # Following the link proves the address belongs to this person.
    EmailAddress.objects.update_or_create(
        user=user,
        email=invitation.email,
        defaults={
            "verified": True,
            "primary": not EmailAddress.objects.filter(user=user, primary=True)
            .exclude(email=invitation.email)
            .exists(),
        },
    )
    RoleAssignment.objects.get_or_create(
        user=user,
        role=invitation.role,
        municipality=invitation.municipality,
        organisation=invitation.organisation,
        ends_on=None,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    audit.record("role.accepted", invitation, details={"role": invitation.role}, actor=user)
    invalidate_public_pages_on_commit()  # a new culture chief shows on the municipality page
    return user


class AccountInUse(Exception):
    """The account is still responsible for things that must be handed over first."""

    def __init__(self, blockers: list[str]):
        super().__init__(", ".join(blockers))
        self.blockers = blockers


def account_blockers(user: User) -> list[str]:
    """What keeps the account from being deleted (e.g. meetings the person organises).

    Asked of the database's own protection rules, so each app's PROTECT foreign keys count
    without the core knowing the apps.
    """
    collector = Collector(using="default")
    try:
        collector.collect([user])
    except ProtectedError as error:
        return sorted(
            f"{str(obj._meta.verbose_name).capitalize()}: {obj}" for obj in error.protected_objects
        )
    return []


@transaction.atomic
def delete_account(*, user: User, actor: User | None) -> None:
    """Remove the person and their roles; invitations they sent keep no link to them.
    `actor` is the person themself, an official, or None for the retention task."""
    blockers = account_blockers(user)
    if blockers:
        raise AccountInUse(blockers)
    # The entry keeps who it was as text: the account and its link are gone.
    audit.record(
        "account.deleted",
        user,
        actor=actor,
        actor_label=f"{user.get_full_name()} <{user.email}>" if actor == user else "",
    )
    user.delete()
    invalidate_public_pages_on_commit()
