"""JSON Resume: export (writer.py) and import (importer.py), checked against the official schema."""
