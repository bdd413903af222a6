"""The CV data model: what a valid CV is, and the JSON Schema editors check it against."""
