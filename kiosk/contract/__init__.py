"""What the terminal and the reference server share: shapes and rules on both sides of the wire."""
