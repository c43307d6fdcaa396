"""The dialogue's pages, a module per area: the public side, networks, and the officials'
planning, audience, sending, replies and minutes; and the invitee's reply page."""
