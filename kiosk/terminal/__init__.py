"""The lobby terminal itself: lock-down, idle wipe, memory, logs, staff PIN, visitor preferences."""
