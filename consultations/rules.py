"""Who may do what with the consultations. Outsiders get 404 from the views."""

import rules

from kulturportal.rules import is_regional_official


@rules.predicate
def answers_for(user, respondent) -> bool:
    from consultations.services import may_answer_for

    return user.is_authenticated and respondent is not None and may_answer_for(user, respondent)


# A representative writes and submits his own organisation's response; anyone with a
# municipal role answers for the municipality (usually the culture chief).
rules.add_perm("consultations.answer_for", answers_for)
rules.add_perm("consultations.manage", is_regional_official)
