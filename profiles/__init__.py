"""Go-live profiles (YAML data, one per merchant type)."""
