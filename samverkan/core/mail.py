"""The e-mails Samverkan sends and each user's choice of them.

Every kind is on until the user turns it off on `/konto/epost/`; nobody without an e-mail
address, or whose account is inactive, gets any. The apps that send (plans' reminders, the
notices app's digests and återkoppling) ask `wants_mail` before each e-mail.
"""

from django.utils.translation import gettext_noop as N_

FOLLOW_UP = "uppfoljning"
EST_WEEK = "est-vecka"
FEEDBACK = "aterkoppling"
STEERING = "styrgrupp"

# (kind, what the user chooses, in Swedish; translated where it is shown)
MAIL_KINDS = [
    (FOLLOW_UP, N_("Påminnelser om uppföljning som är försenad eller snart ska rapporteras")),
    (EST_WEEK, N_("EST-veckan när mötet är stängt: beslut och åtgärder (till EST-gruppen)")),
    (FEEDBACK, N_("Återkoppling: vad som blev av platserna och situationerna jag rapporterat")),
    (STEERING, N_("Inför styrgruppens möte: ändrad status, försenade åtaganden, nya problem")),
]
KINDS = {kind for kind, _label in MAIL_KINDS}


def wants_mail(user, kind: str) -> bool:
    """Whether ``user`` gets e-mail of ``kind`` (one of MAIL_KINDS)."""
    if kind not in KINDS:
        raise ValueError(f"unknown mail kind {kind!r}")
    return bool(user.is_active and user.email) and kind not in (user.mail_off or [])
