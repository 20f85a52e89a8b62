"""Data tables shipped as package data (`migrator.mappings`), each with its source."""
