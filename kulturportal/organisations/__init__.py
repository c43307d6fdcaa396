"""Organisations signing up, and people asking to represent one: the services, the pages
(`/organisationer/…`), the forms, the panel on Min sida and the e-mails. The models
(Organisation, MembershipRequest, BodyMembership) live in kulturportal.models, where the
migrations know them."""
