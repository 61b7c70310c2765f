"""The database layer: pool, SQL files, migrations, the embedded server. Imports no capability."""
