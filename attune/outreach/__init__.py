"""Consultation, workforce training, the team's training register and outreach work."""
