"""The consultations' pages, a module per area: the public pages, responding, and the
officials' rounds, review and outreach (invitation, board, publication, report)."""
