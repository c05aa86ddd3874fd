"""Qt views for clinic staff."""
