"""Who may do what in the follow-up. Outsiders get 404 from the views."""

import rules

from kulturportal.rules import is_regional_official, represents_organisation

# A representative writes and submits his own organisation's annual report; the regional
# officials manage decisions and rounds and review every submitted report (never a draft).
rules.add_perm("followup.report_for", represents_organisation)
rules.add_perm("followup.manage", is_regional_official)
