"""Commands for testers and staff: drive, smoke, web, questionnaire check/fill/validate."""
