"""The command line; the only place where errors become messages and exit codes."""
