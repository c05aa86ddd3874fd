"""Widgets shared by the kiosk and the staff views."""
