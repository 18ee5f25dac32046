"""Commands of the nightly service: schedule."""
