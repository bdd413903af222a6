"""The CV data model: what a valid CV is, and the JSON Schema editors check it against."""

ALL_VARIANTS = "all"  # the full CV and every variant; here so light modules can name it
