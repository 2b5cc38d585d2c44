"""Small shared libraries: plain modules, not an app."""
