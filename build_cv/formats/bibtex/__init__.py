"""The BibTeX writer: every publication of a (selected) CV as clean BibTeX."""
