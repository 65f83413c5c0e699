"""portcheck's built-in checks, one module per area."""
