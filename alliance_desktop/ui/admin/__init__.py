"""Administration screens (role admin): staff accounts, clinic settings, instruments, kiosk PIN, audit log."""
