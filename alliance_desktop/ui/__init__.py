"""Qt views. They get what they show from services and never touch the database."""
