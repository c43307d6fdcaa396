"""The consultations' workflows, a module per thing a newcomer can name (as pretix's
base/services/):

- rounds: a round and its questions;
- respondents: who answers for whom, and the response each writes;
- responding: drafts written together, attachments, submission, withdrawal;
- numbering: registration numbers, gap-free;
- receipts: the receipt's PDF and e-mail, from a task after the commit;
- publication: published responses with personal data redacted, and the report;
- analysis: tags, notes and dispositions;
- invitation: whom a round reaches, and the invitation;
- board: the referral board and the daily reminder to the missing.

Each write owns its transaction, takes the person it acts for (`actor`) and writes the
audit log. The public names are re-exported here: `services.submit(…)`.
"""

from consultations.services.analysis import (
    add_note,
    set_disposition,
    set_tags,
)
from consultations.services.board import (
    OTHER_ADDRESSEES,
    referral_board,
    remind_missing,
)
from consultations.services.invitation import (
    Invitee,
    audience_organisations,
    invite,
    invitees,
    unreachable,
)
from consultations.services.numbering import (
    take_registration_number,
)
from consultations.services.publication import (
    FINDING_LABELS,
    ResponsesNotPublished,
    known_names,
    names_by_respondent,
    publication_preview,
    publish_report,
    publish_responses,
    published_content,
    published_contents,
    review_publication,
)
from consultations.services.receipts import (
    queue_receipts,
    send_receipts,
    submissions_missing_receipts,
    sweep_receipts,
)
from consultations.services.respondents import (
    ANSWERS_FOR_MUNICIPALITY,
    existing_or_new,
    form_url,
    may_answer_for,
    people_of,
    respondents_for,
    response_for,
)
from consultations.services.responding import (
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    AnswersConflict,
    Conflict,
    FilesRefused,
    NothingNewToSubmit,
    NotSubmitted,
    OrganisationPending,
    Posted,
    RequiredMissing,
    ResponseWithdrawn,
    TooManyAttachments,
    add_attachment,
    frozen_content,
    missing_required,
    remove_attachment,
    save_and_submit,
    save_answers,
    submit,
    withdraw,
)
from consultations.services.rounds import (
    RoundClosed,
    RoundNotOpen,
    RoundStarted,
    RoundStillOpen,
    add_document,
    create_round,
    delete_question,
    referral_addressees,
    save_question,
    save_round,
)
from kulturportal.boards import AlreadyReminded, NoOneToRemind

__all__ = [
    "ANSWERS_FOR_MUNICIPALITY",
    "FINDING_LABELS",
    "MAX_ATTACHMENTS",
    "MAX_ATTACHMENT_BYTES",
    "OTHER_ADDRESSEES",
    "AlreadyReminded",
    "AnswersConflict",
    "Conflict",
    "FilesRefused",
    "Invitee",
    "NoOneToRemind",
    "NotSubmitted",
    "NothingNewToSubmit",
    "OrganisationPending",
    "Posted",
    "RequiredMissing",
    "ResponseWithdrawn",
    "ResponsesNotPublished",
    "RoundClosed",
    "RoundNotOpen",
    "RoundStarted",
    "RoundStillOpen",
    "TooManyAttachments",
    "add_attachment",
    "add_document",
    "add_note",
    "audience_organisations",
    "create_round",
    "delete_question",
    "existing_or_new",
    "form_url",
    "frozen_content",
    "invite",
    "invitees",
    "known_names",
    "may_answer_for",
    "missing_required",
    "names_by_respondent",
    "people_of",
    "publication_preview",
    "publish_report",
    "publish_responses",
    "published_content",
    "published_contents",
    "queue_receipts",
    "referral_addressees",
    "referral_board",
    "remind_missing",
    "remove_attachment",
    "respondents_for",
    "response_for",
    "review_publication",
    "save_and_submit",
    "save_answers",
    "save_question",
    "save_round",
    "send_receipts",
    "set_disposition",
    "set_tags",
    "submissions_missing_receipts",
    "submit",
    "sweep_receipts",
    "take_registration_number",
    "unreachable",
    "withdraw",
]
