"""Producers, products and dossiers (built out by the dossier issue)."""
