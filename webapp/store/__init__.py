"""The database: models, migrations, and the only modules that query."""
