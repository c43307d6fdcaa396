"""`make bench`: the pages under load against a trivial view; see run.py."""
