"""Outcome measures: instruments as versioned data, pure scoring, administrations and change."""
