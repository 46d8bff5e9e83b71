"""Load and speed measurements (make bench, make bench-sims); not part of the site or the tests."""
