"""The bad-input suite: hostile files, generators for the big ones, and the table of expected refusals."""
