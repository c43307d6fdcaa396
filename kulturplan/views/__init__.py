"""The plan's pages, a module per area: the plan on the web, the priorities overview, a
culture chief's priorities, and the officials' management and completion board."""
