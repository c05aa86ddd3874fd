"""Encrypted storage: SQLCipher engine, key wrapping, tables, migrations, repositories.

Repositories hand ``core`` value objects upwards, never ORM rows.
"""
