"""Client-facing kiosk views; may use only the kiosk-facing services."""
