"""One module per schema revision of the drafts database."""
