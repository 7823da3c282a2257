"""Parameter docs generated from the specs, so the pages readers use never drift from the tests."""
