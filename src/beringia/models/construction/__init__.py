"""The construction model: compile the scenario's construction section, run it, summarise it."""
